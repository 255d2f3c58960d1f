"""Pausing the cyclic garbage collector while many objects that form no cycles are built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while building many objects that form no cycles.

    Decoding a large store allocates millions of objects, each batch of them nudging the collector into passes
    that find nothing to free (bench/bench_dashboard.py and bench_import_report.py measure the difference). Once
    loaded, a long-lived process freezes what it keeps (`gc.freeze`, in the dashboard), so later full collections
    do not scan it again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""Pausing the cyclic garbage collector while many objects that form no cycles are built, then freezing them."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while building many objects that form no cycles, and freeze them.

    Decoding a large store allocates millions of objects, each batch of them nudging the collector into passes
    that find nothing to free; once built, `gc.freeze` keeps every later full collection from scanning them again,
    so none stalls a key press while the dashboard reloads (bench/bench_dashboard.py). Reference counting still
    frees them when they go.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()

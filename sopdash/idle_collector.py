"""Full garbage collections only while the technician is not typing.

CPython starts a full collection by itself once enough objects have survived the young generations,
and with a large store that is soon after every load: the tickets' change records are a few hundred
thousand tracked objects (50,000 tickets), and scanning them holds the interpreter for about a third
of a second, so a key pressed then waits. The dashboard leaves the young generations to CPython and
runs the full collection itself, when no key has come for a few seconds.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from time import monotonic

IDLE_S = 3.0  # no input for this long: a pause the technician will not notice
EVERY_S = 60.0  # at most one full collection a minute, however long the pause
_NEVER = 1 << 30


class IdleCollector:
    """Holds off CPython's own full collections between `start` and `stop`, and runs them in pauses."""

    def __init__(self, clock: Callable[[], float] = monotonic) -> None:
        self._clock = clock
        self._last_input = self._last_collection = clock()
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Take over full collections from CPython."""
        self._thresholds = gc.get_threshold()
        gc.set_threshold(self._thresholds[0], self._thresholds[1], _NEVER)

    def stop(self) -> None:
        """Give full collections back to CPython."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def input_seen(self) -> None:
        """A key or a click arrived: not a pause."""
        self._last_input = self._clock()

    def collect_if_idle(self) -> bool:
        """Run a full collection if input has paused, one is due as CPython would count it, and the last was
        a while ago; returns whether it ran."""
        now = self._clock()
        due = self._thresholds is not None and gc.get_count()[2] >= self._thresholds[2]
        if not due or now - self._last_input < IDLE_S or now - self._last_collection < EVERY_S:
            return False
        gc.collect()
        self._last_collection = self._clock()
        return True

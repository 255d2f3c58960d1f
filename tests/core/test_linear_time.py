"""Scrubbing and matching client text takes time linear in its length: no input freezes the dashboard or a report.

Each function runs on hostile megabyte inputs (the shapes that made the old patterns rescan a run at every
position); the test fails if one input takes more than a few times what a plain megabyte of text takes in
the same run, or if the whole check runs past an alarm.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import pytest

from sopdash.core.courtesy import advise
from sopdash.core.model import Requester
from sopdash.core.satisfaction import answer
from sopdash.core.privacy import scrub_text
from sopdash.core.sensitive import find_sensitive
from sopdash.core.text import one_line, printable

MB = 1_000_000
HOSTILE = {
    "one long word": "a" * MB,
    "at signs": "a@" * (MB // 2),
    "dotted domain without end": "a@b" + ".b" * (MB // 2) + "@",
    "digits and spaces": "1 " * (MB // 2),
    "a digit then spaces": "1" + " " * MB,
    "password then spaces": "password" + " " * MB,
    "password for many words": "password for " + "x " * (MB // 2),
    "ipv6 prefix then colons": "fc00:" + ":" * MB + "g",
    "unterminated escapes": "\x1b]" * (MB // 2),
    "unterminated csi": "\x1b[" + "1;" * (MB // 2),
    "addresses and phones": "ann@example.com +1 555 123 4567 " * (MB // 32),
    "card-like digits": "4 " * (MB // 2),
    "one shouted run": "SHOUT " * (MB // 6),
    "phrase prefixes": "as i already " * (MB // 13),
    "quoted lines": "> not fixed\n" * (MB // 12),
}
SCANNERS: dict[str, Callable[[str], object]] = {
    "privacy scrubber": lambda text: scrub_text(text, Requester("Ann Smith", "ann@example.com", "")),
    "sensitive-text check": find_sensitive,
    "printable": printable,
    "one_line": one_line,
    "courtesy check": advise,
    "client's answer to a resolution": answer,
}


def seconds(scan: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    scan(text)
    return time.perf_counter() - started


@pytest.fixture
def alarm():
    """Fail instead of hanging if a scan is far from linear (a quadratic one takes most of an hour here)."""

    def expired(*_):
        raise AssertionError("a scan of a megabyte ran for over a minute")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("scanner", SCANNERS)
def test_megabyte_inputs_scan_in_linear_time(scanner, alarm):
    scan = SCANNERS[scanner]
    plain = max(seconds(scan, "Printer on floor 3 jams again. " * (MB // 31)), 0.01)
    slow = {name: took for name, text in HOSTILE.items() if (took := seconds(scan, text)) > 20 * plain + 0.5}
    assert not slow, f"{scanner} is far slower on these than on plain text ({plain:.2f} s): {slow}"

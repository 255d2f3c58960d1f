"""One long field or word cannot wreck a report: text lines stay lines, redaction stays fast."""

from __future__ import annotations

from datetime import datetime, timezone

from sopdash.core import rules
from sopdash.core.model import Requester
from sopdash.core.policy import SlaPolicy
from sopdash.report.sla import build_report, redact, render_text

POLICY = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})
SINCE = datetime(2023, 5, 1, tzinfo=timezone.utc)
UNTIL = datetime(2023, 5, 8, tzinfo=timezone.utc)
NOW = datetime(2023, 5, 10, 12, 0, tzinfo=timezone.utc)
HUGE = "x" * 100_000


def tickets():
    giant = Requester(HUGE, f"{HUGE}@example.com", "")
    return [
        rules.create(n, HUGE if n == 1 else "Printer", giant, datetime(2023, 5, 2, 9, tzinfo=timezone.utc), "dana",
                     priority="high", category=HUGE if n == 2 else "Network")
        for n in (1, 2, 3)
    ]


def test_a_100kb_category_keeps_the_text_report_small_and_its_lines_short():
    report = build_report(tickets(), POLICY, SINCE, UNTIL, NOW)
    for text in (render_text(report), render_text(redact(report))):
        assert len(text) < 5_000
        assert max(len(line) for line in text.splitlines()) < 400
        assert "…" in text


def test_redacting_one_60kb_word_is_quick_enough_to_finish():
    report = build_report(tickets(), POLICY, SINCE, UNTIL, NOW)
    assert "x***" in render_text(redact(report))

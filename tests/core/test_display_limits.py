"""Giant client text is cut before it is scrubbed, folded or drawn: a line stays a line, a body stays quick."""

from __future__ import annotations

from datetime import datetime, timezone

from sopdash.core.clocks import ticket_clocks
from sopdash.core.detail import plain_lines, ticket_detail
from sopdash.core.display import LINE_SHOWN, TEXT_SHOWN, client_line, client_text
from sopdash.core.model import Requester, Ticket
from sopdash.core.policy import SlaPolicy

ANN = Requester("Ann Smith", "ann@example.com", "+1 555 010 0234")
MB = 1_000_000


def test_a_megabyte_subject_shows_as_one_short_line():
    line = client_line("word " * (MB // 5), ANN, privacy=True)
    assert len(line) <= LINE_SHOWN and line.endswith("…") and "\n" not in line


def test_a_megabyte_body_shows_its_start_and_says_how_much_more():
    text = client_text("line of text\n" * (MB // 13), ANN, privacy=False)
    assert len(text) < TEXT_SHOWN + 200
    assert text.endswith("more characters (`sopdash ticket show ID --json` prints them)")


def test_an_address_at_the_cut_is_never_shown_half_masked():
    text = "x " * (TEXT_SHOWN // 2 - 5) + "ann@example.com and more" * 1000
    assert "ann@" not in client_text(text, ANN, privacy=True)


def test_the_detail_of_a_ticket_with_megabyte_fields_is_small():
    policy = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})
    created = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
    ticket = Ticket(id=1, subject="s" * MB, body="b " * MB, category="c" * MB, requester=ANN, created_at=created)
    lines = ticket_detail(ticket, ticket_clocks(ticket, policy, created), created, timezone.utc, privacy=True)
    text = plain_lines(lines)
    assert len(text) < TEXT_SHOWN + 5 * LINE_SHOWN

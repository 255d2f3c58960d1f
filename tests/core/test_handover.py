"""The shift's hand-over is the audit trail since the technician's last look, filtered (SOP 2B, issue 27)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sopdash.core import handover, rules
from sopdash.core.handover import (
    BREACH, CLIENT, ESCALATION, FROM_YOU, NEW, NOTE, TO_YOU, Item, Note, notes_to_read, since_last_look,
)
from sopdash.core.inbound import client_message
from sopdash.core.model import Inbound, Requester
from sopdash.core.policy import SlaPolicy

START = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)  # a Monday, 09:00 in New York
LAST_LOOK = START + timedelta(hours=1)
NOW = START + timedelta(hours=8)
ME = "amara"
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "America/New_York"}})


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def fixed_store():
    """Five tickets; what happened before LAST_LOOK is old news, what happened after is the hand-over."""
    ann = Requester("Ann", "ann@example.com")
    mine = rules.assign(rules.create(1, "Printer jams", ann, at(0), "mail", priority="low"), "dana", at(5), ME)
    mine = rules.acknowledge(mine, ME, at(10), "Hello Ann, on it. Thanks")
    mine = client_message(mine, "Ann", at(90), "It jams again", Inbound("<a@x>"))           # client reply
    mine = rules.note(mine, "bo", at(100), "Toner is on order")                              # note by a colleague
    mine = rules.note(mine, ME, at(110), "my own note")                                      # mine: not handed over
    mine = rules.escalate(mine, "bo", at(120), "timing", "needs tier 2")                     # escalation
    given = rules.create(2, "VPN", ann, at(30), "mail", priority="low")
    given = rules.acknowledge(given, "bo", at(35), "Hi Ann, looking. Thanks")
    given = rules.assign(given, "dana", at(130), ME)                                          # assigned to you
    taken = rules.assign(rules.create(3, "Laptop", ann, at(20), "mail", priority="low"), "dana", at(25), ME)
    taken = rules.acknowledge(taken, ME, at(26), "Hello Ann, on it. Thanks")
    taken = rules.assign(taken, "dana", at(140), "bo")                                       # taken off you
    taken = rules.note(taken, "dana", at(150), "bo's now")                                    # bo's ticket: not yours
    fresh = rules.create(4, "Monitor", ann, at(200), "mail", priority="urgent")              # new, and breaches
    others = rules.assign(rules.create(5, "Phone", ann, at(210), "mail", priority="low"), "dana", at(211), "bo")
    return [mine, given, taken, fresh, others]


def test_the_handover_equals_the_audit_entries_since_the_last_look():
    items = since_last_look(fixed_store(), ME, LAST_LOOK, NOW, POLICY)
    assert [(item.ticket_id, item.kind, item.author, item.text) for item in items] == [
        (1, CLIENT, "Ann", "It jams again"),
        (1, NOTE, "bo", "Toner is on order"),
        (1, ESCALATION, "bo", "escalated (timing) to tier 2: needs tier 2"),
        (2, TO_YOU, "dana", "assigned to amara"),
        (3, FROM_YOU, "dana", "assigned to bo"),
        (4, NEW, "mail", "Monitor"),
        (5, NEW, "mail", "Phone"),  # new to the desk, whoever it went to since
        (4, BREACH, "", "acknowledgement target missed"),
        (4, BREACH, "", "resolution target missed"),
    ]
    entries = {(t.id, e.at, e.text) for t in fixed_store() for e in t.timeline}
    assert all((item.ticket_id, item.at, item.text) in entries for item in items if item.kind not in (BREACH, NEW))
    assert all(LAST_LOOK < item.at <= NOW for item in items)


def test_without_a_last_look_everything_counts_and_nothing_after_now():
    items = since_last_look(fixed_store(), ME, None, at(30))
    assert [(item.ticket_id, item.kind) for item in items] == [(1, NEW), (1, TO_YOU), (3, NEW), (3, TO_YOU), (2, NEW)]


def test_colleagues_notes_since_the_last_look_come_newest_first():
    notes = [Note(at(10), "bo", "old"), Note(at(100), "bo", "printer"), Note(at(200), "dana", "vpn"),
             Note(at(300), ME, "mine")]
    assert [note.text for note in notes_to_read(notes, ME, LAST_LOOK)] == ["vpn", "printer"]


def test_the_text_names_the_notes_first_and_each_item_on_a_line():
    item = Item(at(90), 1, "Printer jams", CLIENT, "Ann", "It\njams again")
    text = handover.lines([Note(at(100), "bo", "Call Ann back")], [item], LAST_LOOK, POLICY.calendar.tz)
    assert text == [
        "Hand-over notes (1)",
        "  Mon 23 Nov 10:40  bo: Call Ann back",
        "Since you last looked (since Mon 23 Nov 10:00): 1 item",
        "  Mon 23 Nov 10:30  #1 client reply by Ann: It jams again",
    ]

"""The presence model: who is on a ticket, who is writing, and when an announcement is stale."""

from sopdash.core.presence import Presence, busy_tickets, describe, on_ticket, reply_warning


def entry(login: str, ticket_id: int | None, activity: str = "viewing", pid: int = 1, seen_s: float = 100.0):
    return Presence(login, "box", pid, seen_s, ticket_id, activity)


ENTRIES = [entry("lee", 12), entry("dana", 12, "reply", pid=2), entry("sam", 7, "note", pid=3), entry("kim", None, pid=4)]


def test_describe_names_writers_first():
    assert describe(ENTRIES, 12) == "dana is writing a reply · lee is viewing"
    assert describe(ENTRIES, 99) == ""


def test_on_ticket_only_that_ticket():
    assert [e.login for e in on_ticket(ENTRIES, 7)] == ["sam"]


def test_busy_tickets_says_whether_someone_writes():
    assert busy_tickets(ENTRIES) == {12: True, 7: True}
    assert busy_tickets([entry("lee", 5)]) == {5: False}


def test_reply_warning_only_when_someone_writes():
    assert reply_warning(ENTRIES, 12) == "dana is writing a reply on #12; answer anyway?"
    assert reply_warning([entry("lee", 12)], 12) is None


def test_stale_after_ten_seconds():
    assert entry("lee", 1, seen_s=100).is_fresh(110)
    assert not entry("lee", 1, seen_s=100).is_fresh(110.5)

"""`sopdash ticket time ID DURATION [NOTE] [--billable]`: who, when, how long; shown by `ticket show`."""

from __future__ import annotations

import json

from sopdash.desk.identity import current_login

ME = current_login()


def test_time_is_logged_with_who_and_when_and_shown_on_the_ticket(env, sopdash, new_ticket, now):
    ticket_id = new_ticket()
    first = sopdash("ticket", "time", str(ticket_id), "25m", "reinstalled the driver", "--billable")
    second = sopdash("ticket", "time", f"#{ticket_id}", "1.5h")
    assert (first.code, first.out) == (0, f"#{ticket_id} 25m billable logged; time spent 25m (25m billable)\n")
    assert second.out == f"#{ticket_id} 1h30m logged; time spent 1h55m (25m billable)\n"
    doc = json.loads(sopdash("ticket", "show", str(ticket_id), "--json").out)
    logged = [entry for entry in doc["timeline"] if "time" in entry]
    assert [(e["author"], e["at"], e["kind"], e["time"]) for e in logged] == [
        (ME, now, "event", {"seconds": 1500, "billable": True}),
        (ME, now, "event", {"seconds": 5400}),
    ]
    text = sopdash("ticket", "show", str(ticket_id)).out
    assert "Time      1h55m (25m billable)" in text
    assert "time spent: 25m (billable) — reinstalled the driver" in text


def test_a_bad_duration_is_refused_and_nothing_is_written(env, sopdash, new_ticket):
    ticket_id = new_ticket()
    before = env.read_bytes()
    for typed, problem in (("abc", "is not a duration like 25m, 1h30m or 1.5h"), ("25h", "is more than a day")):
        result = sopdash("ticket", "time", str(ticket_id), typed)
        assert result.code == 2 and problem in result.err and result.err.count("\n") == 1
    assert env.read_bytes() == before


def test_time_on_a_missing_ticket_is_named(env, sopdash):
    result = sopdash("ticket", "time", "9", "25m")
    assert result.code != 0 and "#9" in result.err and "Traceback" not in result.err

"""`sopdash handover` (SOP 2B, issue 27): what happened since this technician's last acknowledged look, from the audit
trail; `handover ack` records the look; `handover note` leaves a note; a record a colleague planted is not believed."""

from __future__ import annotations

import json
from datetime import timedelta

from sopdash.clock import fixed_clock
from sopdash.core.model import parse_time
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster
from sopdash.desk import Desk
from sopdash.desk.identity import current_login
from sopdash.store.kept_files import KeptFiles
from sopdash.store.opening import open_store

ME = current_login()


def as_colleague(store, moment) -> Desk:
    return Desk(open_store(store), SlaPolicy.from_config({}), Roster.from_config({}), "alice", fixed_clock(moment))


def test_the_handover_lists_what_others_did_since_the_last_look(env, sopdash, new_ticket, now, time_machine):
    new_ticket()
    sopdash("ticket", "assign", "1", "me")
    acked = sopdash("handover", "ack")
    assert acked.code == 0 and acked.out == f"hand-over acknowledged at {now}\n"
    later = parse_time(now) + timedelta(minutes=30)
    colleague = as_colleague(env, later)
    colleague.note(1, "Ann called: it is urgent")
    colleague.assign(1, "alice")
    time_machine.move_to(later + timedelta(minutes=1), tick=False)
    shown = json.loads(sopdash("handover", "--json").out)
    assert shown["since"] == now and shown["login"] == ME
    assert [(i["ticket_id"], i["kind"], i["author"], i["text"]) for i in shown["items"]] == [
        (1, "note by a colleague", "alice", "Ann called: it is urgent"),
        (1, "taken off you", "alice", "assigned to alice"),
    ]
    text = sopdash("handover").out
    assert "Since you last looked (since " in text and "#1 taken off you by alice: assigned to alice" in text
    assert sopdash("handover", "ack").code == 0
    assert json.loads(sopdash("handover", "--json").out)["items"] == []
    since = json.loads(sopdash("handover", "--since", now, "--json").out)
    assert len(since["items"]) == 2


def test_a_note_is_kept_for_the_next_shift_not_shown_to_its_writer(env, sopdash):
    left = sopdash("handover", "note", "Printer on floor 2 still flaky")
    assert left.code == 0 and left.out.startswith("hand-over note left at ")
    record = json.loads(KeptFiles(env).read(f"handover/{ME}.json"))
    assert [note["text"] for note in record["notes"]] == ["Printer on floor 2 still flaky"]
    assert json.loads(sopdash("handover", "--json").out)["notes"] == []
    assert sopdash("handover", "note", "  ").code == 2


def test_a_record_written_in_a_colleagues_name_is_not_believed(env, sopdash):
    KeptFiles(env).keep("handover/alice.json", b'{"looked": [], "notes": [{"at": "2026-11-25T09:00:00+00:00", '
                                               b'"text": "forged"}]}')
    assert json.loads(sopdash("handover", "--json").out)["notes"] == []


def test_on_postgresql_the_next_login_reads_a_colleagues_note_and_the_look_is_the_roles_own(
    env, sopdash, postgres_db, monkeypatch, time_machine, now
):
    monkeypatch.setenv("SOPDASH_DB", postgres_db.url(ME))
    assert sopdash("handover", "note", "Ann expects a call").code == 0
    assert sopdash("handover", "ack").code == 0
    monkeypatch.setenv("SOPDASH_DB", postgres_db.url("amara"))
    time_machine.move_to(parse_time(now) + timedelta(minutes=5), tick=False)
    seen = json.loads(sopdash("handover", "--json").out)
    assert seen["login"] == "amara" and [(n["by"], n["text"]) for n in seen["notes"]] == [(ME, "Ann expects a call")]
    assert sopdash("handover", "ack").code == 0
    assert json.loads(sopdash("handover", "--json").out)["notes"] == []

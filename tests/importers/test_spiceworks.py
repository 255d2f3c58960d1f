"""The Spiceworks importer: field mapping, the SOP acknowledgement rule, idempotency and all-or-nothing."""

import copy
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from sopdash.cli.main import main
from sopdash.core import rules
from sopdash.core.chain import verify
from sopdash.core.errors import InputError
from sopdash.core.model import Requester, Source, Ticket, TimeSpent
from sopdash.core.time_spent import time_totals
from sopdash.importers.spiceworks import import_file, parse_export, plan_import
from sopdash.store.ticket_store import TicketStore

FIXTURE = Path(__file__).parent.parent / "fixtures" / "spiceworks_small.json"
NOW = datetime(2023, 5, 5, 12, 0, tzinfo=timezone.utc)
MINIMAL = {"ticket_number": "7", "summary": "Minimal", "created_at": "2023-05-01 09:00:00 UTC"}


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 5, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def export() -> dict:
    return orjson.loads(FIXTURE.read_bytes())


@pytest.fixture
def store(tmp_path: Path) -> TicketStore:
    return TicketStore(tmp_path / "tickets.json", create=True)


def by_number(tickets) -> dict[str, Ticket]:
    return {t.source.external_id: t for t in tickets}


def write(tmp_path: Path, document: object, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(document))
    return path


# -- mapping -----------------------------------------------------------------------------------


def test_open_ticket_maps_every_field(export):
    vpn = by_number(parse_export(export, [], NOW).added)["101"]
    assert vpn.subject == "VPN drops every hour"
    assert vpn.body == "Since Monday the VPN disconnects every hour."
    assert vpn.requester == Requester("Alice Requester", "alice.requester@client.example.com", "")
    assert vpn.category == "Network"
    assert (vpn.priority, vpn.triaged) == ("high", True)
    assert vpn.status == "open"  # acknowledged, so not new
    assert vpn.assignee == "dana.tech"  # the e-mail's local part
    assert vpn.created_at == utc(1, 9)
    assert (vpn.resolved_at, vpn.closed_at) == (None, None)
    assert vpn.source == Source("spiceworks", "101")
    assert [(e.at, e.author, e.kind) for e in vpn.timeline] == [
        (utc(1, 9, 5), "dana.tech", "event"),
        (utc(1, 9, 10), "dana.tech", "internal"),
        (utc(1, 9, 20), "dana.tech", "public"),
        (utc(1, 9, 40), "Alice Requester", "client"),
        (utc(1, 10), "dana.tech", "internal"),
        (utc(1, 10), "dana.tech", "event"),
    ]
    assignment, labour = vpn.timeline[0], vpn.timeline[-1]
    assert assignment.change == {"assignee": ["", "dana.tech"]}
    assert assignment.text == "Assigned to Dana Tech."
    assert labour.change is None and labour.text == "time spent: 15m"
    assert labour.time == TimeSpent(15 * 60)  # the export's duration is in minutes


def test_closed_ticket_is_resolved_and_closed_at_closed_at(export):
    laptop = by_number(parse_export(export, [], NOW).added)["102"]
    assert (laptop.status, laptop.priority, laptop.assignee) == ("closed", "low", "omar")
    assert laptop.resolved_at == laptop.closed_at == utc(3, 15)
    assert laptop.acknowledged_at == utc(2, 11)
    assert laptop.timeline[-1].change == {"status": ["open", "closed"]}
    assert laptop.timeline[-1].text == "status: open → closed"


def test_open_ticket_without_a_reply_is_new_and_unassigned(export):
    printer = by_number(parse_export(export, [], NOW).added)["103"]
    assert (printer.status, printer.priority, printer.assignee, printer.acknowledged_at) == ("new", "medium", "", None)
    assert printer.body == "" and printer.timeline == ()


def test_waiting_ticket_pauses_and_missing_priority_is_untriaged_medium(export):
    drive = by_number(parse_export(export, [], NOW).added)["104"]
    assert (drive.status, drive.priority, drive.triaged) == ("waiting", "medium", False)
    assert drive.timeline[-1].change == {"status": [None, "waiting"]}


def test_summary_counts_and_warnings(export):
    plan = parse_export(export, [], NOW)
    assert (len(plan.added), len(plan.updated), plan.unchanged, plan.skipped) == (4, 0, 0, 0)
    assert (plan.comments, plan.technicians, plan.requesters) == (8, 2, 2)
    assert [t.id for t in plan.added] == [1, 2, 3, 4]
    assert plan.warnings == (
        "tickets[3].updated_at: 'last Tuesday' is not a time like \"2023-05-05 18:52:48 UTC\"; ignored",
        "tickets[3].Comments[0].created_by: unknown user 77",
        "tickets[3].created_by: unknown user 99",
        "tickets[3].priority: missing; set to medium, untriaged",
    )
    assert plan.summary_lines()[:4] == [
        "tickets: 4 added, 0 updated, 0 unchanged",
        "comments: 8",
        "users: 2 technicians, 2 requesters",
        "warnings: 4",
    ]


def test_unknown_user_is_a_warning_not_a_crash(export):
    export["tickets"][0]["assigned_to"] = 404
    export["tickets"][0]["Comments"][2]["created_by"] = 405
    plan = parse_export(export, [], NOW)
    vpn = by_number(plan.added)["101"]
    assert "tickets[0].assigned_to: unknown user 404" in plan.warnings
    assert "tickets[0].Comments[2].created_by: unknown user 405" in plan.warnings
    assert vpn.assignee == "spiceworks-404"
    # a reply nobody can vouch for is not taken as the technician's acknowledgement
    assert vpn.acknowledged_at is None and vpn.status == "new"


def test_missing_optional_fields_and_odd_times_import_with_warnings():
    document = {
        "users": [],
        "tickets": [
            MINIMAL,
            {"ticket_number": 8, "summary": "Odd", "created_at": "2023-05-01T09:00:00", "status": "pending"},
            {"summary": "no number"},
        ],
    }
    plan = parse_export(document, [], NOW)
    bare, odd = plan.added
    assert (bare.subject, bare.created_at, bare.status, bare.requester) == ("Minimal", utc(1, 9), "new", Requester())
    assert odd.created_at == utc(1, 9) and odd.status == "new"
    assert plan.skipped == 1
    assert any("tickets[1].created_at" in w and "no time zone" in w for w in plan.warnings)
    assert any("tickets[1].status" in w for w in plan.warnings)
    assert any(w.startswith("tickets[2]: no ticket_number") for w in plan.warnings)


def test_technician_roles_and_login_collisions():
    document = {
        "users": [
            {"import_id": "a", "email": "Sam.Lee@example.com", "role": "admin"},
            {"import_id": "b", "email": "sam.lee@other.example.com", "role": "helpdesk_admin"},
            {"import_id": "c", "email": "client@example.com", "role": "end_user"},
        ],
        "tickets": [
            {"ticket_number": 1, "summary": "a", "assigned_to": "b", "created_at": "2023-05-01 09:00:00 UTC"},
            {"ticket_number": 2, "summary": "b", "assigned_to": "c", "created_at": "2023-05-01 09:00:00 UTC"},
        ],
    }
    plan = parse_export(document, [], NOW)
    assert [t.assignee for t in plan.added] == ["sam.lee-b", "client"]
    assert (plan.technicians, plan.requesters) == (2, 1)
    assert any("is an end user, not a technician" in w for w in plan.warnings)


# -- the SOP acknowledgement rule --------------------------------------------------------------


def test_acknowledged_at_the_first_public_technician_reply_not_the_first_event():
    document = {
        "users": [
            {"import_id": 1, "email": "tech@example.com", "role": "admin"},
            {"import_id": 2, "email": "user@example.com", "role": "end_user"},
        ],
        "tickets": [
            {
                "ticket_number": 5,
                "summary": "No network",
                "status": "open",
                "created_by": 2,
                "created_at": "2023-05-01 09:00:00 UTC",
                "first_response_secs": 60,  # counts the assignment; not the SOP's acknowledgement
                "Comments": [
                    # listed out of order on purpose: the timeline is by time
                    {"body": "On it.", "is_public": True, "created_by": 1, "created_at": "2023-05-01 09:30:00 UTC"},
                    {"action": "ticket updated", "details": {"assigned_to": [None, 1]}, "is_public": True,
                     "created_by": 1, "created_at": "2023-05-01 09:01:00 UTC"},
                    {"body": "Any news?", "is_public": True, "created_by": 2, "created_at": "2023-05-01 09:05:00 UTC"},
                    {"body": "look at DHCP", "private": True, "created_by": 1, "created_at": "2023-05-01 09:10:00 UTC"},
                ],
            }
        ],
    }
    (ticket,) = parse_export(document, [], NOW).added
    assert [e.kind for e in ticket.timeline] == ["event", "client", "internal", "public"]
    assert ticket.acknowledged_at == utc(1, 9, 30)
    assert ticket.status == "open"


def with_comments(*comments: dict) -> dict:
    """An export of one open ticket by a client, with these comments, and one technician (id 1)."""
    return {
        "users": [
            {"import_id": 1, "email": "sam@example.com", "role": "admin"},
            {"import_id": 2, "email": "user@example.com", "role": "end_user"},
        ],
        "tickets": [{**MINIMAL, "status": "open", "created_by": 2, "Comments": list(comments)}],
    }


def test_a_labour_entry_is_time_spent_not_a_reply_to_the_client():
    labour = {"body": "Sam worked for 15m", "is_public": True, "is_labor": True, "duration": 15, "created_by": 1,
              "created_at": "2023-05-01 09:30:00 UTC"}
    (ticket,) = parse_export(with_comments(labour), [], NOW).added
    assert (ticket.acknowledged_at, ticket.status) == (None, "new")
    assert [(e.kind, e.text) for e in ticket.timeline] == [
        ("internal", "Sam worked for 15m"), ("event", "time spent: 15m")
    ]


@pytest.mark.parametrize("body", ["", "  \n ", None])
def test_an_empty_comment_is_not_a_reply_and_leaves_nothing_in_the_timeline(body):
    empty = {"body": body, "is_public": True, "created_by": 1, "created_at": "2023-05-01 09:30:00 UTC"}
    reply = {"body": "On it.", "is_public": True, "created_by": 1, "created_at": "2023-05-01 10:00:00 UTC"}
    (ticket,) = parse_export(with_comments(empty, reply), [], NOW).added
    assert ticket.acknowledged_at == utc(1, 10)
    assert [e.text for e in ticket.timeline] == ["On it."]


@pytest.mark.parametrize(
    ("ticket", "message"),
    [
        ({"ticket_number": "abc"}, "tickets[1].created_at: missing; every ticket needs the time it was created"),
        (
            {**MINIMAL, "ticket_number": "8", "created_at": "last Tuesday"},
            "tickets[1].created_at: 'last Tuesday' is not a usable time; every ticket needs the time it was created",
        ),
        ({**MINIMAL, "ticket_number": "8", "summary": " "}, "tickets[1].summary: missing; every ticket needs a summary"),
        ({**MINIMAL, "ticket_number": "8", "summary": None}, "tickets[1].summary: missing; every ticket needs a summary"),
    ],
)
def test_a_ticket_without_a_creation_time_or_summary_is_bad_input(ticket, message):
    with pytest.raises(InputError) as error:
        parse_export({"users": [], "tickets": [MINIMAL, ticket]}, [], NOW)
    assert str(error.value) == message


# -- idempotency and updates -------------------------------------------------------------------


def test_importing_twice_changes_nothing(store, export, tmp_path):
    path = write(tmp_path, export)
    first = import_file(path, store, NOW)
    after_first = store.path.read_bytes()
    second = import_file(path, store, NOW)
    assert len(first.added) == 4
    assert (len(second.added), len(second.updated), second.unchanged) == (0, 0, 4)
    assert store.path.read_bytes() == after_first


def test_a_newer_export_updates_the_tickets_it_holds(store, export, tmp_path):
    import_file(write(tmp_path, export), store, NOW)
    newer = copy.deepcopy(export)
    printer = newer["tickets"][2]
    printer["priority"] = "1"
    printer["updated_at"] = "2023-05-04 09:00:00 UTC"
    printer["Comments"] = [
        {"body": "Toner ordered.", "is_public": True, "created_by": 2, "created_at": "2023-05-04 09:00:00 UTC"}
    ]
    plan = import_file(write(tmp_path, newer, "newer.json"), store, NOW)
    assert (len(plan.added), len(plan.updated), plan.unchanged) == (0, 1, 3)
    stored = by_number(store.history())["103"]
    assert (stored.id, stored.version, stored.priority, stored.status) == (3, 2, "high", "open")
    assert stored.acknowledged_at == utc(4, 9)
    assert len(store.history()) == 4
    assert verify(store.history()).problems == []  # the comment it gained is sealed on after the stored entries


def test_work_done_in_sopdash_survives_a_reimport(store, export, tmp_path):
    path = write(tmp_path, export)
    import_file(path, store, NOW)
    printer_id = by_number(store.history())["103"].id
    store.update(printer_id, lambda t: rules.acknowledge(t, "amara", NOW, "Hello Alice"))
    worked = store.get(printer_id)
    plan = import_file(path, store, NOW)
    assert plan.unchanged == 4
    assert store.get(printer_id) == worked
    assert verify(store.history()).problems == []


def test_dry_run_writes_nothing(store, export, tmp_path):
    before = store.path.read_bytes()
    plan = plan_import(write(tmp_path, export), store.history(), NOW)
    assert len(plan.added) == 4
    assert store.path.read_bytes() == before


# -- all or nothing on a bad file --------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "not a Spiceworks export"),
        ({"users": []}, "tickets: not a Spiceworks export"),
        ({"tickets": {"1": {}}}, "tickets: not a Spiceworks export"),
        ({"users": "nobody", "tickets": []}, "users: expected a list"),
        ({"tickets": [MINIMAL, "ticket"]}, "tickets[1]: expected a ticket object"),
        ({"tickets": [{"ticket_number": [1]}]}, "tickets[0].ticket_number: expected a ticket number, got a list"),
        ({"tickets": [{"ticket_number": 1, "Comments": {}}]}, "tickets[0].Comments: expected a list of comments"),
        (
            {"tickets": [{"ticket_number": 1, "Comments": [{"is_public": "yes"}]}]},
            "tickets[0].Comments[0].is_public: expected true or false",
        ),
    ],
)
def test_a_malformed_export_names_the_first_problem(document, message):
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_export(document, [], NOW)


def test_a_bad_file_leaves_the_store_untouched(store, export, tmp_path):
    import_file(write(tmp_path, export), store, NOW)
    before = store.path.read_bytes()
    broken = copy.deepcopy(export)
    broken["tickets"][2]["summary"] = "changed, but never written"
    broken["tickets"][3]["Comments"][0]["created_at"] = 1683205200
    path = write(tmp_path, broken, "broken.json")
    with pytest.raises(InputError) as error:
        import_file(path, store, NOW)
    assert str(error.value).startswith(f"{path}: tickets[3].Comments[0].created_at: expected a time")
    assert error.value.exit_code == 2
    assert store.path.read_bytes() == before


def test_not_json_and_missing_file_are_input_errors(store, tmp_path):
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    with pytest.raises(InputError, match="not JSON"):
        import_file(garbage, store, NOW)
    with pytest.raises(InputError, match="no such file"):
        import_file(tmp_path / "missing.json", store, NOW)


def test_existing_tickets_keep_their_ids_and_new_ones_follow(export):
    own = Ticket(id=7, subject="Local", created_at=NOW)
    plan = parse_export(export, [own], NOW)
    assert [t.id for t in plan.added] == [8, 9, 10, 11]


def test_labour_entries_are_time_spent_in_minutes_by_their_authors():
    document = {
        "users": [{"import_id": 1, "email": "tech@example.com", "role": "admin"}],
        "tickets": [
            {
                "ticket_number": 9,
                "summary": "Cabling",
                "created_at": "2023-05-01 09:00:00 UTC",
                "Comments": [
                    {"body": "a", "private": True, "is_labor": True, "duration": 60, "created_by": 1,
                     "created_at": "2023-05-01 10:00:00 UTC"},
                    {"body": "b", "private": True, "is_labor": True, "duration": "30", "created_by": 1,
                     "created_at": "2023-05-01 11:00:00 UTC"},
                    {"body": "c", "private": True, "is_labor": True, "duration": "soon", "created_by": 1,
                     "created_at": "2023-05-01 12:00:00 UTC"},
                ],
            }
        ],
    }
    plan = parse_export(document, [], NOW)
    spent = [(e.author, e.at.hour, e.time) for e in plan.added[0].timeline if e.time]
    assert spent == [("tech", 10, TimeSpent(3600)), ("tech", 11, TimeSpent(1800))]
    assert time_totals(plan.added[0]) == (90 * 60, 0)
    assert any("tickets[0].Comments[2].duration" in w for w in plan.warnings)


def test_an_export_without_users_imports_with_a_warning():
    document = {
        "tickets": [{"ticket_number": 1, "summary": "x", "created_by": 3, "created_at": "2023-05-01 09:00:00 UTC"}]
    }
    plan = parse_export(document, [], NOW)
    assert len(plan.added) == 1
    assert plan.warnings[0] == "users: missing; every user reference will be unknown"


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys, time_machine):
    """Run `sopdash ARGS…` in-process against this test's own config and clock; returns (code, out, err)."""
    config = tmp_path / "config.toml"
    config.write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    time_machine.move_to(NOW.isoformat(), tick=False)
    monkeypatch.delenv("SOPDASH_DB", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_import_command_prints_the_summary_and_is_idempotent(cli, tmp_path):
    db = str(tmp_path / "tickets.json")
    assert cli("init", "--db", db)[0] == 0
    code, out, err = cli("import", "spiceworks", str(FIXTURE), "--db", db)
    assert (code, err) == (0, "")
    assert out.splitlines()[1:5] == [
        "tickets: 4 added, 0 updated, 0 unchanged",
        "comments: 8",
        "users: 2 technicians, 2 requesters",
        "warnings: 4",
    ]
    assert "  tickets[3].created_by: unknown user 99" in out.splitlines()
    code, out, _ = cli("import", "spiceworks", str(FIXTURE), "--db", db)
    assert code == 0 and out.splitlines()[1] == "tickets: 0 added, 0 updated, 4 unchanged"


def test_import_command_dry_run_creates_nothing(cli, tmp_path):
    db = tmp_path / "tickets.json"
    code, out, _ = cli("import", "spiceworks", str(FIXTURE), "--dry-run", "--db", str(db))
    assert code == 0
    assert out.startswith(f"dry run: nothing written to {db}")
    assert "tickets: 4 added, 0 updated, 0 unchanged" in out
    assert not db.exists()


def test_import_command_refuses_a_bad_file_with_exit_2(cli, tmp_path, export):
    db = tmp_path / "tickets.json"
    cli("init", "--db", str(db))
    cli("import", "spiceworks", str(FIXTURE), "--db", str(db))
    before = db.read_bytes()
    export["tickets"][1]["Comments"][0]["is_public"] = "yes"
    bad = write(tmp_path, export, "bad.json")
    code, out, err = cli("import", "spiceworks", str(bad), "--db", str(db))
    assert (code, out) == (2, "")
    assert err == f"sopdash: {bad}: tickets[1].Comments[0].is_public: expected true or false, got 'yes' (a string)\n"
    assert db.read_bytes() == before


def test_import_command_refuses_a_ticket_with_nothing_but_a_number_and_writes_nothing(cli, tmp_path, export):
    db = tmp_path / "tickets.json"
    cli("init", "--db", str(db))
    assert cli("import", "spiceworks", str(write(tmp_path, export)), "--db", str(db))[0] == 0
    before = db.read_bytes()
    export["tickets"].append({"ticket_number": "INC-9"})
    path = write(tmp_path, export, "bad.json")
    code, out, err = cli("import", "spiceworks", str(path), "--db", str(db))
    assert (code, out) == (2, "")
    assert err == f"sopdash: {path}: tickets[4].created_at: missing; every ticket needs the time it was created\n"
    assert db.read_bytes() == before

"""Long texts read from standard input (`-`), so that a note never passes through the command line `ps` shows."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from sopdash.core.limits import MAX_BODY

NOTE = "Called Ann back.\nThe router's admin page is at the usual address; she will reboot it tonight.\n"


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def last_public(doc: dict) -> str:
    return next(entry["text"] for entry in reversed(doc["timeline"]) if entry["kind"] == "public")


def shown(sopdash, ticket_id: int) -> dict:
    return json.loads(sopdash("ticket", "show", str(ticket_id), "--json").out)


def test_a_real_process_reads_the_note_from_standard_input(env, new_ticket, sopdash):
    ticket_id = new_ticket()
    result = subprocess.run([sys.executable, "-m", "sopdash", "ticket", "note", str(ticket_id), "-"], input=NOTE,
                            env=dict(os.environ), capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"#{ticket_id} internal note added\n", "")
    assert shown(sopdash, ticket_id)["timeline"][-1]["text"] == NOTE.strip()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("ack", "1", "--message", "-"), lambda doc: last_public(doc)),
        (("note", "1", "-", "--public"), lambda doc: last_public(doc)),
        (("step", "1", "1", "--note", "-"), lambda doc: doc["troubleshooting"][0]["note"]),
        (("escalate", "1", "--reason", "timing", "--note", "-"), lambda doc: doc["escalations"][0]["note"]),
        (("resolve", "1", "--summary", "-", "--no-notify"), lambda doc: doc["resolution"]),
    ],
    ids=["ack --message", "note --public", "step --note", "escalate --note", "resolve --summary"],
)
def test_every_long_text_may_come_from_standard_input(env, new_ticket, sopdash, monkeypatch, args, field):
    new_ticket()
    stdin(monkeypatch, "Hello Ann,\n\nthe new toner is in. — Bo\n".encode())
    result = sopdash("ticket", *args)
    assert result.code == 0, result.err
    assert field(shown(sopdash, 1)) == "Hello Ann,\n\nthe new toner is in. — Bo"


def test_a_new_tickets_body_may_come_from_standard_input(env, sopdash, monkeypatch):
    stdin(monkeypatch, b"The scanner on floor 2 says 'offline'.\n")
    result = sopdash("ticket", "new", "--subject", "Scanner", "--requester", "ann@example.com", "--body", "-")
    assert result.code == 0, result.err
    assert shown(sopdash, int(result.out))["body"] == "The scanner on floor 2 says 'offline'."


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"caf\xe9", "standard input is not valid UTF-8"),
        (b"one\0two", "standard input holds a NUL character"),
        (b"x" * (MAX_BODY * 4 + 1), f"standard input is longer than the {MAX_BODY:,} characters allowed"),
        (("é" * (MAX_BODY + 1)).encode(), f"{MAX_BODY + 1:,} characters is longer than the {MAX_BODY:,} allowed"),
    ],
    ids=["not UTF-8", "NUL", "too many bytes", "too many characters"],
)
def test_bad_standard_input_is_a_usage_error_and_writes_nothing(env, new_ticket, sopdash, monkeypatch, data, problem):
    new_ticket()
    before = env.read_bytes()
    stdin(monkeypatch, data)
    result = sopdash("ticket", "note", "1", "-")
    assert result.code == 2 and problem in result.err
    assert env.read_bytes() == before


def test_standard_input_is_the_text_of_one_option_only(env, new_ticket, sopdash, monkeypatch):
    stdin(monkeypatch, b"Needs a new fuser.\n")
    result = sopdash("ticket", "new", "--subject", "x", "--requester", "a@b.example", "--body", "-", "--name", "-")
    assert result.code == 0  # a one-line field takes "-" as it is
    stdin(monkeypatch, b"Needs a new fuser.\n")
    result = sopdash("ticket", "escalate", "1", "--reason", "timing", "--note", "-", "--note", "-")
    assert result.code == 2 and "standard input is already the text of another option" in result.err

"""An export with times outside 1970–2199 or absurd numbers imports with warnings and leaves a store every command reads."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from sopdash.cli.main import main

NOW = "2023-05-05T12:00:00+00:00"
TECH = {"import_id": 1, "email": "tech@example.com", "role": "admin"}
CLIENT = {"import_id": 2, "email": "ann@example.com", "first_name": "Ann", "role": "end_user"}


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], time_machine):
    """`sopdash ARGS…` in-process on this test's own store, config and clock; returns (code, out, err)."""
    (tmp_path / "config.toml").write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SOPDASH_DB", str(tmp_path / "tickets.json"))
    time_machine.move_to(NOW, tick=False)
    assert main(["init"]) == 0
    capsys.readouterr()

    def sopdash(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return sopdash


def export_file(tmp_path: Path, **ticket) -> str:
    document = {"users": [TECH, CLIENT], "tickets": [{"ticket_number": 1, "summary": "VPN", "created_by": 2,
                                                       "created_at": "2023-05-01 09:00:00 UTC", **ticket}]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # json writes integers past 64 bits
    return str(path)


def comment(at: str = "2023-05-01 10:00:00 UTC", **fields) -> dict:
    return {"body": "On it", "is_public": True, "created_by": 1, "created_at": at, **fields}


@pytest.mark.parametrize("when", ["9999-12-31 23:59:59 UTC", "0001-01-01 00:00:00 UTC", "0002-06-01 00:00:00 UTC",
                                  "1969-12-31 23:59:59 UTC", "2200-01-01 00:00:00 UTC"])
def test_a_comment_outside_the_years_is_skipped_with_a_warning(run, tmp_path, when):
    code, out, _ = run("import", "spiceworks", export_file(tmp_path, Comments=[comment(), comment(when)]))
    assert code == 0
    assert "Comments[1].created_at" in out and "outside the years sopdash handles" in out
    for args in (("ticket", "list", "--all"), ("ticket", "show", "1"), ("check",), ("report",)):
        code, out, err = run(*args)
        assert code == 0, (args, err)


@pytest.mark.parametrize("when", ["0001-01-01 00:00:00 UTC", "9999-12-31 23:59:59 UTC"])
def test_a_ticket_created_outside_the_years_is_bad_input(run, tmp_path, when):
    code, out, err = run("import", "spiceworks", export_file(tmp_path, created_at=when, Comments=[comment()]))
    assert code == 2 and "tickets[0].created_at" in err and out == ""
    assert run("ticket", "list", "--all")[1] == "no tickets\n"


@pytest.mark.parametrize("duration", [1e308, "inf", "-inf", "nan", "1e400", 10**30, -5])
def test_an_absurd_labour_duration_is_not_counted(run, tmp_path, duration):
    labour = comment(is_labor=True, duration=duration, private=True)
    code, out, err = run("import", "spiceworks", export_file(tmp_path, Comments=[labour]))
    assert code == 0, err
    assert "Comments[0].duration" in out and "not counted" in out
    assert run("ticket", "show", "1")[0] == 0

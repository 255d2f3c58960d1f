"""Hostile arguments, paths and config end as a clear message and exit 0, 1 or 2: never exit 70, never raw escapes."""

from __future__ import annotations

import json
import re

import orjson
import pytest

from sopdash.core.limits import MAX_BODY, MAX_CATEGORY, MAX_NAME, MAX_SUBJECT, MAX_TICKET_ID

ESCAPES = "evil\x1b]0;PWNED\x07\x1b[2J\x9b31m\x1bP1$r\x1b\\\u202e!"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_escapes_in_an_argument_never_reach_stdout(env, sopdash, new_ticket):
    new_ticket(ESCAPES)
    for args in (("ticket", "list"), ("ticket", "show", "1")):
        result = sopdash(*args)
        assert result.code == 0
        assert not CONTROL.search(result.out.replace("\n", "")) and "evil!" in result.out
    refused = sopdash("ticket", "assign", "1", ESCAPES)  # not in the roster
    assert refused.code == 1
    assert not CONTROL.search(refused.err.replace("\n", "")) and "evil!" in refused.err


def test_escapes_in_a_refusal_never_reach_stderr(env, sopdash, new_ticket):
    new_ticket()
    for args in (("ticket", "new", "--subject", "x", "--requester", ESCAPES),
                 ("ticket", "priority", "1", ESCAPES),
                 ("ticket", "show", ESCAPES)):
        result = sopdash(*args)
        assert result.code == 2
        assert not CONTROL.search(result.err.replace("\n", "")), result.err


def test_escapes_in_paths_are_not_echoed(env, sopdash, tmp_path):
    hostile = str(tmp_path / "x\x1b]0;t\x07\u202ey.json")
    for args in (("--db", hostile, "ticket", "list"), ("--config", hostile, "ticket", "list"),
                 ("import", "spiceworks", hostile)):
        result = sopdash(*args)
        assert result.code == 2
        assert not CONTROL.search(result.err.replace("\n", "")), result.err


def test_invalid_utf8_in_an_argument_is_an_input_error(env, sopdash):
    bad = b"bad\xff".decode("utf-8", "surrogateescape")
    empty = env.read_bytes()
    result = sopdash("ticket", "new", "--subject", bad, "--requester", "a@b.c")
    assert result.code == 2
    assert result.err == "sopdash: argument 'bad\ufffd' is not valid UTF-8; fix the text or its encoding\n"
    assert env.read_bytes() == empty


def test_calendar_24x7_is_accepted(env, sopdash, new_ticket, tmp_path):
    new_ticket()
    (tmp_path / "config.toml").write_text('calendar = "24x7"\n', encoding="utf-8")
    assert sopdash("ticket", "list").code == 0
    shown = sopdash("config")
    assert shown.code == 0 and "open around the clock" in shown.out


def test_deeply_nested_toml_is_an_input_error(env, sopdash, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = sopdash("ticket", "list")
    assert result.code == 2
    assert result.err == f"sopdash: {config}: nested too deeply to read; fix the file or point --config elsewhere\n"


@pytest.mark.parametrize("typed", [str(MAX_TICKET_ID + 1), "9" * 30, "9" * 5000])
def test_a_ticket_id_above_64_bits_is_a_usage_error(env, sopdash, new_ticket, typed):
    new_ticket()
    result = sopdash("ticket", "show", typed)
    assert result.code == 2
    assert "is not a ticket id like 12" in result.err


def test_a_stored_ticket_id_above_64_bits_is_a_store_error(env, sopdash, new_ticket):
    new_ticket()
    document = orjson.loads(env.read_bytes())
    ticket = document["tickets"].pop("1")
    big = 2**64 + 5
    document["tickets"][str(big)] = {**ticket, "id": big}
    env.write_text(json.dumps(document), encoding="utf-8")  # orjson cannot write an integer past 64 bits
    before = env.read_bytes()
    for args in (("ticket", "list"), ("ticket", "new", "--subject", "x", "--requester", "a@b.c"), ("check",)):
        result = sopdash(*args)
        assert result.code == 2, (args, result)
        assert "internal error" not in result.err + result.out
    assert env.read_bytes() == before



@pytest.mark.parametrize("command", ["check", "config"])
def test_check_and_config_refuse_an_unknown_binding(command, env, sopdash, tmp_path):
    (tmp_path / "config.toml").write_text('[keys]\nfoo = "x"\n', encoding="utf-8")
    result = sopdash(command)
    assert result.code == 2
    assert f"{tmp_path / 'config.toml'}: keys.foo: no such binding" in result.out + result.err


def strip_seals(ticket: dict) -> None:
    ticket.pop("timeline_seal", None)
    for entry in ticket["timeline"]:
        entry.pop("seal", None)


@pytest.mark.parametrize("field", ["created_at", "acknowledged_at", "event"])
@pytest.mark.parametrize("when", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "0002-06-01T00:00:00+00:00"])
def test_a_ticket_the_clocks_cannot_count_is_marked_and_takes_nothing_down(env, sopdash, new_ticket, field, when):
    new_ticket("poisoned")
    new_ticket("healthy")
    document = json.loads(env.read_text(encoding="utf-8"))
    ticket = document["tickets"]["1"]
    strip_seals(ticket)  # written before sealing (an edit of a sealed ticket: tests/store/test_timeline_chain.py)
    if field == "event":
        ticket["status"] = "waiting"
        ticket["timeline"].append({"at": when, "author": "x", "kind": "event", "text": "waiting",
                                   "change": {"status": ["new", "waiting"]}})
    else:
        ticket[field] = when
    env.write_text(json.dumps(document), encoding="utf-8")
    listing = sopdash("ticket", "list")
    assert listing.code == 0, listing.err
    poisoned = next(line for line in listing.out.splitlines() if "poisoned" in line)
    assert "? dates" in poisoned
    assert "· " in next(line for line in listing.out.splitlines() if "healthy" in line)
    shown = sopdash("ticket", "show", "1")
    assert shown.code == 0 and "cannot be counted" in shown.out
    document = json.loads(sopdash("ticket", "show", "1", "--json").out)
    assert document["sla"]["ack"]["state"] == "unknown"
    for args in (("ticket", "note", "1", "still here"), ("report",), ("check",)):
        result = sopdash(*args)
        assert result.code == 0, (args, result.err)
    assert "ticket 1 holds a time outside the years sopdash handles" in result.out


@pytest.mark.parametrize("args", [("report", "--until", "9999-12-31"), ("report", "--since", "0001-01-01"),
                                  ("report", "--since", "1969-12-31T23:00:00+00:00")])
def test_report_dates_outside_the_years_are_usage_errors(env, sopdash, new_ticket, args):
    new_ticket()
    result = sopdash(*args)
    assert result.code == 2 and "outside the years sopdash handles" in result.err


@pytest.mark.parametrize("now", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "2200-01-01T00:00:00Z"])
def test_sopdash_now_outside_the_years_is_an_input_error(env, sopdash, new_ticket, monkeypatch, now):
    new_ticket()
    monkeypatch.setenv("SOPDASH_NOW", now)
    result = sopdash("ticket", "list")
    assert result.code == 2 and "SOPDASH_NOW" in result.err and "outside the years" in result.err


def test_a_config_target_past_the_years_is_refused_before_any_command(env, sopdash, new_ticket, tmp_path):
    new_ticket()
    (tmp_path / "config.toml").write_text('[sla.low]\nresolve = "9999999d"\n', encoding="utf-8")
    for args in (("ticket", "list"), ("check",), ("config",)):
        result = sopdash(*args)
        assert result.code == 2 and "sla.low.resolve" in result.out + result.err


@pytest.mark.parametrize(("option", "limit"), [("--subject", MAX_SUBJECT), ("--name", MAX_NAME),
                                               ("--category", MAX_CATEGORY), ("--body", MAX_BODY)])
def test_text_past_its_length_limit_is_a_usage_error(env, sopdash, option, limit):
    args = {"--subject": "s", "--requester": "a@b.c"}
    args[option] = "x" * (limit + 1)
    empty = env.read_bytes()
    result = sopdash("ticket", "new", *(part for pair in args.items() for part in pair))
    assert result.code == 2 and f"longer than the {limit:,} allowed" in result.err
    assert env.read_bytes() == empty
    args[option] = "x" * limit
    assert sopdash("ticket", "new", *(part for pair in args.items() for part in pair)).code == 0

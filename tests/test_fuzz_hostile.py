"""Fuzz: random and hostile strings, dates and numbers through the command line, the import and the config.

Whatever goes in, `sopdash` exits 0, 1 or 2, prints no traceback and no byte that steers a terminal, and
leaves the store untouched or valid. Most cases run `main` in-process (the console script is `main` with
`sys.argv[1:]`); a few run the real executable, with bytes a shell could pass.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopdash.cli.main import main
from sopdash.core.model import PRIORITIES
from sopdash.store.ticket_store import TicketStore

STEERING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
HOSTILE_PIECES = [
    "\x1b]0;PWNED\x07", "\x1b[2J", "\x9b31m", "\x1bP1$r\x1b\\", "\x9d0;x\x9c", "\u202e", "\u2066", "\x00", "\r",
    "\x7f", "\udcff", "%s", "{0}", "[bold]x[/]", "' OR 1=1 --", "../../etc/passwd", "a" * 5000, "9" * 30, "-1", "0",
    "#", "me", "inf", "nan", "1e308", "9999-12-31", "0001-01-01T00:00:00+05:00", "2200-01-01", "\n", "",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_PIECES),
    st.text(max_size=40),
    st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=5), max_size=4).map("".join),
)
hostile_time = st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S UTC")),
    st.dates().map(str),
    hostile_text,
)
hostile_number = st.one_of(
    st.integers(), st.integers(min_value=2**63 - 5, max_value=2**80), st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
NOW = "2026-11-25T09:00:00+00:00"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with a config and a store of two tickets; every example starts from that store."""
    directory = tmp_path_factory.mktemp("fuzz")
    (directory / "config.toml").write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    with environment(directory):
        assert run_main("init")[0] == 0
        for subject in ("Printer jams", "VPN drops"):
            assert run_main("ticket", "new", "--subject", subject, "--requester", "ann@example.com")[0] == 0
    (directory / "baseline.json").write_bytes((directory / "tickets.json").read_bytes())
    return directory


@contextlib.contextmanager
def environment(directory: Path, what_if: str | None = None):
    """The desk's store and config, on a clock stopped at NOW; what_if, if given, is SOPDASH_NOW."""
    env = {"SOPDASH_DB": str(directory / "tickets.json"), "SOPDASH_CONFIG": str(directory / "config.toml"),
           "COLUMNS": "100", **({"SOPDASH_NOW": what_if} if what_if is not None else {})}
    with mock.patch.dict(os.environ, env), time_machine.travel(NOW, tick=False):
        if what_if is None:
            os.environ.pop("SOPDASH_NOW", None)
        yield


def run_main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_well_behaved(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert not STEERING.search(out), out[:500]
    assert not STEERING.search(err), err[:500]


def assert_store_valid(directory: Path) -> None:
    """The store reads, and every command that shows it still works."""
    TicketStore(directory / "tickets.json").live()
    for args in (("ticket", "list", "--all"), ("ticket", "show", "1"), ("report",)):
        code, out, err = run_main(*args)
        assert code == 0, (args, err)
        assert_well_behaved(code, out, err)


def fresh(directory: Path) -> None:
    (directory / "tickets.json").write_bytes((directory / "baseline.json").read_bytes())


COMMANDS = st.one_of(
    st.tuples(hostile_text, hostile_text, hostile_text, hostile_text, hostile_text).map(
        lambda t: ("ticket", "new", "--subject", t[0], "--requester", t[1], "--name", t[2], "--body", t[3],
                   "--category", t[4])),
    hostile_text.map(lambda t: ("ticket", "new", "--subject", "x", "--requester", "a@b.c", "--phone", t)),
    hostile_text.map(lambda t: ("ticket", "show", t)),
    hostile_text.map(lambda t: ("ticket", "show", t, "--json")),
    hostile_text.map(lambda t: ("ticket", "assign", "1", t)),
    hostile_text.map(lambda t: ("ticket", "note", "2", t)),
    hostile_text.map(lambda t: ("ticket", "note", "1", t, "--public")),
    hostile_text.map(lambda t: ("ticket", "priority", "1", t)),
    st.sampled_from(PRIORITIES).map(lambda p: ("ticket", "priority", "1", p)),
    hostile_text.map(lambda t: ("ticket", "ack", "1", "--message", t)),
    hostile_text.map(lambda t: ("ticket", "step", "1", t)),
    hostile_text.map(lambda t: ("ticket", "escalate", "1", "--reason", "other", "--note", t)),
    hostile_text.map(lambda t: ("ticket", "resolve", "2", "--summary", t)),
    hostile_text.map(lambda t: ("ticket", "edit", "1", "--subject", t, "--category", t)),
    st.tuples(hostile_time, hostile_time).map(lambda t: ("report", "--since", t[0], "--until", t[1])),
    hostile_text.map(lambda t: ("report", "--format", t)),
    hostile_text.map(lambda t: ("--db", t, "ticket", "list")),
    hostile_text.map(lambda t: ("--config", t, "check")),
    hostile_text.map(lambda t: ("import", "spiceworks", t)),
    st.tuples(st.sampled_from(["ticket", "report", "check", "config", "import"]), st.lists(hostile_text, max_size=4))
    .map(lambda t: (t[0], *t[1])),  # a command first: without one, sopdash opens the dashboard
)


@FUZZ
@given(argv=COMMANDS, what_if=st.one_of(st.none(), hostile_time.filter(lambda t: "\0" not in t)))
def test_the_command_line_survives_hostile_arguments(desk, argv, what_if):
    fresh(desk)
    with environment(desk, what_if):
        assert_well_behaved(*run_main(*argv))
    with environment(desk):
        assert_store_valid(desk)


def comment_doc(draw_time, body, number, flags):
    return {"body": body, "is_public": flags[0], "private": flags[1], "created_by": 1, "created_at": draw_time,
            "is_labor": flags[2], "duration": number}


EXPORTS = st.builds(
    lambda number, summary, created, comments, priority, status: {
        "users": [{"import_id": 1, "email": "tech@example.com", "role": "admin"},
                  {"import_id": 2, "email": "ann@example.com", "first_name": summary, "role": "end_user"}],
        "tickets": [{"ticket_number": number, "summary": summary, "description": summary, "category": summary,
                     "created_by": 2, "created_at": created, "priority": priority, "status": status,
                     "Comments": comments}],
    },
    number=hostile_number,
    summary=hostile_text,
    created=st.one_of(st.just("2026-11-20 09:00:00 UTC"), hostile_time),
    comments=st.lists(
        st.builds(comment_doc, hostile_time, hostile_text, hostile_number, st.tuples(st.booleans(), st.booleans(),
                                                                                   st.booleans())),
        max_size=3),
    priority=st.one_of(st.sampled_from(["1", "2", "3"]), hostile_text),
    status=st.one_of(st.sampled_from(["open", "waiting", "closed"]), hostile_text),
)


@FUZZ
@given(document=EXPORTS)
def test_the_import_survives_hostile_exports(desk, document):
    fresh(desk)
    export = desk / "export.json"
    export.write_text(json.dumps(document), encoding="utf-8", errors="surrogatepass")
    with environment(desk):
        assert_well_behaved(*run_main("import", "spiceworks", str(export)))
        assert_store_valid(desk)


toml_value = st.one_of(
    hostile_text.map(json.dumps),
    st.sampled_from(['"9999999d"', '"0m"', '"-5h"', '"1e308d"', '"24x7"', "inf", "nan", "-inf", "1e308", "true",
                     "[]", '["08:00-17:00"]', '["25:00-26:00"]', "{}", "[[[[[[1]]]]]]", '"ctrl+a"', '""']),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
toml_key = st.sampled_from(["path", "url", "privacy", "bell", "alerts", "timezone", "hours", "holidays", "country",
                            "warn_at", "warn_before", "pause_when_waiting", "ack", "resolve", "tier", "manager",
                            "name", "acknowledge", "quit", "foo", "privacyy", "archive_after", "text"])
mail_key = st.sampled_from(["smtp_url", "sendmail", "subject_tag", "max_message_mb", "max_new_tickets_per_sender_hour",
                            "starttls", "name", "username", "password_file", "foo"])
toml_table = st.sampled_from(["store", "calendar", "sla", "sla.urgent", "sla.low", "roster.ann", "ui", "keys",
                              "calendar.hours", "replies.vpn", "nope", "mail"])
MAIL_TABLES = st.lists(st.tuples(mail_key, toml_value), min_size=1, max_size=4).map(
    lambda kv: '[mail]\naddress = "help@desk.example.org"\nsendmail = "/usr/sbin/sendmail -t -i"\n'
               + "".join(f"{k} = {v}\n" for k, v in dict(kv).items() if k not in ("address", "sendmail")))
CONFIGS = st.one_of(
    st.lists(st.tuples(toml_table, st.lists(st.tuples(toml_key, toml_value), max_size=3)), max_size=4).map(
        lambda tables: "".join(f"[{t}]\n" + "".join(f"{k} = {v}\n" for k, v in dict(kv).items()) + "\n"
                               for t, kv in dict(tables).items())),
    hostile_text,
    MAIL_TABLES,
    st.sampled_from(['calendar = "24x7"\n', "a = " + "[" * 3000 + "]" * 3000 + "\n", "[sla]\nwarn_at = 0.5\nwarn_before = \"1h\"\n"]),
)


@FUZZ
@given(text=CONFIGS, command=st.sampled_from([("config",), ("check",), ("ticket", "list"), ("report",)]))
def test_the_config_survives_hostile_files(desk, text, command):
    fresh(desk)
    config = desk / "fuzz.toml"
    config.write_text(text, encoding="utf-8", errors="surrogatepass")
    with environment(desk):
        before = (desk / "tickets.json").read_bytes()
        assert_well_behaved(*run_main("--config", str(config), *command))
        assert (desk / "tickets.json").read_bytes() == before


mail_value = st.one_of(
    st.sampled_from(["inf", "nan", "-inf", "1e308", "0.5", "0", "-1", "2e9", '"a \'b"', "'\"x'", '"smtp://[::1"']),
    toml_value,
)


@FUZZ
@given(key=mail_key, value=mail_value, command=st.sampled_from([("check",), ("ticket", "list"), ("mail", "send")]))
def test_any_mail_value_gets_a_message_naming_the_key(desk, key, value, command):
    config = desk / "fuzz.toml"
    transport = "" if key == "smtp_url" else 'smtp_url = "smtp://mail.example.org"\n'
    config.write_text(f'[mail]\naddress = "help@desk.example.org"\n{transport}{key} = {value}\n', encoding="utf-8",
                      errors="surrogatepass")
    with environment(desk):
        code, out, err = run_main("--config", str(config), *command)
    assert_well_behaved(code, out, err)
    said = out + err
    assert code == 0 or f"mail.{key}" in said or "not valid TOML" in said or "mail.smtp_url" in said, said


@FUZZ
@given(text=CONFIGS, command=st.sampled_from([("config",), ("check",), ("ticket", "list"), ("mail", "send")]))
def test_the_desks_settings_survive_hostile_files(desk, text, command):
    fresh(desk)
    settings = desk / "tickets.json.settings.toml"
    settings.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        with environment(desk):
            before = (desk / "tickets.json").read_bytes()
            assert_well_behaved(*run_main(*command))
            assert (desk / "tickets.json").read_bytes() == before
    finally:
        settings.unlink()


@pytest.mark.parametrize(
    "argv",
    [
        [b"ticket", b"new", b"--subject", b"bad\xff\xfe", b"--requester", b"a@b.c"],
        [b"ticket", b"assign", b"1", b"evil\x1b]0;PWNED\x07\x1b[2J\xc2\x9b31m\xe2\x80\xae"],
        [b"--db", b"/tmp/\x1b]0;x\x07/\xff.json", b"ticket", b"list"],
        [b"ticket", b"show", b"99999999999999999999999999"],
        [b"report", b"--until", b"9999-12-31"],
    ],
)
def test_the_real_executable_survives_hostile_bytes(desk, argv):
    fresh(desk)
    env = {**os.environ, "SOPDASH_DB": str(desk / "tickets.json"), "SOPDASH_CONFIG": str(desk / "config.toml")}
    result = subprocess.run([sys.executable.encode(), b"-m", b"sopdash", *argv], capture_output=True, env=env,
                            timeout=60)
    assert result.returncode in (0, 1, 2), result.stderr
    for stream in (result.stdout, result.stderr):
        assert b"Traceback" not in stream
        assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]", stream)
    TicketStore(desk / "tickets.json").live()

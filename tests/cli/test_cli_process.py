"""Real `sopdash` processes: the console script, `python -m sopdash`, and what the CLI path imports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = shutil.which("sopdash", path=str(Path(sys.executable).parent))


def run(args: list[str], env_vars: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env={**os.environ, **env_vars}, capture_output=True, text=True, timeout=60)


def runs_clean(code: str, env_vars: dict[str, str]) -> None:
    """code run by this Python in a process of its own ends with exit 0 (its assertions held)."""
    result = run([sys.executable, "-c", code], env_vars)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def process_env(env: Path) -> dict[str, str]:
    """The test's store and config; a real process runs on the real clock (the env fixture's stands still only
    in this process)."""
    return {name: os.environ[name] for name in ("SOPDASH_DB", "SOPDASH_CONFIG")}


def test_python_m_sopdash_creates_and_lists(process_env):
    module = [sys.executable, "-m", "sopdash"]
    new = run([*module, "ticket", "new", "--subject", "Wi-Fi", "--requester", "a@b.c"], process_env)
    assert (new.returncode, new.stdout, new.stderr) == (0, "1\n", "")
    listing = run([*module, "ticket", "list", "--json"], process_env)
    assert listing.returncode == 0
    assert [doc["subject"] for doc in json.loads(listing.stdout)] == ["Wi-Fi"]


@pytest.mark.skipif(SCRIPT is None, reason="the sopdash console script is not installed in this environment")
def test_console_script_exit_codes_and_one_line_errors(process_env):
    assert run([SCRIPT, "ticket", "new", "--subject", "x", "--requester", "a@b.c"], process_env).returncode == 0
    refused = run([SCRIPT, "ticket", "close", "1"], process_env)
    assert refused.returncode == 1
    assert refused.stderr.startswith("sopdash: cannot close ticket #1") and refused.stderr.count("\n") == 1
    usage = run([SCRIPT, "ticket", "show"], {**process_env, "SOPDASH_NOW": "soon"})
    assert usage.returncode == 2 and "usage:" in usage.stderr and "Traceback" not in usage.stderr


def test_the_cli_path_never_imports_textual(process_env):
    code = (
        "import sys\n"
        "from sopdash.cli.main import main\n"
        "codes = [main(['ticket', 'new', '--subject', 'x', '--requester', 'a@b.c']), main(['ticket', 'list']),"
        " main(['ticket', 'show', '1']), main(['config']), main(['check'])]\n"
        "assert codes == [0, 0, 0, 0, 0], codes\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'textual' or m == 'sopdash.tui.app']\n"
        "assert not loaded, loaded\n"
    )
    runs_clean(code, process_env)


def test_a_command_loads_only_what_it_needs(process_env):
    code = (
        "import sys\n"
        "from sopdash.cli.main import main\n"
        "def loaded(): return sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'smtplib', 'ssl',"
        " 'email', 'msgspec', 'tinydb', 'psycopg'} | {m for m in sys.modules if m.startswith('sopdash.cli.')})\n"
        "assert main(['--version']) == 0\n"
        "assert loaded() == ['sopdash.cli.main', 'sopdash.cli.options'], loaded()\n"
        "assert main(['ticket', 'new', '--subject', 'x', '--requester', 'a@b.c']) == 0\n"
        "assert main(['ticket', 'list']) == 0\n"
        "assert not {'smtplib', 'ssl', 'textual', 'sopdash.cli.mail_commands'} & set(loaded()), loaded()\n"
    )
    runs_clean(code, process_env)


def test_ticket_list_loads_no_mail_and_no_key_table(process_env):
    code = (
        "import sys\n"
        "from sopdash.cli.main import main\n"
        "assert main(['ticket', 'list']) == 0\n"
        "loaded = {'email', 'smtplib', 'sopdash.keys', 'sopdash.mail.compose'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    runs_clean(code, process_env)


def test_mail_receive_of_plain_mail_loads_no_optional_reader(process_env):
    # an MTA starts one process per message: the readers only some mail needs (bounces, HTML, unlabelled
    # charsets, an address no plain pattern passes) and the sign-in's flows are imported when a message or
    # command needs them
    config = Path(process_env["SOPDASH_CONFIG"])
    config.write_text(config.read_text() + '\n[mail]\naddress = "desk@example.com"\nsendmail = "/bin/true"\n')
    code = (
        "import io, sys\n"
        "from sopdash.cli.main import main\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'From: Ann <ann@example.com>\\r\\nTo: desk@example.com\\r\\n"
        "Subject: printer\\r\\nMessage-ID: <1@example.com>\\r\\n\\r\\nIt jams.\\r\\n'))\n"
        "assert main(['mail', 'receive']) == 0\n"
        "optional = {'flufl', 'inscriptis', 'charset_normalizer', 'msal', 'tnefparse', 'imapclient', 'http',"
        " 'email_validator'}\n"
        "loaded = optional & {m.split('.')[0] for m in sys.modules}\n"
        "assert not loaded, loaded\n"
    )
    runs_clean(code, process_env)


def test_a_database_loads_no_file_store(process_env):
    # a command on PostgreSQL (an MTA's `mail receive` above all) loads neither the file store nor its modules
    runs_clean(
        "import sys\n"
        "import sopdash.cli.mail_commands, sopdash.store.postgres.pg_store, sopdash.store.postgres.settings\n"
        "from sopdash.store.opening import settings_backend_for\n"
        "settings_backend_for('postgresql://desk@/desk')\n"
        "file_store = {'sopdash.store.ticket_store', 'sopdash.store.archive_index', 'sopdash.store.file_search',"
        " 'sopdash.store.storage', 'sopdash.store.lock', 'sopdash.store.settings_file', 'tinydb'}\n"
        "loaded = file_store & set(sys.modules)\n"
        "assert not loaded, loaded\n",
        process_env,
    )


def test_the_process_own_command_freezes_its_modules_and_a_caller_argv_does_not(process_env):
    # the collector never scans the command's modules again; a test calling main() keeps its collector as it was
    runs_clean(
        "import gc, sys\n"
        "from sopdash.cli.main import main\n"
        "assert main(['check', '--help']) == 0 and gc.get_freeze_count() == 0\n"
        "sys.argv = ['sopdash', 'check', '--help']\n"
        "assert main() == 0\n"
        "assert gc.get_freeze_count() > 10_000 and gc.isenabled(), gc.get_freeze_count()\n",
        process_env,
    )

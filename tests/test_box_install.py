"""The README's install for a whole support box, done for real: sopdash installed once into a venv made with the
system Python in a folder every login may read, two throw-away technicians in one group and an unprivileged
MTA-like user, each running the installed command against one store in a setgid folder. The MTA's user runs
`mail receive` as Postfix's local(8) would: its own group alone, an empty environment.

Needs root (it adds and removes Unix users); CI runs as root, so there a missing prerequisite is a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = "/usr/bin/python3"
TOOLS = ("useradd", "userdel", "groupadd", "groupdel", "runuser", "setpriv")
MAIL = (
    b"From: Ann Example <ann@example.com>\nTo: helpdesk@box.example.org\nSubject: Printer on floor 2 jams\n"
    b"Message-ID: <box-1@example.com>\nDate: Wed, 25 Nov 2026 08:59:00 +0000\n\nIt jams on every page.\n"
)
STALE_LOCKS = ("/etc/passwd.lock", "/etc/group.lock", "/etc/shadow.lock", "/etc/gshadow.lock")


def prerequisites() -> str:
    """Why this box cannot run the test, or ""."""
    if os.geteuid() != 0:
        return "the whole-box install test adds Unix users: run it as root (CI does)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"the whole-box install test needs {', '.join(missing)}"
    if subprocess.run([SYSTEM_PYTHON, "-c", "import ensurepip, venv"], capture_output=True).returncode:
        return f"{SYSTEM_PYTHON} cannot make a venv: apt-get install python3-venv"
    return ""


def admin(*command: str) -> None:
    """Run a user-administration command; an empty lock file left beside /etc/passwd by something that was not
    useradd (it writes its pid there) is stale and is removed before trying again."""
    for _ in range(5):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode == 0:
            return
        if "without a PID" not in done.stderr:
            break
        for lock in STALE_LOCKS:
            if os.path.isfile(lock) and os.path.getsize(lock) == 0:
                os.unlink(lock)
        time.sleep(0.2)
    raise AssertionError(f"{' '.join(command)}: {done.stderr.strip()}")


class Box:
    """The installed command, the desk's folder, and who may run what."""

    def __init__(self, base: Path, suffix: str) -> None:
        self.base = base
        self.sopdash = base / "usr-local-bin" / "sopdash"  # the link /usr/local/bin/sopdash would be
        self.venv = base / "opt" / "sopdash"
        self.folder = base / "srv" / "helpdesk"
        self.store = self.folder / "tickets.json"
        self.group, self.amara, self.bo, self.mta = (f"sd{role}{suffix}" for role in ("g", "a", "b", "m"))

    def as_technician(self, login: str, *args: str) -> subprocess.CompletedProcess[str]:
        """`sopdash ARGS` as login, with the profile's SOPDASH_DB and SOPDASH_CONFIG, on the real clock (a
        technician's write refuses SOPDASH_NOW)."""
        return subprocess.run(
            ["runuser", "-u", login, "--", "env", f"SOPDASH_DB={self.store}", str(self.sopdash), *args],
            capture_output=True, text=True, timeout=120, cwd=self.base,
        )

    def as_mta(self, raw: bytes) -> subprocess.CompletedProcess[bytes]:
        """The alias's pipe, as local(8) runs it: the MTA's user with its own group alone and no environment."""
        return subprocess.run(
            ["setpriv", f"--reuid={self.mta}", f"--regid={self.group}", "--clear-groups", "env", "-i",
             "PATH=/usr/bin:/bin", str(self.sopdash), "--db", str(self.store),
             "mail", "receive"],
            input=raw, capture_output=True, timeout=120, cwd=self.base,
        )


@pytest.fixture(scope="module")
def box() -> Iterator[Box]:
    reason = prerequisites()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the whole-box install test, but {reason}")
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="sopdash-box-", dir="/tmp"))
    box = Box(base, secrets.token_hex(3))
    made: list[tuple[str, ...]] = []
    try:
        base.chmod(0o755)
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(box.venv)], check=True, capture_output=True)
        subprocess.run([str(box.venv / "bin" / "pip"), "install", "-q", str(REPOSITORY)], check=True,
                       capture_output=True, timeout=900)
        subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
        box.sopdash.parent.mkdir()
        box.sopdash.symlink_to(box.venv / "bin" / "sopdash")

        admin("groupadd", box.group)
        made.append(("groupdel", box.group))
        for login in (box.amara, box.bo):
            admin("useradd", "--no-create-home", "--home-dir", "/nonexistent", "--groups", box.group, login)
            made.append(("userdel", login))
        admin("useradd", "--system", "--gid", box.group, "--no-create-home", "--home-dir", "/nonexistent",
              "--shell", "/usr/sbin/nologin", box.mta)
        made.append(("userdel", box.mta))

        box.folder.mkdir(parents=True)
        shutil.chown(box.folder, group=box.group)
        box.folder.chmod(0o2770)
        yield box
    finally:
        for command in reversed(made):
            admin(*command)
        shutil.rmtree(base, ignore_errors=True)


def test_the_installed_command_runs_on_the_system_python(box: Box):
    shebang = (box.venv / "bin" / "sopdash").read_text().splitlines()[0]
    interpreter = Path(shebang.removeprefix("#!"))
    assert interpreter.parent == box.venv / "bin"
    assert os.path.realpath(interpreter).startswith("/usr/bin/python3")


def test_two_technicians_and_the_mta_share_one_store(box: Box):
    created = box.as_technician(box.amara, "init")
    assert created.returncode == 0, created.stderr
    assert stat.S_IMODE(box.store.stat().st_mode) == 0o660 and box.store.group() == box.group
    settled = subprocess.run(  # root sets the desk's policy, as the README's step 3 does
        [str(box.sopdash), "--db", str(box.store), "config", "set", "calendar.timezone", "UTC",
         "mail.address", "helpdesk@box.example.org", "mail.sendmail", "/bin/true -t -i", "mail.mta_user", box.mta],
        capture_output=True, text=True, timeout=120, cwd=box.base,
    )
    assert settled.returncode == 0, settled.stderr

    new = box.as_technician(box.amara, "ticket", "new", "--subject", "VPN drops", "--requester", "cy@example.com")
    assert (new.returncode, new.stdout, new.stderr) == (0, "1\n", "")

    received = box.as_mta(MAIL)
    assert (received.returncode, received.stdout) == (0, b"ticket #2: new ticket from ann@example.com\n"), received.stderr
    (kept,) = (box.folder / "tickets.json.files" / "mail").rglob("*.eml")
    assert kept.group() == box.group and stat.S_IMODE(kept.stat().st_mode) == 0o660

    listed = box.as_technician(box.bo, "ticket", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(doc["id"], doc["subject"]) for doc in json.loads(listed.stdout)] == [
        (1, "VPN drops"), (2, "Printer on floor 2 jams")]
    noted = box.as_technician(box.bo, "ticket", "note", "2", "Asked facilities for the printer's model.")
    assert noted.returncode == 0, noted.stderr
    assert box.as_technician(box.amara, "ticket", "show", "2").stdout.count("Asked facilities") == 1

    outsider = box.as_technician("nobody", "init")  # not in the group: told so, not that the store "exists"
    assert outsider.returncode == 2 and "permission denied" in outsider.stderr and "already exists" not in outsider.stderr

    checked = box.as_technician(box.bo, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"group: {box.group} shares {box.folder}" in checked.stdout
    assert f"mta: {box.mta} (group {box.group}) can run sopdash and take mail into the store" in checked.stdout
    assert "warning:" not in checked.stdout and "error:" not in checked.stdout

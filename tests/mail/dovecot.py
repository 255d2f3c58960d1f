"""A real IMAP server for the tests: Debian's Dovecot (`dovecot-imapd`) on 127.0.0.1, with its own config, users
and Maildirs under a throw-away folder; no system config is read (`dovecot -c`).

As root, Dovecot runs its login and internal processes as the Debian package's `dovenull` and `dovecot` users
and refuses UID 0 for a mailbox, so the mail user is `nobody` and its folder is made traversable; as anyone else,
every process is that user. Mail can arrive like a client's (`append`, IMAP APPEND) or in bulk by writing
Maildir files directly (`deliver`), which Dovecot picks up at the next sync.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
USER, PASSWORD = "desk", "desk-secret"
START_S = 10.0


class DovecotUnavailable(Exception):
    """Dovecot is not installed or would not start here."""


@dataclass
class Dovecot:
    """One running Dovecot; `port` serves IMAP without TLS on 127.0.0.1."""

    root: Path
    port: int
    uid: int
    gid: int

    @property
    def config(self) -> Path:
        return self.root / "dovecot.conf"

    @property
    def inbox(self) -> Path:
        return self.root / "mail" / USER

    @property
    def log(self) -> Path:
        return self.root / "dovecot.log"

    def start(self) -> None:
        errors = self.root / "start.err"  # not a pipe: the daemon's children would hold it open
        with errors.open("wb") as sink:
            done = subprocess.run([DOVECOT, "-c", str(self.config)], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=sink)
        if done.returncode != 0:
            raise DovecotUnavailable(f"dovecot would not start: {errors.read_text(errors='replace').strip()}")
        deadline = time.monotonic() + START_S
        while True:
            try:
                imaplib.IMAP4("127.0.0.1", self.port, timeout=1).logout()
                return
            except OSError as error:
                if time.monotonic() > deadline:
                    raise DovecotUnavailable(f"dovecot does not answer on {self.port}: {error}; {self.log_tail()}")
                time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server and every process of it: the master exits at once, but a client's imap process would
        serve on until the client leaves, so the whole process group (the master's session) is ended."""
        try:
            pid = int((self.root / "base" / "master.pid").read_text())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def restart(self) -> None:
        self.stop()
        self.start()

    def new_uidvalidity(self) -> None:
        """Rebuild the INBOX's UID list (as a restored or migrated mailbox has): a new UIDVALIDITY, same mail."""
        self.stop()
        for path in self.inbox.glob("dovecot*"):
            path.unlink()
        time.sleep(1.1)  # Dovecot's UIDVALIDITY is a time in seconds: make sure it moves
        self.start()

    def kick(self) -> bool:
        """Drop every client connection of the user, as a network cut would; whether there was one to drop."""
        done = subprocess.run([DOVEADM, "-c", str(self.config), "kick", USER], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return done.returncode == 0

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(USER, PASSWORD)
        return imap

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """One message added the way a client's mail reaches the mailbox: IMAP APPEND."""
        imap = self.client()
        try:
            status, answer = imap.append(folder, None, None, raw)
            assert status == "OK", answer
        finally:
            imap.logout()

    def deliver(self, name: str, raw: bytes) -> None:
        """One message written straight into the INBOX's Maildir new/ (fast, for bulk)."""
        new = self.inbox / "new"
        temporary = self.inbox / "tmp" / name
        temporary.write_bytes(raw)
        os.chown(temporary, self.uid, self.gid)
        os.replace(temporary, new / name)

    def count(self, folder: str = "INBOX") -> int:
        imap = self.client()
        try:
            status, data = imap.select(folder, readonly=True)
            return int(data[0]) if status == "OK" else 0
        finally:
            imap.logout()

    def log_tail(self) -> str:
        try:
            return " | ".join(self.log.read_text(errors="replace").splitlines()[-5:])
        except OSError:
            return "(no log)"


def start_dovecot(port: int, introspection_url: str = "") -> Dovecot:
    """A Dovecot with one user (USER/PASSWORD) and an empty INBOX, serving IMAP on 127.0.0.1:port; with
    introspection_url, it also takes SASL XOAUTH2, asking that RFC 7662 endpoint whether a token is active."""
    if not os.access(DOVECOT, os.X_OK):
        raise DovecotUnavailable(f"{DOVECOT} is missing (Debian: apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="dv", dir="/tmp"))  # short: Dovecot's sockets live under base/
    root.chmod(0o755)
    if os.geteuid() == 0:
        mail_user, internal, login = pwd.getpwnam("nobody"), "dovecot", "dovenull"
        for name in (internal, login):
            try:
                pwd.getpwnam(name)
            except KeyError:
                raise DovecotUnavailable(f"the user {name!r} of Debian's dovecot-core package is missing") from None
    else:
        mail_user = pwd.getpwuid(os.getuid())
        internal = login = mail_user.pw_name
    uid, gid = mail_user.pw_uid, mail_user.pw_gid
    for folder in ("base", "state", "mail", f"mail/{USER}", f"mail/{USER}/new", f"mail/{USER}/cur",
                   f"mail/{USER}/tmp", "home"):
        (root / folder).mkdir()
        if folder.startswith(("mail", "home")):
            os.chown(root / folder, uid, gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/home::\n")
    oauth2 = ""
    if introspection_url:
        (root / "oauth2.conf").write_text(_OAUTH2.format(url=introspection_url))
        oauth2 = _OAUTH2_PASSDB.format(root=root)
    (root / "dovecot.conf").write_text(_CONFIG.format(root=root, port=port, internal=internal, login=login,
                                                      first_uid=min(uid, 500), oauth2=oauth2))
    server = Dovecot(root, port, uid, gid)
    server.start()
    return server


def remove(server: Dovecot) -> None:
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


_CONFIG = """\
base_dir = {root}/base
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {first_uid}
mail_location = maildir:{root}/mail/%u
mail_fsync = never
{oauth2}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""

_OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf
}}
"""

_OAUTH2 = """\
introspection_mode = post
introspection_url = {url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""

"""Time from IMAP APPEND on a real Dovecot to the ticket under `sopdash mail fetch --imap --watch` (IDLE).

Target: a new message is a ticket within 5 s of reaching the server (issue 22). Baseline in the same run: how
long Dovecot itself takes to announce an APPEND to a plain imapclient connection in IDLE (its own notification
delay), so the ratio shows what sopdash adds. Needs Debian's dovecot-imapd (tests/mail/dovecot.py starts it).

    .venv/bin/python bench/bench_imap.py [--messages 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from imapclient import IMAPClient

sys.path[:0] = [str(Path(__file__).parent.parent / "tests"), str(Path(__file__).parent.parent / "tests" / "mail")]
from dovecot import PASSWORD, USER, remove, start_dovecot  # noqa: E402
from mail_server import DESK, free_port, mail_config  # noqa: E402

from sopdash.store.opening import open_store  # noqa: E402


def message(n: int) -> bytes:
    return (f"From: Client {n} <client{n}@example.com>\r\nTo: {DESK}\r\nSubject: Request {n}\r\n"
            f"Message-ID: <bench-{n}@example.com>\r\n\r\nPlease help with {n}.\r\n").encode()


def dovecot_announces(server, count: int) -> list[float]:
    """Seconds from APPEND (by another connection) to EXISTS on a connection in IDLE."""
    client = IMAPClient("127.0.0.1", server.port, ssl=False)
    client.login(USER, PASSWORD)
    client.select_folder("bench", readonly=True)
    delays = []
    for n in range(count):
        client.idle()
        started = time.monotonic()
        threading.Thread(target=server.append, args=(message(n), "bench")).start()
        client.idle_check(timeout=10)
        delays.append(time.monotonic() - started)
        client.idle_done()
    client.logout()
    return delays


def sopdash_tickets(server, folder: Path, count: int) -> list[float]:
    """Seconds from APPEND to the watcher saying it made the ticket."""
    (folder / "pw").write_text(PASSWORD + "\n")
    (folder / "config.toml").write_text(
        mail_config(25) + f'\n[mail.imap]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\n'
        f'user = "{USER}"\npassword_file = "{folder / "pw"}"\n')
    open_store(folder / "tickets.json", create=True)
    env = dict(os.environ, SOPDASH_DB=str(folder / "tickets.json"), SOPDASH_CONFIG=str(folder / "config.toml"))
    watcher = subprocess.Popen([sys.executable, "-u", "-m", "sopdash", "mail", "fetch", "--imap", "--watch"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        watcher.stdout.readline()  # "watching … (IDLE)"
        delays = []
        for n in range(count):
            time.sleep(0.3)  # back in IDLE
            started = time.monotonic()
            server.append(message(n))
            line = watcher.stdout.readline()
            assert "new ticket" in line, line
            delays.append(time.monotonic() - started)
        return delays
    finally:
        watcher.kill()
        watcher.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=21)
    args = parser.parse_args()
    server = start_dovecot(free_port())
    try:
        client = server.client()
        client.create("bench")
        client.logout()
        baseline = statistics.median(dovecot_announces(server, args.messages))
        with tempfile.TemporaryDirectory() as folder:
            delays = sopdash_tickets(server, Path(folder), args.messages)
    finally:
        remove(server)
    median = statistics.median(delays)
    print(f"Dovecot announces an APPEND in IDLE: median {baseline * 1000:.0f} ms of {args.messages}")
    print(f"APPEND to ticket under --watch:      median {median * 1000:.0f} ms, max {max(delays) * 1000:.0f} ms "
          f"of {args.messages} ({median / baseline:.2f}x Dovecot's own delay; target 5 s)")


if __name__ == "__main__":
    main()

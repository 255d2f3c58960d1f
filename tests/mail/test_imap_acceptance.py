"""Issue 22, done when: Dovecot holding 500 messages with new ones arriving, `mail fetch --imap --watch`
ticketizes each exactly once through a kill -9 every 50 messages and a server restart."""

from __future__ import annotations

import time
from collections import Counter

from test_imap_intake import message, wait_until, watcher

from sopdash.store.opening import open_store

HELD = 500
ARRIVING = 50
KILL_EVERY = 50


def test_500_messages_and_new_ones_each_become_one_ticket_through_kill_9_and_a_server_restart(
    imap_env, dovecot, tmp_path
):
    for n in range(HELD):
        dovecot.deliver(f"{1700000000 + n}.M{n}.held", message(n))
    log = tmp_path / "watch.log"
    started = time.monotonic()
    running, kills = watcher(log), 0
    try:
        for at in range(KILL_EVERY, HELD + ARRIVING + 1, KILL_EVERY):
            wait_until(lambda: taken(log) >= at, 120, f"{at} messages taken", log, running)
            if at == 200:  # new mail arrives, by IMAP APPEND and by delivery into the Maildir
                for n in range(HELD, HELD + ARRIVING, 2):
                    dovecot.append(message(n))
                    dovecot.deliver(f"{1800000000 + n}.M{n}.new", message(n + 1))
            if at == 300:
                dovecot.restart()  # the watcher's connection goes with it; it reconnects
                continue
            running.kill()  # SIGKILL: no handler runs
            running.wait()
            kills += 1
            running = watcher(log)
        wait_until(lambda: tickets(imap_env) == HELD + ARRIVING and dovecot.count("INBOX") == 0, 120,
                   "every ticket, and the INBOX emptied", log, running)
    finally:
        running.kill()
        running.wait()
    elapsed = time.monotonic() - started
    subjects = Counter(t.subject for t in open_store(imap_env).history())
    print(f"{HELD + ARRIVING} messages, {kills} kills -9, 1 server restart: {elapsed:.1f} s")
    assert kills == 10 and "trying again in" in log.read_text()
    assert subjects == Counter(f"Request {n}" for n in range(HELD + ARRIVING))  # each exactly once


def tickets(store) -> int:
    try:
        return len(open_store(store).history())
    except Exception:  # caught mid-replace on a slow disk: ask again
        return -1


def taken(log) -> int:
    """Messages the watchers said they took in (a ticket, or one found handled already)."""
    said = log.read_text()
    return said.count(": ticket #") + said.count(": duplicate #")

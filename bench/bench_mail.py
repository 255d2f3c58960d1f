"""Time `sopdash mail receive` of a 100 KB message on a 1,000-ticket store, and 1,000 queued messages sent.

Targets: receive within 0.5 s (a fresh interpreter, so start-up and imports count; best of several runs
on a shared machine), and 1,000 queued replies delivered over one SMTP connection within 10 s against a
real SMTP server on 127.0.0.1 (aiosmtpd). Baselines in the same run: a fresh interpreter that only runs
`sopdash --version`, and plain smtplib sending the same 1,000 messages over one connection.

    .venv/bin/python bench/bench_mail.py [--tickets 1000] [--messages 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from aiosmtpd.controller import Controller

from sopdash.clock import fixed_clock
from sopdash.core import rules
from sopdash.core.delivery import queue_deliveries
from sopdash.core.model import Requester
from sopdash.mail.compose import new_message_id, outgoing
from sopdash.mail.outbox import deliver_queued, pending
from sopdash.mail.settings import MailSettings
from sopdash.store.ticket_store import TicketStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
RECEIVE_TARGET_S = 0.5
SEND_TARGET_S = 10.0
DESK = "help@desk.example.org"


class CountingHandler:
    """An SMTP server that accepts everything and only counts."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def acknowledged_store(path: Path, count: int, settings: MailSettings | None) -> TicketStore:
    """A store of `count` acknowledged tickets; with settings, each acknowledgement queued for delivery."""
    store = TicketStore(path, create=True)
    tickets = []
    for n in range(count):
        requester = Requester(f"Client {n}", f"client{n}@example.com")
        ticket = rules.create(n + 1, f"Request number {n}", requester, NOW, "bench", body="Details. " * 40)
        acked = rules.acknowledge(ticket, "sam", NOW, rules.acknowledgement_message(ticket))
        if settings is not None:
            acked = queue_deliveries(ticket, acked, lambda i: new_message_id(i, settings.domain), NOW)
        tickets.append(acked)
    store.add_many(tickets)
    return store


def message_of(size: int) -> bytes:
    """A client's reply of about `size` bytes: plain text with quoted history."""
    line = "The shared drive disconnects every few minutes since the update, see the log below.\n"
    body = line * (size // len(line))
    return (
        "From: Client Seven <client7@example.com>\nTo: help@desk.example.org\nSubject: Re: Request number 7 [#8]\n"
        "Message-ID: <bench-receive@example.com>\nDate: Wed, 25 Nov 2026 09:00:00 +0000\n"
        "Content-Type: text/plain; charset=utf-8\n\n" + body
    ).encode()


def timed_run(command: list[str], env: dict, stdin: bytes = b"") -> float:
    started = time.perf_counter()
    subprocess.run(command, input=stdin, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def bench_receive(tickets: int, runs: int, folder: Path) -> None:
    config = folder / "config.toml"
    config.write_text(f'[mail]\naddress = "{DESK}"\nsendmail = "/bin/true"\n', encoding="utf-8")
    raw = message_of(100 * 1024)
    sopdash = str(Path(sys.executable).with_name("sopdash"))
    receive, baseline = [], []
    for run in range(runs):
        store = folder / f"receive{run}.json"
        acknowledged_store(store, tickets, None)
        env = {name: value for name, value in os.environ.items() if name != "SOPDASH_NOW"}  # intake refuses it
        env.update(SOPDASH_DB=str(store), SOPDASH_CONFIG=str(config))
        baseline.append(timed_run([sopdash, "--version"], env))
        receive.append(timed_run([sopdash, "mail", "receive"], env, raw))
        assert len(TicketStore(store).get(8).timeline) > 3, "the reply was not appended"
    best, base = min(receive), min(baseline)
    print(f"mail receive, {len(raw) // 1024} KB message, {tickets} tickets: best {best:.3f} s of {runs} "
          f"(target {RECEIVE_TARGET_S} s: {'met' if best <= RECEIVE_TARGET_S else 'MISSED'}); "
          f"`sopdash --version` {base:.3f} s; ratio {best / base:.2f}x")


def bench_send(messages: int, folder: Path) -> None:
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = MailSettings(address=DESK, name="Help Desk", smtp_url=f"smtp://127.0.0.1:{port}", starttls=False)
        store = acknowledged_store(folder / "send.json", messages, settings)
        due = pending(store.live(), NOW)
        plain = [outgoing(ticket, entry, settings) for ticket, entry in due]
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as client:
            for message in plain:
                client.send_message(message, from_addr=DESK, to_addrs=[message["To"].addresses[0].addr_spec])
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        report = deliver_queued(store, settings, fixed_clock(NOW))
        took = time.perf_counter() - started
    finally:
        controller.stop()
    assert report.sent == messages, report.summary(timezone.utc)
    print(f"mail send, {messages} queued messages over one connection: {took:.2f} s "
          f"(target {SEND_TARGET_S} s: {'met' if took <= SEND_TARGET_S else 'MISSED'}); "
          f"plain smtplib {baseline:.2f} s; ratio {took / baseline:.2f}x; server counted {handler.count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench_receive(args.tickets, args.runs, Path(folder))
        bench_send(args.messages, Path(folder))


if __name__ == "__main__":
    main()

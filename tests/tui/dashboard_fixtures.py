"""The dashboard tests' fixed world: a store of tickets built with the SOP rules, a fixed clock, a fixed login."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Sequence

from sopdash.clock import fixed_clock
from sopdash.config import Settings, settings_from_document
from sopdash.core import rules
from sopdash.core.model import Requester, Ticket
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in New York, inside business hours
ME = "amara"
CONFIG = {
    "calendar": {"timezone": "America/New_York"},
    "roster": {"amara": {"tier": 1}, "bo": {"tier": 2}, "maria": {"tier": 3, "manager": True}},
}


def minutes_ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def new(ticket_id: int, subject: str, name: str, minutes: float, priority: str | None, **requester: str) -> Ticket:
    """A ticket created `minutes` before NOW by the intake."""
    email = requester.pop("email", f"{name.split()[0].lower()}@example.com")
    who = Requester(name, email, requester.pop("phone", ""))
    return rules.create(ticket_id, subject, who, minutes_ago(minutes), "intake", f"{subject}. Please help.", priority)


def fixture_tickets() -> list[Ticket]:
    """Ten tickets, one of each situation the dashboard shows (ids 1..10, in this order)."""
    ack_breached = new(1, "Email down for the whole office", "Dana Smith", 45, "urgent", phone="+1 212 555 0100")
    ack_warning = new(2, "VPN drops every few minutes", "Lee Wong", 50, "high")
    running = rules.assign(new(3, "Monitor flickers", "Ann Lee", 120, "medium"), ME, minutes_ago(115), ME)
    running = rules.acknowledge(running, ME, minutes_ago(110), "Hello Ann, we are on it.")
    running = rules.complete_step(running, ME, minutes_ago(100), 1, "Reproduced on the second monitor.")
    running = rules.note(running, ME, minutes_ago(95), "Cable swap next.")
    waiting = rules.acknowledge(new(4, "Install Visio", "Raj Patel", 180, "low"), "bo", minutes_ago(170), "Hi Raj.")
    waiting = rules.set_waiting(waiting, "bo", minutes_ago(160), True)
    overdue = rules.acknowledge(new(5, "Payroll export fails", "Eve Adams", 25 * 60, "high"), "bo", minutes_ago(1490), "Hi")
    escalated = rules.acknowledge(new(6, "Server room too warm", "Tom Ng", 300, "medium"), ME, minutes_ago(290), "Hi")
    escalated = rules.escalate(escalated, ME, minutes_ago(200), "timing", "Needs facilities")
    manager = rules.acknowledge(new(7, "Third time asking for a laptop", "Kim Park", 240, "high"), ME, minutes_ago(230), "Hi")
    manager = rules.escalate(manager, ME, minutes_ago(30), "unsatisfied", "Client upset about delays")
    untriaged = new(8, "Printer offline", "Sam Cole", 20, None)
    resolved = rules.acknowledge(new(9, "Password reset", "Ivy Chen", 400, "medium"), ME, minutes_ago(390), "Hi")
    resolved = rules.resolve(resolved, ME, minutes_ago(300), "Reset the password.")
    closed = rules.close(resolved.evolve(id=10), ME, minutes_ago(100))
    return [ack_breached, ack_warning, running, waiting, overdue, escalated, manager, untriaged, resolved, closed]


def untrusted_tickets() -> list[Ticket]:
    """Subjects and names that would break or vanish if anything parsed them as markup or escapes."""
    return [
        new(1, "[URGENT] printer", "[b]Mallory[/b]", 10, "high"),
        new(2, "[/b] broken", "Eve [link=x]", 20, "high"),
        new(3, "\x1b[31mred alert\x1b[0m and [red]no colour[/red]", "Bob\x07", 30, "high"),
    ]


def write_store(path: Path, tickets: Sequence[Ticket]) -> Path:
    """A store file holding `tickets` (renumbered 1..n in order)."""
    TicketStore(path, create=True, clock=lambda: NOW).add_many(list(tickets))
    return path


def fixture_settings(keys: dict[str, str] | None = None, **ui: bool) -> Settings:
    """Settings from the fixture config (timezone America/New_York, a small roster), with `[ui]` and `[keys]`."""
    return settings_from_document({**CONFIG, "ui": ui, "keys": keys or {}}, Path("config.toml"))


def make_app(store_path: Path, now: datetime = NOW, keys: dict[str, str] | None = None, **ui: bool) -> SopdashApp:
    """The dashboard on `store_path` for `amara` at a fixed instant."""
    settings = fixture_settings(keys, **ui)
    desk = Desk(TicketStore(store_path, clock=fixed_clock(now)), settings.policy, settings.roster, ME, fixed_clock(now))
    return SopdashApp(desk, settings)


async def settle(pilot) -> None:
    """Wait until every worker (store loads, sorting, actions) finished and its message was handled.

    Twice, because handling a worker's message may start another (a reload after an action).
    """
    for _ in range(2):
        await pilot.pause()
        # A worker that failed has said so on screen (the app's one error path); waiting must not raise it again.
        await asyncio.gather(*(worker.wait() for worker in pilot.app.workers), return_exceptions=True)
        await pilot.pause(0.02)  # a thread worker's message reaches the loop a moment after the worker ends


async def until(pilot, condition: Callable[[], bool], within_s: float = 10) -> None:
    """Let the dashboard run (its timers, its workers) until `condition()` holds; fail after `within_s`."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < within_s, "not seen in time"
        await settle(pilot)


async def keys(pilot, *pressed: str) -> None:
    """Press keys, letting each dialog open and each action's worker land before the next."""
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()
    await settle(pilot)


async def typed(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.pause()

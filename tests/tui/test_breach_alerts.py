"""Breach alerts: one notification (and the bell) per clock entering at-risk or breached, never repeated."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dashboard_fixtures import CONFIG, ME, NOW, new, settle, write_store

from sopdash.config import settings_from_document
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


def app_with(path, clock: Clock, alerts: str = "mine", bell: bool = True) -> SopdashApp:
    settings = settings_from_document({**CONFIG, "ui": {"alerts": alerts, "bell": bell}}, Path("config.toml"))
    return SopdashApp(Desk(TicketStore(path), settings.policy, settings.roster, ME, clock), settings, tick_s=3600)


async def ticks_at(pilot, clock: Clock, *minutes: int) -> None:
    """Tick the dashboard with the clock moved on by each of `minutes` in turn (0: tick again at the same time)."""
    for step in minutes:
        clock.now += timedelta(minutes=step)
        pilot.app.dashboard.tick()
        await settle(pilot)

# A ticket 20 minutes into its 30-minute urgent acknowledgement (at risk from 22.5): at risk 3 minutes on,
# breached 10 minutes on; ticking again at each point must not repeat an alert.
STEPS = (0, 3, 0, 1, 10, 0, 1)


async def test_a_breach_raises_exactly_one_notification(tmp_path):
    # Urgent: acknowledge within 30 minutes, at risk from 22.5; created 20 minutes ago, unassigned.
    path = write_store(tmp_path / "t.json", [new(1, "Email down", "Dana Smith", 20, "urgent")])
    clock = Clock()
    app = app_with(path, clock)
    raised: list[tuple[str, str]] = []
    bells: list[int] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify = lambda message, title="", **_: raised.append((title, message))  # type: ignore[method-assign]
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await ticks_at(pilot, clock, *STEPS)
    alerts = [message for title, message in raised if title == "Breach alert"]
    assert alerts == ["#1 acknowledgement at risk: Email down", "#1 acknowledgement breached: Email down"]
    assert len(bells) == 2


async def test_alerts_scope(tmp_path):
    ticket = new(1, "Email down", "Dana Smith", 20, "urgent").evolve(assignee="bo")
    for scope, expected in (("mine", 0), ("all", 2), ("off", 0)):
        path = write_store(tmp_path / f"{scope}.json", [ticket])
        clock = Clock()
        app = app_with(path, clock, scope, bell=False)
        raised: list[tuple[str, str]] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.notify = lambda message, title="", **_: raised.append((title, message))  # type: ignore[method-assign]
            await ticks_at(pilot, clock, *STEPS)
        assert sum(title == "Breach alert" for title, _ in raised) == expected, scope

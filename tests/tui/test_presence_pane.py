"""Presence in the dashboard: others on a ticket shown in the detail pane and the queue, a warning before
answering a client someone else is answering, and this dashboard's own entry kept up to date."""

from __future__ import annotations

import msgspec
from dashboard_fixtures import fixture_tickets, keys, make_app, settle, write_store

from sopdash.core.presence import Presence
from sopdash.store.presence import PresenceDirectory
from sopdash.tui.dialogs import ConfirmDialog, TextDialog


async def share(pilot) -> None:
    pilot.app.dashboard.presence_watch.share()
    await settle(pilot)


async def test_others_are_shown_and_answering_warns_first(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    app = make_app(path)
    dana = PresenceDirectory(path, "dana", host="other-box", pid=4242)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ticket_id = app.dashboard.current_id
        dana.announce(ticket_id, "reply")
        await share(pilot)
        assert "✎ dana is writing a reply" in app.dashboard.detail.plain_text()
        assert "✎ " in app.dashboard.queue.render_line(1).text
        await keys(pilot, "R")
        assert isinstance(app.screen, ConfirmDialog)
        assert "dana is writing a reply on #" in str(app.screen.question)
        await keys(pilot, "y")
        assert isinstance(app.screen, TextDialog)
        await share(pilot)
        own_entry = app.dashboard.presence_watch.board.path
        mine = msgspec.json.decode(own_entry.read_bytes(), type=Presence)
        assert (mine.login, mine.ticket_id, mine.activity) == ("amara", ticket_id, "reply")
        await keys(pilot, "escape")
        dana.leave()
        await share(pilot)
        assert "dana" not in app.dashboard.detail.plain_text()
    assert not own_entry.exists()  # quitting removes this dashboard's entry


async def test_viewing_is_a_plain_mark_and_no_warning(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    app = make_app(path)
    lee = PresenceDirectory(path, "lee", host="other-box", pid=4343)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lee.announce(app.dashboard.current_id)
        await share(pilot)
        assert "○ lee is viewing" in app.dashboard.detail.plain_text()
        await keys(pilot, "R")
        assert isinstance(app.screen, TextDialog)

"""Issue 24 item 1: what a technician types in a dialog survives: undo after a canned reply never crashes, and an
internal error keeps every open dialog's draft, offered back the next time that dialog opens on that ticket."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dashboard_fixtures import CONFIG, ME, NOW, fixture_tickets, keys, settle, typed, write_store

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp
from sopdash.tui.dialogs import EscalateDialog, ResolveDialog, TextDialog

REPLIES = {
    "vpn": {"text": "Hello {name},\n\nplease reconnect the VPN and tell us whether the share opens again.\n\n{technician}"}
}
SENTENCE = "I looked at the share permissions and the storage team needs to check the ACL on it before noon today."


def app_on(path: Path) -> SopdashApp:
    settings = settings_from_document({**CONFIG, "replies": REPLIES}, Path("config.toml"))
    return SopdashApp(Desk(TicketStore(path), settings.policy, settings.roster, ME, fixed_clock(NOW)), settings)


async def test_undo_after_a_canned_reply_keeps_the_dashboard_and_the_text(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "R")
        await typed(pilot, SENTENCE)  # long enough to wrap at 80 columns
        await keys(pilot, "ctrl+r", "enter")
        await typed(pilot, " Thanks")
        await keys(pilot, "ctrl+z")
        await typed(pilot, " Regards")  # right after the undo: Textual put it in the canned reply's batch
        await keys(pilot, "ctrl+z", "ctrl+z")
        assert app.return_code is None and isinstance(app.screen, TextDialog)
        assert SENTENCE in app.screen.text
        await keys(pilot, "ctrl+s")
    assert TicketStore(path).get(app.dashboard.current_id).timeline[-1].text.count(SENTENCE) == 1


async def stopped_while_writing(path: Path, opening: tuple[str, ...], text: str) -> tuple[SopdashApp, int]:
    """Open a dialog with `opening`, type `text`, then an internal error stops the dashboard: (the app, the ticket)."""

    def explode() -> None:
        raise ValueError("an internal error while the dialog is open")

    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ticket_id = app.dashboard.current_id
        await keys(pilot, *opening)
        await typed(pilot, text)
        app.screen.action_cancel = explode
        await keys(pilot, "escape")
    assert app.return_code == 1
    return app, ticket_id


async def test_an_internal_error_keeps_the_draft_and_the_dialog_offers_it_back(tmp_path, capsys):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    _, ticket_id = await stopped_while_writing(path, ("R",), SENTENCE)
    said = capsys.readouterr().err
    assert "internal error" in said and f"draft of the reply on #{ticket_id} is kept" in said
    assert SENTENCE not in said

    drafts = [entry for entry in (tmp_path / "t.json.drafts").iterdir()]
    assert len(drafts) == 1 and stat.S_IMODE(drafts[0].stat().st_mode) == 0o600

    again = app_on(path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "j", "k")  # another ticket and back: the draft belongs to this one
        assert again.dashboard.current_id == ticket_id
        await keys(pilot, "R")
        assert isinstance(again.screen, TextDialog)
        assert SENTENCE in again.screen.text
        assert "draft" in str(again.screen.query_one(".error").render())
        await keys(pilot, "ctrl+s")
    assert SENTENCE in TicketStore(path).get(ticket_id).timeline[-1].text
    assert list((tmp_path / "t.json.drafts").iterdir()) == []


async def test_a_draft_is_offered_only_on_its_own_ticket_and_dialog(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    _, ticket_id = await stopped_while_writing(path, ("v",), "Rebuilt the profile")

    again = app_on(path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")  # a note on the same ticket is another dialog
        assert again.screen.text == ""
        await keys(pilot, "escape", "j", "v")
        assert again.dashboard.current_id != ticket_id and isinstance(again.screen, ResolveDialog)
        assert again.screen.summary == ""
        await keys(pilot, "escape", "k", "v")
        assert again.screen.summary == "Rebuilt the profile"


async def test_a_colleagues_planted_draft_is_never_offered(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ticket_id = app.dashboard.current_id
    folder = tmp_path / "t.json.drafts"
    folder.mkdir()
    (folder / "secret").write_text("never shown")
    os.symlink(folder / "secret", folder / f"{ME}.reply-{ticket_id}.0123456789ab.txt")
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "R")
        assert "never shown" not in pilot.app.screen.text


async def test_the_escalation_note_survives_too(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    await stopped_while_writing(path, ("e", "tab"), "Need storage team to check share ACL")
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "e")
        assert isinstance(pilot.app.screen, EscalateDialog)
        assert pilot.app.screen.query_one("#note").value == "Need storage team to check share ACL"


async def test_a_new_ticket_form_comes_back_whole(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    await stopped_while_writing(path, ("N",), "Scanner jams\tann@example.com\turg\tHardware\tIt jams on every page.")
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "N")
        form = pilot.app.screen
        assert [form.query_one(f"#{field}").value for field in ("subject", "requester", "priority", "category")] == [
            "Scanner jams", "ann@example.com", "urg", "Hardware"
        ]
        assert form.query_one("#body").text == "It jams on every page."

"""Each dialog in a tiny host app: what it dismisses with for every way out, and the SOP checks on the way."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widgets import OptionList, Static, TextArea

from sopdash.core.model import ManagerFlag
from sopdash.core.roster import Roster
from sopdash.core.rules import acknowledgement_message
from sopdash.tui.dialogs import (
    AssignDialog,
    ConfirmDialog,
    EscalateDialog,
    EscalationRequest,
    GotoDialog,
    PriorityDialog,
    Resolution,
    ResolveDialog,
    TextDialog,
)
from sopdash.tui.dialogs.buttons import DialogButton
from sopdash.tui.dialogs.error_line import ErrorLine
from sopdash.tui.dialogs.resolve_dialog import MarkedCheckbox
from sopdash.tui.help_screen import HelpScreen
from dialog_host import CREATED, TEAM, DialogHost, make_ticket

SIZE = (80, 24)


def shown_text(app: DialogHost) -> str:
    """Every Static's text on the top screen, as plain text."""
    return "\n".join(str(static.render()) for static in app.screen.query(Static))


async def write(pilot, text: str) -> None:
    """Put `text` at the cursor of the dialog's editor, as a paste would (typing it key by key is slow)."""
    pilot.app.screen.query_one(TextArea).insert(text)
    await pilot.pause()


def error_text(app: DialogHost) -> str:
    line = app.screen.query_one(ErrorLine)
    return str(line.render()) if line.display else ""


# Confirm


async def test_confirm_yes_keys_and_no_keys():
    for key, expected in (("y", True), ("enter", True), ("n", False), ("escape", False)):
        app = DialogHost(lambda: ConfirmDialog("Close ticket #1042?"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            assert app.results == [expected], key


async def test_confirm_shows_the_question_literally():
    app = DialogHost(lambda: ConfirmDialog("Close “[b]Printer[/b] [URGENT]”?", title="Close ticket"))
    async with app.run_test(size=SIZE):
        assert "Close “[b]Printer[/b] [URGENT]”?" in shown_text(app)


# Priority


async def test_priority_number_keys_choose_at_once():
    for key, expected in (("1", "urgent"), ("3", "medium"), ("4", "low")):
        app = DialogHost(lambda: PriorityDialog(make_ticket()))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            assert app.results == [expected], key


async def test_priority_arrows_and_enter_start_from_the_current_priority():
    app = DialogHost(lambda: PriorityDialog(make_ticket(priority="high")))
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one(OptionList).highlighted == 1
        await pilot.press("down", "enter")
        assert app.results == ["medium"]


async def test_priority_marks_the_current_and_the_highlighted_one_in_words_and_symbols():
    app = DialogHost(lambda: PriorityDialog(make_ticket(priority="high")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("up")
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(4)]
        assert prompts[0].startswith("▸ 1  urgent")
        assert "● current" in prompts[1] and not prompts[1].startswith("▸")


async def test_priority_escape_or_the_same_priority_changes_nothing():
    for key in ("escape", "2"):
        app = DialogHost(lambda: PriorityDialog(make_ticket(priority="high", triaged=True)))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            assert app.results == [None], key


async def test_priority_confirming_an_untriaged_default_triages_it():
    app = DialogHost(lambda: PriorityDialog(make_ticket(priority="medium", triaged=False)))
    async with app.run_test(size=SIZE) as pilot:
        assert "untriaged" in shown_text(app)
        await pilot.press("enter")
        assert app.results == ["medium"]


# Assign


def assign_dialog() -> AssignDialog:
    return AssignDialog(make_ticket(assignee="alice"), TEAM, me="dave")


async def test_assign_typed_login_and_me():
    for keys, expected in ((["b", "o", "b"], "bob"), (["m", "e"], "dave")):
        app = DialogHost(assign_dialog)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*keys, "enter")
            assert app.results == [expected]


async def test_assign_completes_a_roster_login():
    app = DialogHost(assign_dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("right", "enter")
        assert app.results == ["carol"]


async def test_assign_refuses_empty_and_unchanged_on_the_spot():
    app = DialogHost(assign_dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert "Type a login" in error_text(app)
        await pilot.press(*"alice", "enter")
        assert "already assigned to alice" in error_text(app)
        assert app.results == []
        await pilot.press("escape")
        assert app.results == [None]


async def test_assign_refuses_a_login_the_roster_does_not_know_in_the_dialog():
    app = DialogHost(assign_dialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zed", "enter")
        assert app.results == []
        assert "'zed' is not in the roster (technicians: alice, bob, carol)" in error_text(app)
        await pilot.press("backspace", "backspace", "backspace", *"ME", "enter")
        assert app.results == ["dave"]


async def test_assign_without_a_roster_says_logins_go_unchecked_and_takes_them():
    app = DialogHost(lambda: AssignDialog(make_ticket(), Roster(), me="dave"))
    async with app.run_test(size=SIZE) as pilot:
        assert "No roster lists the team: a login is taken unchecked" in shown_text(app)
        await pilot.press(*"zed", "enter")
        assert app.results == ["zed"]


# Notes and replies


async def test_note_is_titled_internal_and_saves_with_ctrl_s():
    app = DialogHost(lambda: TextDialog(make_ticket(), "note"))
    async with app.run_test(size=SIZE) as pilot:
        assert "Internal note (never shown to the client)" in str(app.screen.query_one(".dialog").border_title)
        await pilot.press(*"ok", "enter", *"pw=x1")
        await pilot.press("ctrl+s")
        assert app.results == ["ok\npw=x1"]  # internal: no SOP 5A check


async def test_empty_text_is_not_saved():
    app = DialogHost(lambda: TextDialog(make_ticket(), "note"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "ctrl+s")
        assert app.results == []
        assert "empty" in error_text(app)


async def test_reply_is_titled_with_the_requester_and_prefilled_courteously():
    app = DialogHost(lambda: TextDialog(make_ticket(), "reply"))
    async with app.run_test(size=SIZE) as pilot:
        assert str(app.screen.query_one(".dialog").border_title) == "Public reply to Jane Doe"
        editor = app.screen.query_one(TextArea)
        assert editor.text.startswith("Hello Jane Doe,")
        await write(pilot, "It is fixed.")
        await pilot.press("ctrl+s")
        [reply] = app.results
        assert reply.startswith("Hello Jane Doe,\n\nIt is fixed.")


async def test_reply_title_masks_the_requester_in_privacy_mode():
    app = DialogHost(lambda: TextDialog(make_ticket(), "reply", privacy=True))
    async with app.run_test(size=SIZE):
        assert str(app.screen.query_one(".dialog").border_title) == "Public reply to J*** D***"
        assert "Jane" not in shown_text(app)


async def test_acknowledge_is_prefilled_with_the_sop_receipt():
    ticket = make_ticket()
    app = DialogHost(lambda: TextDialog(ticket, "acknowledge"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert app.results == [acknowledgement_message(ticket)]


async def test_escape_with_nothing_typed_cancels_at_once():
    app = DialogHost(lambda: TextDialog(make_ticket(), "reply"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        assert app.results == [None]


async def test_escape_after_typing_asks_before_discarding():
    app = DialogHost(lambda: TextDialog(make_ticket(), "note"))
    async with app.run_test(size=SIZE) as pilot:
        await write(pilot, "half a thought")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # keep editing
        assert isinstance(app.screen, TextDialog)
        assert app.screen.query_one(TextArea).text == "half a thought"
        await pilot.press("escape", "y")
        assert app.results == [None]


async def test_sensitive_reply_needs_a_second_ctrl_s():
    app = DialogHost(lambda: TextDialog(make_ticket(), "reply", text=""))
    async with app.run_test(size=SIZE) as pilot:
        await write(pilot, "Your temporary password is Xk9pq")
        await pilot.press("ctrl+s")
        assert app.results == []
        findings = app.screen.query_one(".findings", Static)
        assert findings.display and "• password: “password is Xk9pq”" in str(findings.render())
        assert "Send anyway" in str(app.screen.query_one("#save", DialogButton).label)
        await pilot.press("ctrl+s")
        assert app.results == ["Your temporary password is Xk9pq"]


async def test_editing_a_flagged_reply_asks_again():
    app = DialogHost(lambda: TextDialog(make_ticket(), "reply", text=""))
    async with app.run_test(size=SIZE) as pilot:
        await write(pilot, "server 10.1.2.3")
        await pilot.press("ctrl+s")
        assert app.screen.query_one(TextArea).cursor_location == (0, len("server "))  # at what was flagged
        await pilot.press("end")
        await write(pilot, " or 10.1.2.4")
        assert not app.screen.query_one(".findings", Static).display
        await pilot.press("ctrl+s")
        assert app.results == []
        assert "10.1.2.3" in str(app.screen.query_one(".findings", Static).render())


async def test_a_reply_edited_clean_is_sent_at_once():
    app = DialogHost(lambda: TextDialog(make_ticket(), "reply", text="card 4111 1111 1111 1111"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert app.results == []
        app.screen.query_one(TextArea).text = "card ending 1111"
        await pilot.press("ctrl+s")
        assert app.results == ["card ending 1111"]


async def test_footer_says_save_for_a_note_and_send_for_a_reply():
    for kind, shown, hidden in (("note", "Save", "Send"), ("reply", "Send", "Save")):
        app = DialogHost(lambda: TextDialog(make_ticket(), kind))
        async with app.run_test(size=SIZE):
            descriptions = {active.binding.description for active in app.screen.active_bindings.values()}
            assert shown in descriptions and hidden not in descriptions


# Escalate


async def test_escalate_defaults_to_timing_and_moves_up_a_tier():
    app = DialogHost(lambda: EscalateDialog(make_ticket(tier=1)))
    async with app.run_test(size=SIZE) as pilot:
        assert "Tier 1 → tier 2 · no manager flag" in shown_text(app)
        await pilot.press("ctrl+s")
        assert app.results == [EscalationRequest("timing", "")]


async def test_escalate_reason_keys_show_tier_and_manager_flag():
    app = DialogHost(lambda: EscalateDialog(make_ticket(tier=1)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        assert "Stays at tier 1 · ⚑ raises the manager flag" in shown_text(app)
        await pilot.press("shift+tab", "d")
        assert "Tier 1 → tier 2 · ⚑ raises the manager flag" in shown_text(app)
        await pilot.press("shift+tab", "t", "ctrl+s")
        assert app.results == [EscalationRequest("timing", "")]


async def test_escalate_with_a_note_typed_keys_go_into_the_note_and_never_change_the_reason():
    app = DialogHost(lambda: EscalateDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", *"Client shouted at L1 on the phone, unsatisfied, other")
        assert "Reason: disruptive" in shown_text(app)
        await pilot.press("enter")
        assert app.results == [EscalationRequest("disruptive", "Client shouted at L1 on the phone, unsatisfied, other")]


async def test_choosing_a_reason_moves_to_the_note_so_a_typed_note_never_picks_a_reason():
    """Issue 24: typing "Need storage team…" at once switched the reason to *other* and left the note empty."""
    app = DialogHost(lambda: EscalateDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"Need storage team to check share ACL", "ctrl+s")
        assert app.results == [EscalationRequest("timing", "Need storage team to check share ACL")]


async def test_other_needs_the_reason_in_words():
    app = DialogHost(lambda: EscalateDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "ctrl+s")
        assert app.results == []
        assert "Other: say why in the note" in shown_text(app)
        await pilot.press(*"Vendor contract question", "ctrl+s")
        assert app.results == [EscalationRequest("other", "Vendor contract question")]


@pytest.mark.parametrize(
    "make_dialog, keys, result",
    [
        (lambda: EscalateDialog(make_ticket()), [], EscalationRequest("timing", "")),
        (lambda: PriorityDialog(make_ticket()), ["down"], "medium"),
        (lambda: AssignDialog(make_ticket(), TEAM, "alice"), list("bob"), "bob"),
        (lambda: TextDialog(make_ticket(), "note"), list("Called"), "Called"),
        (lambda: GotoDialog(), ["7"], 7),
    ],
)
async def test_ctrl_s_submits_every_dialog_and_each_shows_it(make_dialog, keys, result):
    app = DialogHost(make_dialog)
    async with app.run_test(size=SIZE) as pilot:
        shown = app.screen.active_bindings.get("ctrl+s")
        assert shown is not None and shown.binding.show  # in the footer
        assert all("(^s)" in str(button.label) for button in app.screen.query(DialogButton) if button.id != "cancel")
        await pilot.press(*keys, "ctrl+s")
        assert app.results == [result]


async def test_escalate_says_when_the_flag_is_already_raised():
    flagged = make_ticket(manager_flag=ManagerFlag(raised_at=CREATED, reason="unsatisfied"))
    app = DialogHost(lambda: EscalateDialog(flagged, reason="unsatisfied"))
    async with app.run_test(size=SIZE):
        assert "manager flag already raised" in shown_text(app)


async def test_escalate_refuses_timing_at_the_top_tier_but_allows_telling_a_manager():
    app = DialogHost(lambda: EscalateDialog(make_ticket(tier=3)))
    async with app.run_test(size=SIZE) as pilot:
        assert "Refused for timing: it is already at tier 3, the top tier" in shown_text(app)
        await pilot.press("ctrl+s")
        assert app.results == []
        await pilot.press("u", "ctrl+s")
        assert app.results == [EscalationRequest("unsatisfied", "")]


async def test_escalate_escape_cancels():
    app = DialogHost(lambda: EscalateDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        assert app.results == [None]


# Resolve


async def test_resolve_notifies_the_client_by_default():
    app = DialogHost(lambda: ResolveDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await write(pilot, "Replaced the fuser")
        await pilot.press("ctrl+s")
        assert app.results == [Resolution("Replaced the fuser", notify=True)]


async def test_resolve_preview_shows_the_message_to_the_client():
    app = DialogHost(lambda: ResolveDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await write(pilot, "Replaced the fuser")
        preview = str(app.screen.query_one("#preview", Static).render())
        assert "Hello Jane Doe," in preview and "has been resolved:\n" in preview
        assert "\nReplaced the fuser\n" in preview  # the summary on its own line (issue 24 item 16)
        assert "[URGENT]" in preview and "[/b]" in preview


async def test_resolve_preview_masks_names_in_privacy_mode():
    app = DialogHost(lambda: ResolveDialog(make_ticket(), privacy=True))
    async with app.run_test(size=SIZE):
        preview = str(app.screen.query_one("#preview", Static).render())
        assert "Hello J*** D***," in preview and "Jane" not in preview


async def test_resolve_without_notifying():
    app = DialogHost(lambda: ResolveDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Fixed", "ctrl+n")
        assert "not notified" in str(app.screen.query_one("#preview", Static).render())
        await pilot.press("ctrl+s")
        assert app.results == [Resolution("Fixed", notify=False)]


def test_notify_checkbox_state_reads_without_colour():
    assert MarkedCheckbox(value=True).BUTTON_INNER == "X"
    assert MarkedCheckbox(value=False).BUTTON_INNER == " "


async def test_resolve_needs_a_summary():
    app = DialogHost(lambda: ResolveDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert app.results == [] and "summary is required" in error_text(app)
        await pilot.press("escape")
        assert app.results == [None]


async def test_a_sensitive_resolution_message_needs_send_anyway_which_the_result_carries():
    app = DialogHost(lambda: ResolveDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await write(pilot, "Moved you to the print server at 10.20.0.15")
        await pilot.press("ctrl+s")
        assert app.results == []
        assert "• private IP address: “10.20.0.15”" in str(app.screen.query_one(".findings", Static).render())
        assert "Send anyway" in str(app.screen.query_one("#resolve", DialogButton).label)
        await pilot.press("ctrl+s")
        assert app.results == [Resolution("Moved you to the print server at 10.20.0.15", True, allow_sensitive=True)]


async def test_a_sensitive_summary_kept_from_the_client_is_not_asked_about():
    app = DialogHost(lambda: ResolveDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await write(pilot, "Server at 10.20.0.15")
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+n")  # not notifying: nothing goes to the client now
        assert not app.screen.query_one(".findings", Static).display
        assert "Send anyway" not in str(app.screen.query_one("#resolve", DialogButton).label)
        await pilot.press("ctrl+s")
        assert app.results == [Resolution("Server at 10.20.0.15", notify=False)]


async def test_resolve_escape_after_typing_asks_before_discarding():
    app = DialogHost(lambda: ResolveDialog(make_ticket()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Fixed", "escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert app.screen.query_one(TextArea).text == "Fixed"
        await pilot.press("escape", "enter")
        assert app.results == [None]


# Go to


async def test_goto_accepts_digits_with_or_without_hash():
    for keys in (["1", "0", "4", "2"], ["#", "1", "0", "4", "2"]):
        app = DialogHost(lambda: GotoDialog())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*keys, "enter")
            assert app.results == [1042]


async def test_goto_gives_words_back_to_search_for():
    app = DialogHost(lambda: GotoDialog())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"1042x printer", "enter")
        assert app.results == ["1042x printer"]


async def test_goto_asks_for_something_to_go_to_and_escape_cancels():
    app = DialogHost(lambda: GotoDialog())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert "Type a ticket number" in error_text(app)
        await pilot.press("escape")
        assert app.results == [None]


# Help


HELP_BINDINGS = {
    "Queue": [
        Binding("j,down", "cursor_down", "Move down", id="queue.down"),
        Binding("a", "ack", "Acknowledge", id="queue.ack"),
    ],
    "Everywhere": [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+p", "palette", "", id="app.palette"),
    ],
}


async def test_help_lists_every_binding_by_pane():
    app = DialogHost(lambda: HelpScreen(HELP_BINDINGS))
    async with app.run_test(size=SIZE):
        panes = [str(static.render()) for static in app.screen.query(".help-pane")]
        assert panes == ["Queue", "Everywhere"]
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        rows = [(screen._keys(b), b.description or b.action) for bindings in HELP_BINDINGS.values() for b in bindings]
        assert rows == [("j / ↓", "Move down"), ("a", "Acknowledge"), ("?", "Help"), ("^p", "palette")]


async def test_help_closes_with_escape_q_or_question_mark():
    for key in ("escape", "q", "question_mark"):
        app = DialogHost(lambda: HelpScreen(HELP_BINDINGS))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(key)
            assert app.results == [None], key


def test_every_dialog_binding_has_an_id():
    screens = (ConfirmDialog, PriorityDialog, AssignDialog, TextDialog, EscalateDialog, ResolveDialog, GotoDialog)
    for screen in (*screens, HelpScreen):
        assert all(isinstance(binding, Binding) and binding.id for binding in screen.BINDINGS), screen.__name__

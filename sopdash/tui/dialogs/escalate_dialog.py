"""Escalate a ticket (SOP 6A–6C): pick the reason, see the tier it moves to and whether a manager is told."""

from __future__ import annotations

from dataclasses import dataclass

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, OptionList, Static

from sopdash.core.model import ESCALATION_REASONS, MANAGER_REASONS, Ticket
from sopdash.core.rules import OTHER_REASON, escalation_target, verdict_escalate
from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, DialogAction, TicketDialog
from sopdash.tui.dialogs.buttons import DialogButton
from sopdash.tui.bindings import screen_bindings

POINTER = "▸ "

REASON_HELP = {
    "timing": "not resolved in a timely manner (6A)",
    "unsatisfied": "the client is unsatisfied: let a manager know (6B)",
    "disruptive": "disruptive or uncooperative client (6C)",
    "other": "any other reason: say why in the note",
}


@dataclass(frozen=True, slots=True)
class EscalationRequest:
    """What the technician chose: an SOP escalation reason and an optional note."""

    reason: str
    note: str = ""


class ReasonList(OptionList):
    """The SOP's reasons; their keys (t/u/d/o) act only while the list has focus, so a note may use every letter.

    Choosing a reason (its key, or enter on it) moves on to the note.
    """

    BINDINGS = screen_bindings(*(f"escalate.{reason}" for reason in ESCALATION_REASONS), "escalate.choose")

    def action_choose(self, reason: str) -> None:
        self.highlighted = ESCALATION_REASONS.index(reason)
        self.screen.set_focus(self.screen.query_one("#note", Input))  # at once: the next key typed goes there

    def action_choose_highlighted(self) -> None:
        self.action_choose(ESCALATION_REASONS[self.highlighted or 0])


class EscalateDialog(TicketDialog[EscalationRequest]):
    """Choose a reason (t/u/d/o or arrows and enter), which moves to the note; ctrl+s (or enter in the note)
    escalates; dismisses the request or None.

    The line under the reasons names the reason that will be recorded, whichever part of the dialog has focus.
    *Other* needs its reason in words: the note.
    """

    BINDINGS = screen_bindings("escalate.confirm", "escalate.cancel")
    FRAME_CLASS = "escalate-dialog"
    DRAFT = "escalation note"

    def __init__(self, ticket: Ticket, reason: str = "timing", privacy: bool = False) -> None:
        super().__init__(ticket, privacy)
        self.initial_reason = reason

    def frame_title(self) -> str:
        return f"Escalate ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        yield ReasonList(*self._prompts(ESCALATION_REASONS.index(self.initial_reason)), compact=True)
        yield Static("", classes="outcome", markup=False)
        yield Input(placeholder=self._placeholder(self.initial_reason), compact=True, id="note")

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("escalate", f"Escalate ({SUBMIT_LABEL})", "warning", "escalate"), CANCEL)

    def on_mount(self) -> None:
        self.query_one(ReasonList).highlighted = ESCALATION_REASONS.index(self.initial_reason)

    @property
    def reason(self) -> str:
        highlighted = self.query_one(ReasonList).highlighted
        return ESCALATION_REASONS[highlighted or 0]

    @property
    def note(self) -> str:
        return self.query_one("#note", Input).value.strip()

    def draft(self) -> str:
        return self.note

    def restore(self, draft: str) -> None:
        self.query_one("#note", Input).value = draft

    @staticmethod
    def _placeholder(reason: str) -> str:
        return "why, in words (required for other)" if reason == OTHER_REASON else "note (optional), e.g. what was tried"

    def _prompts(self, highlighted: int) -> list[Content]:
        """One line per reason, its key first; the pointer marks the chosen one so it reads without colour."""
        return [
            Content(f"{POINTER if index == highlighted else '  '}{reason[0]}  {reason:<12}{REASON_HELP[reason]}")
            for index, reason in enumerate(ESCALATION_REASONS)
        ]

    def outcome(self, reason: str) -> str:
        """What escalating for `reason` will do to this ticket, or why it is refused."""
        verdict = verdict_escalate(self.ticket, reason)
        if not verdict.allowed:
            return f"✗ Refused for {reason}: " + "; ".join(verdict.refusals) + "."
        to_tier = escalation_target(self.ticket, reason)
        tiers = (
            f"Tier {self.ticket.tier} → tier {to_tier}"
            if to_tier != self.ticket.tier
            else f"Stays at tier {self.ticket.tier}"
        )
        if reason not in MANAGER_REASONS:
            flag = "no manager flag"
        elif self.ticket.needs_manager:
            flag = "manager flag already raised"
        else:
            flag = "⚑ raises the manager flag"
        return f"Reason: {reason} · {tiers} · {flag}"

    @on(OptionList.OptionHighlighted)
    def _show_outcome(self, event: OptionList.OptionHighlighted) -> None:
        for index, prompt in enumerate(self._prompts(event.option_index)):
            event.option_list.replace_option_prompt_at_index(index, prompt)
        reason = ESCALATION_REASONS[event.option_index]
        outcome = self.query_one(".outcome", Static)
        outcome.update(Content(self.outcome(reason)))
        refused = not verdict_escalate(self.ticket, reason).allowed
        outcome.set_class(refused, "-refused")
        self.query_one("#escalate", DialogButton).disabled = refused
        self.query_one("#note", Input).placeholder = self._placeholder(reason)
        self.say("")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        """A click on a reason chooses it, like its key."""
        self.query_one(ReasonList).action_choose(ESCALATION_REASONS[event.option_index])

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.say("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_escalate()

    def action_escalate(self) -> None:
        reason = self.reason
        if not verdict_escalate(self.ticket, reason).allowed:
            self.app.bell()
            return
        if reason == OTHER_REASON and not self.note:
            self.say("Other: say why in the note (the reason in words is required).")
            self.set_focus(self.query_one("#note", Input))
            return
        self.submit(EscalationRequest(reason, self.note))

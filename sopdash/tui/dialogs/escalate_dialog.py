"""Escalate a ticket (SOP 6A–6C): pick the reason, see the tier it moves to and whether a manager is told."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static

from sopdash.core.model import ESCALATION_REASONS, MANAGER_REASONS, Ticket
from sopdash.core.rules import escalation_target, verdict_escalate
from sopdash.tui.dialogs.buttons import DialogButton
from sopdash.tui.dialogs.heading import ticket_heading

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


class EscalateDialog(ModalScreen[EscalationRequest | None]):
    """Choose a reason (t/u/d/o or arrows), add a note, enter escalates; dismisses the request or None."""

    BINDINGS = [
        *(
            Binding(reason[0], f"choose('{reason}')", reason, id=f"escalate.{reason}")
            for reason in ESCALATION_REASONS
        ),
        Binding("enter", "escalate", "Escalate", id="escalate.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="escalate.cancel"),
    ]

    def __init__(self, ticket: Ticket, reason: str = "timing", privacy: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.ticket = ticket
        self.initial_reason = reason
        self.privacy = privacy

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog escalate-dialog") as frame:
            frame.border_title = Content(f"Escalate ticket #{self.ticket.id}")
            yield Static(ticket_heading(self.ticket, self.privacy), classes="ticket-heading")
            yield OptionList(*self._prompts(ESCALATION_REASONS.index(self.initial_reason)), compact=True)
            yield Static("", classes="outcome", markup=False)
            yield Input(placeholder="note (optional), e.g. what was tried", compact=True, id="note")
            with Horizontal(classes="dialog-buttons"):
                yield DialogButton("Escalate (enter)", id="escalate", variant="warning")
                yield DialogButton("Cancel (esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = ESCALATION_REASONS.index(self.initial_reason)

    @property
    def reason(self) -> str:
        highlighted = self.query_one(OptionList).highlighted
        return ESCALATION_REASONS[highlighted or 0]

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
            return "✗ Refused: " + "; ".join(verdict.refusals) + "."
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
        return f"{tiers} · {flag}"

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

    def on_button_pressed(self, event: DialogButton.Pressed) -> None:
        event.stop()
        if event.button.id == "escalate":
            self.action_escalate()
        else:
            self.action_cancel()

    def action_choose(self, reason: str) -> None:
        self.query_one(OptionList).highlighted = ESCALATION_REASONS.index(reason)

    def action_escalate(self) -> None:
        reason = self.reason
        if not verdict_escalate(self.ticket, reason).allowed:
            self.app.bell()
            return
        self.dismiss(EscalationRequest(reason, self.query_one(Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)

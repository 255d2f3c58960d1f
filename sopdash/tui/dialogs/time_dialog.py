"""`T` logs time spent on a ticket: how long (`25m`, `1h30m`, `1.5h`), a note, and whether it is billable."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Static

from sopdash.core.errors import InputError
from sopdash.core.time_spent import EXAMPLES, MAX_NOTE, parse_spent, spent_text, time_totals
from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, DialogAction, TicketDialog
from sopdash.tui.bindings import screen_bindings


@dataclass(frozen=True, slots=True)
class TimeEntry:
    """What the technician logs: seconds of work, a note, and whether the client is billed for it."""

    seconds: int
    note: str = ""
    billable: bool = False


class TimeDialog(TicketDialog[TimeEntry]):
    """Type the duration, tab to a note and to the billable box (space ticks it), enter logs; dismisses the entry or
    None. A duration that cannot be read is said on the error line, with everything typed still there."""

    BINDINGS = screen_bindings("time.confirm", "time.cancel")
    FRAME_CLASS = "time-dialog"

    def frame_title(self) -> str:
        return f"Log time on ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        yield Static(f"Logged so far: {time_totals(self.ticket).words()}", classes="time-so-far", markup=False)
        yield Input(placeholder=f"how long, e.g. {EXAMPLES}", compact=True, id="duration")
        yield Input(placeholder="note (optional): what the time went on", max_length=MAX_NOTE, compact=True, id="note")
        yield Checkbox(_billable_label(False), compact=True, id="billable")

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("log", f"Log time ({SUBMIT_LABEL})", "primary", "log"), CANCEL)

    @on(Checkbox.Changed)
    def _say_billable(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = _billable_label(event.value)  # said in words too: the box's tick shows only in colour

    @on(Input.Changed, "#duration")
    def _clear_error(self) -> None:
        self.say("")

    def action_log(self) -> None:
        typed = self.query_one("#duration", Input).value
        if not typed.strip():
            self.say(f"Type how long, e.g. {EXAMPLES}.")
            return
        try:
            seconds = parse_spent(typed)
        except InputError as problem:
            self.say(str(problem).removeprefix("time: ") + ".")
            return
        note = self.query_one("#note", Input).value.strip()
        self.submit(TimeEntry(seconds, note, self.query_one("#billable", Checkbox).value))

    @staticmethod
    def done_words(entry: TimeEntry) -> str:
        """How the dashboard says what was logged: `25m billable`."""
        return f"{spent_text(entry.seconds)}{' billable' if entry.billable else ''}"


def _billable_label(billable: bool) -> str:
    return f"billable to the client: {'yes' if billable else 'no'} (space)"

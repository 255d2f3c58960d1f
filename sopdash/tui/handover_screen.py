"""`H`: the shift's hand-over (SOP 2B) — colleagues' hand-over notes first, then what happened since you last looked.

Read from the audit trail by `core/handover` through the desk (`desk/handover.py`), in a thread, so a long history
never freezes the dashboard. `a` records that you have taken the hand-over (your next one starts there), `n` leaves
a note for the next shift, `esc` or `q` closes. Every text is a colleague's or a client's, shown literally.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from sopdash.core import handover
from sopdash.core.display import local_time
from sopdash.core.errors import error_text
from sopdash.desk import Desk
from sopdash.desk.handover import Handover, HandoverBook
from sopdash.tui.bindings import HANDOVER_BINDINGS
from sopdash.tui.stylesheets import stylesheet
from sopdash.tui.widgets.query_bar import QueryBar, Question


@dataclass
class HandoverWorkDone(Message):
    """A worker of the hand-over screen finished: its result, and what the screen does with it."""

    result: Any
    then: Callable[[Any], None]


class HandoverScreen(ModalScreen[None]):
    """What this technician is handed, with keys to acknowledge it and to leave a note."""

    CSS_PATH = stylesheet("handover.tcss")
    BINDINGS = HANDOVER_BINDINGS

    def __init__(self, desk: Desk) -> None:
        super().__init__(classes="dialog-screen")
        self.desk = desk
        self.book = HandoverBook(desk)
        self.handed: Handover | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog handover-screen") as frame:
            frame.border_title = Content(f"Hand-over · {self.desk.actor}")
            yield Static(Content("reading the audit trail…"), id="handover-status")
            with VerticalScroll(id="handover-body"):
                yield Static(id="handover-lines", markup=False)
            yield QueryBar(id="handover-query")
        yield Footer()

    def on_mount(self) -> None:
        self._run(self.book.handover, self._shown)

    def _run(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """job() in a thread; then(its result) on the screen; a failure said on the status line."""
        self.run_worker(lambda: self.post_message(HandoverWorkDone(job(), then)), thread=True, group="handover",
                        exit_on_error=False)

    def on_handover_work_done(self, done: HandoverWorkDone) -> None:
        done.then(done.result)

    def _shown(self, handed: Handover) -> None:
        self.handed = handed
        zone = self.desk.policy.calendar.tz
        text = handover.lines(handed.notes, handed.items, handed.since, zone)
        self.query_one("#handover-lines", Static).update("\n".join([*handed.problems, *text]))
        self._status("a: taken (the next hand-over starts now) · n: a note for the next shift")

    def _status(self, words: str) -> None:
        self.query_one("#handover-status", Static).update(Content(words))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "handover":
            self._status(f"Not done: {error_text(event.worker.error)}")

    def action_acknowledge(self) -> None:
        """Record that the hand-over was taken now."""
        zone = self.desk.policy.calendar.tz
        self._run(self.book.acknowledge, lambda at: self._status(
            f"Hand-over acknowledged at {local_time(at, zone)}; the next one starts there."))

    def action_note(self) -> None:
        """Ask for a one-line note for the next shift."""
        self.query_one(QueryBar).ask(Question("Hand-over note: ", "what the next shift should know", self._leave))

    def _leave(self, text: str) -> bool:
        if not text.strip():
            return True
        zone = self.desk.policy.calendar.tz
        self._run(lambda: self.book.leave_note(text), lambda at: self._status(
            f"Note left at {local_time(at, zone)} for the next shift."))
        return True

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#handover-body", VerticalScroll)
        body.scroll_down() if direction == "down" else body.scroll_up()

    def action_close(self) -> None:
        self.dismiss(None)


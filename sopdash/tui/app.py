"""The dashboard: queue, ticket detail and escalations on one screen, live on the shared store.

The app's state (view, filter, ordering, privacy, which lower pane shows, which list the detail follows)
is reactive: each has one watcher that brings the screen in line. Ticket actions all run through `act`,
and every worker's outcome lands in `on_worker_state_changed`: an exception becomes a message, never an exit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import DescendantFocus, Event, InputEvent, Key, Resize
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from sopdash.config import Settings
from sopdash.core.board import Board, Moment, Row
from sopdash.core.crash_report import crash_report
from sopdash.core.detail import Line
from sopdash.core.detail_people import other_ticket_lines, presence_lines
from sopdash.core.display import changes_since, client_line
from sopdash.core.errors import ConflictError, SopdashError, error_text
from sopdash.core.inbound import client_messages
from sopdash.core.model import Ticket
from sopdash.core.queue import (
    DEFAULT_VIEW,
    KEYS_HELP,
    VIEWS,
    Arrangement,
    Ordering,
    Query,
    View,
    arrange,
    parse_query,
    view_named,
)
from sopdash.desk import Desk
from sopdash.idle_collector import IdleCollector
from sopdash.keys import check_keys
from sopdash.mail.outbox import SendReport, deliver_queued
from sopdash.mail.settings import MailSettings
from sopdash.tui.bindings import APP_BINDINGS, DETAIL_BINDINGS, LIST_BINDINGS
from sopdash.tui.breach_alerts import BreachAlerts
from sopdash.tui.bulk_marks import BulkMarks
from sopdash.tui.commands import DashboardCommands
from sopdash.tui.dialogs import GotoDialog
from sopdash.tui.dialogs.base import Dialog
from sopdash.tui.dialogs.writing_dialog import WritingDialog
from sopdash.tui.help_screen import HelpScreen
from sopdash.tui.messages import QueueArranged, TicketOpened
from sopdash.tui.presence_watch import PresenceWatch
from sopdash.tui.requester_tickets import RequesterTickets
from sopdash.tui.stats_screen import StatsScreen
from sopdash.tui.stylesheets import stylesheet
from sopdash.tui.ticket_actions import ACTIONS, ChangedMeanwhile, Errand, TicketAction
from sopdash.tui.ticket_forms import TicketForms
from sopdash.tui.widgets.counts_header import CountsHeader
from sopdash.tui.widgets.escalation_pane import EscalationPane
from sopdash.tui.widgets.query_bar import Question, QueryBar
from sopdash.tui.widgets.ticket_detail import TicketDetail
from sopdash.tui.widgets.ticket_queue import TicketQueue

PANES = ("queue", "detail", "escalations")
NARROW_BELOW = 100  # columns: below this the lower panes take turns instead of sitting side by side
RESORT_EVERY_S = 60  # urgency order drifts slowly as clocks on different calendars run
STORE_WATCH_S = 0.2  # a stat of the live file: cheap enough to see another technician's change within half a second
NEW_TICKETS_LISTED = 3
RELOAD, ARRANGE, ACTING, MAIL = "reload", "arrange", "actions", "mail"  # worker groups
DELIVER_EVERY_S = 60  # retries of queued mail; an action's own mail goes at once
DELIVERY_TIMEOUT_S = 10.0


class SopdashApp(BreachAlerts, BulkMarks, PresenceWatch, RequesterTickets, TicketForms):
    """One technician's live view of the queue, acting through the desk."""

    CSS_PATH = [stylesheet("app.tcss"), stylesheet("dialogs.tcss")]
    BINDINGS = APP_BINDINGS
    COMMANDS = App.COMMANDS | {DashboardCommands}
    TITLE = "sopdash"

    view: var[View] = var(DEFAULT_VIEW, init=False)
    filter_text: var[str] = var("", init=False)
    ordering: var[Ordering] = var(Ordering(), init=False)
    privacy: var[bool] = var(False, init=False)
    lower_pane: var[str] = var("detail", init=False)
    """Which lower pane shows when there is room for one only."""
    narrow: var[bool] = var(False, init=False)
    detail_source: var[str] = var("queue", init=False)
    """The list whose cursor the detail pane follows."""
    line_lost: var[str | None] = var(None, init=False)
    """Why a database store's change announcements stopped (changes are polled until it reconnects)."""

    def _fatal_error(self) -> None:
        """Textual's end after an unhandled error, with `crash_report` in place of its report (locals and all)."""
        self.bell()
        self._exit_renderables.append(Text(crash_report(sys.exc_info()[1] or self._exception)))
        self._close_messages_no_wait()

    def __init__(self, desk: Desk, settings: Settings, tick_s: float = 1.0) -> None:
        super().__init__()
        self.desk = desk
        self.settings = settings
        self.tick_s = tick_s
        self.zone = desk.policy.calendar.tz
        self.set_reactive(SopdashApp.privacy, settings.privacy)
        self.board: Board | None = None
        self.moment: Moment | None = None
        self._keymap = check_keys(settings.keys)
        self._reloading = False
        self._reload_again = False
        self._arranged_at: datetime | None = None
        self._load_error = ""
        self._go_to_after_arrange: int | None = None
        self._with_history = False
        """Whether to read the archive too: only once a view, `:` or the statistics need it."""
        self._board_has_history = False
        self._archive_progress = ""
        self._after_history: Callable[[], object] | None = None
        self._acting: dict[Worker, Errand] = {}
        # The panes, held rather than looked up: cheaper on every key, and still there for a late tick at exit.
        self.queue = TicketQueue(id="queue", classes="pane")
        self.detail = TicketDetail(self.zone, id="detail", classes="pane")
        self.escalations = EscalationPane(id="escalations", classes="pane")
        self.query_bar = QueryBar(id="query-bar")
        self._key_screens: WeakKeyDictionary[Key, Screen] = WeakKeyDictionary()
        self._collector = IdleCollector()
        self.set_keymap(self._keymap)

    # Layout.

    def compose(self) -> ComposeResult:
        yield CountsHeader(id="header")
        yield self.queue
        with Horizontal(id="lower", classes="-show-detail"):
            yield self.detail
            yield self.escalations
        yield self.query_bar
        yield Footer()

    def on_mount(self) -> None:
        if self.console.color_system == "standard":
            self.theme = "ansi-dark"  # 16 colours: the terminal's own palette reads better than approximations
        self.queue.zone = self.escalations.zone = self.zone
        self.watch_privacy(self.privacy)
        self.set_reactive(SopdashApp.narrow, self.size.width < NARROW_BELOW)
        self.watch_narrow(self.narrow)
        self.watch(self.queue, "highlighted", self._follow_cursor("queue"), init=False)
        self.watch(self.escalations, "highlighted", self._follow_cursor("escalations"), init=False)
        self.queue.focus()
        self.reload()
        self.set_interval(self.tick_s, self.tick)
        self.set_interval(STORE_WATCH_S, self._watch_store)
        self._listen_to_store()
        if self.desk.mail is not None:
            self.set_interval(DELIVER_EVERY_S, self.deliver_mail)
        self._collector.start()
        self.start_presence()

    def on_unmount(self) -> None:
        self._collector.stop()
        self.stop_presence()

    async def on_event(self, event: Event) -> None:
        if isinstance(event, InputEvent):
            self._collector.input_seen()
            if isinstance(event, Key) and not event.is_forwarded:
                self._key_screens[event] = self.screen
        await super().on_event(event)

    def on_key(self, event: Key) -> None:
        """Type-ahead: a key sent to the screen that was in front when it came, and left unused there, goes to
        the screen in front now (a dialog its key before opened), in the order typed, instead of being lost."""
        sent_to = self._key_screens.pop(event, None)
        if sent_to is not None and sent_to is not self.screen:
            event.prevent_default()
            self.post_message(Key(event.key, event.character))

    def on_resize(self, event: Resize) -> None:
        self.narrow = event.size.width < NARROW_BELOW

    def watch_narrow(self, narrow: bool) -> None:
        self.screen.set_class(narrow, "-narrow")
        footer = self.query_one(Footer)
        footer.compact = narrow
        footer.show_command_palette = not narrow  # room for the keys; `?` lists ctrl+p
        self._update_titles()

    def watch_lower_pane(self, pane: str) -> None:
        lower = self.query_one("#lower")
        lower.set_class(pane == "detail", "-show-detail")
        lower.set_class(pane == "escalations", "-show-escalations")
        self._update_titles()

    def _update_titles(self) -> None:
        """Pane titles; set only when they change, since a new title repaints the whole pane."""
        rows = self.queue.arrangement.rows
        if self.board is None:
            title = "1 Queue · loading the store…"
        else:
            title = f"1 Queue · {self.view.title} · {len(rows)} of {len(self.board.rows)} · sort {self.ordering.label()}"
        if self.filter_text:
            title += f" · /{self.filter_text}"
        if self.marked:
            title += f" · {len(self.marked)} marked"
        if self._archive_progress:
            title += f" · {self._archive_progress}"
        if self.line_lost:
            title += " · reconnecting to the database…"
        ticket_id = self.current_id
        hint = {"detail": "3 escalations ▸", "escalations": "2 ticket ▸"}[self.lower_pane] if self.narrow else ""
        titles = {
            self.queue: (title, ""),
            self.detail: ("2 Ticket" + (f" #{ticket_id}" if ticket_id is not None else ""), hint),
            self.escalations: ("3 Escalations", hint),
        }
        for pane, (title, subtitle) in titles.items():
            if pane.border_title != title:
                pane.border_title = Content(title)
            if (pane.border_subtitle or "") != subtitle:
                pane.border_subtitle = Content(subtitle) if subtitle else None

    # Time and the store.

    def tick(self) -> None:
        """Every second: advance the clocks on screen, share presence with the other dashboards, raise breach
        alerts, and collect garbage if the technician has paused."""
        self._advance_clocks()
        self.share_presence()
        self.check_alerts()
        self._collector.collect_if_idle()

    def _advance_clocks(self) -> None:
        if self.board is not None:
            moment = self.board.moment(self.desk.clock())
            if moment != self.moment:
                self.moment = moment
                self.queue.tick(moment)
                self.escalations.tick(moment)
                self._show_detail()
                if self._arranged_at and (moment.now - self._arranged_at).total_seconds() >= RESORT_EVERY_S:
                    self._rearrange()
        self._update_header()

    def _listen_to_store(self) -> None:
        """A store that announces changes (PostgreSQL's LISTEN/NOTIFY) has the board reloaded the moment one
        comes; the tick's signature check stays as the fallback."""
        subscribe = getattr(self.desk.store, "subscribe", None)
        if subscribe is not None:
            subscribe(self._store_announced)

    def _store_announced(self) -> None:
        """Called in the store's listening thread."""
        if self.is_running:
            self.call_from_thread(self._store_changed)

    def _store_changed(self) -> None:
        if self.board is not None:
            self.reload()

    def watch_line_lost(self, lost: str | None) -> None:
        if lost is not None:
            self.notify(f"Lost the database connection that announces changes ({lost}); looking every second "
                        "and reconnecting.", title="Store", severity="warning", timeout=10, markup=False)
        else:
            self.notify("Reconnected to the database: changes show at once again.", title="Store")
        self._update_titles()

    def _watch_store(self) -> None:
        """Reload if another process changed the store (every write replaces the live file; a database counts
        its announcements, or polls its change log while their line is down)."""
        self.line_lost = getattr(self.desk.store, "connection_lost", None)
        if self._reloading or self._acting or self.board is None:
            return  # an action's own write is reloaded when the action is done
        try:
            signature = self.desk.store.signature()
        except SopdashError as error:
            self._report_load_error(str(error))
            return
        if signature != self.board.signature:
            self.reload()

    def reload(self) -> None:
        """Read the store again in a worker; a reload asked for while one runs follows it."""
        if self._reloading:
            self._reload_again = True
            return
        self._reloading = True
        self._load_board(self.board, self.queue_query, self.ordering)

    @work(thread=True, exclusive=True, group=RELOAD, exit_on_error=False)
    def _load_board(self, previous: Board | None, query: Query, ordering: Ordering) -> None:
        signature = self.desk.store.signature()  # before reading: a write during the read shows on the next tick
        # The live file is what the working views need; the archive's months are read (again, if they changed)
        # once a view asks for closed tickets.
        with_history = self._with_history
        if with_history:
            tickets = self.desk.history(progress=lambda done, total: self.call_from_thread(self._archive_read, done, total))
        else:
            tickets = self.desk.tickets()
        # The business calendars extend their tables under their own lock, so this thread may share them.
        board = Board.load(tickets, self.desk.policy, self.desk.clock(), signature, previous)
        arrangement = arrange(board, query, ordering, board.moment(board.loaded_at))
        self.post_message(QueueArranged(board, arrangement, query, ordering, reloaded=True, with_history=with_history))

    def _board_loaded(self, board: Board, with_history: bool) -> None:
        previous, self.board = self.board, board
        self._board_has_history = with_history
        self.moment = board.moment(board.loaded_at)
        self._arranged_at = board.loaded_at
        self._reloading = False
        if self._archive_progress and with_history:
            self._archive_progress = ""
            self._update_titles()
        if self._load_error:
            self._load_error = ""
            self.notify("The store can be read again.", title="Store")
        self.escalations.show(board, self.moment)
        self._announce_new_tickets(previous, board)
        self.group_requesters(board)
        if with_history and self._after_history is not None:
            then, self._after_history = self._after_history, None
            self.call_later(then)

    def _read_history(self, then: Callable[[], object] | None = None) -> None:
        """Load the archive too, in the reload worker, its progress in the queue's title; then call `then`."""
        self._after_history = then
        if not self._with_history:
            self._with_history = True
            self._archive_progress = "reading the archive…"
            self._update_titles()
            self.reload()

    def _archive_read(self, done: int, total: int) -> None:
        self._archive_progress = f"reading the archive {done}/{total} months"
        self._update_titles()

    def _report_load_error(self, error: str) -> None:
        if error != self._load_error:
            self._load_error = error
            self.notify(error, title="Cannot read the store", severity="error", timeout=10, markup=False)

    def _announce_new_tickets(self, previous: Board | None, board: Board) -> None:
        """SOP 2B: a notification (and the bell, if configured) for each ticket that appeared since the last load."""
        if previous is None:
            return
        self._announce_client_mail(previous, board)
        fresh = [row.ticket for row in board.rows if row.ticket.id not in previous.by_id and row.ticket.is_open]
        if not fresh:
            return
        if len(fresh) <= NEW_TICKETS_LISTED:
            for ticket in fresh:
                subject = client_line(ticket.subject, ticket.requester, self.privacy)
                self.notify(f"#{ticket.id} {subject}", title=f"New {ticket.priority} ticket", markup=False)
        else:
            self.notify(f"{len(fresh)} new tickets arrived.", title="New tickets", markup=False)
        if self.settings.bell:
            self.bell()

    def _announce_client_mail(self, previous: Board, board: Board) -> None:
        """A client's answer by mail raises a notification as a new ticket does (the bell too, if configured)."""
        answered = [
            row.ticket
            for row in board.rows
            if (held := previous.by_id.get(row.ticket.id)) is not None
            and held.ticket is not row.ticket
            and client_messages(row.ticket) > client_messages(held.ticket)
        ]
        for ticket in answered[:NEW_TICKETS_LISTED]:
            subject = client_line(ticket.subject, ticket.requester, self.privacy)
            self.notify(f"#{ticket.id} {subject}", title="The client answered by mail", markup=False)
        if answered and self.settings.bell:
            self.bell()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Where every worker's outcome lands: a finished action is announced, and any exception from any
        worker becomes a message on screen (a worker never takes the dashboard down)."""
        worker = event.worker
        if event.state == WorkerState.SUCCESS and worker.group == ACTING:
            self._action_done(worker)
        elif event.state == WorkerState.ERROR and worker.error is not None:
            text = error_text(worker.error)
            if worker.group == RELOAD:
                self._reloading = False
                self._report_load_error(text)
            elif worker.group == ACTING:
                self._action_failed(worker, text)
            else:
                self.notify(text, title="Something went wrong", severity="error", timeout=10, markup=False)

    # The queue: view, filter, sort.

    @property
    def queue_query(self) -> Query:
        """The view's filter with the typed filter on top."""
        me = self.desk.actor
        return parse_query(self.filter_text, me).over(parse_query(self.view.filter_text, me))

    def watch_view(self) -> None:
        self._rearrange()

    def watch_filter_text(self) -> None:
        self._rearrange()

    def watch_ordering(self) -> None:
        self._rearrange()

    def _rearrange(self) -> None:
        """Arrange the queue again in a worker (the title says what is asked for at once)."""
        self._update_titles()
        if self.board is None or self.moment is None:
            return
        if self.queue_query.includes_closed and not self._with_history:
            self._read_history()  # the reload arranges the queue
            return
        self._arranged_at = self.moment.now
        self._arrange_board(self.board, self.queue_query, self.ordering, self.moment)

    @work(thread=True, exclusive=True, group=ARRANGE, exit_on_error=False)
    def _arrange_board(self, board: Board, query: Query, ordering: Ordering, moment: Moment) -> None:
        self.post_message(QueueArranged(board, arrange(board, query, ordering, moment), query, ordering))

    def on_queue_arranged(self, message: QueueArranged) -> None:
        if message.reloaded:
            self._board_loaded(message.board, message.with_history)
        if message.board is not self.board:
            return  # arranged on a board a reload has replaced meanwhile
        if message.query == self.queue_query and message.ordering == self.ordering:
            self._show_arrangement(message.arrangement)
        elif message.reloaded:
            self._rearrange()  # the filter or sort changed while the store was read
        if message.reloaded:
            self._advance_clocks()
            if self._reload_again:
                self._reload_again = False
                self.reload()

    def _show_arrangement(self, arrangement: Arrangement) -> None:
        assert self.board is not None
        self.queue.show(arrangement, self.moment or self.board.moment(self.board.loaded_at))
        if self._go_to_after_arrange in arrangement.index:
            ticket_id, self._go_to_after_arrange = self._go_to_after_arrange, None
            self.queue.go_to(ticket_id)
        self._show_detail()

    def action_sort(self) -> None:
        self.ordering = self.ordering.next_key()

    def action_reverse_sort(self) -> None:
        self.ordering = self.ordering.reversed()

    def action_next_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]

    def action_view(self, name: str) -> None:
        self.view = view_named(name)

    def action_filter(self) -> None:
        self.query_bar.ask(
            Question(
                "/",
                f"{KEYS_HELP}   enter keeps · esc clears",
                submitted=self._keep_filter,
                changed=lambda text: self._set_filter(text, quiet=True),
                cancelled=self._clear_filter,
                value=self.filter_text,
            )
        )

    def _keep_filter(self, text: str) -> bool:
        """Enter in the filter bar: keep the filter, or say what is wrong with it and leave the bar open."""
        return self._set_filter(text, quiet=False) and self._focus_queue()

    def _clear_filter(self) -> None:
        self._set_filter("", quiet=True)
        self._focus_queue()

    def _focus_queue(self) -> bool:
        """Back to the queue once the query bar closes."""
        self.queue.focus()
        return True

    def _set_filter(self, text: str, quiet: bool) -> bool:
        """Apply a typed filter; an unfinished term is ignored while typing and reported on enter."""
        try:
            parse_query(text, self.desk.actor)
        except SopdashError as error:
            if not quiet:
                self.notify(str(error), title="Filter", severity="error", markup=False)
            return False
        self.filter_text = text.strip()
        return True

    # Panes.

    @property
    def current_id(self) -> int | None:
        """The ticket the detail pane shows and the actions apply to."""
        if self.detail_source == "escalations":
            return self.escalations.current_id
        return self.queue.current_id

    @property
    def current_row(self) -> Row | None:
        ticket_id = self.current_id
        return self.board.by_id.get(ticket_id) if self.board and ticket_id is not None else None

    @property
    def current_ticket(self) -> Ticket | None:
        row = self.current_row
        return row.ticket if row else None

    def _show_detail(self) -> None:
        self.detail.show(self.current_row, self.moment, self.privacy, self._detail_people())
        self._update_titles()

    def _detail_people(self) -> list[Line]:
        """Who else is on the shown ticket, and its requester's other tickets."""
        ticket = self.current_ticket
        if ticket is None:
            return []
        return presence_lines(self.presence, ticket.id) + other_ticket_lines(self.requester_others(ticket), self.privacy)

    def watch_detail_source(self) -> None:
        self._show_detail()

    def _follow_cursor(self, pane: str) -> Callable[[int | None], None]:
        """A watcher of a list pane's cursor: the detail pane follows the pane it shows."""

        def cursor_moved(_: int | None) -> None:
            if pane == self.detail_source:
                self._show_detail()

        return cursor_moved

    def on_ticket_opened(self, message: TicketOpened) -> None:
        self.detail_source = message.pane
        self.action_focus_pane("detail")

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget = event.widget
        if widget is self.queue or widget is self.escalations:
            self.detail_source = widget.id or "queue"

    def action_focus_pane(self, pane: str) -> None:
        if pane != "queue":
            self.lower_pane = pane
        {"queue": self.queue, "detail": self.detail, "escalations": self.escalations}[pane].focus()

    def _focused_pane(self) -> str:
        focused = self.focused
        return next((pane for pane in PANES if focused is self.query_one(f"#{pane}")), "queue")

    def action_next_pane(self) -> None:
        self.action_focus_pane(PANES[(PANES.index(self._focused_pane()) + 1) % len(PANES)])

    def action_previous_pane(self) -> None:
        self.action_focus_pane(PANES[(PANES.index(self._focused_pane()) - 1) % len(PANES)])

    def action_privacy(self) -> None:
        self.privacy = not self.privacy
        self.notify("Privacy mode on: client names, e-mails and phones are masked." if self.privacy else "Privacy mode off.")

    def watch_privacy(self, privacy: bool) -> None:
        self.queue.set_privacy(privacy)
        self.escalations.set_privacy(privacy)
        self._show_detail()
        self._update_header()

    def action_reload(self) -> None:
        self.reload()

    async def action_go_to(self) -> None:
        await self.push_screen(
            GotoDialog(self.board.by_id.keys() if self.board and self._board_has_history else ()),
            lambda ticket_id: None if ticket_id is None else self.goto_ticket(ticket_id),
        )

    def goto_ticket(self, ticket_id: int) -> None:
        """Put the queue cursor on a ticket, switching to the `all` view if the current one hides it (and reading
        the archive if the ticket is not in the live file)."""
        if self.board is None:
            return
        if ticket_id not in self.board.by_id:
            if self._board_has_history:
                self.notify(f"There is no ticket #{ticket_id}.", severity="error")
            else:
                self._read_history(lambda: self.goto_ticket(ticket_id))
            return
        self.detail_source = "queue"
        self.queue.focus()
        if not self.queue.go_to(ticket_id):
            self.notify(f"#{ticket_id} is not in this view: showing all tickets.")
            self._go_to_after_arrange = ticket_id
            self.filter_text = ""
            self.view = view_named("all")

    def go_to_after_reload(self, ticket_id: int) -> None:
        """Put the queue cursor on a ticket this dashboard just made, once the store is read again."""
        self._go_to_after_arrange = ticket_id
        self.reload()

    def _update_header(self) -> None:
        counts = self.board.counts(self.moment) if self.board and self.moment else None
        now = self.moment.now if self.moment else self.desk.clock()
        for header in self.query(CountsHeader):  # none while the app shuts down and a tick comes late
            header.show(counts, self.desk.actor, now, self.zone, self.privacy)

    # Ticket actions.

    async def action_ticket(self, name: str) -> None:
        """Run the SOP action `name` (see `ticket_actions.ACTIONS`) on the marked tickets, else the one shown."""
        if not self.act_on_marked(name):
            await self.act(ACTIONS[name])

    async def act(self, action: TicketAction) -> None:
        """Refuse at once what the SOP will not allow; else ask (a dialog, or the step's note), then send."""
        ticket = self.current_ticket
        if ticket is None:
            return
        verdict = action.verdict(ticket) if action.verdict else None
        if verdict is not None and not verdict.allowed:
            self._say_not_done(f"cannot {action.verb} ticket #{ticket.id}: {'; '.join(verdict.refusals)}")
        elif action.note_prompt is not None:
            self.query_bar.ask(
                Question(
                    action.note_prompt(ticket),
                    "optional internal note · enter records the step · esc cancels",
                    submitted=lambda note: self._send(Errand(action, ticket), note) and self._focus_queue(),
                    cancelled=self._focus_queue,
                )
            )
        else:
            dialog = action.ask(self.desk, ticket, self.privacy) if action.ask else None
            errand = Errand(action, ticket, dialog)
            if dialog is None:
                self._send(errand, None)
                return
            dialog.sender = lambda value: self._send(errand, value)
            if isinstance(dialog, WritingDialog) and dialog.activity == "reply":
                self.warn_if_answered(ticket.id, lambda: self.push_screen(dialog))
            else:
                await self.push_screen(dialog)  # mounted before the next key is handled: type-ahead reaches it

    def _send(self, errand: Errand, value: Any) -> bool:
        """Tell the desk, in a worker, on the version of the ticket the errand holds; `on_worker_state_changed`
        hears how it went."""
        errand.value = value
        self._acting[self._call_desk(errand.action, errand.ticket, value)] = errand
        return True

    @work(thread=True, group=ACTING, exit_on_error=False)
    def _call_desk(self, action: TicketAction, ticket: Ticket, value: Any) -> None:
        try:
            action.call(self.desk, ticket, value)
        except ConflictError as error:
            raise ChangedMeanwhile(str(error), self.desk.ticket(ticket.id)) from error

    def _action_done(self, worker: Worker) -> None:
        errand = self._acting.pop(worker)
        if errand.dialog is not None and self.screen is errand.dialog:
            errand.dialog.dismiss(errand.value)
        self.notify(errand.action.done(self.desk, errand.ticket, errand.value), markup=False)
        self.reload()
        self.deliver_mail()

    # Mail: what an action queued goes out in a worker, so the screen never waits on the network.

    def deliver_mail(self) -> None:
        """Deliver whatever mail is due, in the background (nothing while mail is off)."""
        if self.desk.mail is not None:
            self._deliver(self.desk.mail)

    @work(thread=True, exclusive=True, group=MAIL, exit_on_error=False)
    def _deliver(self, mail: MailSettings) -> None:
        report = deliver_queued(self.desk.store, mail, self.desk.action_clock, timeout=DELIVERY_TIMEOUT_S)
        if report.sent or report.retrying or report.failed:
            self.call_from_thread(self._mail_delivered, report)

    def _mail_delivered(self, report: SendReport) -> None:
        severity = "error" if report.failed else "warning" if report.retrying else "information"
        self.notify(report.summary(), title="Mail", severity=severity, markup=False)
        self.reload()

    def _action_failed(self, worker: Worker, error: str) -> None:
        """Not done: a dialog stays open with everything typed and says why; a ticket that changed meanwhile
        is taken at its new version, so sending again applies to what the technician now sees."""
        errand = self._acting.pop(worker)
        if isinstance(worker.error, ChangedMeanwhile):
            seen, errand.ticket = errand.ticket, worker.error.ticket
            error = f"{error.rstrip('.')} — {changes_since(seen, errand.ticket)}."
            if errand.dialog is not None:
                errand.dialog.ticket_changed(errand.ticket)
                error += " Your text is kept: send again to apply it to the new version."
            self.reload()
        if errand.dialog is not None and errand.dialog in self.screen_stack:
            errand.dialog.refused(error)
        else:
            self._say_not_done(error)

    def _say_not_done(self, error: str) -> None:
        self.notify(error, title="Not done", severity="error", timeout=8, markup=False)

    # Help and the command palette.

    def _keyed(self, bindings: Sequence[Binding]) -> list[Binding]:
        return [b.with_key(self._keymap[b.id]) if b.id in self._keymap else b for b in bindings]

    def action_help(self) -> None:
        self.push_screen(
            HelpScreen(
                {
                    "Dashboard": self._keyed(APP_BINDINGS),
                    "Queue and escalation lists": self._keyed(LIST_BINDINGS),
                    "Ticket detail": self._keyed(DETAIL_BINDINGS),
                }
            )
        )

    def action_stats(self) -> None:
        """SLA compliance for the last 4 weeks (the `sopdash report` figures, with charts), once the archive is read."""
        if self.board is not None and not self._board_has_history:
            self._read_history(self.action_stats)
        elif self.board is not None:
            tickets = [row.ticket for row in self.board.rows]
            self.push_screen(StatsScreen(tickets, self.desk.policy, self.desk.clock(), self.privacy))

    def palette_actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        """Every dashboard key as a palette command (PaletteHost)."""
        actions = []
        for binding in self._keyed(APP_BINDINGS):
            if binding.action in ("command_palette",):
                continue
            title = binding.description[:1].upper() + binding.description[1:]
            key = self.get_key_display(binding)
            actions.append((title, f"key: {key}", lambda action=binding.action: self.run_action(action)))
        for reply in self.canned_replies:
            actions.append((f"Canned reply: {reply.name}", "public reply to the client", lambda r=reply: self.reply_with(r)))
        return actions

    def palette_tickets(self) -> list[tuple[int, str]]:
        """Every loaded ticket with its subject as shown (PaletteHost)."""
        if self.board is None:
            return []
        return [(r.ticket.id, client_line(r.ticket.subject, r.ticket.requester, self.privacy)) for r in self.board.rows]

    # Which keys work now.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in DASHBOARD_ACTIONS and len(self.screen_stack) > 1:
            return False  # a dialog is open: only its own keys work, or `q` would quit from inside it
        if action in ("ticket", "edit_ticket", "other_ticket") and self.current_ticket is None:
            return None  # the ticket actions' keys do nothing while no ticket is shown
        return True


DASHBOARD_ACTIONS = frozenset(binding.action.split("(")[0] for binding in APP_BINDINGS) - {"command_palette"}


def run_dashboard(desk: Desk, settings: Settings) -> int:
    """Run the dashboard until the technician quits; returns the exit code."""
    return SopdashApp(desk, settings).run() or 0

"""The dashboard: queue, ticket detail and escalations on one screen, live on the shared store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import DescendantFocus, Event, InputEvent, Resize
from textual.widgets import Footer

from sopdash.config import Settings
from sopdash.core.errors import SopdashError
from sopdash.core.model import Ticket
from sopdash.desk import Desk
from sopdash.tui.bindings import APP_BINDINGS, DETAIL_BINDINGS, LIST_BINDINGS, keymap
from sopdash.tui.board import Board, Moment, Row
from sopdash.tui.commands import DashboardCommands
from sopdash.tui.dialogs import GotoDialog
from sopdash.tui.display import client_line
from sopdash.tui.help_screen import HelpScreen
from sopdash.tui.idle_collector import IdleCollector
from sopdash.tui.messages import BoardLoaded, LoadFailed, QueueArranged, TicketOpened
from sopdash.tui.queue_view import (
    DEFAULT_VIEW,
    KEYS_HELP,
    VIEWS,
    Arrangement,
    Ordering,
    Query,
    arrange,
    parse_query,
    view_named,
)
from sopdash.tui.stats_screen import StatsScreen
from sopdash.tui.stylesheets import stylesheet
from sopdash.tui.ticket_actions import STEP_NOTE, TICKET_ACTIONS, TicketActions
from sopdash.tui.widgets.counts_header import CountsHeader
from sopdash.tui.widgets.escalation_pane import EscalationPane
from sopdash.tui.widgets.query_bar import QueryBar
from sopdash.tui.widgets.ticket_detail import TicketDetail
from sopdash.tui.widgets.ticket_queue import TicketQueue

PANES = ("queue", "detail", "escalations")
NARROW_BELOW = 100  # columns: below this the lower panes take turns instead of sitting side by side
RESORT_EVERY_S = 60  # urgency order drifts slowly as clocks on different calendars run
FILTER = "filter"  # the query bar's mode while it edits the queue filter
NEW_TICKETS_LISTED = 3


class SopdashApp(TicketActions):
    """One technician's live view of the queue, acting through the desk."""

    CSS_PATH = [stylesheet("app.tcss"), stylesheet("dialogs.tcss")]
    BINDINGS = APP_BINDINGS
    COMMANDS = App.COMMANDS | {DashboardCommands}
    TITLE = "sopdash"

    def __init__(self, desk: Desk, settings: Settings, tick_s: float = 1.0) -> None:
        super().__init__()
        self.desk = desk
        self.settings = settings
        self.tick_s = tick_s
        self.zone = desk.policy.calendar.tz
        self.privacy = settings.privacy
        self.view = DEFAULT_VIEW
        self.filter_text = ""
        self.ordering = Ordering()
        self.board: Board | None = None
        self.moment: Moment | None = None
        self.detail_source = "queue"
        self.lower_pane = "detail"
        self._keymap = keymap(settings.keys)
        self._reloading = False
        self._reload_again = False
        self._arranged_at: datetime | None = None
        self._load_error = ""
        self._go_to_after_arrange: int | None = None
        self._step_ticket: Ticket | None = None
        self._collector = IdleCollector()
        self.set_keymap(self._keymap)

    # Layout.

    def compose(self) -> ComposeResult:
        yield CountsHeader(id="header")
        yield TicketQueue(id="queue", classes="pane")
        with Horizontal(id="lower"):
            yield TicketDetail(self.zone, id="detail", classes="pane")
            yield EscalationPane(id="escalations", classes="pane")
        yield QueryBar(id="query-bar")
        yield Footer()

    @property
    def queue(self) -> TicketQueue:
        return self.query_one("#queue", TicketQueue)

    @property
    def detail(self) -> TicketDetail:
        return self.query_one("#detail", TicketDetail)

    @property
    def escalations(self) -> EscalationPane:
        return self.query_one("#escalations", EscalationPane)

    @property
    def query_bar(self) -> QueryBar:
        return self.query_one("#query-bar", QueryBar)

    def on_mount(self) -> None:
        if self.console.color_system == "standard":
            self.theme = "ansi-dark"  # 16 colours: the terminal's own palette reads better than approximations
        self.queue.set_privacy(self.privacy)
        self.escalations.set_privacy(self.privacy)
        self._arrange_layout(self.size.width)
        self._update_titles()
        self._update_header()
        self.watch(self.queue, "highlighted", self._follow_cursor("queue"), init=False)
        self.watch(self.escalations, "highlighted", self._follow_cursor("escalations"), init=False)
        self.queue.focus()
        self.reload()
        self.set_interval(self.tick_s, self.tick)
        self._collector.start()

    def on_unmount(self) -> None:
        self._collector.stop()

    async def on_event(self, event: Event) -> None:
        if isinstance(event, InputEvent):
            self._collector.input_seen()
        await super().on_event(event)

    def on_resize(self, event: Resize) -> None:
        self._arrange_layout(event.size.width)

    def _arrange_layout(self, width: int) -> None:
        narrow = width < NARROW_BELOW
        self.screen.set_class(narrow, "-narrow")
        lower = self.query_one("#lower")
        lower.set_class(self.lower_pane == "detail", "-show-detail")
        lower.set_class(self.lower_pane == "escalations", "-show-escalations")
        footer = self.query_one(Footer)
        footer.compact = narrow
        footer.show_command_palette = not narrow  # room for the keys; `?` lists ctrl+p
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
        ticket_id = self.current_id
        narrow = self.screen.has_class("-narrow")
        hint = {"detail": "3 escalations ▸", "escalations": "2 ticket ▸"}[self.lower_pane] if narrow else ""
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
        """Every second: advance the clocks on screen, reload if another process changed the store, and collect
        garbage if the technician has paused."""
        self._advance_clocks()
        self._watch_store()
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

    def _watch_store(self) -> None:
        if self._reloading or self.board is None:
            return
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

    @work(thread=True, exclusive=True, group="reload")
    def _load_board(self, previous: Board | None, query: Query, ordering: Ordering) -> None:
        try:
            signature = self.desk.store.signature()  # before reading: a write during the read shows on the next tick
            tickets = self.desk.history()  # the views reach closed tickets of any age
            # The business calendars extend their tables under their own lock, so this thread may share them.
            board = Board.load(tickets, self.desk.policy, self.desk.clock(), signature, previous)
            moment = board.moment(board.loaded_at)
            arrangement = arrange(board, query, ordering, moment)
        except SopdashError as error:
            self.post_message(LoadFailed(str(error)))
            return
        self.post_message(BoardLoaded(board, arrangement, query, ordering))

    def on_board_loaded(self, message: BoardLoaded) -> None:
        previous, self.board = self.board, message.board
        self.moment = message.board.moment(message.board.loaded_at)
        self._arranged_at = message.board.loaded_at
        self._reloading = False
        if self._load_error:
            self._load_error = ""
            self.notify("The store can be read again.", title="Store")
        if message.query == self.queue_query and message.ordering == self.ordering:
            self._show_arrangement(message.board, message.arrangement, message.query, message.ordering)
        else:
            self._rearrange()  # the filter or sort changed while the store was read
        self.escalations.show(message.board, self.moment)
        self._announce_new_tickets(previous, message.board)
        self._advance_clocks()
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def on_load_failed(self, message: LoadFailed) -> None:
        self._reloading = False
        self._report_load_error(message.error)

    def _report_load_error(self, error: str) -> None:
        if error != self._load_error:
            self._load_error = error
            self.notify(error, title="Cannot read the store", severity="error", timeout=10, markup=False)

    def _announce_new_tickets(self, previous: Board | None, board: Board) -> None:
        """SOP 2B: a notification (and the bell, if configured) for each ticket that appeared since the last load."""
        if previous is None:
            return
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

    # The queue: view, filter, sort.

    @property
    def queue_query(self) -> Query:
        """The view's filter with the typed filter on top."""
        me = self.desk.actor
        return parse_query(self.filter_text, me).over(parse_query(self.view.filter_text, me))

    def _rearrange(self) -> None:
        if self.board is None or self.moment is None:
            return
        self._arranged_at = self.moment.now
        self._arrange_board(self.board, self.queue_query, self.ordering, self.moment)

    @work(thread=True, exclusive=True, group="arrange")
    def _arrange_board(self, board: Board, query: Query, ordering: Ordering, moment: Moment) -> None:
        self.post_message(QueueArranged(board, arrange(board, query, ordering, moment), query, ordering))

    def on_queue_arranged(self, message: QueueArranged) -> None:
        if message.board is self.board:
            self._show_arrangement(message.board, message.arrangement, message.query, message.ordering)

    def _show_arrangement(self, board: Board, arrangement: Arrangement, query: Query, ordering: Ordering) -> None:
        if query != self.queue_query or ordering != self.ordering:
            return  # stale: the filter or sort changed meanwhile, and that change started a fresh arrangement
        self.queue.show(arrangement, self.moment or board.moment(board.loaded_at))
        if self._go_to_after_arrange is not None:
            ticket_id, self._go_to_after_arrange = self._go_to_after_arrange, None
            self.queue.go_to(ticket_id)
        self._show_detail()
        self._update_titles()

    def action_sort(self) -> None:
        self.ordering = self.ordering.next_key()
        self._rearrange()
        self._update_titles()

    def action_reverse_sort(self) -> None:
        self.ordering = self.ordering.reversed()
        self._rearrange()
        self._update_titles()

    def action_next_view(self) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)].name)

    def action_view(self, name: str) -> None:
        self.view = view_named(name)
        self._rearrange()
        self._update_titles()

    def action_filter(self) -> None:
        self.query_bar.open(FILTER, "/", f"{KEYS_HELP}   enter keeps · esc clears", self.filter_text)

    def on_query_bar_changed(self, message: QueryBar.Changed) -> None:
        if message.mode == FILTER:
            self._set_filter(message.value, quiet=True)

    def on_query_bar_submitted(self, message: QueryBar.Submitted) -> None:
        if message.mode == FILTER and not self._set_filter(message.value, quiet=False):
            return  # the bar stays open to fix the term
        if message.mode == STEP_NOTE:
            self._complete_step(message.value)
        self.query_bar.close()
        self.queue.focus()

    def on_query_bar_cancelled(self, message: QueryBar.Cancelled) -> None:
        if message.mode == FILTER:
            self._set_filter("", quiet=True)
        self.queue.focus()

    def _set_filter(self, text: str, quiet: bool) -> bool:
        """Apply a typed filter; an unfinished term is ignored while typing and reported on enter."""
        try:
            parse_query(text, self.desk.actor)
        except SopdashError as error:
            if not quiet:
                self.notify(str(error), title="Filter", severity="error", markup=False)
            return False
        self.filter_text = text.strip()
        self._rearrange()
        self._update_titles()
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
        self.detail.show(self.current_row, self.moment, self.privacy)
        self._update_titles()

    def _follow_cursor(self, pane: str) -> Callable[[int | None], None]:
        """A watcher of a list pane's cursor: the detail pane follows the pane it shows."""

        def cursor_moved(_: int | None) -> None:
            if pane == self.detail_source:
                self._show_detail()

        return cursor_moved

    def on_ticket_opened(self, message: TicketOpened) -> None:
        self.detail_source = message.pane
        self._show_detail()
        self.action_focus_pane("detail")

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget = event.widget
        if widget is self.queue or widget is self.escalations:
            source = "queue" if widget is self.queue else "escalations"
            if source != self.detail_source:
                self.detail_source = source
                self._show_detail()

    def action_focus_pane(self, pane: str) -> None:
        if pane != "queue":
            self.lower_pane = pane
            self._arrange_layout(self.size.width)
        {"queue": self.queue, "detail": self.detail, "escalations": self.escalations}[pane].focus()

    def _focused_pane(self) -> str:
        focused = self.focused
        for pane in PANES:
            if focused is self.query_one(f"#{pane}"):
                return pane
        return "queue"

    def action_next_pane(self) -> None:
        self.action_focus_pane(PANES[(PANES.index(self._focused_pane()) + 1) % len(PANES)])

    def action_previous_pane(self) -> None:
        self.action_focus_pane(PANES[(PANES.index(self._focused_pane()) - 1) % len(PANES)])

    def action_privacy(self) -> None:
        self.privacy = not self.privacy
        self.queue.set_privacy(self.privacy)
        self.escalations.set_privacy(self.privacy)
        self._show_detail()
        self.notify("Privacy mode on: client names, e-mails and phones are masked." if self.privacy else "Privacy mode off.")

    def action_reload(self) -> None:
        self.reload()

    def action_go_to(self) -> None:
        self._ask(GotoDialog(self.board.by_id.keys() if self.board else ()), self.goto_ticket)

    def goto_ticket(self, ticket_id: int) -> None:
        """Put the queue cursor on a ticket, switching to the `all` view if the current one hides it."""
        if self.board is None or ticket_id not in self.board.by_id:
            self.notify(f"There is no ticket #{ticket_id}.", severity="error")
            return
        self.detail_source = "queue"
        self.queue.focus()
        if not self.queue.go_to(ticket_id):
            self.notify(f"#{ticket_id} is not in this view: showing all tickets.")
            self.view, self.filter_text = view_named("all"), ""
            self._go_to_after_arrange = ticket_id
            self._rearrange()
            self._update_titles()

    def _update_header(self) -> None:
        counts = self.board.counts(self.moment) if self.board and self.moment else None
        now = self.moment.now if self.moment else self.desk.clock()
        self.query_one(CountsHeader).show(counts, self.desk.actor, now, self.zone, self.privacy)

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
        """SLA compliance for the last 4 weeks (the `sopdash report` figures, with charts)."""
        if self.board is not None:
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
        if action in TICKET_ACTIONS and self.current_ticket is None:
            return None
        return True

DASHBOARD_ACTIONS = frozenset(binding.action.split("(")[0] for binding in APP_BINDINGS) - {"command_palette"}

def run_dashboard(desk: Desk, settings: Settings) -> int:
    """Run the dashboard until the technician quits; returns the exit code."""
    return SopdashApp(desk, settings).run() or 0

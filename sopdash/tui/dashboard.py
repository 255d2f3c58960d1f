"""The dashboard screen: queue, ticket detail and escalations, live on the shared store.

The screen owns the panes and the state they show (view, filter, ordering, privacy, marks, others' presence,
which lower pane shows, which list the detail follows): each a reactive with one watcher that brings the panes
in line. The rest is done by helpers it holds, each with its own worker group: `BoardLoader` reads the store,
`StoreWatch` sees other processes' changes, `Errands` runs ticket actions, `BulkMarks` acts on marked
tickets, `TicketForms` creates and edits, `MailDelivery` sends, `PresenceWatch`, `BreachAlerts` and
`RequesterTickets` keep their pieces of the picture. Every worker reports back with a typed message handled
here, and every worker's failure lands in `on_worker_state_changed`: a message on screen, never an exit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import DescendantFocus, Resize, ScreenResume
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from sopdash.config import Settings
from sopdash.core.board import Board, Moment, Row
from sopdash.core.detail import Line, mail_off_lines
from sopdash.core.detail_client import client_lines
from sopdash.core.detail_people import other_ticket_lines, presence_lines
from sopdash.core.display import client_line
from sopdash.core.errors import SopdashError, error_text
from sopdash.core.model import Ticket
from sopdash.core.presence import Presence, busy_tickets
from sopdash.core.saved_views import SavedView
from sopdash.core.queue import (
    DEFAULT_VIEW,
    KEYS_HELP,
    KEYS_HELP_SHORT,
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
from sopdash.desk.settings import SettingsWatch
from sopdash.tui.arrivals import announce_arrivals
from sopdash.tui.bindings import APP_BINDINGS, DETAIL_BINDINGS, HANDOVER_BINDINGS, LIST_BINDINGS, SCREEN_BINDINGS
from sopdash.tui.board_loader import RELOAD, BoardLoader
from sopdash.tui.breach_alerts import ALERTS, BreachAlerts, IntakeRead
from sopdash.tui.bulk_marks import BulkMarks
from sopdash.tui.commands import DashboardCommands, PaletteAction
from sopdash.tui.crash import reported
from sopdash.tui.dialogs import GotoDialog
from sopdash.tui.empty_queue import empty_queue_lines
from sopdash.tui.errands import NO_TICKET, Errands
from sopdash.tui import saved_views
from sopdash.tui.dialogs.saved_views_dialog import SavedViewsDialog
from sopdash.tui.help_screen import HelpScreen
from sopdash.tui.link_actions import board_links, shown_row
from sopdash.tui.mail_delivery import MailDelivery
from sopdash.tui.messages import (
    ActionDone,
    BulkDone,
    ClocksRead,
    DeskSettingsChanged,
    HandoverNotesLeft,
    MailDelivered,
    PresenceHeard,
    QueueArranged,
    RequestersGrouped,
    StoreAnnounced,
    TicketCreated,
    TicketOpened,
)
from sopdash.tui.presence_watch import PRESENCE, PresenceWatch
from sopdash.tui.requester_tickets import RequesterTickets
from sopdash.tui.clock_screen import ClockScreen
from sopdash.tui.forecast_watch import ForecastMade, ForecastWatch
from sopdash.tui.handover_notes import HandoverNotes
from sopdash.tui.handover_screen import HandoverScreen
from sopdash.tui.search_screen import open_search
from sopdash.tui.stats_screen import StatsScreen
from sopdash.tui.store_watch import StoreWatch
from sopdash.tui.terminal_loss import leave_with_terminal
from sopdash.tui.ticket_actions import ACTIONS, NotDone
from sopdash.tui.ticket_forms import TicketForms
from sopdash.tui.widgets.counts_header import CountsHeader
from sopdash.tui.widgets.escalation_pane import EscalationPane
from sopdash.tui.widgets.query_bar import Question, QueryBar
from sopdash.tui.widgets.ticket_detail import TicketDetail
from sopdash.tui.widgets.ticket_queue import TicketQueue

PANES = ("queue", "detail", "escalations")
NARROW_BELOW = 100  # columns: below this the lower panes take turns instead of sitting side by side
RESORT_EVERY_S = 60  # urgency order drifts slowly as clocks on different calendars run
ARRANGE = "arrange"  # worker group
SETTINGS = "settings"  # worker group


class DashboardScreen(Screen[None]):
    """One technician's live view of the queue, acting through the desk."""

    BINDINGS = APP_BINDINGS
    COMMANDS = {DashboardCommands}

    view: var[View] = var(DEFAULT_VIEW, init=False)
    filter_text: var[str] = var("", init=False)
    ordering: var[Ordering] = var(Ordering(), init=False)
    privacy: var[bool] = var(False, init=False)
    marked: var[frozenset[int]] = var(frozenset(), init=False)
    """The tickets marked with `space`, by id."""
    presence: var[tuple[Presence, ...]] = var((), init=False)
    """Every other dashboard's fresh presence entry."""
    lower_pane: var[str] = var("detail", init=False)
    """Which lower pane shows when there is room for one only."""
    narrow: var[bool] = var(False, init=False)
    detail_source: var[str] = var("queue", init=False)
    """The list whose cursor the detail pane follows."""
    line_lost: var[str | None] = var(None, init=False)
    """Why a database store's change announcements stopped (changes are polled until it reconnects)."""

    def __init__(self, desk: Desk, settings: Settings, keys: Mapping[str, str], tick_s: float = 1.0) -> None:
        """`keys` is the config's `[keys]` (binding id → keys), for the help and the palette."""
        super().__init__()
        self.desk = desk
        self.settings = settings
        self.keys = keys
        self.tick_s = tick_s
        self.zone = desk.policy.calendar.tz
        self.set_reactive(DashboardScreen.privacy, settings.privacy)
        self.board: Board | None = None
        self.moment: Moment | None = None
        self._arranged_at: datetime | None = None
        self._go_to_after_arrange: int | None = None
        self._reload_asked = False
        # The panes, held rather than looked up: cheaper on every key, and still there for a late tick at exit.
        self.queue = TicketQueue(id="queue", classes="pane")
        self.detail = TicketDetail(self.zone, id="detail", classes="pane")
        self.escalations = EscalationPane(id="escalations", classes="pane")
        self.forecast_watch = ForecastWatch(self, desk)
        self.query_bar = QueryBar(id="query-bar")
        self.loader = BoardLoader(self, desk)
        self.store_watch = StoreWatch(self, desk)
        self.errands = Errands(self, desk)
        self.bulk = BulkMarks(self, desk)
        self.forms = TicketForms(self, desk)
        self.mail = MailDelivery(self, desk)
        self.presence_watch = PresenceWatch(self, desk)
        self.alerts = BreachAlerts(self, desk, settings.alerts, settings.bell)
        self.requesters = RequesterTickets(self)
        self.handover_notes = HandoverNotes(self)
        self.settings_watch = SettingsWatch(desk, settings)

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
        self.queue.zone = self.escalations.zone = self.zone
        self.watch_privacy(self.privacy)
        self.set_reactive(DashboardScreen.narrow, self.app.size.width < NARROW_BELOW)
        self.watch_narrow(self.narrow)
        self.watch(self.queue, "highlighted", self._follow_cursor("queue"), init=False)
        self.watch(self.escalations, "highlighted", self._follow_cursor("escalations"), init=False)
        self.watch(self.queue, "scroll_y", lambda top: self._near_history_end(round(top) + self.queue.visible_lines),
                   init=False)
        self.queue.focus()
        self.loader.reload()
        self.set_interval(self.tick_s, self.tick)
        self.store_watch.start()
        self.mail.start()
        self.presence_watch.start()
        self.handover_notes.start()
        leave_with_terminal(self.app, self.presence_watch.stop)
        if self.desk.settings is not None:  # the desk's own settings are followed: say what the config leaves out
            for note in self.settings.notes:
                self.notify(note.removeprefix("note: "), title="Your config", severity="warning", timeout=20, markup=False)

    def on_unmount(self) -> None:
        self.presence_watch.stop()

    def on_resize(self, event: Resize) -> None:
        self.narrow = event.size.width < NARROW_BELOW

    def on_screen_resume(self, _: ScreenResume) -> None:
        self.narrow = self.app.size.width < NARROW_BELOW  # the terminal may have been resized behind a dialog

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        footer = self.query_one(Footer)
        footer.compact = narrow
        footer.show_command_palette = not narrow  # room for the keys; `?` lists ctrl+p
        self.update_titles()

    def watch_lower_pane(self, pane: str) -> None:
        lower = self.query_one("#lower")
        lower.set_class(pane == "detail", "-show-detail")
        lower.set_class(pane == "escalations", "-show-escalations")
        self.update_titles()

    def update_titles(self) -> None:
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
        if self.loader.progress:
            title += f" · {self.loader.progress}"
        elif self.loader.more_history and self.queue_query.includes_closed:
            title += " · older history as you scroll"
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

    @reported
    def tick(self) -> None:
        """Every second: advance the clocks on screen, share presence with the other dashboards, raise breach
        alerts."""
        self._advance_clocks()
        self._follow_desk_settings()
        self.presence_watch.share()
        self.alerts.check(self.board, self.moment)
        self.alerts.check_intake()
        if self.board is not None and self.forecast_watch.due(self.desk.clock()):
            self.forecast_watch.refresh(self.board, self.presence)

    def _follow_desk_settings(self) -> None:
        """Look at the desk's settings in a worker (on PostgreSQL a query, which must never hold up the screen)."""
        if self.desk.settings is not None:
            self.run_worker(self._poll_settings, group=SETTINGS, thread=True, exclusive=True, exit_on_error=False)

    def _poll_settings(self) -> None:
        """In the worker: when someone changed the desk's settings, the desk takes them and the screen hears."""
        change = self.settings_watch.poll()
        if change is not None:
            self.post_message(DeskSettingsChanged(*change))

    @on(DeskSettingsChanged)
    @reported
    def _desk_settings_changed(self, message: DeskSettingsChanged) -> None:
        """Say what changed, and count the clocks anew on the new policy."""
        if message.settings is None:
            self.notify(message.news, title="Desk settings", severity="error", timeout=15, markup=False)
            return
        self.settings = self.app.settings = message.settings
        self.notify(message.news, title="Desk settings", timeout=10, markup=False)
        if self.board is not None:
            self.loader.reload()

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

    @on(ForecastMade)
    @reported
    def _forecast_made(self, message: ForecastMade) -> None:
        """Show the forecast made over the board on screen (one made over a board since replaced is dropped)."""
        if message.board is self.board:
            self.forecast_watch.forecast = message.forecast
            self.escalations.show_forecast(message.forecast)
            self._update_header()

    @on(StoreAnnounced)
    @reported
    def _store_announced(self) -> None:
        if self.board is not None:
            self.loader.reload()

    def watch_line_lost(self, lost: str | None) -> None:
        if lost is not None:
            self.notify(f"Lost the database connection that announces changes ({lost}); looking every second "
                        "and reconnecting.", title="Store", severity="warning", timeout=10, markup=False)
        else:
            self.notify("Reconnected to the database: changes show at once again.", title="Store")
        self.update_titles()

    def _board_loaded(self, message: QueueArranged) -> bool:
        """Put a freshly read board on screen; True if another read was asked for meanwhile."""
        board = message.board
        previous, self.board = self.board, board
        self.moment = board.moment(board.loaded_at)
        self._arranged_at = board.loaded_at
        again = self.loader.loaded(message.history_pages, message.next_page, message.pinned)
        self.escalations.show(board, self.moment)
        self.forecast_watch.board_read(board, self.presence)
        announce_arrivals(self, previous, board, self.privacy, self.settings.bell, self.desk.actor)
        self.requesters.group(board)
        if self._reload_asked:
            self._reload_asked = False
            count = len(board.rows)
            self.notify(f"Store read: {count} ticket{'' if count == 1 else 's'}.", title="Reload", markup=False)
        return again

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
        self.update_titles()
        if self.board is None or self.moment is None:
            return
        if self.queue_query.includes_closed and not self.loader.history_pages:
            self.loader.read_pages()  # the reload arranges the queue
            return
        if not self.queue_query.includes_closed:
            self.loader.drop_pages()
        self._arranged_at = self.moment.now
        self._arrange_board(self.board, self.queue_query, self.ordering, self.moment)

    @work(thread=True, exclusive=True, group=ARRANGE, exit_on_error=False)
    def _arrange_board(self, board: Board, query: Query, ordering: Ordering, moment: Moment) -> None:
        self.post_message(QueueArranged(board, arrange(board, query, ordering, moment), query, ordering))

    @on(QueueArranged)
    @reported
    def _queue_arranged(self, message: QueueArranged) -> None:
        again = self._board_loaded(message) if message.reloaded else False
        if message.board is not self.board:
            return  # arranged on a board a reload has replaced meanwhile
        if message.query == self.queue_query and message.ordering == self.ordering:
            self._show_arrangement(message.arrangement)
        elif message.reloaded:
            self._rearrange()  # the filter or sort changed while the store was read
        if message.reloaded:
            self._advance_clocks()
        if again:
            self.loader.reload()

    def _show_arrangement(self, arrangement: Arrangement) -> None:
        assert self.board is not None
        self.queue.empty_lines = empty_queue_lines(
            len(self.board.rows), self.view.title, self.filter_text, mail_on=self.desk.mail is not None
        )
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
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS) if self.view in VIEWS else 0]

    async def action_saved_views(self) -> None:
        """`W`: the saved views with their counts; the one picked becomes the queue's view."""
        views = saved_views.counted(self.settings.views, self.board, self.moment, self.desk.actor)
        await self.app.push_screen(SavedViewsDialog(views), self._show_saved)

    def _show_saved(self, view: SavedView | None) -> None:
        if view is not None:
            self.view = view.view()

    def action_view(self, name: str) -> None:
        self.view = view_named(name)

    def action_filter(self) -> None:
        self.query_bar.ask(
            Question(
                "/",
                tuple(f"{keys} · enter keeps · esc clears" for keys in (KEYS_HELP, *KEYS_HELP_SHORT)),
                submitted=self._keep_filter,
                changed=lambda text: self._set_filter(text, quiet=True),
                cancelled=self._clear_filter,
                value=self.filter_text,
            )
        )

    def _keep_filter(self, text: str) -> bool:
        """Enter in the filter bar: keep the filter (and search the history if it has words), or say what is wrong
        with it and leave the bar open."""
        kept = self._set_filter(text, quiet=False) and self.focus_queue()
        if kept:
            open_search(self, text)
        return kept

    def _clear_filter(self) -> None:
        self._set_filter("", quiet=True)
        self.focus_queue()

    def focus_queue(self) -> bool:
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
        self.detail.show(shown_row(self.board, self.current_row), self.moment, self.privacy, self._detail_people())
        self.update_titles()

    def _detail_people(self) -> list[Line]:
        """Who else is on the shown ticket, and its requester's other tickets."""
        ticket = self.current_ticket
        if ticket is None:
            return []
        others = self.requesters.others(ticket)
        mail_off = mail_off_lines(ticket) if self.desk.mail is None else []
        linked = board_links(self.board, ticket, self.privacy)
        clients = client_lines(ticket, self.desk.policy)
        return clients + linked + mail_off + presence_lines(self.presence, ticket.id) + other_ticket_lines(others, self.privacy)

    def watch_detail_source(self) -> None:
        self._show_detail()

    def watch_presence(self, presence: tuple[Presence, ...]) -> None:
        self.queue.set_busy(busy_tickets(presence))
        self._show_detail()

    @on(RequestersGrouped)
    @reported
    def _requesters_grouped(self, message: RequestersGrouped) -> None:
        self.requesters.grouped(message)
        self._show_detail()

    def _follow_cursor(self, pane: str) -> Callable[[int | None], None]:
        """A watcher of a list pane's cursor: the detail pane follows the pane it shows."""

        def cursor_moved(_: int | None) -> None:
            if pane == self.detail_source:
                self._show_detail()
            if pane == "queue":
                self._near_history_end(self.queue.cursor)

        return cursor_moved

    def _near_history_end(self, line: int) -> None:
        """The cursor or the bottom of the scrolled queue is at `line`: within a screen of the end of the history on
        screen, the next older page comes in."""
        if line >= self.queue.line_count - self.queue.visible_lines:
            self.loader.next_page()

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
        # At once, not after the keys already queued (Widget.focus waits): what is typed next goes to the pane.
        self.set_focus({"queue": self.queue, "detail": self.detail, "escalations": self.escalations}[pane])

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
        """`r`: read the store now, and say when it was read."""
        self._reload_asked = True
        self.loader.reload()

    async def action_go_to(self) -> None:
        await self.app.push_screen(GotoDialog(), self._go_to_or_search)

    def _go_to_or_search(self, wanted: int | str | None) -> None:
        """`:` took a number (go to that ticket) or words (search for them)."""
        if isinstance(wanted, int):
            self.goto_ticket(wanted)
        elif wanted:
            open_search(self, wanted)

    def goto_ticket(self, ticket_id: int) -> None:
        """Put the queue cursor on a ticket, switching to the `all` view if the current one hides it (and reading
        the ticket alone if the board lacks it)."""
        if self.board is None:
            return
        if ticket_id not in self.board.by_id:
            if ticket_id in self.loader.pinned:
                self.notify(f"There is no ticket #{ticket_id}.", severity="error")
            else:
                self.loader.read_ticket(ticket_id, lambda: self.goto_ticket(ticket_id))
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
        self.loader.reload()

    def _update_header(self) -> None:
        counts = self.board.counts(self.moment) if self.board and self.moment else None
        now = self.moment.now if self.moment else self.desk.clock()
        for header in self.query(CountsHeader):  # none while the dashboard closes and a tick comes late
            header.show_forecast(self.forecast_watch.forecast)
            header.show(counts, self.desk.actor, now, self.zone, self.privacy, self.alerts.intake_alarm)

    # Ticket actions, marks and forms.

    async def action_ticket(self, name: str) -> None:
        """Run the SOP action `name` (see `ticket_actions.ACTIONS`) on the marked tickets, else the one shown."""
        if not self.bulk.act(name):
            await self.errands.act(ACTIONS[name])

    @on(ActionDone)
    @reported
    def _action_done(self, message: ActionDone) -> None:
        self.errands.done(message.errand, message.after)

    def action_mark(self) -> None:
        """`space`: mark or unmark the ticket under the queue cursor, and move down."""
        ticket_id = self.queue.current_id
        if ticket_id is None:
            return
        self.marked = self.marked ^ {ticket_id}
        self.queue.action_cursor_down()

    def watch_marked(self, marked: frozenset[int]) -> None:
        self.queue.set_marked(marked)
        self.update_titles()

    @on(BulkDone)
    @reported
    def _bulk_done(self, message: BulkDone) -> None:
        self.bulk.done(message)

    def action_new_ticket(self) -> None:
        self.forms.new_ticket()

    @on(TicketCreated)
    @reported
    def _ticket_created(self, message: TicketCreated) -> None:
        self.forms.created(message.ticket_id, message.dialog)

    async def action_edit_ticket(self) -> None:
        await self.forms.edit()

    def action_other_ticket(self) -> None:
        """`O`: go to the requester's next other ticket (open ones first), round and round."""
        ticket = self.current_ticket
        if ticket is None:
            self.errands.say_not_done(NO_TICKET)
            return
        following = self.requesters.next_after(ticket)
        if following is None:
            self.notify("The requester has no other tickets.", markup=False)
            return
        self.goto_ticket(following.id)

    @on(MailDelivered)
    @reported
    def _mail_delivered(self, message: MailDelivered) -> None:
        self.notify(message.summary, title="Mail", severity=message.severity, markup=False)
        self.loader.reload()

    @on(PresenceHeard)
    @reported
    def _presence_heard(self, message: PresenceHeard) -> None:
        self.presence_watch.heard(message.others)

    @on(ClocksRead)
    @reported
    def _clocks_read(self, message: ClocksRead) -> None:
        self.alerts.read(message)

    @on(IntakeRead)
    @reported
    def _intake_read(self, message: IntakeRead) -> None:
        self.alerts.intake_read(message)
        self._update_header()

    @reported
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Where every worker's failure lands: said on screen (in the dialog that asked, for an action), never
        an exit."""
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        error = worker.error
        if isinstance(error, NotDone):
            self.errands.not_done(error)
        elif worker.group == RELOAD:
            self.loader.failed(error_text(error))
        elif worker.group == PRESENCE:
            self.presence_watch.failed(error)
        else:
            if worker.group == ALERTS:
                self.alerts.failed()
            self.notify(error_text(error), title="Something went wrong", severity="error", timeout=10, markup=False)

    # Help, statistics, the palette, leaving.

    def _keyed(self, bindings: Sequence[Binding]) -> list[Binding]:
        return [b.with_key(self.keys[b.id]) if b.id in self.keys else b for b in bindings]

    def action_help(self) -> None:
        self.app.push_screen(
            HelpScreen(
                {
                    "Dashboard": self._keyed(APP_BINDINGS),
                    "Queue and escalation lists": self._keyed(LIST_BINDINGS),
                    "Ticket detail": self._keyed(DETAIL_BINDINGS),
                    "Hand-over (H)": self._keyed(HANDOVER_BINDINGS),
                    **SCREEN_BINDINGS,
                }
            )
        )

    def action_explain_clock(self) -> None:
        """`K` in the detail: every interval of the shown ticket's clocks, counted or not (`ticket show --clock`)."""
        ticket = self.current_ticket
        if ticket is not None:
            self.app.push_screen(ClockScreen(ticket, self.desk.policy, self.desk.clock()))

    def action_stats(self) -> None:
        """SLA compliance for the last 4 weeks (the `sopdash report` figures, with charts), each period's tickets
        read from the store by the screen."""
        self.app.push_screen(StatsScreen(self.desk.history, self.desk.policy, self.desk.clock(), self.privacy))

    def on_handover_notes_left(self, _: HandoverNotesLeft) -> None:
        self.handover_notes.left()

    def action_handover(self) -> None:
        """SOP 2B: what happened since this technician last looked, with colleagues' hand-over notes first."""
        self.app.push_screen(HandoverScreen(self.desk))

    def palette_actions(self) -> list[PaletteAction]:
        """Every dashboard key as a palette command (PaletteHost)."""
        actions: list[PaletteAction] = []
        for binding in self._keyed(APP_BINDINGS):
            if binding.action in ("command_palette",):
                continue
            title = binding.description[:1].upper() + binding.description[1:]
            key = self.app.get_key_display(binding)
            actions.append((title, f"key: {key}", lambda action=binding.action: self.run_action(action)))
        counts = saved_views.counted(self.settings.views, self.board, self.moment, self.desk.actor)
        actions += saved_views.palette_entries(counts, self._show_saved)
        for reply in self.settings.replies:
            actions.append((f"Canned reply: {reply.name}", "public reply to the client", lambda r=reply: self.forms.reply_with(r)))
        return actions

    def palette_tickets(self) -> list[tuple[int, str]]:
        """Every loaded ticket with its subject as shown (PaletteHost)."""
        if self.board is None:
            return []
        return [(r.ticket.id, client_line(r.ticket.subject, r.ticket.requester, self.privacy)) for r in self.board.rows]

    def action_command_palette(self) -> None:
        self.app.action_command_palette()

    def action_quit(self) -> None:
        self.app.exit()

"""Search results in the dashboard: what `/` (a query with words in it) and `:` (words rather than a number) find in
the whole history, newest first, each with the line that matched and the archived ones marked.

The search runs in a worker (the screen never waits on the store); the next page is read when the cursor reaches the
last hit. Enter on a live ticket goes to it in the queue; on an archived one it reads that ticket alone (its month)
and shows it here, read-only; escape goes back to the hits, and from there to the queue. Privacy mode masks the
requester as every pane does; client text is shown literally, never parsed as markup.
"""

from __future__ import annotations

from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from sopdash.core.board import Board
from sopdash.core.errors import error_text
from sopdash.core.model import Ticket
from sopdash.core.search import SearchHit, SearchQuery, masked_hit, parse_search
from sopdash.core.text import one_line
from sopdash.desk import Desk
from sopdash.tui.widgets.ticket_detail import TicketDetail
from sopdash.tui.bindings import screen_bindings

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

PAGE = 50
SEARCH = "search"  # worker group
OPEN = "search-open"


def open_search(screen: DashboardScreen, typed: str) -> bool:
    """Show what typed finds in the whole history, if it has words to find (else False: it only filters)."""
    query = parse_search(typed, screen.desk.actor)
    if not query.has_text:
        return False
    screen.app.push_screen(
        SearchScreen(screen.desk, query, screen.privacy),
        lambda ticket_id: None if ticket_id is None else screen.goto_ticket(ticket_id),
    )
    return True


class SearchScreen(ModalScreen[int | None]):
    """The hits of one search; dismisses the id of a live ticket to go to in the queue, or None."""

    DEFAULT_CSS = """
    SearchScreen { background: $background; }
    #search-title { height: 1; padding: 0 1; background: $panel; }
    #search-hits { height: 1fr; border: none; }
    #search-detail { height: 1fr; display: none; }
    SearchScreen.reading #search-hits { display: none; }
    SearchScreen.reading #search-detail { display: block; }
    """
    BINDINGS = screen_bindings("search.back", "search.down", "search.up")

    def __init__(self, desk: Desk, query: SearchQuery, privacy: bool) -> None:
        super().__init__()
        self.desk, self.search_query, self.privacy = desk, query, privacy
        self.hits: list[SearchHit] = []
        self.more = True  # whether a full page came last: there may be more
        self.zone: tzinfo = desk.policy.calendar.tz

    def compose(self) -> ComposeResult:
        yield Static(self._title("searching…"), id="search-title")
        yield OptionList(id="search-hits")
        yield TicketDetail(self.zone, id="search-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._read_page()

    def _title(self, state: str) -> Text:
        return Text(f"Search: {one_line(self.search_query.typed, 60)} · {state}", no_wrap=True, overflow="ellipsis")

    def _read_page(self) -> None:
        before = self.hits[-1].id if self.hits else None
        self.run_worker(partial(self.desk.search, self.search_query, PAGE, before), name="page", group=SEARCH, thread=True,
                        exclusive=True, exit_on_error=False)

    def _add_page(self, page: list[SearchHit]) -> None:
        self.more = len(page) == PAGE
        hits = self.query_one(OptionList)
        for hit in page:
            self.hits.append(hit)
            hits.add_option(Option(self._prompt(masked_hit(hit) if self.privacy else hit), id=str(hit.id)))
        if not self.hits:
            state = "nothing found (esc: back)"
        else:
            state = f"{len(self.hits)}{'+' if self.more else ''} found, newest first · enter opens"
        self.query_one("#search-title", Static).update(self._title(state))
        if hits.highlighted is None and self.hits:
            hits.highlighted = 0

    def _prompt(self, hit: SearchHit) -> Text:
        """Two lines cut to the screen's width: `#12 closed · archived 2026-03-04 subject`, and the matching line."""
        width = max(self.app.size.width - 6, 20)  # less the list's padding and scroll bar
        head = Text()
        head.append(f"#{hit.id} ", "bold")
        head.append(f"{hit.status}{' · archived' if hit.archived else ''} ", "italic" if hit.archived else "")
        head.append(f"{hit.changed_at.astimezone(self.zone):%Y-%m-%d}  ", "dim")
        head.append(one_line(hit.subject, max(width - head.cell_len, 1)))
        return Text("\n").join([head, Text("    " + one_line(hit.line, width - 4), style="dim")])

    @on(OptionList.OptionHighlighted, "#search-hits")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.more and event.option_index == len(self.hits) - 1 and not self.workers:
            self._read_page()

    @on(OptionList.OptionSelected, "#search-hits")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[event.option_index]
        if not hit.archived:
            self.dismiss(hit.id)
            return
        self.query_one("#search-title", Static).update(self._title(f"reading #{hit.id} from the archive…"))
        self.run_worker(partial(self.desk.ticket, hit.id), name="open", group=OPEN, thread=True, exclusive=True,
                        exit_on_error=False)

    def _show(self, ticket: Ticket) -> None:
        now = self.desk.clock()
        board = Board.load([ticket], self.desk.policy, now)
        detail = self.query_one(TicketDetail)
        detail.show(board.by_id[ticket.id], board.moment(now), self.privacy)
        self.add_class("reading")
        detail.focus()
        self.query_one("#search-title", Static).update(self._title(f"#{ticket.id}, archived, read-only · esc: back"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.SUCCESS:
            if worker.name == "page":
                self._add_page(worker.result)
            else:
                self._show(worker.result)
        elif event.state == WorkerState.ERROR and worker.error is not None:
            self.query_one("#search-title", Static).update(self._title("failed"))
            self.notify(error_text(worker.error), title="Search", severity="error", timeout=10, markup=False)

    def action_back(self) -> None:
        if self.has_class("reading"):
            self.remove_class("reading")
            self.query_one(OptionList).focus()
            self.query_one("#search-title", Static).update(self._title(f"{len(self.hits)} found · esc: back"))
        else:
            self.dismiss(None)

    def action_cursor(self, direction: str) -> None:
        hits = self.query_one(OptionList)
        if not self.has_class("reading"):
            hits.action_cursor_down() if direction == "down" else hits.action_cursor_up()

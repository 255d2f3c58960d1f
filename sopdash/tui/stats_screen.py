"""The stats screen: the SLA report's figures for a period, with charts that read without colour.

It opens on the last four weeks; `[` and `]` step back and forth, `w` and `m` switch to whole weeks or months,
and `/` takes a period typed the way `sopdash report --since/--until` takes it. Every figure comes from
`sopdash.report.sla.build_report` (the same as `sopdash report`), computed in a thread so a big store never
freezes the dashboard, over the tickets the store holds from the period's start on (read when a period starts
earlier than any read before, never the whole history). Every bar has its number written next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Sparkline, Static
from textual.worker import Worker, WorkerState

from sopdash.core.display import client_line, local_time, requester_label
from sopdash.core.durations import format_countdown
from sopdash.core.errors import SopdashError, error_text
from sopdash.core.model import Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.text import one_line
from sopdash.report.sla import ClockStats, GroupStats, Report, duration_text
from sopdash.report.tally import Breach
from sopdash.core.period import WEEK, Period, month_of, period_from_text, week_of
from sopdash.report.stats import WEEKS, Figures, default_period, figures_for
from sopdash.tui.bindings import screen_bindings
from sopdash.tui.widgets.query_bar import Question, QueryBar
from sopdash.tui.stylesheets import stylesheet

BAR_WIDTH = 20
NAME_WIDTH = 16
SUBJECT_MIN_WIDTH = 20
BREACHES_LISTED = 10
NARROW_BELOW = 110  # columns: below this the charts and tables stack instead of sitting side by side
_EIGHTHS = " ▏▎▍▌▋▊▉"
_CLOCK_NAMES = {"resolution": "resolve"}  # short enough for an 80-column table


@dataclass
class StatsComputed(Message):
    """The worker built the figures."""

    figures: Figures


class StatsScreen(ModalScreen[None]):
    """SLA figures for a period (first the four weeks up to `now`); `esc` or `q` closes it."""

    CSS_PATH = stylesheet("stats.tcss")
    BINDINGS = screen_bindings(
        "stats.close", "stats.down", "stats.up", "stats.top", "stats.bottom", "stats.earlier", "stats.later",
        "stats.week", "stats.month", "stats.period",
    )

    def __init__(self, read: Callable[[datetime], Sequence[Ticket]], policy: SlaPolicy, now: datetime,
                 privacy: bool = False) -> None:
        """Figures over the tickets created in the period up to `now`, `read(since)` giving every ticket not closed
        before since (the desk's history); privacy masks requesters in the breach list."""
        super().__init__(classes="dialog-screen")
        self.read = read
        self.held: tuple[datetime, Sequence[Ticket]] | None = None
        """The tickets read last and the moment they were read from."""
        self.policy = policy
        self.now = now
        self.privacy = privacy
        self.period = default_period(now, policy.calendar.tz)
        self.figures: Figures | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog stats-screen") as frame:
            frame.border_title = Content(self._title())
            yield Static(Content(self._period_hint()), id="stats-period", classes="hint")
            yield Static(Content("computing…"), id="stats-status")
            with VerticalScroll(id="stats-body"):
                yield Static(id="stats-summary")
                with Horizontal(classes="stats-row"):
                    with Vertical(classes="stats-column"):
                        yield Static(_heading("Breaches per week"), classes="stats-heading")
                        with Horizontal(id="stats-trend"):
                            yield Static(id="stats-daily", classes="stats-label")
                            yield Sparkline([], id="stats-sparkline")
                        yield Static(id="stats-per-week")
                    with Vertical(classes="stats-column"):
                        yield Static(_heading("Within target, per priority"), classes="stats-heading")
                        yield Static(id="stats-compliance")
                with Horizontal(classes="stats-row"):
                    with Vertical(classes="stats-column"):
                        yield Static(_heading("Acknowledged within target"), classes="stats-heading")
                        yield Static(id="stats-ack-table")
                    with Vertical(classes="stats-column"):
                        yield Static(_heading("Resolved within target"), classes="stats-heading")
                        yield Static(id="stats-resolve-table")
                yield Static(_heading("Escalations by reason"), classes="stats-heading")
                yield Static(id="stats-escalations")
                yield Static(id="stats-breach-heading", classes="stats-heading")
                yield Static(id="stats-breach-list")
            yield QueryBar(id="stats-query")
        yield Footer()

    def _title(self) -> str:
        default = self.period == default_period(self.now, self.policy.calendar.tz)
        return f"Stats · last {WEEKS} weeks" if default else f"Stats · {self.period.label()}"

    def _period_hint(self) -> str:
        zone = self.policy.calendar.tz
        until = min(self.period.until, self.now)
        shown = f"{local_time(self.period.since, zone, with_zone=False)} – {local_time(until, zone)}"
        return f"Tickets created {shown}"

    def on_mount(self) -> None:
        self._arrange(self.app.size.width)
        self.query_one("#stats-body").display = False
        self._compute()

    def on_resize(self, event: Resize) -> None:
        self._arrange(event.size.width)

    def _arrange(self, width: int) -> None:
        self.set_class(width < NARROW_BELOW, "-narrow")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _compute(self) -> None:
        period = self.period
        self.post_message(StatsComputed(figures_for(self._tickets_from(period.since), self.policy, period, self.now)))

    def _tickets_from(self, since: datetime) -> Sequence[Ticket]:
        """In the worker: every ticket not closed before since; those held already if they were read from earlier."""
        held = self.held
        if held is not None and held[0] <= since:
            return held[1]
        tickets = self.read(since)
        self.held = (since, tickets)
        return tickets

    def show_period(self, period: Period) -> None:
        """Count the figures again for `period`."""
        self.period = period
        self.query_one(".stats-screen").border_title = Content(self._title())
        self.query_one("#stats-period", Static).update(Content(self._period_hint()))
        status = self.query_one("#stats-status", Static)
        status.update(Content("computing…"))
        status.display = True
        self._compute()

    def action_step(self, count: int) -> None:
        """`[` and `]`: the period before or after; never one that starts after now."""
        period = self.period.step(count)
        if period.since > self.now:
            self.notify("This is the latest period: nothing was created after now.", title="Stats", markup=False)
            return
        self.show_period(period)

    def action_unit(self, unit: str) -> None:
        """`w` and `m`: the current week or month."""
        zone = self.policy.calendar.tz
        self.show_period(week_of(self.now, zone) if unit == WEEK else month_of(self.now, zone))

    def action_ask_period(self) -> None:
        self.query_one(QueryBar).ask(
            Question(
                "period:",
                "SINCE [UNTIL] as for `sopdash report`: 2026-11-01 2026-11-30 · enter counts · esc cancels",
                submitted=self._typed_period,
                cancelled=lambda: self.query_one("#stats-body").focus(),
            )
        )

    def _typed_period(self, text: str) -> bool:
        """Enter in the period bar: count that period, or say what is wrong and leave the bar open."""
        since, _, until = text.strip().partition(" ")
        try:
            period = period_from_text(since or None, until.strip() or None, self.now, self.policy.calendar.tz)
        except SopdashError as error:
            self.notify(str(error), title="Period", severity="error", markup=False)
            return False
        self.show_period(period)
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A ticket the calendar cannot count (a date out of range) must not take the dashboard down: any
        exception from the worker is said in place of the figures."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            status = self.query_one("#stats-status", Static)
            status.update(Content(f"✗ Cannot compute the figures: {error_text(event.worker.error)}"))

    def on_stats_computed(self, message: StatsComputed) -> None:
        if message.figures.period != self.period:
            return  # counted for a period stepped past meanwhile
        self.figures = figures = message.figures
        report = figures.report
        self.query_one("#stats-status").display = False
        self.query_one("#stats-summary", Static).update(summary(report))
        self.query_one("#stats-sparkline", Sparkline).data = figures.per_day
        self.query_one("#stats-daily", Static).update(Content(f"daily, max {max(figures.per_day, default=0)}"))
        self.query_one("#stats-per-week", Static).update(week_bars(figures))
        self.query_one("#stats-compliance", Static).update(compliance_bars(report.by_priority))
        self.query_one("#stats-ack-table", Static).update(figure_table(report, "ack"))
        self.query_one("#stats-resolve-table", Static).update(figure_table(report, "resolution"))
        self.query_one("#stats-escalations", Static).update(count_bars(report.escalations))
        shown = min(len(report.breaches), BREACHES_LISTED)
        title = f"Breaches ({len(report.breaches)})"
        if shown < len(report.breaches):
            title += f" · the {shown} furthest over; sopdash report lists them all"
        self.query_one("#stats-breach-heading", Static).update(_heading(title))
        self.query_one("#stats-breach-list", Static).update(breach_table(report.breaches, self.privacy))
        body = self.query_one("#stats-body", VerticalScroll)
        body.display = True
        body.focus()

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#stats-body", VerticalScroll)
        move = {"down": body.scroll_down, "up": body.scroll_up, "home": body.scroll_home, "end": body.scroll_end}
        move[where](animate=False)

    def action_close(self) -> None:
        self.dismiss(None)


def _heading(text: str) -> Content:
    return Content.styled(text, "bold underline")


def bar(fraction: float, width: int = BAR_WIDTH, fill: str = " ") -> str:
    """`fraction` (0–1) of `width` cells in block characters, to an eighth of a cell; the rest `fill`."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    drawn = "█" * full + (_EIGHTHS[part] if part else "")
    return drawn + fill * (width - len(drawn))


def _share(stats: ClockStats) -> tuple[str, str]:
    """(`within/decided`, `pct%`), or dashes while no clock has an outcome."""
    if stats.pct is None:
        return "-", "-"
    return f"{stats.within}/{stats.decided}", f"{stats.pct:.0f}%"


def summary(report: Report) -> Content:
    """One line with the period's headline figures."""
    overall = report.overall
    parts = [f"{overall.created} created"]
    for label, stats in (("acknowledged", overall.ack), ("resolved", overall.resolution)):
        count, pct = _share(stats)
        parts.append(f"{label} within target {pct} ({count})" if stats.decided else f"{label}: no outcome yet")
    parts.append(counted(len(report.breaches), "breach", "breaches"))
    parts.append(counted(sum(report.escalations.values()), "escalation", "escalations"))
    return Content(" · ".join(parts))


def counted(count: int, one: str, many: str) -> str:
    """`1 breach`, `3 breaches`, `0 breaches`."""
    return f"{count} {one if count == 1 else many}"


def week_bars(figures: Figures) -> Content:
    """One row per week: its days, a bar scaled to the busiest week, and the count."""
    per_week = figures.per_week
    most = max(per_week, default=0) or 1
    rows = [
        Content.assemble(f"{figures.week_label(week):<16}", (bar(count / most), "$text-error"), f" {count:>3}")
        for week, count in enumerate(per_week)
    ]
    return Content("\n").join(rows)


def compliance_bars(groups: Sequence[GroupStats]) -> Content:
    """Two rows per priority (acknowledge, resolve): the share within target as a bar, then `%` and count."""
    if not groups:
        return Content("no tickets created in the period")
    rows = []
    for group in groups:
        for clock, stats in (("ack", group.ack), ("resolve", group.resolution)):
            name = group.name if clock == "ack" else ""
            head = f"{name:<7} {clock:<8}"
            if stats.pct is None:
                rows.append(Content.assemble(head, (f"no outcome yet ({stats.pending} pending)", "$text-muted")))
                continue
            count, pct = _share(stats)
            drawn = bar(stats.within / stats.decided, fill="░")
            rows.append(Content.assemble(head, (drawn, "$text-accent"), f" {pct:>4}  {count}"))
    return Content("\n").join(rows)


def count_bars(counts: dict[str, int]) -> Content:
    """One row per name: a bar scaled to the largest count, and the count."""
    most = max(counts.values(), default=0) or 1
    rows = [
        Content.assemble(f"{name:<12}", (bar(count / most), "$text-warning"), f" {count:>3}")
        for name, count in counts.items()
    ]
    return Content("\n").join(rows)


def figure_table(report: Report, clock: str) -> Table:
    """Created, within target (count and %), median and p90 business time of one clock, per group."""
    table = Table(box=None, pad_edge=False, padding=(0, 0, 0, 2), header_style="bold", show_edge=False)
    table.add_column("", no_wrap=True, overflow="ellipsis", max_width=NAME_WIDTH)
    for header in ("created", "within", "%", "median", "p90"):
        table.add_column(header, justify="right", no_wrap=True)
    sections = (
        ("", (report.overall,)),
        ("by priority", report.by_priority),
        ("by technician", report.by_technician),
        ("by category", report.by_category),
    )
    for title, groups in sections:
        if title:
            table.add_row(Text(title, style="bold"))
        for group in groups:
            stats = group.ack if clock == "ack" else group.resolution
            count, pct = _share(stats)
            name = Text(("  " if title else "") + one_line(group.name))
            table.add_row(name, str(group.created), count, pct, duration_text(stats.median_s), duration_text(stats.p90_s))
    return table


def breach_table(breaches: Sequence[Breach], privacy: bool) -> Table | Content:
    """The breaches furthest over their target first: ticket, clock, state, how far over, who, and the subject."""
    if not breaches:
        return Content("none")
    worst = sorted(breaches, key=lambda b: (-b.over_s, b.ticket_id))[:BREACHES_LISTED]
    table = Table(box=None, pad_edge=False, padding=(0, 0, 0, 2), header_style="bold", show_edge=False, expand=True)
    for header in ("ticket", "clock", "state", "over by", "assignee", "requester"):
        table.add_column(header, no_wrap=True, overflow="ellipsis", max_width=NAME_WIDTH)
    table.add_column("subject", no_wrap=True, overflow="ellipsis", ratio=1, min_width=SUBJECT_MIN_WIDTH)
    for b in worst:
        table.add_row(
            f"#{b.ticket_id}",
            _CLOCK_NAMES.get(b.clock, b.clock),
            b.state,
            format_countdown(b.over_s),
            Text(one_line(b.assignee) or "-"),
            Text(requester_label(b.requester, privacy)),
            Text(client_line(b.subject, b.requester, privacy)),
        )
    return table

"""The stats screen in a tiny host app: the report's figures for a small desk counted by hand, charts, privacy, esc."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timezone

import pytest
from dialog_host import DialogHost
from rich.console import Console
from textual.widgets import Sparkline, Static

from sopdash.report import stats
from sopdash.core import rules
from sopdash.core.errors import StoreError
from sopdash.core.model import Requester, Ticket, TimelineEntry
from sopdash.core.policy import SlaPolicy
from sopdash.report.sla import build_report
from sopdash.tui.stats_screen import StatsScreen, bar

# Business hours Mon–Fri 08:00–17:00 UTC; urgent counts around the clock.
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)  # Wednesday; the period starts Wed 28 Oct 15:00
DANA = Requester("Dana Smith", "dana.smith@client.example.com", "+1 212 555 0100")
LEE = Requester("Lee Wong", "lee.wong@client.example.com")
SIZE = (120, 40)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)


def new(ticket_id: int, created: datetime, priority: str, assignee: str = "", requester: Requester = LEE,
        subject: str = "Printer jammed", category: str = "") -> Ticket:
    ticket = rules.create(ticket_id, subject, requester, created, "intake", priority=priority, category=category)
    return rules.assign(ticket, "amara", created, assignee) if assignee else ticket


def desk() -> list[Ticket]:
    """Seven tickets; the figures the tests expect were counted from these by hand."""
    # 1 high, week 1: acked after 30m (met), resolved after 6h (met).
    one = rules.acknowledge(new(1, at(11, 2, 9), "high", "amara", category="Network"), "amara", at(11, 2, 9, 30), "Hi")
    one = rules.resolve(one, "amara", at(11, 2, 15), "cable swapped")
    # 2 high, Mon 16:30, week 1: acked Tue 08:45 = 75m (due Tue 08:30); resolved Wed 09:00 = 10h30m (due Tue 15:30).
    two = rules.acknowledge(new(2, at(11, 2, 16, 30), "high", "amara", category="Network"), "amara", at(11, 3, 8, 45), "Hi")
    two = rules.resolve(two, "amara", at(11, 4, 9), "config fixed")
    # 3 medium, week 2: acked after 1h (met); still open, resolution due Thu 12 Nov 16:00 (week 3): breached.
    subject = "[/b] Payroll [URGENT] export for Dana Smith"
    three = new(3, at(11, 10, 10), "medium", "bo", requester=DANA, subject=subject, category="[b]Hardware")
    three = rules.acknowledge(three, "bo", at(11, 10, 11), "Hi")
    # 4 low, Wed 18 Nov 16:00, week 4: never acked (due Thu 15:00: breached); waiting on the client, so its
    #   resolution clock is paused with no outcome.
    four = waiting_as_imported(new(4, at(11, 18, 16), "low"), "amara", at(11, 19, 9))
    # 5 urgent, Saturday of week 4: acked after 20m (met), escalated, resolved after 6h of 4h (due 14:00).
    five = rules.acknowledge(new(5, at(11, 21, 10), "urgent", "bo"), "bo", at(11, 21, 10, 20), "Hi")
    five = rules.escalate(five, "bo", at(11, 21, 12), "timing")
    five = rules.resolve(five, "bo", at(11, 21, 16), "restarted")
    # 6 created before the period (not counted), escalated inside it.
    six = rules.escalate(new(6, at(10, 20, 9), "medium"), "amara", at(11, 20, 9), "unsatisfied")
    # 7 medium, an hour ago: both clocks running.
    seven = new(7, at(11, 25, 14), "medium", "amara")
    return [one, two, three, four, five, six, seven]


def host(privacy: bool = False, tickets: list[Ticket] | None = None) -> DialogHost:
    given = desk() if tickets is None else tickets
    return DialogHost(lambda: StatsScreen(lambda since: given, POLICY, NOW, privacy))


async def computed(pilot) -> None:
    """Wait for the figures worker and the message it posts."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(app: DialogHost, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def table_text(app: DialogHost, selector: str, width: int = 100) -> str:
    """A table on the screen as plain text."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


def rows_of(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if line.strip()]


# Figures


async def test_headline_figures_for_the_fixed_desk():
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert shown(app, "#stats-summary") == (
            "6 created · acknowledged within target 60% (3/5) · resolved within target 25% (1/4)"
            " · 5 breaches · 2 escalations"
        )
        assert shown(app, "#stats-period") == "Tickets created Thu 29 Oct 00:00 – Wed 25 Nov 15:00 UTC"


async def test_breaches_per_week_and_per_day():
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        figures = app.screen.figures
        assert figures.per_week == [2, 0, 1, 2]
        breach_days = {figures.days[i].isoformat(): n for i, n in enumerate(figures.per_day) if n}
        assert breach_days == {"2026-11-03": 2, "2026-11-12": 1, "2026-11-19": 1, "2026-11-21": 1}
        assert list(app.screen.query_one(Sparkline).data) == figures.per_day
        assert shown(app, "#stats-daily") == "daily, max 2"
        assert shown(app, "#stats-per-week").splitlines() == [
            f"Oct 29 – Nov 4  {bar(1)}   2",
            f"Nov 5 – Nov 11  {bar(0)}   0",
            f"Nov 12 – Nov 18 {bar(0.5)}   1",
            f"Nov 19 – Nov 25 {bar(1)}   2",
        ]


async def test_compliance_per_priority_writes_the_share_beside_each_bar():
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert shown(app, "#stats-compliance").splitlines() == [
            f"urgent  ack     {bar(1, fill='░')} 100%  1/1",
            f"        resolve {bar(0, fill='░')}   0%  0/1",
            f"high    ack     {bar(0.5, fill='░')}  50%  1/2",
            f"        resolve {bar(0.5, fill='░')}  50%  1/2",
            f"medium  ack     {bar(1, fill='░')} 100%  1/1",
            f"        resolve {bar(0, fill='░')}   0%  0/1",
            f"low     ack     {bar(0, fill='░')}   0%  0/1",
            "        resolve no outcome yet (1 pending)",
        ]


async def test_acknowledge_and_resolve_tables_overall_per_priority_technician_and_category():
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        ack = rows_of(table_text(app, "#stats-ack-table"))
        assert ack[0] == ["created", "within", "%", "median", "p90"]
        # Acknowledged after 20m, 30m, 60m, 75m: median 45m, p90 1h10m (interpolated).
        assert ack[1] == ["overall", "6", "3/5", "60%", "45m", "1h10m"]
        assert ["urgent", "1", "1/1", "100%", "20m", "20m"] in ack
        assert ["low", "1", "0/1", "0%", "-", "-"] in ack
        assert ["(unassigned)", "1", "0/1", "0%", "-", "-"] in ack
        assert ["bo", "2", "2/2", "100%", "40m", "56m"] in ack
        assert ["[b]Hardware", "1", "1/1", "100%", "1h00m", "1h00m"] in ack  # a category is shown literally
        resolve = rows_of(table_text(app, "#stats-resolve-table"))
        # Resolved after 6h, 6h, 10h30m: median 6h, p90 9h36m.
        assert resolve[1] == ["overall", "6", "1/4", "25%", "6h00m", "9h36m"]
        assert ["high", "2", "1/2", "50%", "8h15m", "10h03m"] in resolve


async def test_escalations_by_reason():
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert rows_of(shown(app, "#stats-escalations")) == [
            ["timing", bar(1).strip(), "1"],
            ["unsatisfied", bar(1).strip(), "1"],
            ["disruptive", "0"],
            ["other", "0"],
        ]


async def test_breach_list_furthest_over_first_with_untrusted_text_literal():
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert shown(app, "#stats-breach-heading") == "Breaches (5)"
        text = table_text(app, "#stats-breach-list", width=116)
        assert [row[:4] for row in rows_of(text)[1:]] == [
            ["#3", "resolve", "breached", "3d8h"],
            ["#4", "ack", "breached", "1d12h"],
            ["#2", "resolve", "met_late", "2h30m"],
            ["#5", "resolve", "met_late", "2h00m"],
            ["#2", "ack", "met_late", "15m"],
        ]
        assert "Dana Smith" in text and "[/b] Payroll [URGENT] export for Dana Smith" in text


async def test_privacy_masks_requesters_in_the_breach_list():
    app = host(privacy=True)
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        text = table_text(app, "#stats-breach-list", width=116)
        assert "Dana" not in text and "Lee Wong" not in text
        assert "D*** S***" in text and "[/b] Payroll [URGENT] export for D*** S***" in text


async def test_long_breach_lists_show_the_furthest_over():
    tickets = [new(n, at(11, 23, 9), "high") for n in range(1, 13)]  # never acked: 12 breaches of 1h
    app = host(tickets=tickets)
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert shown(app, "#stats-breach-heading").startswith("Breaches (24) · the 10 furthest over")
        assert len(rows_of(table_text(app, "#stats-breach-list", width=116))) == 1 + 10


async def test_an_empty_desk():
    app = host(tickets=[])
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert shown(app, "#stats-summary").startswith("0 created · acknowledged: no outcome yet")
        assert shown(app, "#stats-compliance") == "no tickets created in the period"
        assert shown(app, "#stats-breach-list") == "none"
        assert app.screen.figures.per_week == [0, 0, 0, 0]


# Working off the UI thread


async def test_computing_line_until_the_worker_is_done(monkeypatch: pytest.MonkeyPatch):
    release = threading.Event()

    def slow_build_report(*args):
        release.wait(5)
        return build_report(*args)

    monkeypatch.setattr(stats, "build_report", slow_build_report)
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app, "#stats-status") == "computing…"
        assert not app.screen.query_one("#stats-body").display
        release.set()
        await computed(pilot)
        assert not app.screen.query_one("#stats-status").display
        assert app.screen.query_one("#stats-body").display
        assert app.screen.query_one("#stats-body").has_focus


async def test_a_failure_is_one_line_not_a_crash(monkeypatch: pytest.MonkeyPatch):
    def failing_build_report(*args):
        raise ValueError("the deadline would fall after the year 9999")

    monkeypatch.setattr(stats, "build_report", failing_build_report)
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert shown(app, "#stats-status") == (
            "✗ Cannot compute the figures: ValueError: the deadline would fall after the year 9999"
        )
        assert app.is_running


# Keys and layout


async def test_escape_and_q_close_the_screen():
    for key in ("escape", "q"):
        app = host()
        async with app.run_test(size=SIZE) as pilot:
            await computed(pilot)
            await pilot.press(key)
            await pilot.pause()
            assert app.results == [None], key
            assert not isinstance(app.screen, StatsScreen)


async def test_small_terminal_stacks_and_scrolls():
    app = host()
    async with app.run_test(size=(80, 24)) as pilot:
        await computed(pilot)
        screen = app.screen
        assert screen.has_class("-narrow")
        body = screen.query_one("#stats-body")
        assert body.max_scroll_y > 0
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("k")
        assert body.scroll_y == body.max_scroll_y - 1
        await pilot.press("g")
        assert body.scroll_y == 0


async def test_wide_terminal_puts_charts_and_tables_side_by_side():
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert not app.screen.has_class("-narrow")
        weeks, compliance = app.screen.query_one("#stats-per-week"), app.screen.query_one("#stats-compliance")
        assert compliance.region.x > weeks.region.right


def test_bar_draws_eighths_and_fills_the_rest():
    assert bar(0, 4) == "    "
    assert bar(1, 4) == "████"
    assert bar(0.5, 4, fill="░") == "██░░"
    assert bar(0.1, 4) == "▍   "  # 3.2 eighths round to 3
    assert bar(1.5, 4) == "████"


# Snapshots


async def after_computing(pilot) -> None:
    await computed(pilot)


async def at_the_breach_list(pilot) -> None:
    await computed(pilot)
    await pilot.press("G")
    await pilot.pause()


def test_stats_snapshot_80x24(snap_compare):
    assert snap_compare(host(), terminal_size=(80, 24), run_before=after_computing)


def test_stats_snapshot_120x40(snap_compare):
    assert snap_compare(host(), terminal_size=(120, 40), run_before=after_computing)


def test_stats_snapshot_breach_list_in_privacy_mode_80x24(snap_compare):
    assert snap_compare(host(privacy=True), terminal_size=(80, 24), run_before=at_the_breach_list)


async def test_step_by_week_and_month_and_type_a_period():
    async with host().run_test(size=SIZE) as pilot:
        await computed(pilot)
        screen = pilot.app.screen
        await pilot.press("m")
        await computed(pilot)
        assert str(screen.query_one(".stats-screen").border_title) == "Stats · November 2026"
        assert "7 created" not in shown(pilot.app, "#stats-summary")  # ticket 6 was created in October
        assert shown(pilot.app, "#stats-summary").startswith("6 created")
        await pilot.press("left_square_bracket")
        await computed(pilot)
        assert str(screen.query_one(".stats-screen").border_title) == "Stats · October 2026"
        assert shown(pilot.app, "#stats-summary").startswith("1 created")
        await pilot.press("w")  # the current week, not one near the period shown (issue 24)
        await computed(pilot)
        assert str(screen.query_one(".stats-screen").border_title) == "Stats · week of 2026-11-23"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await computed(pilot)
        assert str(screen.query_one(".stats-screen").border_title) == "Stats · week of 2026-11-09"
        await pilot.press("slash", *"2026-11-02 2026-11-08", "enter")
        await computed(pilot)
        assert str(screen.query_one(".stats-screen").border_title) == "Stats · 2026-11-02 – 2026-11-08"
        assert shown(pilot.app, "#stats-summary").startswith("2 created")
        await pilot.press("slash", *"last week", "enter")
        await computed(pilot)
        assert screen.query_one("#stats-query").is_open  # refused: the bar stays open


async def test_the_store_is_read_from_a_periods_start_only_when_it_starts_before_any_read():
    asked: list[datetime] = []

    def read(since: datetime) -> list[Ticket]:
        asked.append(since)
        return desk()

    async with DialogHost(lambda: StatsScreen(read, POLICY, NOW)).run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert asked == [at(10, 29, 0)]  # the last four weeks, whole days
        await pilot.press("w")  # inside what was read: nothing read again
        await computed(pilot)
        await pilot.press("m", "left_square_bracket")  # October starts before 29 October
        await computed(pilot)
        assert asked == [at(10, 29, 0), at(10, 1, 0)]
        assert shown(pilot.app, "#stats-summary").startswith("1 created")


async def test_a_store_that_cannot_be_read_is_one_line_not_a_crash():
    def read(since: datetime) -> list[Ticket]:
        raise StoreError("lost the database connection")

    app = DialogHost(lambda: StatsScreen(read, POLICY, NOW))
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert shown(app, "#stats-status") == "✗ Cannot compute the figures: lost the database connection"
        assert app.is_running


async def test_later_stops_at_the_current_period_and_w_m_jump_to_the_current_ones():
    """Issue 24: `]` stepped into the future (a range ending before it began); `w`/`m` then went to a future week."""
    async with host().run_test(size=SIZE) as pilot:
        await computed(pilot)
        screen = pilot.app.screen
        title = lambda: str(screen.query_one(".stats-screen").border_title)  # noqa: E731
        await pilot.press("right_square_bracket")
        await computed(pilot)
        assert title() == "Stats · last 4 weeks"
        assert any("latest period" in str(n.message) for n in pilot.app._notifications)
        await pilot.press("m", "right_square_bracket")
        await computed(pilot)
        assert title() == "Stats · November 2026"
        await pilot.press("left_square_bracket", "left_square_bracket", "w")
        await computed(pilot)
        assert title() == "Stats · week of 2026-11-23"
        await pilot.press("left_square_bracket", "left_square_bracket", "m")
        await computed(pilot)
        assert title() == "Stats · November 2026"
        since, until = shown(pilot.app, "#stats-period").removeprefix("Tickets created ").split(" – ")
        assert since.startswith("Sun 01 Nov") and until.startswith("Wed 25 Nov 15:00")


async def test_one_breach_and_one_escalation_read_singular():
    """Issue 24: "1 breaches", "1 escalations"."""
    escalated = rules.acknowledge(new(1, at(11, 2, 9), "high"), "amara", at(11, 2, 9, 30), "Hi")
    escalated = rules.resolve(rules.escalate(escalated, "amara", at(11, 2, 10), "timing"), "amara", at(11, 2, 11), "ok")
    acked_late = rules.acknowledge(new(2, at(11, 2, 9), "high"), "amara", at(11, 2, 10, 30), "Hi")
    acked_late = rules.resolve(acked_late, "amara", at(11, 2, 11), "ok")
    async with host(tickets=[escalated, acked_late]).run_test(size=SIZE) as pilot:
        await computed(pilot)
        assert shown(pilot.app, "#stats-summary").endswith(" · 1 breach · 1 escalation")


async def test_a_bad_typed_period_says_what_is_wrong_without_option_names():
    async with host().run_test(size=SIZE) as pilot:
        await computed(pilot)
        await pilot.press("slash", *"2026-11-02 week", "enter")
        await pilot.pause()
        said = [str(n.message) for n in pilot.app._notifications]
        assert said[-1] == "the end: 'week' is not a date like 2026-11-01 or a time like 2026-11-01T09:00"
        assert not any("--" in message for message in said)


def waiting_as_imported(ticket: Ticket, actor: str, at: datetime) -> Ticket:
    """`ticket` put on waiting as an imported history may have it: without the client ever contacted."""
    entry = TimelineEntry(at=at, author=actor, kind="event", text="waiting on client", change={"status": [ticket.status, "waiting"]})
    return ticket.evolve(status="waiting", timeline=ticket.timeline + (entry,))

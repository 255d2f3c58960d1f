"""The SLA report of `sopdash report`: how the desk met its targets over a period, as text, JSON or CSV.

A table per grouping (`report/tally.py`'s GROUPINGS: priority, technician, category; by organisation and by SLA
policy, each ticket measured against the policy it keeps, on a desk that has them: `report/clients.py`), each
group with the time logged in the period (billable and not) beside its clocks; in CSV every table is a file of its
own (`csv_tables`). Tickets a merge closed as duplicates are counted apart, not in the clocks.

Tickets created in [since, until) are counted. Each clock's outcome comes from `sopdash.core.clocks`
read at `now`: `met` is within target; `met_late` and `breached` missed it; a clock still running,
warning or paused has no outcome yet and is left out of the percentage. Business time to acknowledge
or resolve (target minus remaining) is measured on completed clocks only. Escalations are counted by
when they happened. Nothing here reads timeline text, so internal notes cannot leak into a report.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from datetime import date, datetime, tzinfo
from functools import cache, partial
from typing import Iterable, Sequence

import msgspec

from sopdash.core.durations import format_countdown
from sopdash.core.model import Ticket, format_time
from sopdash.core.policy import SlaPolicy
from sopdash.core.privacy import mask_requester, scrub_text
from sopdash.core.documents import json_text
from sopdash.core.time_spent import spent_text
from sopdash.core.text import cell_width, one_line
from sopdash.report.clients import report_groupings
from sopdash.report.tally import GROUPINGS, Breach, ClockTally, Grouping, GroupTally, Tally, tally

FORMATS = ("text", "json", "csv")
_SUBJECT_WIDTH = 40
_NAME_WIDTH = 30  # technicians, categories, requesters: a line of the text report stays a line
_BREACH_COLUMNS = ("ticket", "clock", "state", "over by", "due", "priority", "assignee", "requester", "subject")

BreachRow = tuple[str, ...]


class ClockStats(msgspec.Struct, frozen=True):
    """How one clock fared over a group of tickets; `pct` is the share of decided clocks within target, in percent."""

    within: int = 0
    late: int = 0
    pending: int = 0
    pct: float | None = None
    median_s: int | None = None
    p90_s: int | None = None

    @property
    def decided(self) -> int:
        """Clocks with an outcome: within target or not."""
        return self.within + self.late


class GroupStats(msgspec.Struct, frozen=True):
    """The figures of one row: overall, a priority, a technician or a category."""

    name: str
    created: int
    ack: ClockStats
    resolution: ClockStats
    time_s: int = 0  # time logged in the period
    billable_s: int = 0


class Period(msgspec.Struct, frozen=True):
    """The span a report counts, and the zone its text is in."""

    since: datetime
    until: datetime
    tz: tzinfo = msgspec.field(name="timezone")


class Report(msgspec.Struct, frozen=True):
    """Every figure of the report for one period, ready to render (its fields in the order the JSON lists them)."""

    period: Period
    generated_at: datetime
    redacted: bool
    overall: GroupStats
    groups: dict[str, tuple[GroupStats, ...]]  # {grouping name: its table}, in the groupings' order
    escalations: dict[str, int]
    breaches: tuple[Breach, ...]
    merged: int = 0
    """Tickets created in the period that a merge closed as duplicates: counted here, not in the clocks."""

    @property
    def by_priority(self) -> tuple[GroupStats, ...]:
        return self.groups.get("priority", ())

    @property
    def by_technician(self) -> tuple[GroupStats, ...]:
        return self.groups.get("technician", ())

    @property
    def by_category(self) -> tuple[GroupStats, ...]:
        return self.groups.get("category", ())

    @property
    def by_organisation(self) -> tuple[GroupStats, ...]:
        return self.groups.get("organisation", ())

    @property
    def by_policy(self) -> tuple[GroupStats, ...]:
        return self.groups.get("policy", ())

    @property
    def since(self) -> datetime:
        """The first instant counted."""
        return self.period.since

    @property
    def until(self) -> datetime:
        """The instant after the last one counted."""
        return self.period.until

    @property
    def tz(self) -> tzinfo:
        """The zone the text report's times are in."""
        return self.period.tz


def build_report(
    tickets: Iterable[Ticket], policy: SlaPolicy, since: datetime, until: datetime, now: datetime,
    groupings: Sequence[Grouping] | None = None,
) -> Report:
    """The report over tickets created in [since, until), with every clock read at `now` (by default a table per
    grouping the desk's policy has: `report_groupings`)."""
    groupings = report_groupings(policy) if groupings is None else groupings
    counted = tally(tickets, policy, since, until, now, groupings)
    return report_from(counted, since, until, now, policy.calendar.tz, groupings)


def report_from(
    counted: Tally, since: datetime, until: datetime, now: datetime, tz: tzinfo, groupings: Sequence[Grouping] = GROUPINGS
) -> Report:
    """The report of a tally (of a whole store, or the parts of one merged): percentiles, groups in order."""
    return Report(
        period=Period(since, until, tz),
        generated_at=now,
        redacted=False,
        overall=_group_stats("overall", counted.overall),
        groups={g.name: _ordered(counted.groups.get(g.name, {}), g.order) for g in groupings},
        escalations=dict(counted.escalations),
        breaches=tuple(counted.breaches),
        merged=counted.merged,
    )


def _ordered(groups: dict[str, GroupTally], order: tuple[str, ...] = ()) -> tuple[GroupStats, ...]:
    """The groups in `order`, then the rest by name."""
    ranked = {name: i for i, name in enumerate(order)}
    names = sorted(groups, key=lambda name: (ranked.get(name, len(order)), name))
    return tuple(_group_stats(name, groups[name]) for name in names)


def _group_stats(name: str, group: GroupTally) -> GroupStats:
    ack, resolution = _clock_stats(group.ack), _clock_stats(group.resolution)
    return GroupStats(name, group.created, ack, resolution, group.time_s, group.billable_s)


def _clock_stats(clock: ClockTally) -> ClockStats:
    used = sorted(clock.used)
    decided = clock.within + clock.late
    pct = round(100 * clock.within / decided, 1) if decided else None
    return ClockStats(clock.within, clock.late, clock.pending, pct, percentile(used, 50), percentile(used, 90))


def percentile(ordered: list[int], p: float) -> int | None:
    """The p-th percentile of sorted values, interpolating linearly between ranks (the median for p=50)."""
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def breaches_by_day(report: Report) -> Counter[date]:
    """Breaches counted by the day, in the report's time zone, on which their deadline fell."""
    return Counter(b.due.astimezone(report.tz).date() for b in report.breaches if b.due is not None)


def redact(report: Report) -> Report:
    """The report with requester names, e-mails and phone numbers masked, in the breach list and in subjects."""
    breaches = tuple(
        msgspec.structs.replace(b, requester=mask_requester(b.requester), subject=scrub_text(b.subject, b.requester))
        for b in report.breaches
    )
    return msgspec.structs.replace(report, breaches=breaches, redacted=True)


def render(report: Report, fmt: str, breach_rows: Sequence[BreachRow] | None = None) -> str:
    """The report in one of FORMATS; a text report takes its breach table's rows ready-made if given."""
    if fmt == "text":
        return render_text(report, breach_rows)
    return {"json": render_json, "csv": render_csv}[fmt](report)


def render_json(report: Report) -> str:
    """One JSON document; times ISO 8601 UTC, durations in seconds; control characters escaped, so no text can act
    on a terminal."""
    document = {name: getattr(report, name) for name in ("period", "generated_at", "redacted", "overall")}
    document.update({f"by_{name}": groups for name, groups in report.groups.items()})
    document.update(escalations=report.escalations, merged=report.merged, breaches=report.breaches)
    return json_text(document) + "\n"


_GROUP_HEADER = (
    "group", "created", "time_s", "billable_s",
    "ack_within", "ack_decided", "ack_pct", "ack_median_s", "ack_p90_s",
    "resolve_within", "resolve_decided", "resolve_pct", "resolve_median_s", "resolve_p90_s",
)
_BREACH_HEADER = (
    "ticket", "subject", "priority", "assignee", "category",
    "requester_name", "requester_email", "requester_phone", "clock", "state", "due", "over_s", "policy",
)


def render_csv(report: Report) -> str:
    """One table, one header: the figures of every group, a `dimension` column naming its table (`csv_tables` has
    the escalations and breaches too, a file each)."""
    rows = [(dimension, *_group_row(group)) for dimension, groups in _dimensions(report) for group in groups]
    return _csv([("dimension", *_GROUP_HEADER), *rows])


def csv_tables(report: Report) -> dict[str, str]:
    """Every table of the report as a CSV file's text, by file name, each with one header: `overall.csv`, one per
    grouping (`technician.csv`…), `escalations.csv`, `breaches.csv`."""
    files = {f"{dimension}.csv": _csv([_GROUP_HEADER, *map(_group_row, groups)]) for dimension, groups in _dimensions(report)}
    files["escalations.csv"] = _csv([("reason", "escalations"), *report.escalations.items()])
    files["breaches.csv"] = _csv([_BREACH_HEADER, *map(_breach_row, report.breaches)])
    return files


def _csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _group_row(group: GroupStats) -> tuple:
    clocks = (*_csv_clock(group.ack), *_csv_clock(group.resolution))
    return (_cell(group.name), group.created, group.time_s, group.billable_s, *clocks)


def _breach_row(b: Breach) -> tuple:
    return (
        b.ticket_id, _cell(b.subject), b.priority, _cell(b.assignee), _cell(b.category),
        _cell(b.requester.name), _cell(b.requester.email), _cell(b.requester.phone),
        b.clock, b.state, format_time(b.due) or "", b.over_s, _cell(b.policy),
    )


def _dimensions(report: Report) -> tuple[tuple[str, tuple[GroupStats, ...]], ...]:
    return (("overall", (report.overall,)), *report.groups.items())


def _csv_clock(stats: ClockStats) -> tuple:
    return stats.within, stats.decided, _blank(stats.pct), _blank(stats.median_s), _blank(stats.p90_s)


def _blank(value: object) -> object:
    return "" if value is None else value


def _cell(text: str) -> str:
    """Untrusted text made safe for a spreadsheet: one line, and no leading character that starts a formula."""
    text = one_line(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def render_text(report: Report, breach_rows: Sequence[BreachRow] | None = None) -> str:
    """A readable table for a terminal or an e-mail; `breach_rows`, if given, are `text_breach_rows(report.breaches)`."""
    local = report.tz
    lines = [
        f"SLA report {report.since.astimezone(local):%Y-%m-%d %H:%M} – {report.until.astimezone(local):%Y-%m-%d %H:%M}"
        f" ({local}){'  [redacted]' if report.redacted else ''}",
        f"generated {report.generated_at.astimezone(local):%Y-%m-%d %H:%M}; 'within' counts clocks that have an outcome;"
        " times are business time (median / 90th percentile); time is the time logged in the period",
        "",
    ]
    header = ("", "created", "ack within", "ack median", "ack p90", "resolved within", "resolve median", "resolve p90",
              "time", "billable")
    table: list[tuple[str, ...]] = [header]
    for dimension, groups in _dimensions(report):
        if dimension != "overall":
            table.append((f"by {dimension}",) + ("",) * (len(header) - 1))
        indent = "" if dimension == "overall" else "  "
        table.extend(_text_row(indent + one_line(group.name, _NAME_WIDTH), group) for group in groups)
    lines.extend(_aligned(table))
    lines += ["", "Escalations by reason: " + ", ".join(f"{reason} {n}" for reason, n in report.escalations.items())]
    if report.merged:
        lines.append(f"Merged into other tickets as duplicates (not counted above): {report.merged}")
    lines += ["", f"Breaches ({len(report.breaches)})"]
    if report.breaches:
        rows = text_breach_rows(report.breaches, local) if breach_rows is None else breach_rows
        lines.extend(_aligned([_BREACH_COLUMNS, *rows]))
    else:
        lines.append("none")
    return "\n".join(lines) + "\n"


def _text_row(name: str, group: GroupStats) -> tuple[str, ...]:
    return (
        name,
        str(group.created),
        _share(group.ack),
        duration_text(group.ack.median_s),
        duration_text(group.ack.p90_s),
        _share(group.resolution),
        duration_text(group.resolution.median_s),
        duration_text(group.resolution.p90_s),
        spent_text(group.time_s) if group.time_s else "-",
        spent_text(group.billable_s) if group.billable_s else "-",
    )


def _share(stats: ClockStats) -> str:
    if not stats.decided:
        return "-"
    return f"{stats.within}/{stats.decided} {stats.pct:.0f}%"


def duration_text(seconds: int | None) -> str:
    """A business duration as a countdown (`2h14m`), or `-` when there is none."""
    return "-" if seconds is None else format_countdown(seconds)


def text_breach_rows(breaches: Sequence[Breach], tz: tzinfo) -> list[BreachRow]:
    """The cells of the text report's breach table, a row per breach, built a column at a time (it is faster)."""
    names = cache(partial(one_line, limit=_NAME_WIDTH))  # requesters, assignees and subjects repeat: clean each once
    subjects = cache(partial(one_line, limit=_SUBJECT_WIDTH))
    countdowns = cache(format_countdown)  # a third as many distinct as breaches, over a year
    columns = (
        [f"#{b.ticket_id}" for b in breaches],
        [b.clock for b in breaches],
        [b.state for b in breaches],
        [countdowns(b.over_s) for b in breaches],
        # isoformat, not strftime, which takes twice as long
        [b.due.astimezone(tz).isoformat(" ", "minutes")[:16] if b.due else "-" for b in breaches],
        [b.priority for b in breaches],
        [names(b.assignee) or "-" for b in breaches],
        [names(b.requester.name or b.requester.email) or "-" for b in breaches],
        [subjects(b.subject) for b in breaches],
    )
    return list(zip(*columns))


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as lines whose columns line up in terminal cells; a column of plain ASCII pads by a format, the others
    cell by cell (a breach table can run to tens of thousands of rows)."""
    columns = []
    for column in zip(*rows):
        if all(map(str.isascii, column)):
            columns.append((f"%-{max(map(len, column))}s", column))
        else:
            widths = list(map(cell_width, column))
            width = max(widths)
            columns.append(("%s", [cell + " " * (width - cells) for cell, cells in zip(column, widths)]))
    template = "  ".join(form for form, _ in columns)
    return [(template % row).rstrip() for row in zip(*(cells for _, cells in columns))]

"""The SLA report of `sopdash report`: how the desk met its targets over a period, as text, JSON or CSV.

By organisation and by SLA policy (each ticket measured against the policy it keeps, `sopdash.core.sla_policies`)
only when the desk has organisations or policies besides its own.

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
from sopdash.core.model import PRIORITIES, Ticket, format_time
from sopdash.core.policy import SlaPolicy
from sopdash.core.privacy import mask_requester, scrub_text
from sopdash.core.documents import json_text
from sopdash.core.text import cell_width, one_line, pad
from sopdash.core.sla_policies import DEFAULT_NAME
from sopdash.report.clients import NO_ORGANISATION
from sopdash.report.tally import Breach, ClockTally, GroupTally, Tally, tally

FORMATS = ("text", "json", "csv")
_SUBJECT_WIDTH = 40
_NAME_WIDTH = 30  # technicians, categories, requesters: a line of the text report stays a line
_BREACH_COLUMNS = ("ticket", "clock", "state", "over by", "due", "priority", "assignee", "requester", "subject")

BreachRow = tuple[str, ...]
_ALWAYS = ("overall", "priority", "technician", "category")  # by organisation and policy only when a desk has them


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
    by_priority: tuple[GroupStats, ...]
    by_technician: tuple[GroupStats, ...]
    by_category: tuple[GroupStats, ...]
    by_organisation: tuple[GroupStats, ...]
    by_policy: tuple[GroupStats, ...]
    escalations: dict[str, int]
    breaches: tuple[Breach, ...]
    merged: int = 0
    """Tickets created in the period that a merge closed as duplicates: counted here, not in the clocks."""

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
    tickets: Iterable[Ticket], policy: SlaPolicy, since: datetime, until: datetime, now: datetime
) -> Report:
    """The report over tickets created in [since, until), with every clock read at `now`."""
    return report_from(tally(tickets, policy, since, until, now), since, until, now, policy.calendar.tz)


def report_from(counted: Tally, since: datetime, until: datetime, now: datetime, tz: tzinfo) -> Report:
    """The report of a tally (of a whole store, or the parts of one merged): percentiles, groups in order."""
    return Report(
        period=Period(since, until, tz),
        generated_at=now,
        redacted=False,
        overall=_group_stats("overall", counted.overall),
        by_priority=_ordered(counted.by_priority, PRIORITIES),
        by_technician=_ordered(counted.by_technician),
        by_category=_ordered(counted.by_category),
        by_organisation=_ordered(counted.by_organisation) if set(counted.by_organisation) - {NO_ORGANISATION} else (),
        by_policy=_ordered(counted.by_policy) if set(counted.by_policy) - {DEFAULT_NAME} else (),
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
    return GroupStats(name, group.created, _clock_stats(group.ack), _clock_stats(group.resolution))


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
    return json_text(report) + "\n"


_METRIC_HEADER = (
    "dimension", "group", "created",
    "ack_within", "ack_decided", "ack_pct", "ack_median_s", "ack_p90_s",
    "resolve_within", "resolve_decided", "resolve_pct", "resolve_median_s", "resolve_p90_s",
)
_BREACH_HEADER = (
    "ticket", "subject", "priority", "assignee", "category",
    "requester_name", "requester_email", "requester_phone", "clock", "state", "due", "over_s", "policy",
)


def render_csv(report: Report) -> str:
    """Three tables separated by a blank line: figures per group, escalations by reason, breaches."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_METRIC_HEADER)
    for dimension, groups in _dimensions(report):
        for group in groups:
            clocks = (*_csv_clock(group.ack), *_csv_clock(group.resolution))
            writer.writerow((dimension, _cell(group.name), group.created, *clocks))
    writer.writerow(())
    writer.writerow(("reason", "escalations"))
    writer.writerows(report.escalations.items())
    writer.writerow(())
    writer.writerow(_BREACH_HEADER)
    for b in report.breaches:
        writer.writerow(
            (
                b.ticket_id, _cell(b.subject), b.priority, _cell(b.assignee), _cell(b.category),
                _cell(b.requester.name), _cell(b.requester.email), _cell(b.requester.phone),
                b.clock, b.state, format_time(b.due) or "", b.over_s, _cell(b.policy),
            )
        )
    return out.getvalue()


def _dimensions(report: Report) -> tuple[tuple[str, tuple[GroupStats, ...]], ...]:
    dimensions = (
        ("overall", (report.overall,)),
        ("priority", report.by_priority),
        ("technician", report.by_technician),
        ("category", report.by_category),
        ("organisation", report.by_organisation),
        ("policy", report.by_policy),
    )
    return tuple((name, groups) for name, groups in dimensions if groups or name in _ALWAYS)


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
        " times are business time (median / 90th percentile)",
        "",
    ]
    header = ("", "created", "ack within", "ack median", "ack p90", "resolved within", "resolve median", "resolve p90")
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
    names = cache(partial(one_line, limit=_NAME_WIDTH))  # requesters and assignees repeat: clean each once
    columns = (
        [f"#{b.ticket_id}" for b in breaches],
        [b.clock for b in breaches],
        [b.state for b in breaches],
        [format_countdown(b.over_s) for b in breaches],
        # isoformat, not strftime, which takes twice as long
        [b.due.astimezone(tz).isoformat(" ", "minutes")[:16] if b.due else "-" for b in breaches],
        [b.priority for b in breaches],
        [names(b.assignee) or "-" for b in breaches],
        [names(b.requester.name or b.requester.email) or "-" for b in breaches],
        [one_line(b.subject, _SUBJECT_WIDTH) for b in breaches],
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
            width = max(map(cell_width, column))
            columns.append(("%s", [pad(cell, width) for cell in column]))
    template = "  ".join(form for form, _ in columns)
    return [(template % row).rstrip() for row in zip(*(cells for _, cells in columns))]

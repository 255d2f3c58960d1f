"""The header line: what needs attention (SOP 2B), the view in effect, and who is at the keyboard when."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from sopdash.core.board import Counts
from sopdash.core.forecast import Forecast
from sopdash.core.marks import CLOCK_SYMBOLS
from sopdash.core.text import one_line
from sopdash.tui.widgets.header_fit import LEFT_GAP, RIGHT_GAP, HeaderItem, fit_header
from sopdash.tui.widgets.styling import span_style

COMPACT_WIDTH = 80  # before the first layout gives the header its width
# (Counts field, symbol, label, compact label, component class), in the order shown
COUNT_LABELS = (
    ("unacknowledged", "●", "new", "new", "counts-header--new"),
    ("at_risk", CLOCK_SYMBOLS["warning"], "at risk", "risk", "counts-header--warning"),
    ("breached", CLOCK_SYMBOLS["breached"], "breached", "breached", "counts-header--breached"),
    ("escalated", "⇧", "escalated", "esc", "counts-header--escalated"),
    ("manager", "⚑", "manager", "mgr", "counts-header--manager"),
    ("mail_failed", "✗", "mail failed", "mail", "counts-header--breached"),
)
SHOWN_ONLY_WHEN_SOME = ("mail_failed",)  # mail may be off: no permanent "0 mail failed"
# The counts lose their words together; then, one by one, zero counts go and the others keep only their figure,
# the least urgent first (failed mail and breaches last).
COUNTS_SHED = ("manager", "escalated", "at_risk", "unacknowledged", "breached", "mail_failed")
FORECAST_STYLE = "counts-header--warning"  # tickets that breach by the end of the business day if nothing is done


class CountsHeader(Horizontal):
    """Counts on the left; privacy, login and clock on the right; fitted to the width (see `header_fit`)."""

    COMPONENT_CLASSES = {
        "counts-header--brand",
        "counts-header--zero",
        *(component for *_, component in COUNT_LABELS),
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[Counts | None, str, datetime, tzinfo, bool] | None = None
        self._drawn: dict[str, tuple] = {}
        self._alarm = ""
        self._forecast: Forecast | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("sopdash  loading…"), id="counts")
        yield Static(Text(""), id="identity")

    def show(self, counts: Counts | None, login: str, now: datetime, zone: tzinfo, privacy: bool, alarm: str = "") -> None:
        """Redraw with fresh counts (None while the first load runs), who is logged in and the time, and mail
        intake's alarm while it fails."""
        self._shown = (counts, login, now, zone, privacy)
        self._alarm = alarm
        self._draw()

    def show_forecast(self, forecast: Forecast | None) -> None:
        """The breach forecast's item after the counts, drawn by the next `show`."""
        self._forecast = forecast

    def on_resize(self) -> None:
        self._draw()

    def notify_style_update(self) -> None:
        """Theme or stylesheet changed: draw the same counts in the new styles."""
        super().notify_style_update()
        self.call_later(self._draw)

    def _draw(self) -> None:
        if self._shown is None:
            return
        fitted = fit_header(*self.items(*self._shown), self.size.width or COMPACT_WIDTH)
        texts = {"#counts": self._joined(fitted.left, LEFT_GAP), "#identity": self._joined(fitted.right, RIGHT_GAP)}
        # An update lays the screen out again, so only when the text changed (by the minute, not every second).
        for selector, text in texts.items():
            if (text.plain, text.spans) != self._drawn.get(selector):
                self._drawn[selector] = (text.plain, text.spans)
                self.query_one(selector, Static).update(text)

    def items(
        self, counts: Counts | None, login: str, now: datetime, zone: tzinfo, privacy: bool
    ) -> tuple[list[HeaderItem], list[str | tuple[str, ...]]]:
        """Every item the header may show, and the order in which they give way to a short width."""
        shown = now.astimezone(zone)
        items = [HeaderItem("brand", ("sopdash", ""), "counts-header--brand")]
        zero: list[str] = []
        if counts is None:
            items.append(HeaderItem("loading", ("loading…",)))
        else:
            for field, symbol, label, compact, component in COUNT_LABELS:
                value = getattr(counts, field)
                if not value and field in SHOWN_ONLY_WHEN_SOME:
                    continue
                if not value:
                    zero.append(field)
                forms = (f"{symbol} {value} {label}", f"{symbol} {value} {compact}", "" if not value else f"{symbol}{value}")
                items.append(HeaderItem(field, forms, component if value else "counts-header--zero"))
        if self._alarm:  # mail intake failing: its reason, then its start, shortened, never dropped
            alarm = one_line(self._alarm)
            alarm_forms = (f"✗ {alarm}", f"✗ {alarm.split(': ', 1)[0]}", "✗ mail intake failing", "✗ intake")
            items.append(HeaderItem("intake", alarm_forms, "counts-header--breached"))
        if self._forecast is not None:  # tickets that breach by the end of the business day if nothing is done
            style = FORECAST_STYLE if self._forecast.tickets else "counts-header--zero"
            items.append(HeaderItem("forecast", self._forecast.header_forms(), style))
        if privacy:
            items.append(HeaderItem("privacy", ("privacy", "priv"), right=True))
        items.append(HeaderItem("login", (one_line(login), ""), right=True))
        time_forms = (f"{shown:%a %d %b %H:%M %Z}", f"{shown:%H:%M %Z}", f"{shown:%H:%M}", "")
        items.append(HeaderItem("time", time_forms, right=True))
        live = tuple(field for field in COUNTS_SHED if field not in zero)
        shedding: list[str | tuple[str, ...]] = [
            "time", "brand", "forecast", "intake", COUNTS_SHED, "forecast", *zero, "time", "login", "intake", "forecast", "intake"
        ]
        return items, [*shedding, *live, "privacy", "time"]

    def _joined(self, shown: tuple[tuple[HeaderItem, str], ...], gap: str) -> Text:
        text = Text()
        for index, (item, words) in enumerate(shown):
            if index:
                text.append(gap)
            text.append(words, span_style(self, item.style) if item.style else "")
        return text

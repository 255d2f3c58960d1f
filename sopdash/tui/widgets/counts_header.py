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
from sopdash.tui.widgets.styling import span_style

# (Counts field, symbol, label, compact label, component class)
COUNT_LABELS = (
    ("unacknowledged", "●", "new", "new", "counts-header--new"),
    ("at_risk", CLOCK_SYMBOLS["warning"], "at risk", "risk", "counts-header--warning"),
    ("breached", CLOCK_SYMBOLS["breached"], "breached", "breached", "counts-header--breached"),
    ("escalated", "⇧", "escalated", "esc", "counts-header--escalated"),
    ("manager", "⚑", "manager", "mgr", "counts-header--manager"),
    ("mail_failed", "✗", "mail failed", "mail", "counts-header--breached"),
)
SHOWN_ONLY_WHEN_SOME = ("mail_failed",)  # mail may be off: no permanent "0 mail failed"
COMPACT_BELOW = 110
FORECAST_STYLE = "counts-header--warning"  # tickets that breach by the end of the business day if nothing is done


class CountsHeader(Horizontal):
    """Counts on the left; login and clock on the right."""

    COMPONENT_CLASSES = {
        "counts-header--brand",
        "counts-header--zero",
        *(component for *_, component in COUNT_LABELS),
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[Counts | None, str, datetime, tzinfo, bool] | None = None
        self._drawn: dict[str, tuple] = {}
        self._forecast: Forecast | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("sopdash  loading…"), id="counts")
        yield Static(Text(""), id="identity")

    def show(self, counts: Counts | None, login: str, now: datetime, zone: tzinfo, privacy: bool) -> None:
        """Redraw with fresh counts (None while the first load runs), who is logged in and the time."""
        self._shown = (counts, login, now, zone, privacy)
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
        counts, login, now, zone, privacy = self._shown
        compact = self.size.width < COMPACT_BELOW
        time = now.astimezone(zone).strftime("%H:%M %Z" if compact else "%a %d %b %H:%M %Z")
        identity = ("privacy · " if privacy else "") + f"{login} · {time}"
        # An update lays the screen out again, so only when the text changed (by the minute, not every second).
        for selector, text in {"#counts": self.counts_text(counts, compact), "#identity": Text(identity)}.items():
            if (text.plain, text.spans) != self._drawn.get(selector):
                self._drawn[selector] = (text.plain, text.spans)
                self.query_one(selector, Static).update(text)

    def counts_text(self, counts: Counts | None, compact: bool) -> Text:
        """`sopdash  ● 3 new  ▲ 2 at risk  ✖ 4 breached …`; zero counts are dimmed."""
        text = Text()
        text.append("sopdash ", span_style(self, "counts-header--brand"))
        if counts is None:
            text.append(" loading…")
            return text
        for field, symbol, label, compact_label, component in COUNT_LABELS:
            value = getattr(counts, field)
            if not value and field in SHOWN_ONLY_WHEN_SOME:
                continue
            style = span_style(self, component if value else "counts-header--zero")
            text.append(" " if compact else "  ")
            text.append(f"{symbol} {value} {compact_label if compact else label}", style)
        if self._forecast is not None:
            style = span_style(self, FORECAST_STYLE if self._forecast.tickets else "counts-header--zero")
            text.append(" " if compact else "  ")
            text.append(self._forecast.header_forms()[2 if compact else 1], style)
        return text

"""SOP 2A/4A as a public reply is written: advice under the text, never in the way.

The check (`core/courtesy`) runs a moment after the technician stops typing, not on every key, and sending is
never held up by it: a reply sent with advice standing is recorded in the audit trail, as the CLI's `--force` is.
"""

from __future__ import annotations

from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from sopdash.core.courtesy import CourtesyRules, advise

PAUSE = 0.4  # seconds of no typing before the advice is brought up to date
_SHOWN = 4


class CourtesyAdvice(Static):
    """What the courtesy check advises on the text, shown while there is something to say."""

    def __init__(self, rules: CourtesyRules) -> None:
        super().__init__("", classes="courtesy", markup=False)
        self.rules = rules
        self._pending: Timer | None = None

    def text_changed(self, text: str) -> None:
        """Check `text` once typing pauses (a newer change replaces a pending check)."""
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(PAUSE, lambda: self.show(text))

    def show(self, text: str) -> None:
        """Bring the advice up to date with `text` now."""
        self._pending = None
        advice = advise(text, self.rules)
        lines = [f"Courtesy (SOP 2A/4A): {', '.join(item.line() for item in advice[:_SHOWN])}"]
        if len(advice) > _SHOWN:
            lines[0] += f", and {len(advice) - _SHOWN} more"
        self.update(Content(lines[0] + " — you may still send it (noted in the audit trail)." if advice else ""))
        self.set_class(bool(advice), "-shown")

"""SOP 5A in the dialogs that send text to the client: say what looks sensitive, send it only when asked twice.

The core refuses such text unless `allow_sensitive` is passed (and audits the override); these dialogs ask
first, so the technician sees what was found before deciding to send it anyway.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static
from textual.widgets.button import ButtonVariant

from sopdash.core.sensitive import Finding, find_sensitive
from sopdash.tui.dialogs.base import ResultT
from sopdash.tui.dialogs.buttons import DialogButton
from sopdash.tui.dialogs.writing_dialog import WritingDialog

_SHOWN_FINDINGS = 3
SEND_ANYWAY = "Send anyway (^s)"


class DisclosureCheck(WritingDialog[ResultT]):
    """A writing dialog whose send button (`SEND_BUTTON`) sends text to the client, after the SOP 5A check."""

    SEND_BUTTON = "save"
    _confirmed_text: str | None = None

    def send_label(self) -> str:
        raise NotImplementedError

    @staticmethod
    def findings_view() -> Static:
        """Where the dialog says what looks sensitive (hidden until something does)."""
        return Static("", classes="findings", markup=False)

    def unconfirmed_findings(self, text: str) -> list[Finding]:
        """What looks sensitive in `text`, unless the technician already chose to send exactly this text anyway.

        Anything found is shown, and the send button turns into "Send anyway" for this text.
        """
        if text == self._confirmed_text:
            return []
        findings = find_sensitive(text)
        if findings:
            self._arm(text, findings)
        return findings

    def sent_anyway(self, text: str) -> bool:
        """True if `text` goes out although it looks sensitive (the override the desk records)."""
        return text == self._confirmed_text

    def text_changed(self, text: str) -> None:
        """Edited text must be checked again."""
        if self._confirmed_text is not None and text != self._confirmed_text:
            self._confirmed_text = None
            self.query_one(".findings", Static).remove_class("-shown")
            self._label_send(self.send_label(), "primary")

    def _arm(self, text: str, findings: list[Finding]) -> None:
        self._confirmed_text = text
        lines = ["⚠ This may disclose client-sensitive information (SOP 5A):"]
        lines += [f"  • {finding.kind}: “{finding.excerpt}”" for finding in findings[:_SHOWN_FINDINGS]]
        if len(findings) > _SHOWN_FINDINGS:
            lines.append(f"  • and {len(findings) - _SHOWN_FINDINGS} more")
        lines.append("Edit it out, or press ctrl+s again to send it anyway.")
        view = self.query_one(".findings", Static)
        view.update(Content("\n".join(lines)))
        view.add_class("-shown")
        self._label_send(SEND_ANYWAY, "error")

    def _label_send(self, label: str, variant: ButtonVariant) -> None:
        button = self.query_one(f"#{self.SEND_BUTTON}", DialogButton)
        button.label = label
        button.variant = variant
        button.refresh(layout=True)  # a longer label needs a wider button

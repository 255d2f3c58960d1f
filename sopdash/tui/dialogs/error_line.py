"""The line where a dialog says why it cannot go on yet; it takes no room while there is nothing to say."""

from textual.content import Content
from textual.widgets import Static


class ErrorLine(Static):
    """A one-line refusal marked with ✗ (or another mark for news), so it reads without colour."""

    def __init__(self) -> None:
        super().__init__("", classes="error", markup=False)
        self.display = False

    def show(self, message: str, mark: str = "✗") -> None:
        """Say `message` after `mark`; an empty one hides the line."""
        self.update(Content(f"{mark} {message}" if message else ""))
        self.display = bool(message)

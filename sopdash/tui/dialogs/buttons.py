"""Dialog buttons: for the mouse only, because every button's action also has a key shown in the footer."""

from textual.widgets import Button
from textual.widgets.button import ButtonVariant


class DialogButton(Button, can_focus=False):
    """A compact button that never takes focus, so `enter` and `esc` always mean what the footer says."""

    def __init__(self, label: str, id: str, variant: ButtonVariant = "default") -> None:
        super().__init__(label, id=id, variant=variant, compact=True)

"""The dashboard's application: what is global to it — the config and its key map, the theme, keys typed ahead
of a dialog, leaving and the crash report. The dashboard itself is `DashboardScreen`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from weakref import WeakKeyDictionary

from rich.console import RenderableType
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.events import Event, Key
from textual.screen import Screen

from sopdash.config import Settings
from sopdash.core.canned import CannedReply
from sopdash.desk import Desk
from sopdash.desk.drafts import drafts_of
from sopdash.keys import check_keys
from sopdash.tui.crash import end_on_crash
from sopdash.tui.dashboard import DashboardScreen
from sopdash.tui.stylesheets import stylesheet


class SopdashApp(App[int]):
    """One technician's dashboard, acting through the desk."""

    CSS_PATH = [stylesheet("app.tcss"), stylesheet("dialogs.tcss")]
    TITLE = "sopdash"
    NOTIFICATION_TIMEOUT = 3  # a notice that stays longer sits on the detail pane and the dialogs' buttons

    def __init__(self, desk: Desk, settings: Settings, tick_s: float = 1.0) -> None:
        super().__init__()
        self.desk = desk
        self.settings = settings
        self.keys = check_keys(settings.keys)
        """The config's `[keys]`: binding id → keys."""
        self.dashboard = DashboardScreen(desk, settings, self.keys, tick_s)
        self.drafts = drafts_of(desk)
        """This technician's drafts: kept on an internal error, offered back by the dialog they belong to."""
        self.leaving = False
        """Set once the app is asked to exit: no action runs after that."""
        self._key_screens: WeakKeyDictionary[Key, Screen] = WeakKeyDictionary()
        self.set_keymap(self.keys)

    def get_default_screen(self) -> Screen:
        return self.dashboard

    def on_mount(self) -> None:
        if self.console.color_system == "standard":
            self.theme = "ansi-dark"  # 16 colours: the terminal's own palette reads better than approximations

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """None of Textual's own commands (screenshot, theme, maximize, keys): the palette offers the dashboard's."""
        return ()

    # What the dialogs that write to a client ask the app for (CannedReplySource).

    @property
    def canned_replies(self) -> tuple[CannedReply, ...]:
        """The config's `[replies.NAME]`."""
        return self.settings.replies

    @property
    def technician(self) -> str:
        """Who `{technician}` is in a canned reply: the roster's name for this login, else the login."""
        return self.desk.roster.member(self.desk.actor).name or self.desk.actor

    # Keys typed ahead.

    async def on_event(self, event: Event) -> None:
        if isinstance(event, Key) and not event.is_forwarded:
            self._key_screens[event] = self.screen
        await super().on_event(event)

    def on_key(self, event: Key) -> None:
        """Type-ahead: a key sent to the screen that was in front when it came, and left unused there, goes to
        the screen in front now (a dialog its key before opened), in the order typed, instead of being lost."""
        sent_to = self._key_screens.pop(event, None)
        if sent_to is not None and sent_to is not self.screen:
            event.prevent_default()
            self.post_message(Key(event.key, event.character))

    # Every action, and leaving.

    async def run_action(
        self, action: str | ActionParseResult, default_namespace: DOMNode | None = None, namespaces: Mapping[str, DOMNode] | None = None
    ) -> bool:
        """Every key binding and palette command runs here: none once the app is leaving (a key typed right
        after `q` would open a dialog on a closing app), and one that fails ends the app with the crash report."""
        if self.leaving:
            return False
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:
            end_on_crash(self, error)
            return True

    def exit(self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        self.leaving = True
        super().exit(result, return_code, message)


def run_dashboard(desk: Desk, settings: Settings) -> int:
    """Run the dashboard until the technician quits; returns the exit code (1 after an internal error)."""
    app = SopdashApp(desk, settings)
    app.run()
    return app.return_code or 0

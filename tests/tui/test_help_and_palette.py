"""Issue 24 item 12: `?` lists every key of every screen and dialog, from the one key table; the palette offers only
the dashboard's own commands, and a command above any ticket whose subject matches."""

from __future__ import annotations

import importlib
import io
import inspect
import pkgutil

from dashboard_fixtures import keys, make_app, new, settle, write_store
from rich.console import Console
from textual.command import CommandPalette
from textual.dom import DOMNode

import sopdash.tui
from sopdash.tui.help_screen import HelpScreen


def bound_classes() -> list[type[DOMNode]]:
    """Every screen, dialog and widget of the dashboard that declares key bindings."""
    for module in pkgutil.walk_packages(sopdash.tui.__path__, "sopdash.tui."):
        importlib.import_module(module.name)
    found = []
    for name, module in list(importlib.sys.modules.items()):
        if not name.startswith("sopdash.tui"):
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, DOMNode) and cls.__dict__.get("BINDINGS"):
                found.append(cls)
    return found


async def test_help_lists_every_binding_of_every_screen_and_dialog(tmp_path):
    app = make_app(write_store(tmp_path / "t.json", [new(1, "VPN", "Ann", 5, "high")]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        listed = {(b.id, b.key, b.action) for bindings in help_screen.bindings.values() for b in bindings}
        classes = bound_classes()
        assert {"EscalateDialog", "ReasonList", "StatsScreen", "TextDialog", "WritingDialog", "QueryBar"} <= {
            cls.__name__ for cls in classes
        }
        for cls in classes:
            for binding in cls.BINDINGS:
                assert (binding.id, binding.key, binding.action) in listed, f"{cls.__name__}: {binding.key}"
        headings = [str(static.render()) for static in help_screen.query(".help-pane")]
        console = Console(width=100, file=io.StringIO(), record=True)
        for bindings in help_screen.bindings.values():
            console.print(help_screen._table(bindings))
        shown = "\n".join(headings) + console.export_text()
        for heading in ("Every dialog", "Escalate", "Resolve", "SLA statistics (i)"):
            assert heading in shown
        for row in ("^s", "^r", "^n", "fill in a canned reply", "the period before"):
            assert row in shown, row


async def test_the_palette_offers_only_the_dashboards_commands_and_ranks_them_above_tickets(tmp_path):
    store = write_store(tmp_path / "t.json", [new(1, "Projector in room 4 needs assigning", "Ann", 5, "high")])
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.pause(0.3)
        offered = [str(option.prompt) for option in app.screen.query_one("CommandList").options]
        for textual_own in ("Screenshot", "Theme", "Maximize", "Keys"):
            assert not any(textual_own in prompt for prompt in offered), textual_own
        await pilot.press(*"assign")
        await pilot.pause(0.5)
        offered = [str(option.prompt) for option in app.screen.query_one("CommandList").options]
        assert offered[0].startswith("Assign to a technician"), offered
        assert any("Projector" in prompt for prompt in offered)

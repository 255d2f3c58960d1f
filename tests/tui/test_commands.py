"""The command palette lists the dashboard's actions and jumps to tickets, showing subjects literally."""

from __future__ import annotations

from textual.app import App
from textual.command import CommandPalette
from textual.screen import Screen

from sopdash.tui.commands import TICKET_HITS, DashboardCommands


class PaletteScreen(Screen):
    """Stands in for the dashboard screen: the three methods the provider reads."""

    COMMANDS = {DashboardCommands}

    def __init__(self, tickets: list[tuple[int, str]]) -> None:
        super().__init__()
        self.tickets = tickets
        self.done: list[str] = []

    def palette_actions(self):
        return [
            ("Acknowledge", "Send the client the receipt (SOP 4B)", lambda: self.done.append("ack")),
            ("Privacy mode", "Mask requester names [on/off]", lambda: self.done.append("privacy")),
        ]

    def palette_tickets(self):
        return self.tickets

    def goto_ticket(self, ticket_id: int) -> None:
        self.done.append(f"goto {ticket_id}")


class PaletteApp(App):
    def __init__(self, tickets: list[tuple[int, str]]) -> None:
        super().__init__()
        self.palette_screen = PaletteScreen(tickets)

    def get_default_screen(self) -> Screen:
        return self.palette_screen

    @property
    def done(self) -> list[str]:
        return self.palette_screen.done


TICKETS = [(1042, "Printer [URGENT] jams [/b] again"), (1043, "VPN drops every hour")]


async def hits(app: App, query: str) -> list:
    provider = DashboardCommands(app.screen)
    await provider.startup()
    search = provider.search(query) if query else provider.discover()
    return [hit async for hit in search]


async def test_discovery_lists_the_actions_not_every_ticket():
    app = PaletteApp(TICKETS)
    async with app.run_test():
        found = await hits(app, "")
        assert [hit.text for hit in found] == ["Acknowledge", "Privacy mode"]
        assert found[1].help.plain == "Mask requester names [on/off]"


async def test_search_finds_actions_and_tickets_with_literal_subjects():
    app = PaletteApp(TICKETS)
    async with app.run_test():
        [ticket] = await hits(app, "urgent")
        assert ticket.prompt.plain == "Go to ticket #1042 Printer [URGENT] jams [/b] again"
        ticket.command()
        [action] = await hits(app, "ackn")
        action.command()
        assert app.done == ["goto 1042", "ack"]


async def test_an_exact_ticket_number_comes_first_even_in_a_big_store():
    app = PaletteApp([(n, f"Printer {n}") for n in range(1, 50_001)])
    async with app.run_test():
        for query in ("1234", "#49999"):
            found = await hits(app, query)
            assert found[0].text == f"Go to ticket #{query.lstrip('#')} Printer {query.lstrip('#')}"
            assert len(found) == TICKET_HITS
        assert len(await hits(app, "printer")) == TICKET_HITS


async def test_palette_goes_to_the_chosen_ticket():
    app = PaletteApp(TICKETS)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"vpn drops")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.done == ["goto 1043"]

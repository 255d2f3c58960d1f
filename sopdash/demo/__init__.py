"""The demo store: realistic tickets made by running the SOP actions at past instants (`generator`), from the
scenarios in `scenarios`."""

from sopdash.demo.generator import demo_tickets, write_demo_store
from sopdash.demo.scenarios import DEFAULT_MIX, DEMO_ROSTER

__all__ = ["DEFAULT_MIX", "DEMO_ROSTER", "demo_tickets", "write_demo_store"]

"""Fitting the header's items into the terminal's width, measured in cells: items never run together, and the
least important ones are shortened, then left out, one step at a time, in an order the header gives.

An item is a ladder of forms, longest first (`▲ 2 at risk`, `▲ 2 risk`, `▲2`); a last form of "" lets it go
entirely. Adding an item to the header is one more `HeaderItem` and its place in the shedding order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

LEFT_GAP = "  "
RIGHT_GAP = " · "
MIDDLE_GAP = 2  # cells at least between the left items and the right ones


@dataclass(frozen=True, slots=True)
class HeaderItem:
    """One thing the header says, in forms from longest to shortest, with the component class that styles it."""

    name: str
    forms: tuple[str, ...]
    style: str = ""
    right: bool = False


@dataclass(frozen=True, slots=True)
class Fitted:
    """The items to show on each side, each in the form that fits."""

    left: tuple[tuple[HeaderItem, str], ...]
    right: tuple[tuple[HeaderItem, str], ...]

    @property
    def cells(self) -> int:
        left = _joined_cells([text for _, text in self.left], LEFT_GAP)
        right = _joined_cells([text for _, text in self.right], RIGHT_GAP)
        return left + right + (MIDDLE_GAP if left and right else 0)


def fit_header(items: Sequence[HeaderItem], shedding: Sequence[str | tuple[str, ...]], width: int) -> Fitted:
    """The items in the longest forms that fit `width` cells: each entry of `shedding` in turn (a name, or names
    that give way together) steps its items to their next shorter form, until the header fits or nothing is left
    to shed."""
    step = {item.name: 0 for item in items}
    fitted = _fitted(items, step)
    by_name = {item.name: item for item in items}
    for names in shedding:
        if fitted.cells <= width:
            break
        for name in (names,) if isinstance(names, str) else names:
            item = by_name.get(name)
            if item is not None and step[name] < len(item.forms) - 1:
                step[name] += 1
        fitted = _fitted(items, step)
    return fitted


def _fitted(items: Sequence[HeaderItem], step: dict[str, int]) -> Fitted:
    shown = [(item, item.forms[step[item.name]]) for item in items if item.forms[step[item.name]]]
    return Fitted(
        tuple((item, text) for item, text in shown if not item.right),
        tuple((item, text) for item, text in shown if item.right),
    )


def _joined_cells(texts: list[str], gap: str) -> int:
    return sum(cell_len(text) for text in texts) + cell_len(gap) * max(len(texts) - 1, 0)

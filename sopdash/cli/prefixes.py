"""Choices typed by an unambiguous prefix on the command line (`urg` is urgent), as in the dashboard's filter and forms."""

from __future__ import annotations

from collections.abc import Callable

from sopdash.core.errors import InputError
from sopdash.core.model import chosen


def by_prefix(choices: tuple[str, ...]) -> Callable[[str], str]:
    """An argparse `type`: the choice a value names in full or by an unambiguous prefix; anything else is left as
    typed, for argparse's `choices` to refuse with the choices listed."""

    def full(value: str) -> str:
        try:
            return chosen(value, choices, "")
        except InputError:
            return value

    return full

"""Long texts given as `-` on the command line are read from standard input, so a note need not show in `ps`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

STDIN = "-"
MAX_BYTES_PER_CHARACTER = 4  # UTF-8


class StandardInput:
    """Standard input as the text of the one option a command line gives as `-` (a second one is refused)."""

    def __init__(self) -> None:
        self.read = False

    def text_up_to(self, limit: int) -> Callable[[str], str]:
        """An argparse type: the text as given, or all of standard input for `-`, if it has at most `limit`
        characters (README: "Limits")."""

        def text(value: str) -> str:
            if value == STDIN:
                value = self._text(limit)
            if len(value) > limit:
                raise argparse.ArgumentTypeError(f"{len(value):,} characters is longer than the {limit:,} allowed")
            return value

        return text

    def _text(self, limit: int) -> str:
        """What standard input holds, without its final line breaks; refused if not UTF-8 or if it holds a NUL."""
        if self.read:
            raise argparse.ArgumentTypeError("standard input is already the text of another option; give this one here")
        self.read = True
        if sys.stdin is None:
            raise argparse.ArgumentTypeError("there is no standard input to read the text from")
        binary = getattr(sys.stdin, "buffer", None)
        if binary is None:  # a text stream in its place (tests)
            text = sys.stdin.read(limit + 1)
        else:
            data = binary.read(limit * MAX_BYTES_PER_CHARACTER + 1)
            if len(data) > limit * MAX_BYTES_PER_CHARACTER:
                raise argparse.ArgumentTypeError(f"standard input is longer than the {limit:,} characters allowed")
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                problem = "standard input is not valid UTF-8; fix the text or its encoding"
                raise argparse.ArgumentTypeError(problem) from None
        if "\0" in text:
            raise argparse.ArgumentTypeError("standard input holds a NUL character")
        return text.rstrip("\n")

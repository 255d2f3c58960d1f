"""A Maildir's new messages, oldest first, each moved to cur/ once handled (marked seen)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sopdash.core.errors import InputError


class Maildir:
    """The `new/` and `cur/` folders of one Maildir."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        if not (self.root / "new").is_dir() or not (self.root / "cur").is_dir():
            raise InputError(f"{self.root} is not a Maildir (it needs new/ and cur/ folders)")

    def new_messages(self) -> Iterator[tuple[str, bytes]]:
        """(name, bytes) of each message in new/, in delivery order (Maildir names start with the time)."""
        for path in sorted(p for p in (self.root / "new").iterdir() if p.is_file() and not p.name.startswith(".")):
            try:
                yield path.name, path.read_bytes()
            except FileNotFoundError:  # another fetch took it meanwhile
                continue
            except OSError as error:
                raise InputError(f"cannot read {path}: {error.strerror}") from None

    def mark_seen(self, name: str) -> None:
        """Move a handled message from new/ to cur/, flagged seen (`:2,S`)."""
        try:
            os.replace(self.root / "new" / name, self.root / "cur" / f"{name.split(':2,')[0]}:2,S")
        except FileNotFoundError:
            pass
        except OSError as error:
            raise InputError(f"cannot move {name} to {self.root / 'cur'}: {error.strerror}") from None

"""A Maildir's new messages, oldest first, each moved to cur/ once handled (marked seen)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sopdash.core.errors import InputError


class Maildir:
    """The `new/` and `cur/` folders of one Maildir."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        if not (self.root / "new").is_dir() or not (self.root / "cur").is_dir():
            raise InputError(f"{self.root} is not a Maildir (it needs new/ and cur/ folders)")

    def new_names(self) -> list[str]:
        """The names in new/ but folders and hidden names, in delivery order (Maildir names start with the time)."""
        return sorted(p.name for p in (self.root / "new").iterdir() if not p.name.startswith(".") and not _folder(p))

    def read(self, name: str) -> bytes | None:
        """A message in new/; None if another fetch took it meanwhile, an InputError if it cannot be read or is not
        a plain file (a link or a FIFO planted there is never followed or waited on)."""
        path = self.root / "new" / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise InputError(f"cannot read {path}: {error.strerror}") from None
        with os.fdopen(fd, "rb") as message:
            if not stat.S_ISREG(os.fstat(message.fileno()).st_mode):
                raise InputError(f"cannot read {path}: not a plain file")
            try:
                return message.read()
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


def _folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except FileNotFoundError:
        return True  # gone meanwhile: nothing to read

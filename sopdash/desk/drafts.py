"""A technician's drafts: what a dialog held when the dashboard stopped on an internal error, kept for them alone
and handed back the next time that dialog opens for the same ticket (see `sopdash.store.drafts`)."""

from __future__ import annotations

import re

from sopdash.desk.actions import Desk
from sopdash.store.drafts import DraftFolder
from sopdash.store.ticket_store import TicketStore

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class Drafts:
    """One technician's drafts, each named by its place: the dialog and its ticket, e.g. `reply-1042`."""

    def __init__(self, folder: DraftFolder, login: str) -> None:
        self.folder = folder
        self.login = _UNSAFE.sub("_", login)

    def keep(self, place: str, text: str) -> None:
        """Keep `text`, the draft typed at `place`."""
        self.folder.keep(self._prefix(place), text)

    def take(self, place: str) -> str | None:
        """The draft kept for `place` (it is no longer kept), or None; a folder that cannot be read has none."""
        try:
            return self.folder.take(self._prefix(place))
        except OSError:
            return None

    def _prefix(self, place: str) -> str:
        return f"{self.login}.{_UNSAFE.sub('_', place)}"


def drafts_of(desk: Desk) -> Drafts:
    """The desk's technician's drafts: beside a store file, else in their own state folder."""
    store = desk.store
    folder = DraftFolder.beside(store.path) if isinstance(store, TicketStore) else DraftFolder.of_this_user()
    return Drafts(folder, desk.actor)

"""The desk: the one seam between the faces (CLI, dashboard) and the store, the mail and presence."""

from sopdash.desk.actions import Desk

__all__ = ["Desk"]

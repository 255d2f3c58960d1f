"""The dashboard's dialogs: each submits its result (see `base.Dialog`), or dismisses None (False for a question) on esc."""

from sopdash.tui.dialogs.assign_dialog import AssignDialog
from sopdash.tui.dialogs.confirm_dialog import ConfirmDialog
from sopdash.tui.dialogs.escalate_dialog import EscalateDialog, EscalationRequest
from sopdash.tui.dialogs.goto_dialog import GotoDialog
from sopdash.tui.dialogs.priority_dialog import PriorityDialog
from sopdash.tui.dialogs.resolve_dialog import Resolution, ResolveDialog
from sopdash.tui.dialogs.text_dialog import TextDialog, TextKind, reply_template

__all__ = [
    "AssignDialog",
    "ConfirmDialog",
    "EscalateDialog",
    "EscalationRequest",
    "GotoDialog",
    "PriorityDialog",
    "Resolution",
    "ResolveDialog",
    "TextDialog",
    "TextKind",
    "reply_template",
]

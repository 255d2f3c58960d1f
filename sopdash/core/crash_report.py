"""What the dashboard prints if it ever stops on an error: where, never what.

Textual's own report shows every frame's local variables, and an exception's text can quote a ticket: either
puts client data (SOP 5A) on the terminal and into whatever log keeps it. This report names the exception's
type and the frames only.
"""

from __future__ import annotations

import traceback
from pathlib import Path

SHOWN_FRAMES = 8


def crash_report(error: BaseException | None) -> str:
    """The lines to print when the dashboard stops on `error`: its type and the innermost frames, no values."""
    name = type(error).__name__ if error is not None else "an unknown error"
    frames = traceback.extract_tb(error.__traceback__)[-SHOWN_FRAMES:] if error is not None else []
    return "\n".join(
        [
            f"sopdash: the dashboard stopped on an internal error ({name}). Please report these lines; "
            "they hold no client data:",
            *(f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}" for frame in frames),
        ]
    )

"""Whether the desk may answer a message automatically (RFC 3834 §2): never a robot, a list, a bounce or an
automatic message, nor an address that takes no replies. `robots.robot_reason` has kept those from opening a ticket
at all; what is left here is mail a person sent that still must not get an automatic answer."""

from __future__ import annotations

import re

from sopdash.mail.parse import IncomingMail
from sopdash.mail.robots import from_mail_system, robot_reason

LIST_HEADERS = ("List-Id", "List-Post", "List-Unsubscribe", "List-Help")
BULK_PRECEDENCE = ("list", "bulk", "junk", "auto_reply")
_NO_REPLY = re.compile(r"^(no-?reply|do-?not-?reply|bounces?|mailer-daemon|postmaster|notifications?)([+._-]|$)",
                       re.IGNORECASE)


def why_no_answer(mail: IncomingMail, to: str, ours: tuple[str, ...]) -> str:
    """Why an automatic answer to this message, going to `to`, must not be sent; "" when it may."""
    robot = robot_reason(mail, ours[0] if ours else "")
    if robot:
        return robot
    if mail.sender in ours or to in ours:
        return "it came from the desk's own address (a loop)"
    for name in LIST_HEADERS:
        if mail.message.get(name) is not None:
            return f"it came through a mailing list ({name})"
    precedence = mail.header("Precedence").lower()
    if precedence in BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    if "autoreply" in mail.header("X-Auto-Response-Suppress").lower().replace(" ", "") or (
        mail.header("X-Auto-Response-Suppress").strip().lower() == "all"
    ):
        return f"the sender asks for none (X-Auto-Response-Suppress: {mail.header('X-Auto-Response-Suppress')})"
    if from_mail_system(mail) or _NO_REPLY.match(to.partition("@")[0]):
        return f"{to} takes no replies"
    return ""

"""The message `sopdash report --mail-to` sends: the report's text in the body, each CSV table attached."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.policy import SMTP

from sopdash.mail.compose import mailbox
from sopdash.mail.settings import MailSettings


def report_message(
    settings: MailSettings, to: Sequence[str], subject: str, text: str, tables: Mapping[str, str], message_id: str
) -> EmailMessage:
    """One message from the desk to every address in `to`; `tables` are CSV files' texts by file name."""
    message = EmailMessage(policy=SMTP)
    message["From"] = mailbox(settings.name, settings.address)
    message["To"] = ", ".join(str(mailbox("", address)) for address in to)
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(text)
    for name, table in tables.items():
        message.add_attachment(table, subtype="csv", filename=name)
    return message

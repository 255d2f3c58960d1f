"""Sending a report by the desk's mail (`sopdash report --mail-to`): straight through the transport, like `mail test`,
so a weekly timer's report goes out at once or says why not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sopdash.core.errors import InputError
from sopdash.desk.delivery import AFTER_ACTION_TIMEOUT_S, MAIL_OFF_FIX
from sopdash.mail.settings import MailSettings


def send_report(
    mail: MailSettings | None, to: Sequence[str], subject: str, text: str, tables: Mapping[str, str]
) -> tuple[bool, str]:
    """The report to every address in `to`, one message each: (all sent, what happened). A bad address is an
    InputError before anything is sent."""
    from sopdash.mail.compose import BadAddress, mailbox, new_message_id
    from sopdash.mail.report_message import report_message
    from sopdash.mail.transport import DeliveryError, open_transport

    if mail is None:
        raise InputError(MAIL_OFF_FIX)
    for address in to:
        try:
            mailbox("", address)
        except BadAddress as error:
            raise InputError(f"--mail-to: {error}") from None
    sent: list[str] = []
    try:
        with open_transport(mail, AFTER_ACTION_TIMEOUT_S) as transport:
            for address in to:
                message_id = new_message_id(0, mail.domain)
                transport.send(report_message(mail, [address], subject, text, tables, message_id), address)
                sent.append(address)
    except DeliveryError as error:
        later = "a temporary refusal: try again later" if error.temporary else "refused for good"
        done = f" (sent to {', '.join(sent)})" if sent else ""
        return False, f"report not sent via {mail.where()}: {error.reason} ({later}){done}"
    return True, f"sent the report to {', '.join(sent)} via {mail.where()}"

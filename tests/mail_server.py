"""A real SMTP server for the mail tests (aiosmtpd on 127.0.0.1), and a config that sends mail to it."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

NOW = "2026-11-25T09:00:00+00:00"  # a Wednesday, inside business hours
DESK = "help@desk.example.org"


@dataclass
class Mailbox:
    """What the test server received, and how it answers the next messages: accept, 4xx, 5xx or disconnect."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    mode: str = "accept"
    keep: bool = True  # the speed bench only counts
    delay: float = 0.0  # seconds before each answer, so a test can act while a run is under way

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.mode == "4xx":
            return "451 4.3.0 mailbox busy, try again later"
        if self.mode == "5xx":
            return "550 5.1.1 no such user here"
        if self.mode == "disconnect":
            server.transport.close()
            return "421 4.4.2 going away"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.keep:
            self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 2.0.0 OK"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_config(port: int) -> str:
    """A config with [mail] pointing at the test server on port."""
    return (
        '[calendar]\ntimezone = "UTC"\n\n'
        f'[mail]\naddress = "{DESK}"\nname = "Example IT Help Desk"\n'
        f'smtp_url = "smtp://127.0.0.1:{port}"\nstarttls = false\n'
    )

"""Canned replies: placeholders filled from the ticket, and a config that names a bad one refused."""

from datetime import datetime, timezone

import pytest

from sopdash.core import rules
from sopdash.core.canned import CannedReply, canned_replies_from_config
from sopdash.core.errors import ConfigError
from sopdash.core.model import Requester

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)


def test_placeholders_are_filled_from_the_ticket_and_technician():
    ticket = rules.create(12, "VPN {drops}", Requester("Ada", "ada@example.com"), T0, "amara")
    reply = CannedReply("vpn", "Hello {name}, about #{id} ({subject}): {{reset}} it. — {technician}")
    assert reply.filled(ticket, "Amara Okafor") == "Hello Ada, about #12 (VPN {drops}): {reset} it. — Amara Okafor"


def test_a_requester_without_a_name_is_greeted_as_there():
    ticket = rules.create(3, "x", Requester(email="a@b.c"), T0, "amara")
    assert CannedReply("hi", "Hello {name}").filled(ticket, "amara") == "Hello there"


def test_config_tables_in_order():
    replies = canned_replies_from_config({"vpn": {"text": "Try {id}"}, "thanks": {"text": "Thanks"}})
    assert [r.name for r in replies] == ["vpn", "thanks"]


@pytest.mark.parametrize(
    ("table", "key", "reason"),
    [
        ({"vpn": "text"}, "replies.vpn", "must be a table"),
        ({"vpn": {"text": "hi", "body": "x"}}, "replies.vpn.body", "unknown key"),
        ({"vpn": {"text": " "}}, "replies.vpn.text", "must be the reply's text"),
        ({"vpn": {"text": "Hello {nmae}"}}, "replies.vpn.text", "{nmae} is not a placeholder"),
        ({"vpn": {"text": "Hello {name.__class__}"}}, "replies.vpn.text", "is not a placeholder"),
        ({"vpn": {"text": "Hello {name!r}"}}, "replies.vpn.text", "{name!r} is not a placeholder"),
        ({"vpn": {"text": "Hello {name"}}, "replies.vpn.text", "literal braces"),
    ],
)
def test_bad_reply_names_key_and_reason(table, key, reason):
    with pytest.raises(ConfigError) as error:
        canned_replies_from_config(table)
    assert error.value.key == key
    assert reason in error.value.reason

"""One bad outgoing message fails alone, with its reason, and every other one goes exactly once (issue 18);
`mail send` says what waits for a retry and `--now` tries it at once (issue 20). Real SMTP server, real store."""

from __future__ import annotations

import msgspec
import pytest

from sopdash.core import delivery as outbound
from sopdash.core.model import Requester, Ticket
from sopdash.store.opening import open_store

# passed the old check, then broke Python's headers; the last is valid, but not in ASCII before the @-sign
BAD_ADDRESSES = ["a@@b.example", "[@b.example", "a@b.example.", "josé@example.com"]


def new_ticket(sopdash, subject: str, email: str) -> int:
    result = sopdash("ticket", "new", "--subject", subject, "--requester", email, "--name", "Client")
    assert result.code == 0, result.err
    return int(result.out)


def plant_address(location: str, ticket_id: int, address: str) -> None:
    """Write a bad address into a stored ticket, requester and queued mail alike, as an old record or a hand edit."""

    def bad(ticket: Ticket) -> Ticket:
        ticket = ticket.evolve(requester=Requester("Client", address))
        for entry in ticket.timeline:
            if entry.delivery is not None and entry.delivery.state == "queued":
                ticket = outbound.with_delivery(
                    ticket, entry.delivery.message_id, lambda old: msgspec.structs.replace(old, to=address)
                )
        return ticket

    open_store(location).update(ticket_id, bad)


def public_deliveries(location: str, ticket_id: int):
    return [e.delivery for e in open_store(location).get(ticket_id).timeline if e.kind == "public"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_stored_address_fails_only_its_message(mail_store, smtp_server, sopdash, time_machine, address):
    mailbox, _ = smtp_server
    mailbox.mode = "4xx"  # every acknowledgement stays queued for `mail send`
    first = new_ticket(sopdash, "Printer jams", "ann@example.com")
    bad = new_ticket(sopdash, "VPN drops", "bob@example.com")
    last = new_ticket(sopdash, "Mouse broken", "cy@example.com")
    for ticket_id in (first, bad, last):
        assert sopdash("ticket", "ack", str(ticket_id)).code == 0
    plant_address(mail_store, bad, address)
    mailbox.mode = "accept"
    outputs = []
    for minute in (5, 30, 59):  # three runs, later each time: nothing due is left, nothing goes twice
        time_machine.move_to(f"2026-11-25T09:{minute:02d}:00+00:00", tick=False)
        result = sopdash("mail", "send")
        assert result.code == 0, result.err
        outputs.append(result.out)
    assert sorted(envelope[1][0] for envelope in mailbox.envelopes) == ["ann@example.com", "cy@example.com"]
    (failed,) = public_deliveries(mail_store, bad)
    assert failed.state == "failed" and failed.last_error.startswith(f"{address!r} is not an e-mail address (")
    assert f"#{bad} to {address}: failed ({address!r} is not an e-mail address (" in outputs[0]
    assert outputs[0].splitlines()[-1] == "2 sent, 1 failed, 0 waiting"
    assert outputs[1] == outputs[2] == "0 sent, 0 failed, 0 waiting\n"
    assert [d.state for t in (first, last) for d in public_deliveries(mail_store, t)] == ["sent", "sent"]


def test_ack_with_a_bad_stored_address_is_recorded_and_its_mail_failed_with_the_reason(mail_env, smtp_server, sopdash):
    ticket_id = new_ticket(sopdash, "Printer jams", "ann@example.com")
    plant_address(str(mail_env), ticket_id, "a@@b.example")
    result = sopdash("ticket", "ack", str(ticket_id))
    assert result.code == 0, result.err
    assert result.out == (
        f"#{ticket_id} acknowledged; recorded — mail not sent: 'a@@b.example' is not an e-mail address "
        "(the part after the @-sign contains invalid characters: '@')\n"
    )
    ticket = open_store(mail_env).get(ticket_id)
    assert ticket.acknowledged_at is not None
    (record,) = public_deliveries(str(mail_env), ticket_id)
    assert (record.state, record.attempts) == ("failed", 0) and "is not an e-mail address" in record.last_error
    assert smtp_server[0].messages == []


def test_a_domain_in_another_script_goes_in_its_ascii_form(mail_env, smtp_server, sopdash):
    mailbox, _ = smtp_server
    ticket_id = new_ticket(sopdash, "Printer jams", "ann@exämple.com")
    assert sopdash("ticket", "ack", str(ticket_id)).out.endswith("mail sent to ann@exämple.com\n")
    assert mailbox.envelopes[0][1] == ["ann@xn--exmple-cua.com"]
    assert mailbox.messages[0]["To"] == "Client <ann@xn--exmple-cua.com>"


def test_mail_send_says_what_waits_and_now_tries_it_at_once(mail_env, smtp_server, sopdash, time_machine):
    mailbox, _ = smtp_server
    mailbox.mode = "4xx"
    ticket_id = new_ticket(sopdash, "Printer jams", "ann@example.com")
    assert "queued, will retry (451" in sopdash("ticket", "ack", str(ticket_id)).out
    mailbox.mode = "accept"
    time_machine.move_to("2026-11-25T09:00:30+00:00", tick=False)
    assert sopdash("mail", "send").out == "0 sent, 0 failed, 1 waiting, next try 09:01\n"
    assert mailbox.messages == []
    result = sopdash("mail", "send", "--now")
    assert result.out == f"#{ticket_id} to ann@example.com: sent\n1 sent, 0 failed, 0 waiting\n"
    assert len(mailbox.messages) == 1


def test_next_try_is_said_in_the_team_zone(mail_env, smtp_server, sopdash, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(config.read_text().replace('timezone = "UTC"', 'timezone = "America/New_York"'))
    smtp_server[0].mode = "4xx"
    sopdash("ticket", "ack", str(new_ticket(sopdash, "Printer jams", "ann@example.com")))
    assert sopdash("mail", "send").out == "0 sent, 0 failed, 1 waiting, next try 04:01\n"  # 09:01 UTC

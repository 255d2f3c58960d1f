"""Outbound mail against a real SMTP server: queued in the same write as the reply, then sent, retried or failed."""

from __future__ import annotations

import json
from pathlib import Path

from mail_server import DESK, free_port, mail_config

from sopdash.core.model import Requester
from sopdash.store.ticket_store import TicketStore
from sopdash.core.documents import document


def new_ticket(sopdash, subject: str = "Printer jams", email: str = "ann@example.com") -> int:
    result = sopdash("ticket", "new", "--subject", subject, "--requester", email, "--name", "Ann Example")
    assert result.code == 0, result.err
    return int(result.out)


def deliveries(store: Path, ticket_id: int) -> list[dict]:
    ticket = TicketStore(store).get(ticket_id)
    return [document(e.delivery) for e in ticket.timeline if e.kind == "public"]


def test_acknowledgement_is_sent_from_the_desk_to_the_requester(mail_env, smtp_server, sopdash):
    mailbox, _ = smtp_server
    ticket_id = new_ticket(sopdash)
    result = sopdash("ticket", "ack", str(ticket_id))
    assert result.code == 0, result.err
    assert result.out.strip() == f"#{ticket_id} acknowledged; mail sent to ann@example.com"
    (message,) = mailbox.messages
    assert mailbox.envelopes == [(DESK, ["ann@example.com"])]
    assert message["From"] == f"Example IT Help Desk <{DESK}>"
    assert message["To"] == "Ann Example <ann@example.com>"
    assert message["Subject"] == f"Re: Printer jams [#{ticket_id}]"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert "thank you for contacting Example IT Help Desk" in message.get_content()
    (record,) = deliveries(mail_env, ticket_id)
    assert record["state"] == "sent" and record["message_id"] == message["Message-ID"]
    assert record["sent_at"] == "2026-11-25T09:00:00+00:00" and record["attempts"] == 1


def test_delivery_state_does_not_change_the_ticket_version(mail_env, smtp_server, sopdash, monkeypatch, time_machine):
    mailbox, _ = smtp_server
    mailbox.mode = "4xx"
    ticket_id = new_ticket(sopdash)
    sopdash("ticket", "ack", str(ticket_id))
    version = TicketStore(mail_env).get(ticket_id).version
    mailbox.mode = "accept"
    time_machine.move_to("2026-11-25T10:00:00+00:00", tick=False)
    assert sopdash("mail", "send").code == 0
    ticket = TicketStore(mail_env).get(ticket_id)
    assert ticket.version == version  # an open dialog on this version still acts without a conflict
    assert [e.delivery.state for e in ticket.timeline if e.kind == "public"] == ["sent"]


def test_a_4xx_stays_queued_and_is_retried_with_back_off(mail_env, smtp_server, sopdash, monkeypatch, time_machine):
    mailbox, _ = smtp_server
    mailbox.mode = "4xx"
    ticket_id = new_ticket(sopdash)
    result = sopdash("ticket", "ack", str(ticket_id))
    assert result.code == 0  # the acknowledgement itself is committed
    assert "queued, will retry (451 4.3.0 mailbox busy" in result.out
    (record,) = deliveries(mail_env, ticket_id)
    assert (record["state"], record["attempts"], record["next_try"]) == ("queued", 1, "2026-11-25T09:01:00+00:00")
    # not due yet: nothing is tried
    assert sopdash("mail", "send").out.strip() == "0 sent, 0 failed, 1 waiting, next try 09:01"
    time_machine.move_to("2026-11-25T09:01:00+00:00", tick=False)
    assert sopdash("mail", "send").out.splitlines()[-1] == "0 sent, 0 failed, 1 waiting, next try 09:03"
    assert deliveries(mail_env, ticket_id)[0]["next_try"] == "2026-11-25T09:03:00+00:00"  # waits double
    mailbox.mode = "accept"
    time_machine.move_to("2026-11-25T09:05:00+00:00", tick=False)
    assert sopdash("mail", "send").out.splitlines()[-1] == "1 sent, 0 failed, 0 waiting"
    (record,) = deliveries(mail_env, ticket_id)
    assert (record["state"], record["attempts"], record["last_error"]) == ("sent", 3, "")
    assert len(mailbox.messages) == 1


def test_a_5xx_fails_with_the_reason(mail_env, smtp_server, sopdash):
    mailbox, _ = smtp_server
    mailbox.mode = "5xx"
    ticket_id = new_ticket(sopdash)
    result = sopdash("ticket", "note", str(ticket_id), "Hello Ann, we are on it. Thanks!", "--public")
    assert result.code == 0
    assert "mail to ann@example.com failed (550 5.1.1 no such user here)" in result.out
    (record,) = deliveries(mail_env, ticket_id)
    assert (record["state"], record["last_error"]) == ("failed", "550 5.1.1 no such user here")
    shown = json.loads(sopdash("ticket", "show", str(ticket_id), "--json").out)
    assert [e["delivery"]["state"] for e in shown["timeline"] if e["kind"] == "public"] == ["failed"]


def test_a_dropped_connection_loses_nothing(mail_env, smtp_server, sopdash, monkeypatch, time_machine):
    mailbox, _ = smtp_server
    mailbox.mode = "disconnect"
    ticket_id = new_ticket(sopdash)
    assert "will retry (connection to smtp://127.0.0.1" in sopdash("ticket", "ack", str(ticket_id)).out
    mailbox.mode = "accept"
    time_machine.move_to("2026-11-25T10:00:00+00:00", tick=False)
    assert "1 sent" in sopdash("mail", "send").out
    assert [m["Subject"] for m in mailbox.messages] == [f"Re: Printer jams [#{ticket_id}]"]


def test_smtp_down_keeps_everything_queued(mail_env, sopdash, tmp_path, monkeypatch, time_machine):
    dead = free_port()  # nothing listens there: connection refused
    (tmp_path / "config.toml").write_text(mail_config(dead), encoding="utf-8")
    first, second = new_ticket(sopdash), new_ticket(sopdash, "VPN drops")
    sopdash("ticket", "ack", str(first))
    sopdash("ticket", "resolve", str(second), "--summary", "Replaced the cable.")
    time_machine.move_to("2026-11-25T12:00:00+00:00", tick=False)
    result = sopdash("mail", "send")
    assert result.out.splitlines()[-1] == "0 sent, 0 failed, 2 waiting, next try 12:02"  # each tried twice now
    assert "cannot reach smtp://127.0.0.1" in result.out
    assert {d["state"] for t in (first, second) for d in deliveries(mail_env, t)} == {"queued"}


def test_queued_messages_of_several_tickets_go_in_one_run(mail_env, smtp_server, sopdash, monkeypatch, time_machine):
    mailbox, _ = smtp_server
    mailbox.mode = "4xx"
    ids = [new_ticket(sopdash, f"Request {n}") for n in range(3)]
    for ticket_id in ids:
        sopdash("ticket", "ack", str(ticket_id))
    mailbox.mode = "accept"
    time_machine.move_to("2026-11-25T12:00:00+00:00", tick=False)
    assert sopdash("mail", "send").out.splitlines()[-1] == "3 sent, 0 failed, 0 waiting"
    assert sorted(m["Subject"] for m in mailbox.messages) == [f"Re: Request {n} [#{i}]" for n, i in enumerate(ids)]


def test_no_mail_without_a_mail_table(tmp_path, monkeypatch, sopdash):
    (tmp_path / "config.toml").write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_DB", str(tmp_path / "t.json"))
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    assert sopdash("init").code == 0
    ticket_id = new_ticket(sopdash)
    assert sopdash("ticket", "ack", str(ticket_id)).out.strip() == (
        f"#{ticket_id} acknowledged; recorded — mail is off: the client was not told"
    )
    assert TicketStore(tmp_path / "t.json").get(ticket_id).timeline[-2].delivery is None
    result = sopdash("mail", "send")
    assert result.code == 2 and "mail is off: add a [mail] table" in result.err


def test_requester_without_an_address_is_failed_at_once(mail_env, smtp_server, sopdash):
    ticket_id = new_ticket(sopdash, email="ann@example.com")
    TicketStore(mail_env).update(ticket_id, lambda t: t.evolve(requester=Requester(name="Ann", email="")))
    result = sopdash("ticket", "ack", str(ticket_id))
    assert "mail not sent: the requester has no e-mail address" in result.out
    assert smtp_server[0].messages == []


def test_mail_test_reports_what_happened(mail_env, smtp_server, sopdash):
    mailbox, _ = smtp_server
    result = sopdash("mail", "test", "probe@example.com")
    assert result.code == 0 and result.out.startswith("sent a test message to probe@example.com via smtp://127.0.0.1:")
    assert mailbox.messages[0]["Auto-Submitted"] == "auto-generated"
    mailbox.mode = "5xx"
    refused = sopdash("mail", "test", "probe@example.com")
    assert refused.code == 1 and "550 5.1.1 no such user here (refused for good)" in refused.err


def test_mail_send_watch_runs_bounded_rounds(mail_env, smtp_server, sopdash, monkeypatch, time_machine):
    ticket_id = new_ticket(sopdash)
    smtp_server[0].mode = "4xx"
    sopdash("ticket", "ack", str(ticket_id))
    smtp_server[0].mode = "accept"
    time_machine.move_to("2026-11-25T09:30:00+00:00", tick=False)
    result = sopdash("mail", "send", "--watch", "--interval", "0", "--rounds", "2")
    assert result.code == 0
    assert result.out.splitlines() == [f"#{ticket_id} to ann@example.com: sent"]
    assert len(smtp_server[0].messages) == 1


def test_mail_send_watch_outlives_an_unreadable_store(mail_env, smtp_server, sopdash):
    new_ticket(sopdash)
    good = mail_env.read_bytes()
    mail_env.write_text("{not json")
    result = sopdash("mail", "send", "--watch", "--interval", "0", "--rounds", "2")
    mail_env.write_bytes(good)
    assert result.code == 0
    assert result.out.count("is not a sopdash store") == 2 and "trying again in 0 s" in result.out


def test_sensitive_text_is_refused_before_anything_is_queued(mail_env, smtp_server, sopdash):
    ticket_id = new_ticket(sopdash)
    refused = sopdash("ticket", "note", str(ticket_id), "Hi Ann, your password is Hunter2! Regards", "--public")
    assert refused.code == 1
    assert deliveries(mail_env, ticket_id) == [] and smtp_server[0].messages == []
    sent = sopdash("ticket", "note", str(ticket_id), "Hi Ann, your password is Hunter2! Regards", "--public", "--allow-sensitive")
    assert sent.code == 0 and "mail sent" in sent.out


def test_internal_notes_never_leave(mail_env, smtp_server, sopdash):
    ticket_id = new_ticket(sopdash)
    sopdash("ticket", "note", str(ticket_id), "Client seems annoyed; check the toner contract.")
    sopdash("mail", "send")
    assert smtp_server[0].messages == []
    assert all(e.delivery is None for e in TicketStore(mail_env).get(ticket_id).timeline)


def test_config_says_how_mail_goes(mail_env, sopdash):
    lines = [line.strip() for line in sopdash("config").out.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("mail "))
    assert lines[start] == "mail      from Example IT Help Desk <help@desk.example.org>, subject tag [#{id}]"
    assert lines[start + 1].startswith("sent via smtp://127.0.0.1:")
    assert lines[start + 2] == "inbound: 10 MB a message, 20 new tickets a sender an hour"

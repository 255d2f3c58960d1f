"""`mail log` shows both directions with where each mail stands, `mail send` what waits and when it goes next, and
`--limit` and the subjects are what a person expects (issue 22; issue 24 item 15)."""

from __future__ import annotations

import pytest
from test_inbound_corpus import corpus, desk_with_ticket, pipe  # noqa: F401  (desk_with_ticket is a fixture)
from test_outbound import new_ticket


def log_lines(sopdash, *args: str) -> list[list[str]]:
    """Each line of `mail log` as (date, time, direction, state…) words."""
    result = sopdash("mail", "log", *args)
    assert result.code == 0, result.err
    return [line.split() for line in result.out.splitlines()]


def test_the_log_shows_mail_in_and_out_with_its_state(desk_with_ticket, smtp_server, sopdash, monkeypatch):
    _, our_id = desk_with_ticket  # #1, its acknowledgement sent
    mailbox, _ = smtp_server
    mailbox.mode = "4xx"
    sopdash("ticket", "ack", str(new_ticket(sopdash, "VPN drops")))  # #2: waits for its retry
    mailbox.mode = "5xx"
    sopdash("ticket", "ack", str(new_ticket(sopdash, "Scanner offline")))  # #3: refused for good
    mailbox.mode = "accept"
    pipe(sopdash, monkeypatch, corpus("bounce_dsn.eml", our_id))  # #1's acknowledgement comes back
    pipe(sopdash, monkeypatch, corpus("outlook_html_only.eml"))  # a new ticket, #4

    words = log_lines(sopdash)

    outbound = {ticket_of(w): " ".join(w[3:w.index(ticket_of(w))]) for w in words if w[2] == "out"}
    assert outbound == {"#1": "bounced", "#2": "retrying at 09:01", "#3": "failed"}
    assert "451" in next(w for w in words if ticket_of(w) == "#2")
    assert [(w[2], w[3]) for w in words if w[2] == "in"] == [("in", "bounce"), ("in", "ticket")]


def ticket_of(words: list[str]) -> str:
    return next(word for word in words if word.startswith("#"))


def test_mail_send_says_what_waits_and_when_it_is_tried_next(mail_env, smtp_server, sopdash, time_machine):
    smtp_server[0].mode = "4xx"
    ticket_id = new_ticket(sopdash)
    sopdash("ticket", "ack", str(ticket_id))  # tried at once: next try at 09:01
    assert sopdash("mail", "send").out.splitlines() == ["0 sent, 0 failed, 1 waiting, next try 09:01"]
    time_machine.move_to("2026-11-25T09:01:00+00:00", tick=False)
    said = sopdash("mail", "send").out.splitlines()
    assert said[0].startswith(f"#{ticket_id} to ann@example.com: retrying at 09:03 (451 4.3.0")
    assert said[1] == "0 sent, 0 failed, 1 waiting, next try 09:03"


def test_mail_send_watch_says_what_waits_when_it_changes(mail_env, smtp_server, sopdash, time_machine):
    smtp_server[0].mode = "4xx"
    sopdash("ticket", "ack", str(new_ticket(sopdash)))
    result = sopdash("mail", "send", "--watch", "--interval", "0", "--rounds", "2")
    assert result.out.splitlines() == ["0 sent, 0 failed, 1 waiting, next try 09:01"]


def test_a_limit_of_0_shows_nothing_and_a_negative_one_is_refused(desk_with_ticket, sopdash):
    assert sopdash("mail", "log", "--limit", "0").out == ""
    assert len(log_lines(sopdash, "--limit", "1")) == 1
    for bad, why in (("-3", "-3 is below 0"), ("many", "'many' is not a whole number")):
        refused = sopdash("mail", "log", "--limit", bad)
        assert refused.code == 2 and f"argument --limit: {why}" in refused.err


@pytest.mark.parametrize(("subject", "shown"), [
    ("Re: Outlook won't start – profile cannot be loaded after the update last night", "Re: Outlook won't start – profile canno…"),
    ("\x1b[31mRED\x1b[0m alert", "RED alert"),
    ("打印机卡纸了，请尽快来看看三楼的打印机，谢谢大家", "打印机卡纸了，请尽快来看看三楼的打印机 …"),
])
def test_subjects_are_text_cut_at_a_cell_width(mail_env, sopdash, monkeypatch, subject, shown):
    raw = (f"From: Ann <ann@example.com>\nTo: help@desk.example.org\nSubject: {subject}\nMessage-ID: <s1@example.com>\n"
           "Content-Type: text/plain; charset=utf-8\n\nHello.\n").encode()
    pipe(sopdash, monkeypatch, raw)
    (line,) = sopdash("mail", "log").out.splitlines()
    assert f"  {shown}  " in line and "'" + shown not in line and "\x1b" not in line

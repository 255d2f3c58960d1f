"""`sopdash report --mail-to`: the report through the desk's mail to a real SMTP server, the tables as text in the
body and a CSV attachment each."""

from __future__ import annotations

import csv
import io

from mail_server import DESK


def logged_week(sopdash) -> int:
    ticket_id = int(sopdash("ticket", "new", "--subject", "Printer", "--requester", "ann@example.com").out)
    assert sopdash("ticket", "time", str(ticket_id), "1h30m", "driver", "--billable").code == 0
    assert sopdash("ticket", "time", str(ticket_id), "25m").code == 0
    return ticket_id


def test_last_weeks_report_is_delivered_with_text_and_csv_attachments(mail_env, smtp_server, sopdash, time_machine):
    mailbox, _ = smtp_server
    logged_week(sopdash)
    time_machine.move_to("2026-12-01T06:00:00+00:00", tick=False)  # the Tuesday after: the weekly timer runs
    result = sopdash("report", "--period", "last-week", "--mail-to", "lead@example.com")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("sent the report to lead@example.com via smtp://127.0.0.1:")
    (message,) = mailbox.messages
    assert mailbox.envelopes == [(DESK, ["lead@example.com"])]
    assert message["Subject"] == "SLA report: week of 2026-11-23"
    assert message["To"] == "lead@example.com" and message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("SLA report 2026-11-23 00:00 – 2026-11-30 00:00")
    overall = next(line for line in body.splitlines() if line.startswith("overall"))
    assert overall.split()[-2:] == ["1h55m", "1h30m"]
    attached = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert list(attached) == ["overall.csv", "priority.csv", "technician.csv", "category.csv", "escalations.csv",
                              "breaches.csv"]
    assert all(part.get_content_type() == "text/csv" for part in message.iter_attachments())
    (row,) = csv.DictReader(io.StringIO(attached["overall.csv"]))
    assert (row["created"], row["time_s"], row["billable_s"]) == ("1", str(115 * 60), str(90 * 60))


def test_a_refused_report_says_why_and_exits_1(mail_env, smtp_server, sopdash):
    smtp_server[0].mode = "5xx"
    result = sopdash("report", "--mail-to", "lead@example.com")
    assert result.code == 1 and "report not sent" in result.out and "550 5.1.1 no such user here" in result.out


def test_a_bad_address_or_mail_off_is_refused_before_anything_is_sent(mail_env, smtp_server, sopdash, monkeypatch,
                                                                     tmp_path):
    result = sopdash("report", "--mail-to", "lead")
    assert result.code == 2 and "--mail-to" in result.err and smtp_server[0].messages == []
    (tmp_path / "plain.toml").write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "plain.toml"))
    result = sopdash("report", "--mail-to", "lead@example.com")
    assert result.code == 2 and "mail is off: add a [mail] table" in result.err

"""The transports against real programs and servers: STARTTLS with a login, and the local sendmail program."""

from __future__ import annotations

import ssl
import subprocess
import textwrap
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from mail_server import DESK, Mailbox, free_port

from sopdash.mail.settings import MailSettings
from sopdash.mail.transport import DeliveryError, open_transport


def message(to: str = "ann@example.com") -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = DESK, to, "Re: Printer jams [#1]"
    mail.set_content("We are on it.")
    return mail


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An SMTP server that offers STARTTLS with a certificate for 127.0.0.1 and wants a login; the client trusts it."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # ssl.create_default_context() trusts it
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[str, str]] = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret-from-file", handled=False)  # a refusal answers 535

    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_required=True)
    controller.start()
    try:
        yield mailbox, port, logins
    finally:
        controller.stop()


def test_starttls_and_login_with_the_password_from_its_file(tls_server, tmp_path):
    mailbox, port, logins = tls_server
    password = tmp_path / "smtp-password"
    password.write_text("s3cret-from-file\n")
    settings = MailSettings(address=DESK, smtp_url=f"smtp://127.0.0.1:{port}", username="helpdesk",
                            password_file=str(password))
    with open_transport(settings) as transport:
        transport.send(message(), "ann@example.com")
    assert logins == [("helpdesk", "s3cret-from-file")]
    assert [m["Subject"] for m in mailbox.messages] == ["Re: Printer jams [#1]"]


def test_without_starttls_on_offer_nothing_is_sent_in_the_clear(smtp_server):
    _, port = smtp_server
    settings = MailSettings(address=DESK, smtp_url=f"smtp://127.0.0.1:{port}", starttls=True)
    with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        with open_transport(settings):
            pass


def fake_sendmail(tmp_path: Path, exit_code: int) -> str:
    """A sendmail-compatible program: keeps what it is given in a file, answers with exit_code."""
    program = tmp_path / "sendmail"
    program.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        cat > "{tmp_path}/delivered.eml"
        echo "$@" > "{tmp_path}/arguments"
        [ {exit_code} -eq 0 ] || echo "sendmail: refused with {exit_code}" >&2
        exit {exit_code}
    """))
    program.chmod(0o755)
    return f"{program} -t -i"


def test_sendmail_gets_the_message_on_its_input(tmp_path):
    settings = MailSettings.from_config({"address": DESK, "sendmail": fake_sendmail(tmp_path, 0)})
    with open_transport(settings) as transport:
        transport.send(message(), "ann@example.com")
    assert b"Subject: Re: Printer jams [#1]" in (tmp_path / "delivered.eml").read_bytes()
    assert (tmp_path / "arguments").read_text().strip() == f"-t -i -f {DESK}"  # bounces come back to the desk


def test_a_sender_the_admin_gave_sendmail_is_kept(tmp_path):
    command = f"{fake_sendmail(tmp_path, 0)} -f bounces@desk.example.org"
    settings = MailSettings.from_config({"address": DESK, "sendmail": command})
    with open_transport(settings) as transport:
        transport.send(message(), "ann@example.com")
    assert (tmp_path / "arguments").read_text().strip() == "-t -i -f bounces@desk.example.org"


@pytest.mark.parametrize(("code", "temporary"), [(75, True), (67, False)])
def test_sendmail_exit_codes_say_try_later_or_failed(tmp_path, code, temporary):
    settings = MailSettings.from_config({"address": DESK, "sendmail": fake_sendmail(tmp_path, code)})
    with pytest.raises(DeliveryError) as refused:
        with open_transport(settings) as transport:
            transport.send(message(), "ann@example.com")
    assert refused.value.temporary is temporary and f"refused with {code}" in refused.value.reason


def test_a_missing_sendmail_program_keeps_mail_queued(tmp_path):
    settings = MailSettings.from_config({"address": DESK, "sendmail": str(tmp_path / "nowhere")})
    with pytest.raises(DeliveryError, match="no sendmail program") as refused:
        with open_transport(settings) as transport:
            transport.send(message(), "ann@example.com")
    assert refused.value.temporary


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sopdash):
    """`sopdash mail test ann@example.com` with [mail] pointing at port (more [mail] lines appended)."""

    def run(port: int, more: str = ""):
        config = tmp_path / "config.toml"
        config.write_text(f'[mail]\naddress = "{DESK}"\nsmtp_url = "smtp://127.0.0.1:{port}"\n{more}', encoding="utf-8")
        monkeypatch.setenv("SOPDASH_CONFIG", str(config))
        monkeypatch.setenv("SOPDASH_DB", str(tmp_path / "tickets.json"))
        return sopdash("mail", "test", "ann@example.com")

    return run


def test_starttls_not_offered_is_our_set_up_not_a_refusal(smtp_server, probe):
    refused = probe(smtp_server[1], "starttls = true\n")
    assert refused.code == 1
    assert "TLS set-up: smtp://127.0.0.1:" in refused.err and "does not offer STARTTLS" in refused.err
    assert "(a set-up problem on this side: fix [mail] in the config" in refused.err
    assert "temporary refusal" not in refused.err


def test_a_certificate_nobody_trusts_is_a_tls_set_up_failure(tls_server, probe, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")  # the server's self-made certificate is trusted no more
    refused = probe(tls_server[1])
    assert "TLS set-up with smtp://127.0.0.1:" in refused.err and "certificate is not trusted" in refused.err
    assert "(a set-up problem on this side" in refused.err and not tls_server[0].messages


def test_a_refused_login_is_the_servers_refusal_with_its_code(tls_server, probe, tmp_path):
    (tmp_path / "password").write_text("wrong\n")
    refused = probe(tls_server[1], f'username = "helpdesk"\npassword_file = "{tmp_path / "password"}"\n')
    assert "refused the login: 535" in refused.err and "check mail.username and mail.password_file" in refused.err


def test_the_servers_refusals_say_for_now_or_for_good(smtp_server, probe):
    mailbox, port = smtp_server
    mailbox.mode = "4xx"
    said = probe(port, "starttls = false\n").err
    assert "451 4.3.0 mailbox busy, try again later (a temporary refusal by the server: try again later)" in said
    mailbox.mode = "5xx"
    assert "550 5.1.1 no such user here (refused for good)" in probe(port, "starttls = false\n").err


def test_no_server_is_no_connection(probe):
    refused = probe(free_port())
    assert "cannot reach smtp://127.0.0.1:" in refused.err and "(no connection: try again later)" in refused.err


def test_the_test_message_is_dated(smtp_server, probe):
    assert probe(smtp_server[1], "starttls = false\n").code == 0
    assert smtp_server[0].messages[0]["Date"] is not None

"""The mailbox sign-in against a real OAuth2 server the test runs (tests/mail/oauth_server.py): the device-code flow
through `sopdash mail login`, renewal, a revoked sign-in, the token file, and SMTP XOAUTH2 against aiosmtpd."""

from __future__ import annotations

import base64
import os
import re
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from mail_server import DESK, Mailbox, free_port
from oauth_server import TokenServer

from sopdash.core.errors import ConfigError
from sopdash.mail.oauth import SignInError, access_token, sign_in, token_health, xoauth2
from sopdash.mail.oauth_settings import OAuthSettings
from sopdash.mail.oauth_tokens import TokenFileError, read_tokens
from sopdash.mail.settings import MailSettings
from sopdash.mail.transport import DeliveryError, open_transport

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a 127.0.0.1 test server
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def server():
    with TokenServer() as running:
        yield running


def custom(server: TokenServer, token_file: Path) -> OAuthSettings:
    settings = OAuthSettings.from_config({
        "provider": "custom", "client_id": "sopdash-test", "token_file": str(token_file), "scopes": ["mail"],
        "device_authorization_url": f"{server.url}/device", "token_url": f"{server.url}/token"})
    assert settings is not None
    return settings


def signed_in(server: TokenServer, settings: OAuthSettings, now: datetime = T0) -> None:
    """Sign in, the test approving the code the moment it is shown."""
    sign_in(settings, settings.token_file, lambda: now, lambda code, url, message: server.approve(code))


def test_mail_login_shows_a_code_waits_for_its_approval_and_keeps_the_tokens(server, tmp_path):
    token_file = tmp_path / "secrets" / "oauth-token.json"
    token_file.parent.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[mail]\naddress = "{DESK}"\nsmtp_url = "smtp://127.0.0.1:25"\nsmtp_auth = "oauth2"\n\n'
        f'[mail.oauth]\nprovider = "custom"\nclient_id = "sopdash-test"\ntoken_file = "{token_file}"\n'
        f'device_authorization_url = "{server.url}/device"\ntoken_url = "{server.url}/token"\nscopes = ["mail"]\n')
    env = {**os.environ, "SOPDASH_CONFIG": str(config), "SOPDASH_DB": str(tmp_path / "tickets.json")}
    login = subprocess.Popen([sys.executable, "-m", "sopdash", "mail", "login"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    shown = login.stdout.readline()
    code = re.search(r"enter the code (\w+)", shown)
    assert code and f"{server.url}/approve" in shown, shown
    server.approve(code.group(1))
    out, err = login.communicate(timeout=30)
    assert login.returncode == 0, err
    assert f"signed in to the mail provider; tokens saved in {token_file} (mode 0600" in out
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    kept = orjson.loads(token_file.read_bytes())
    assert kept["refresh_token"] in server.refresh_tokens and kept["access_token"] in server.access_tokens
    assert kept["refresh_token"] not in out + err and kept["access_token"] not in out + err
    assert server.requests[0]["scope"] == "mail" and server.requests[0]["client_id"] == "sopdash-test"

    check = subprocess.run([sys.executable, "-m", "sopdash", "mail", "login", "--check"], env=env, text=True,
                           capture_output=True)
    assert check.returncode == 0 and "signed in to the mail provider; access token valid until" in check.stdout


def test_gmail_sign_in_over_ssh_takes_the_redirected_address_pasted_back(server, tmp_path):
    token_file, secret = tmp_path / "oauth-token.json", tmp_path / "google-client-secret"
    secret.write_text(server.client_secret + "\n")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[mail]\naddress = "{DESK}"\nsmtp_url = "smtp://127.0.0.1:25"\n\n'
        f'[mail.oauth]\nprovider = "google"\nclient_id = "desktop-app"\ntoken_file = "{token_file}"\n'
        f'client_secret_file = "{secret}"\nauthorization_url = "{server.url}/authorize"\n'
        f'token_url = "{server.url}/token"\n')
    env = {**os.environ, "SOPDASH_CONFIG": str(config), "SOPDASH_DB": str(tmp_path / "tickets.json")}
    login = subprocess.Popen([sys.executable, "-m", "sopdash", "mail", "login"], env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert login.stdout.readline().startswith("To sign the desk in to Google, open this address in any browser")
    address = login.stdout.readline().strip()
    assert address.startswith(f"{server.url}/authorize?")
    request = {key: values[0] for key, values in parse_qs(urlsplit(address).query).items()}
    assert request["scope"] == "https://mail.google.com/ openid email" and request["client_id"] == "desktop-app"
    assert request["code_challenge_method"] == "S256" and request["access_type"] == "offline"
    code = server.authorize(request)  # the technician allows access in a browser on their own machine
    redirected = f"{request['redirect_uri']}?state={request['state']}&code={code}&scope=email"
    out, err = login.communicate(redirected + "\n", timeout=30)
    assert login.returncode == 0, err
    assert f"signed in to Google as {DESK}; tokens saved in {token_file} (mode 0600" in out
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert orjson.loads(token_file.read_bytes())["refresh_token"] in server.refresh_tokens


def test_a_pasted_address_of_another_sign_in_is_refused(server, tmp_path):
    settings = OAuthSettings.from_config({"provider": "google", "client_id": "desktop-app",
                                          "token_file": str(tmp_path / "t.json"),
                                          "authorization_url": f"{server.url}/authorize",
                                          "token_url": f"{server.url}/token"})
    with pytest.raises(SignInError, match="not the address this sign-in was redirected to"):
        sign_in(settings, settings.token_file, lambda: T0, lambda code, url, message: None,
                lambda prompt: "http://127.0.0.1:8085/?state=forged&code=code-1")
    assert not settings.token_file.exists()


def test_a_declined_sign_in_says_so_and_keeps_nothing(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    with pytest.raises(SignInError, match="declined in the browser; run `sopdash mail login` again"):
        sign_in(settings, settings.token_file, lambda: T0, lambda code, url, message: server.deny(code))
    assert not settings.token_file.exists()


def test_a_valid_access_token_is_used_as_it_is_and_renewed_when_it_expires(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    signed_in(server, settings)
    first = access_token(settings, settings.token_file, T0 + timedelta(minutes=30))
    assert first == read_tokens(settings.token_file)["access_token"]
    asked = len(server.requests)

    renewed = access_token(settings, settings.token_file, T0 + timedelta(minutes=56))  # within 5 min of its end
    assert renewed != first and renewed in server.access_tokens
    assert server.requests[asked]["grant_type"] == "refresh_token" and len(server.requests) == asked + 1
    kept = read_tokens(settings.token_file)
    assert kept["access_token"] == renewed and kept["refresh_token"] in server.refresh_tokens  # rotated, kept
    assert kept["refreshed_at"] == (T0 + timedelta(minutes=56)).isoformat()
    assert stat.S_IMODE(settings.token_file.stat().st_mode) == 0o600


def test_two_processes_renewing_at_once_spend_the_refresh_token_once(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    signed_in(server, settings)
    later = T0 + timedelta(hours=2)
    with ThreadPoolExecutor(4) as pool:
        tokens = list(pool.map(lambda _: access_token(settings, settings.token_file, later), range(4)))
    assert len(set(tokens)) == 1 and tokens[0] in server.access_tokens
    assert [r["grant_type"] for r in server.requests if r["path"] == "/token"].count("refresh_token") == 1
    assert token_health(settings, settings.token_file, later).state == "ok"


def test_mail_login_replaces_a_token_file_it_cannot_read(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    settings.token_file.write_text("half a file")
    assert token_health(settings, settings.token_file, T0).state == "alarm"
    signed_in(server, settings)
    assert token_health(settings, settings.token_file, T0).state == "ok"


def test_a_revoked_sign_in_raises_the_fix_and_stays_an_alarm_until_signed_in_again(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    signed_in(server, settings)
    server.revoke()
    later = T0 + timedelta(hours=2)
    with pytest.raises(SignInError) as raised:
        access_token(settings, settings.token_file, later)
    assert not raised.value.temporary
    assert "sign-in expired or was revoked (invalid_grant: AADSTS700082" in str(raised.value)
    assert "run `sopdash mail login`" in str(raised.value)
    assert "rt-" not in str(raised.value)
    health = token_health(settings, settings.token_file, later + timedelta(hours=1))
    assert health.state == "alarm" and health.failing_since == later
    assert health.line == f"the mail provider sign-in failing since 2026-11-25 11:00: {raised.value}"

    signed_in(server, settings, later + timedelta(hours=2))
    assert token_health(settings, settings.token_file, later + timedelta(hours=2)).state == "ok"


def test_an_unreachable_provider_is_temporary_and_noted_as_failing(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    signed_in(server, settings)
    gone = OAuthSettings.from_config({
        "provider": "custom", "client_id": "sopdash-test", "token_file": str(settings.token_file),
        "scopes": ["mail"], "device_authorization_url": f"http://127.0.0.1:{free_port()}/device",
        "token_url": f"http://127.0.0.1:{free_port()}/token"})
    with pytest.raises(SignInError, match="cannot reach the mail provider's sign-in server") as raised:
        access_token(gone, settings.token_file, T0 + timedelta(hours=2))
    assert raised.value.temporary
    assert token_health(settings, settings.token_file, T0 + timedelta(hours=2)).state == "alarm"
    access_token(settings, settings.token_file, T0 + timedelta(hours=3))  # the provider is back: the alarm ends
    assert token_health(settings, settings.token_file, T0 + timedelta(hours=3)).state == "ok"


def test_not_signed_in_names_the_command(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    with pytest.raises(SignInError, match="not signed in .* run `sopdash mail login`"):
        access_token(settings, settings.token_file, T0)
    assert token_health(settings, settings.token_file, T0).state == "alarm"


def test_the_token_file_is_made_0600_whatever_the_umask(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    old = os.umask(0)
    try:
        signed_in(server, settings)
    finally:
        os.umask(old)
    assert stat.S_IMODE(settings.token_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["token.json"]  # no temp file left


def test_a_planted_link_at_the_token_file_is_refused_not_followed(server, tmp_path):
    victim = tmp_path / "someone-elses-file"
    victim.write_text("precious\n")
    settings = custom(server, tmp_path / "token.json")
    settings.token_file.symlink_to(victim)
    with pytest.raises(TokenFileError, match="is a symbolic link to .*someone-elses-file, where sopdash keeps the mail"):
        signed_in(server, settings)
    with pytest.raises(TokenFileError, match="symbolic link"):
        access_token(settings, settings.token_file, T0)
    assert victim.read_text() == "precious\n" and settings.token_file.is_symlink()
    assert server.requests == []  # refused before anyone is asked to approve anything


def test_the_renewal_does_not_write_through_a_link_planted_after_sign_in(server, tmp_path):
    settings = custom(server, tmp_path / "token.json")
    signed_in(server, settings)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    settings.token_file.unlink()
    settings.token_file.symlink_to(victim)
    with pytest.raises(TokenFileError):
        access_token(settings, settings.token_file, T0 + timedelta(hours=2))
    assert victim.read_text() == "precious\n"


def test_xoauth2_is_the_sasl_initial_response():
    assert xoauth2("help@desk.example.org", "at-1") == "user=help@desk.example.org\x01auth=Bearer at-1\x01\x01"


class XOAuth2Mailbox(Mailbox):
    """The test SMTP server's handler, with SASL XOAUTH2 accepting only the tokens the token server issued."""

    def __init__(self, tokens: TokenServer) -> None:
        super().__init__()
        self.tokens = tokens
        self.logins: list[str] = []

    async def auth_XOAUTH2(self, server, args):
        fields = dict(part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01") if part)
        self.logins.append(fields["user"])
        bearer = fields["auth"].removeprefix("Bearer ")
        if bearer in self.tokens.access_tokens:
            return AuthResult(success=True, auth_data=fields["user"])
        await server.challenge_auth('{"status":"401","schemes":"bearer"}')  # the client answers with nothing
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535


@pytest.fixture
def xoauth2_smtp(server):
    mailbox, port = XOAuth2Mailbox(server), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def smtp_settings(settings: OAuthSettings, port: int) -> MailSettings:
    return MailSettings(address=DESK, smtp_url=f"smtp://127.0.0.1:{port}", starttls=False, smtp_auth="oauth2",
                        oauth=settings)


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = DESK, "ann@example.com", "Re: Printer jams [#1]"
    mail.set_content("We are on it.")
    return mail


def test_smtp_signs_in_with_xoauth2_and_the_desks_token(server, xoauth2_smtp, tmp_path):
    mailbox, port = xoauth2_smtp
    settings = custom(server, tmp_path / "token.json")
    signed_in(server, settings, datetime.now(timezone.utc))
    with open_transport(smtp_settings(settings, port)) as transport:
        transport.send(message(), "ann@example.com")
    assert mailbox.logins == [DESK]
    assert [m["Subject"] for m in mailbox.messages] == ["Re: Printer jams [#1]"]


def test_smtp_with_a_token_the_server_refuses_leaves_the_mail_queued(server, xoauth2_smtp, tmp_path):
    mailbox, port = xoauth2_smtp
    settings = custom(server, tmp_path / "token.json")
    signed_in(server, settings, datetime.now(timezone.utc))
    server.access_tokens.clear()  # the server no longer takes it, though it has not expired
    with pytest.raises(DeliveryError, match="535") as raised:
        with open_transport(smtp_settings(settings, port)):
            pass
    assert raised.value.temporary and mailbox.messages == []


def test_smtp_without_a_sign_in_says_how_to_sign_in(server, xoauth2_smtp, tmp_path):
    _, port = xoauth2_smtp
    with pytest.raises(DeliveryError, match="run `sopdash mail login`") as raised:
        with open_transport(smtp_settings(custom(server, tmp_path / "token.json"), port)):
            pass
    assert raised.value.temporary


def test_the_providers_defaults():
    microsoft = OAuthSettings.from_config({"provider": "microsoft", "client_id": "app", "tenant": "contoso.com",
                                           "token_file": "/etc/sopdash/mail/oauth-token.json"})
    assert microsoft.authority == "https://login.microsoftonline.com/contoso.com"
    assert microsoft.scopes == ("https://outlook.office.com/IMAP.AccessAsUser.All",
                                "https://outlook.office.com/SMTP.Send", "offline_access")
    assert microsoft.refresh_days == 90
    google = OAuthSettings.from_config({"provider": "google", "client_id": "app", "token_file": "/t.json"})
    assert google.scopes == ("https://mail.google.com/", "openid", "email")
    assert google.token_url == "https://oauth2.googleapis.com/token"
    assert google.authorization_url == "https://accounts.google.com/o/oauth2/v2/auth"


@pytest.mark.parametrize(("table", "words"), [
    ({"provider": "yahoo", "client_id": "a", "token_file": "/t"}, "mail.oauth.provider: 'yahoo' is not one of"),
    ({"provider": "microsoft", "token_file": "/t"}, "mail.oauth.client_id: must be set"),
    ({"provider": "microsoft", "client_id": "a", "token_file": "t.json"}, "must be an absolute path"),
    ({"provider": "custom", "client_id": "a", "token_file": "/t"}, "needs device_authorization_url and token_url"),
    ({"provider": "custom", "client_id": "a", "token_file": "/t", "scopes": ["x"], "token_url": "http://idp.example/t",
      "device_authorization_url": "https://idp.example/d"}, "mail.oauth.token_url: 'http://idp.example/t' is not an"),
    ({"provider": "google", "client_id": "a", "token_file": "/t", "colour": "red"}, "mail.oauth.colour: unknown key"),
])
def test_bad_oauth_settings_name_the_key(table, words):
    with pytest.raises(ConfigError, match=re.escape(words)):
        OAuthSettings.from_config(table)


def test_smtp_oauth2_needs_a_sign_in_table():
    with pytest.raises(ConfigError, match=re.escape('mail.smtp_auth: "oauth2" needs smtp_url and a [mail.oauth]')):
        MailSettings.from_config({"address": DESK, "smtp_url": "smtp://mail.example.org", "smtp_auth": "oauth2"})


@pytest.fixture
def tls_token_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The token server over TLS with a certificate for 127.0.0.1 that requests (under msal) trusts."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    with TokenServer(cert, key, expires_in=60) as running:  # under msal's 5 minutes: every use renews
        yield running


def test_microsoft_365_signs_in_and_renews_through_msal(tls_token_server, tmp_path):
    server = tls_token_server
    settings = OAuthSettings.from_config({"provider": "microsoft", "client_id": "app-id",
                                          "authority": f"{server.url}/tenant", "token_file": str(tmp_path / "t.json")})
    shown: list[str] = []

    def approve(code: str, url: str, message: str) -> None:
        shown.append(message)
        server.approve(code)

    done = sign_in(settings, settings.token_file, lambda: T0, approve)
    assert done.account == "help@desk.example.org" and shown[0].startswith(f"To sign in, open {server.url}/approve")
    asked = server.requests[1]  # after the discovery document
    assert asked["path"] == "/device" and asked["client_id"] == "app-id"
    assert set(asked["scope"].split()) == {"https://outlook.office.com/IMAP.AccessAsUser.All",
                                           "https://outlook.office.com/SMTP.Send", "offline_access", "openid",
                                           "profile"}
    assert stat.S_IMODE(settings.token_file.stat().st_mode) == 0o600

    token = access_token(settings, settings.token_file, T0 + timedelta(minutes=1))
    assert token in server.access_tokens and server.requests[-1]["grant_type"] == "refresh_token"
    assert token_health(settings, settings.token_file, T0 + timedelta(days=80)).state == "warning"  # 90-day limit

    server.revoke()
    with pytest.raises(SignInError, match="Microsoft 365 sign-in expired or was revoked .*invalid_grant"):
        access_token(settings, settings.token_file, T0 + timedelta(minutes=2))
    assert token_health(settings, settings.token_file, T0 + timedelta(minutes=2)).state == "alarm"


def test_check_shows_the_sign_in_as_an_error_until_it_holds(server, tmp_path):
    token_file = tmp_path / "oauth-token.json"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[mail]\naddress = "{DESK}"\nsendmail = "/bin/true"\n\n'
        f'[mail.oauth]\nprovider = "custom"\nclient_id = "sopdash-test"\ntoken_file = "{token_file}"\n'
        f'device_authorization_url = "{server.url}/device"\ntoken_url = "{server.url}/token"\nscopes = ["mail"]\n')
    env = {**os.environ, "SOPDASH_CONFIG": str(config), "SOPDASH_DB": str(tmp_path / "tickets.json")}
    subprocess.run([sys.executable, "-m", "sopdash", "init"], env=env, check=True, capture_output=True)
    check = subprocess.run([sys.executable, "-m", "sopdash", "check"], env=env, text=True, capture_output=True)
    assert check.returncode == 2  # `check`'s code for a problem found
    assert "error: not signed in to the mail provider: run `sopdash mail login` as the desk's mail user" in check.stdout

    signed_in(server, OAuthSettings.from_config(
        {"provider": "custom", "client_id": "sopdash-test", "token_file": str(token_file), "scopes": ["mail"],
         "device_authorization_url": f"{server.url}/device", "token_url": f"{server.url}/token"}),
        datetime.now(timezone.utc))
    check = subprocess.run([sys.executable, "-m", "sopdash", "check"], env=env, text=True, capture_output=True)
    assert "mail: signed in to the mail provider; access token valid until" in check.stdout, check.stdout
    assert check.returncode == 0, check.stdout

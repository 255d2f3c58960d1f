"""Issue 22: IMAP intake signing in with SASL XOAUTH2 (`[mail.imap] auth = "oauth2"`) to a real Dovecot whose
oauth2 passdb asks an RFC 7662 introspection endpoint the test runs; the tokens are issued by the test's OAuth2
server (tests/mail/oauth_server.py) through `sopdash mail login`'s sign-in. A sign-in that expires is an alarm."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from dovecot import USER, DovecotUnavailable, remove, start_dovecot
from mail_server import NOW, free_port
from oauth_server import TokenServer
from test_imap_intake import message, subjects

from sopdash.mail.oauth import sign_in
from sopdash.mail.oauth_settings import OAuthSettings

NOW_TIME = datetime.fromisoformat(NOW)


class Introspection:
    """RFC 7662 token introspection for Dovecot: a token is active while the test's OAuth2 server has it issued."""

    def __init__(self, tokens: TokenServer) -> None:
        self.asked: list[str] = []
        introspection = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                token = form.get("token", [""])[0]
                introspection.asked.append(token)
                with tokens.lock:
                    active = token in tokens.access_tokens
                answer = json.dumps({"active": active, "username": USER}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/introspect"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def oauth_imap(mail_env: Path, tmp_path: Path):
    """mail_env with [mail.oauth] at the test's OAuth2 server, signed in, and [mail.imap] auth = "oauth2" at a
    Dovecot that checks tokens with it; yields (the OAuth2 server, the introspection endpoint, Dovecot)."""
    with TokenServer() as tokens:
        introspection = Introspection(tokens)
        try:
            dovecot = start_dovecot(free_port(), introspection.url)
        except DovecotUnavailable as error:
            introspection.close()
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI must run the IMAP tests, but {error}")
            pytest.skip(f"IMAP tests skipped: {error}")
        try:
            oauth = {"provider": "custom", "client_id": "sopdash-test", "token_file": str(tmp_path / "token.json"),
                     "scopes": ["mail"], "device_authorization_url": f"{tokens.url}/device",
                     "token_url": f"{tokens.url}/token"}
            settings = OAuthSettings.from_config(oauth)
            sign_in(settings, settings.token_file, lambda: NOW_TIME, lambda code, url, said: tokens.approve(code))
            config = Path(os.environ["SOPDASH_CONFIG"])
            config.write_text(
                config.read_text() + "\n[mail.oauth]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in oauth.items())
                + f'\n[mail.imap]\nhost = "127.0.0.1"\nport = {dovecot.port}\nsecurity = "none"\nuser = "{USER}"\n'
                'auth = "oauth2"\n'
            )
            yield tokens, introspection, dovecot
        finally:
            remove(dovecot)
            introspection.close()


def test_imap_signs_in_with_xoauth2_and_the_desks_token(oauth_imap, mail_env, sopdash):
    tokens, introspection, dovecot = oauth_imap
    dovecot.append(message(1))
    result = sopdash("mail", "fetch", "--imap")
    assert result.code == 0, result.err
    assert subjects(mail_env) == ["Request 1"]
    with tokens.lock:
        assert introspection.asked and introspection.asked[-1] in tokens.access_tokens


def test_an_expired_sign_in_is_an_alarm_naming_mail_login_and_mail_stays_on_the_server(oauth_imap, mail_env, sopdash,
                                                                                       time_machine):
    tokens, _, dovecot = oauth_imap
    dovecot.append(message(1))
    tokens.revoke()  # the provider ends the sign-in; the access token runs out
    time_machine.move_to(NOW_TIME + timedelta(hours=2), tick=False)
    result = sopdash("mail", "fetch", "--imap")
    assert result.code == 1 and "run `sopdash mail login`" in result.err and "Traceback" not in result.err
    check = sopdash("check").out
    assert "warning: mail intake (imap) failing since 11:00 (never took mail): the " in check
    assert "sign-in expired or was revoked" in check and "run `sopdash mail login`" in check
    assert subjects(mail_env) == [] and dovecot.count("INBOX") == 1

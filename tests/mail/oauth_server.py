"""A real OAuth2 server for the sign-in tests, on 127.0.0.1 in a thread: device authorization and tokens (RFC 8628),
refresh (RFC 6749 §6), and the OpenID discovery document msal reads; over TLS when given a certificate.

The test plays the user: `approve(user_code)` or `deny(user_code)`; `revoke()` makes every refresh token invalid.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class TokenServer:
    """The server's state: pending codes, issued access and refresh tokens, and every request it was sent."""

    def __init__(self, cert: Path | None = None, key: Path | None = None, expires_in: int = 3600,
                 account: str = "help@desk.example.org") -> None:
        self.expires_in = expires_in
        self.client_secret = "not-so-secret"  # what Google's desktop clients send
        self.account = account
        self.codes: dict[str, dict[str, str]] = {}  # device_code -> {"user_code", "state", "client_id", "scope"}
        self.auth_codes: dict[str, dict[str, str]] = {}  # code -> the authorization request it answers
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.requests: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        scheme = "http"
        if cert is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> TokenServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def approve(self, user_code: str) -> None:
        self._decide(user_code, "approved")

    def deny(self, user_code: str) -> None:
        self._decide(user_code, "denied")

    def authorize(self, request: dict[str, str]) -> str:
        """The user allowing the authorization request (its query) in a browser: the code the redirect carries."""
        code = "code-" + secrets.token_urlsafe(12)
        with self.lock:
            self.auth_codes[code] = request
        return code

    def revoke(self) -> None:
        with self.lock:
            self.refresh_tokens.clear()
            self.access_tokens.clear()

    def _decide(self, user_code: str, state: str) -> None:
        with self.lock:
            for code in self.codes.values():
                if code["user_code"] == user_code:
                    code["state"] = state
                    return
        raise KeyError(user_code)

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        """(status, JSON) for a request to path with form."""
        with self.lock:
            self.requests.append({"path": path, **form})
            if path.endswith("/.well-known/openid-configuration"):
                tenant = path.split("/")[1]
                return 200, {"issuer": f"{self.url}/{tenant}/v2.0", "token_endpoint": f"{self.url}/token",
                             "authorization_endpoint": f"{self.url}/{tenant}/oauth2/v2.0/authorize",
                             "device_authorization_endpoint": f"{self.url}/device"}
            if path.endswith("/device"):
                device_code, user_code = secrets.token_urlsafe(16), secrets.token_hex(4).upper()
                self.codes[device_code] = {"user_code": user_code, "state": "pending", "scope": form.get("scope", ""),
                                           "client_id": form.get("client_id", "")}
                return 200, {"device_code": device_code, "user_code": user_code, "expires_in": 600, "interval": 1,
                             "verification_uri": f"{self.url}/approve",
                             "message": f"To sign in, open {self.url}/approve and enter the code {user_code}."}
            if path.endswith("/token"):
                return self._token(form)
            return 404, {"error": "not_found"}

    def _token(self, form: dict[str, str]) -> tuple[int, dict]:
        if form.get("grant_type") == DEVICE_GRANT:
            code = self.codes.get(form.get("device_code", ""))
            if code is None:
                return 400, {"error": "invalid_grant"}
            if code["state"] == "pending":
                return 400, {"error": "authorization_pending"}
            if code["state"] == "denied":
                return 400, {"error": "access_denied", "error_description": "the user declined"}
            del self.codes[form["device_code"]]
            return 200, self._issue(form, code["client_id"])
        if form.get("grant_type") == "authorization_code":
            request = self.auth_codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "").encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).decode().rstrip("=")
            if request is None or request["redirect_uri"] != form.get("redirect_uri") or \
                    request["code_challenge"] != challenge or form.get("client_secret") != self.client_secret:
                return 400, {"error": "invalid_grant", "error_description": "bad code, verifier or secret"}
            return 200, self._issue({**form, "scope": request["scope"]}, request["client_id"])
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return 400, {"error": "invalid_grant", "error_description": "AADSTS700082: the refresh token expired"}
            self.refresh_tokens.discard(form["refresh_token"])  # each is good once: the next one comes with it
            return 200, self._issue(form, form.get("client_id", ""))
        return 400, {"error": "unsupported_grant_type"}

    def _issue(self, form: dict[str, str], client_id: str) -> dict:
        access, refresh = "at-" + secrets.token_urlsafe(12), "rt-" + secrets.token_urlsafe(12)
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        answer = {"token_type": "Bearer", "access_token": access, "refresh_token": refresh,
                  "expires_in": self.expires_in, "scope": form.get("scope", "")}
        if form.get("client_info") == "1" or "openid" in form.get("scope", ""):  # msal asks for both
            claims = {"iss": f"{self.url}/tenant/v2.0", "aud": client_id, "sub": "user-1", "oid": "user-1",
                      "tid": "tenant", "preferred_username": self.account, "email": self.account, "iat": 0, "exp": 4_000_000_000}
            answer["id_token"] = ".".join([_b64({"alg": "none"}), _b64(claims), ""])
            answer["client_info"] = _b64({"uid": "user-1", "utid": "tenant"})
        return answer


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _handler(server: TokenServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._reply(*server.answer(self.path.split("?")[0], {}))

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            form = {key: values[0] for key, values in parse_qs(body).items()}
            self._reply(*server.answer(self.path.split("?")[0], form))

        def _reply(self, status: int, answer: dict) -> None:
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: object) -> None:
            pass

    return Handler

"""Google's sign-in for a command-line tool over SSH: the authorization-code flow with PKCE (RFC 7636) and a loopback
redirect, the redirected address pasted back into the terminal.

Why not the device flow: Google's device flow ("TVs and Limited Input devices") grants only a short list of scopes
(OpenID, some Drive and YouTube ones), not Gmail's `https://mail.google.com/`; Google's own advice for a command-line
tool is the desktop flow. Over SSH nothing listens on the technician's 127.0.0.1, so the browser shows "cannot
connect" on the redirect, whose address (holding the code) is pasted here. The code is worth nothing without this
run's PKCE verifier, so a program listening on that port on the technician's machine gains nothing from it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from sopdash.mail import device_flow
from sopdash.mail.oauth_settings import OAuthSettings
from sopdash.mail.oauth_tokens import SignInError

REDIRECT_URI = "http://127.0.0.1:8085/"


@dataclass(frozen=True)
class Authorization:
    """The address to open in a browser, and what this run keeps to redeem the code it leads to."""

    url: str
    state: str
    verifier: str


def authorization(settings: OAuthSettings) -> Authorization:
    """A fresh authorization request: its address, with a PKCE challenge (S256) and an unguessable state."""
    verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")
    query = urlencode({
        "client_id": settings.client_id, "redirect_uri": REDIRECT_URI, "response_type": "code",
        "scope": " ".join(settings.scopes), "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256", "access_type": "offline", "prompt": "consent",
    })
    return Authorization(f"{settings.authorization_url}?{query}", state, verifier)


def redeem(settings: OAuthSettings, request: Authorization, pasted: str) -> dict[str, Any]:
    """The tokens for the redirected address the user pasted (its code, checked against this run's state)."""
    answer = parse_qs(urlsplit(pasted.strip()).query)
    if answer.get("state", [""])[0] != request.state:
        raise SignInError("that is not the address this sign-in was redirected to (its state differs); run `sopdash "
                          "mail login` again and paste the whole address from the browser's address bar")
    if "error" in answer:
        raise SignInError(f"the sign-in to {settings.name} was declined ({answer['error'][0][:80]}); run `sopdash mail "
                          "login` again")
    code = answer.get("code", [""])[0]
    if not code:
        raise SignInError("the address holds no code; paste the whole address from the browser's address bar")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
            "client_id": settings.client_id, "code_verifier": request.verifier}
    try:
        return device_flow.exchange(settings, form)
    except device_flow.TokenRefused as refused:
        raise SignInError(f"{settings.name} refused the code ({refused}); run `sopdash mail login` again") from None

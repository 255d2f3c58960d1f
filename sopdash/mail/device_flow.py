"""The device authorization grant (RFC 8628) for any standard server ("custom"), and the token endpoint's requests
(RFC 6749: a code redeemed, a refresh) for it and for Google, over plain HTTPS.

Why not a library: google-auth-oauthlib has no device flow (only flows with a browser on this machine), and
oauthlib's DeviceClient only formats the request bodies; each exchange is a form POST answered by JSON, which the
standard library does without bringing requests in for every mail command. Microsoft 365 goes through msal instead
(`oauth_microsoft.py`); Google's sign-in itself is `browser_flow.py`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sopdash.mail.oauth_settings import OAuthSettings
from sopdash.mail.oauth_tokens import SignInError

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
HTTP_TIMEOUT_S = 20.0
SLOW_DOWN_S = 5  # RFC 8628 §3.5: slow_down adds five seconds to the interval


class TokenRefused(SignInError):
    """The token endpoint answered with an OAuth error (`error` holds its code, e.g. invalid_grant)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error


@dataclass(frozen=True)
class DeviceCode:
    """What the user is shown (a code and where to enter it) and what the device polls with."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: float
    interval: float


def request_code(settings: OAuthSettings) -> DeviceCode:
    """Ask for a device code and a user code (RFC 8628 §3.1)."""
    answer = _post(settings.device_authorization_url, {"client_id": settings.client_id,
                                                       "scope": " ".join(settings.scopes)}, settings)
    try:
        return DeviceCode(
            device_code=str(answer["device_code"]),
            user_code=str(answer["user_code"]),
            verification_uri=str(answer.get("verification_uri") or answer["verification_url"]),  # Google: _url
            verification_uri_complete=str(answer.get("verification_uri_complete", "")),
            expires_in=float(answer.get("expires_in", 600)),
            interval=float(answer.get("interval", 5)),
        )
    except (KeyError, TypeError, ValueError):
        raise SignInError(f"{settings.device_authorization_url} gave no device code; is it a device authorization "
                          "endpoint (RFC 8628)?") from None


def wait_for_approval(settings: OAuthSettings, code: DeviceCode, sleep: Callable[[float], None] = time.sleep,
                      monotonic: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Poll the token endpoint until the user approves (the token response) or declines, or the code expires."""
    interval, deadline = max(code.interval, 1.0), monotonic() + code.expires_in
    form = {"grant_type": DEVICE_GRANT, "device_code": code.device_code, "client_id": settings.client_id}
    while True:
        sleep(interval)
        try:
            return exchange(settings, form)
        except TokenRefused as refused:
            if refused.error == "slow_down":
                interval += SLOW_DOWN_S
            elif refused.error != "authorization_pending":
                raise _sign_in_failed(refused, settings) from None
        if monotonic() >= deadline:
            raise SignInError("the code expired before it was approved; run `sopdash mail login` again")


def refresh(settings: OAuthSettings, refresh_token: str) -> dict[str, Any]:
    """A new access token for the refresh token (RFC 6749 §6); TokenRefused when the server refuses it."""
    return exchange(settings, {"grant_type": "refresh_token", "refresh_token": refresh_token,
                               "client_id": settings.client_id})


def exchange(settings: OAuthSettings, form: dict[str, str]) -> dict[str, Any]:
    """The token endpoint's answer to form (with the client secret, if one is configured): it holds an access token;
    TokenRefused for an OAuth error."""
    answer = _post(settings.token_url, _with_secret(form, settings), settings)
    if not isinstance(answer.get("access_token"), str) or not answer["access_token"]:
        raise SignInError(f"{settings.token_url} answered without an access token")
    return answer


def _sign_in_failed(refused: TokenRefused, settings: OAuthSettings) -> SignInError:
    if refused.error == "access_denied":
        return SignInError(f"the sign-in to {settings.name} was declined in the browser; run `sopdash mail login` again")
    if refused.error == "expired_token":
        return SignInError("the code expired before it was approved; run `sopdash mail login` again")
    return SignInError(f"{settings.name} refused the sign-in ({refused}); check [mail.oauth] and the app registration")


def _with_secret(form: dict[str, str], settings: OAuthSettings) -> dict[str, str]:
    secret = settings.client_secret()
    return {**form, "client_secret": secret} if secret else form


def _post(url: str, form: dict[str, str], settings: OAuthSettings) -> dict[str, Any]:
    """POST a form, the JSON answer; TokenRefused for an OAuth error answer, a temporary SignInError when the server
    cannot be reached or answers with something else."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode("ascii"), method="POST",
                                     headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()
        answer = _json(body)
        if isinstance(answer.get("error"), str):
            raise TokenRefused(answer["error"], str(answer.get("error_description", ""))[:200]) from None
        raise SignInError(f"{settings.name}'s sign-in server answered {error.code} {error.reason}", True) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise SignInError(f"cannot reach {settings.name}'s sign-in server ({reason})", temporary=True) from None
    answer = _json(body)
    if not answer:
        raise SignInError(f"{settings.name}'s sign-in server answered something that is not JSON", temporary=True)
    return answer


def _json(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}

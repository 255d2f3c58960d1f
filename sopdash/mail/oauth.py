"""OAuth2 sign-in of the desk to its mailbox (Microsoft 365, Gmail, or any RFC 8628 server), for IMAP and SMTP.

`sign_in` runs the sign-in over SSH (a URL shown in the terminal, approved in any browser: the device-code flow, or
for Google a redirected address pasted back) and keeps the tokens in `[mail.oauth] token_file`; `access_token` gives a valid access token, renewing it
when it expires within RENEW_BEFORE; `xoauth2` is the SASL XOAUTH2 initial response; `token_health` says whether the
sign-in holds, for `check` and the intake's health. A refresh that fails is written into the token file, so every
process (and `check`) sees the alarm, not only the one that failed. Refresh tokens are never printed or logged.

Microsoft 365 goes through msal (`oauth_microsoft.py`), Google through `browser_flow.py`, "custom" (any RFC 8628
server) through `device_flow.py`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sopdash.core.text import one_line
from sopdash.mail import browser_flow, device_flow, oauth_microsoft
from sopdash.mail.oauth_settings import OAuthSettings
from sopdash.mail.oauth_tokens import SignInError, TokenFileError, read_tokens, renewal_lock, write_tokens

RENEW_BEFORE = timedelta(minutes=5)
WARN_BEFORE = timedelta(days=14)  # a refresh token this close to its provider's limit is a warning
LOGIN_FIX = "run `sopdash mail login` as the desk's mail user"

__all__ = ["SignInError", "SignedIn", "TokenHealth", "access_token", "sign_in", "token_health", "xoauth2"]


@dataclass(frozen=True)
class SignedIn:
    """The outcome of `sign_in`: who signed in, until when the access token holds, where the tokens are."""

    account: str
    expires_at: datetime
    token_file: Path


@dataclass(frozen=True)
class TokenHealth:
    """Whether the sign-in holds: state "ok", "warning" (acts soon) or "alarm" (mail cannot flow); `line` says it
    with the fix; `failing_since` is when renewing first failed (None if it does not)."""

    state: str
    line: str
    expires_at: datetime | None = None
    failing_since: datetime | None = None


def xoauth2(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial client response (before base64): `user=U^Aauth=Bearer T^A^A`."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def access_token(settings: OAuthSettings, token_path: Path, now: datetime) -> str:
    """A valid access token for the mailbox, renewed (and saved) when it expires within RENEW_BEFORE; SignInError with
    the fix when the desk is not signed in or the renewal is refused (`temporary` when the provider is unreachable)."""
    tokens = read_tokens(token_path)
    if tokens is None:
        raise SignInError(f"the desk is not signed in to {settings.name} ({token_path} does not exist); {LOGIN_FIX}")
    if tokens.get("provider") != settings.provider or tokens.get("client_id") != settings.client_id:
        raise SignInError(f"{token_path} holds a sign-in for another provider or app than [mail.oauth] names; "
                          f"{LOGIN_FIX}")
    if _fresh(settings, tokens, now):
        return str(tokens["access_token"])
    with renewal_lock(token_path):
        tokens = read_tokens(token_path) or tokens  # another process may have renewed it meanwhile
        if _fresh(settings, tokens, now):
            return str(tokens["access_token"])
        try:
            token, renewed = _renew(settings, tokens, now)
        except SignInError as error:
            failure = error if error.temporary else SignInError(
                f"the {settings.name} sign-in expired or was revoked ({one_line(str(error))}); {LOGIN_FIX}")
            _note_failure(token_path, tokens, now, failure)
            raise failure from None
        if renewed != tokens:
            write_tokens(token_path, renewed)
    return token


def sign_in(settings: OAuthSettings, token_path: Path, clock: Callable[[], datetime],
            show: Callable[[str, str, str], None], ask: Callable[[str], str] = input) -> SignedIn:
    """Sign the desk in and keep the tokens: show(code, url, message) says what to open in any browser; Microsoft 365
    and "custom" then wait for the code's approval (device flow), Google asks (`ask(prompt)`) for the address the
    browser was sent back to (`browser_flow.py` says why). The token file is checked first, so nobody approves a
    sign-in that cannot be saved."""
    try:  # a planted link or someone else's file is refused before the flow
        previous = read_tokens(token_path)
    except TokenFileError as error:
        if error.kind != "corrupt":
            raise
        previous = None
    tokens: dict[str, Any] = {}
    if settings.provider == "microsoft":
        account, tokens["msal_cache"], answer = oauth_microsoft.sign_in(settings, show)
    else:
        answer = _browser(settings, show, ask) if settings.provider == "google" else _device(settings, show)
        account = _account(answer, previous, settings)
        tokens = {"access_token": answer["access_token"], "refresh_token": answer.get("refresh_token", "")}
    now = clock()
    tokens.update(provider=settings.provider, client_id=settings.client_id, account=account,
                  signed_in_at=now.isoformat(), refreshed_at=now.isoformat(),
                  expires_at=(now + _lifetime(answer)).isoformat())
    write_tokens(token_path, tokens)
    return SignedIn(account, _expires(tokens), token_path)


def _device(settings: OAuthSettings, show: Callable[[str, str, str], None]) -> dict[str, Any]:
    code = device_flow.request_code(settings)
    url = code.verification_uri_complete or code.verification_uri
    show(code.user_code, url, f"To sign the desk in, open {url} in any browser and enter the code {code.user_code}")
    return device_flow.wait_for_approval(settings, code)


def _browser(settings: OAuthSettings, show: Callable[[str, str, str], None],
             ask: Callable[[str], str]) -> dict[str, Any]:
    request = browser_flow.authorization(settings)
    show("", request.url, f"To sign the desk in to {settings.name}, open this address in any browser:\n{request.url}\n"
         f"After you allow access, the browser is sent to an address starting {browser_flow.REDIRECT_URI} (it may say "
         "it cannot connect): copy that whole address from the address bar and paste it here.")
    return browser_flow.redeem(settings, request, ask("address: "))


def token_health(settings: OAuthSettings, token_path: Path, now: datetime) -> TokenHealth:
    """Whether the desk's sign-in holds, read from the token file alone (no network)."""
    try:
        tokens = read_tokens(token_path)
    except TokenFileError as error:
        return TokenHealth("warning" if error.kind == "unreadable" else "alarm", str(error))
    if tokens is None:
        return TokenHealth("alarm", f"not signed in to {settings.name}: {LOGIN_FIX}")
    expires = _expires(tokens)
    if tokens.get("failing_since"):
        since = _time(tokens["failing_since"])
        return TokenHealth("alarm", f"{settings.name} sign-in failing since {since:%Y-%m-%d %H:%M}: "
                                    f"{tokens.get('failure', '')}", expires, since)
    who = f" as {tokens['account']}" if tokens.get("account") else ""
    if settings.refresh_days:
        lapses = _time(tokens.get("refreshed_at", "")) + timedelta(days=settings.refresh_days)
        if lapses <= now:
            return TokenHealth("alarm", f"the {settings.name} sign-in{who} lapsed on {lapses:%Y-%m-%d} (unused for "
                                        f"{settings.refresh_days} days); {LOGIN_FIX}", expires)
        if lapses - now <= WARN_BEFORE:
            return TokenHealth("warning", f"the {settings.name} sign-in{who} lapses on {lapses:%Y-%m-%d} unless mail "
                                          "is fetched or sent before then (each renewal extends it)", expires)
    return TokenHealth("ok", f"signed in to {settings.name}{who}; access token valid until "
                             f"{expires:%Y-%m-%d %H:%M %Z}, renewed automatically", expires)


def _fresh(settings: OAuthSettings, tokens: dict[str, Any], now: datetime) -> bool:
    """Whether the kept access token holds beyond RENEW_BEFORE (msal's cache decides that itself, for Microsoft)."""
    return settings.provider != "microsoft" and bool(tokens.get("access_token")) and \
        _expires(tokens) - now > RENEW_BEFORE


def _renew(settings: OAuthSettings, tokens: dict[str, Any], now: datetime) -> tuple[str, dict[str, Any]]:
    """(a valid access token, the tokens to keep): renewed from the refresh token, any noted failure cleared."""
    renewed = {key: value for key, value in tokens.items() if key not in ("failing_since", "failure")}
    if settings.provider == "microsoft":
        answer, cache = oauth_microsoft.silent(settings, str(tokens.get("msal_cache", "")), str(tokens.get("account")))
        if cache is not None:
            renewed.update(msal_cache=cache, refreshed_at=now.isoformat(),
                           expires_at=(now + _lifetime(answer)).isoformat())
        return str(answer["access_token"]), renewed
    if not tokens.get("refresh_token"):
        raise SignInError("no refresh token was given at sign-in (is offline access among the scopes?)")
    answer = device_flow.refresh(settings, str(tokens["refresh_token"]))
    renewed.update(access_token=answer["access_token"], refreshed_at=now.isoformat(),
                   expires_at=(now + _lifetime(answer)).isoformat())
    if answer.get("refresh_token"):  # a server that rotates refresh tokens sends the next one
        renewed["refresh_token"] = answer["refresh_token"]
    return str(answer["access_token"]), renewed


def _note_failure(token_path: Path, tokens: dict[str, Any], now: datetime, error: SignInError) -> None:
    """Write the failure into the token file, so `check` and every running process see it; the first time it failed
    is kept."""
    noted = {**tokens, "failing_since": tokens.get("failing_since") or now.isoformat(),
             "failure": one_line(str(error))[:300]}
    try:
        write_tokens(token_path, noted)
    except SignInError:
        pass  # the failure is raised to the caller anyway


def _account(answer: dict[str, Any], previous: dict[str, Any] | None, settings: OAuthSettings) -> str:
    """Who signed in, as the id_token says (read for display only: it came straight from the token endpoint), else
    as the previous sign-in with this app said."""
    claims = _claims(str(answer.get("id_token", "")))
    for key in ("email", "preferred_username"):
        if isinstance(claims.get(key), str):
            return claims[key]
    return str((previous or {}).get("account", "")) if (previous or {}).get("client_id") == settings.client_id else ""


def _claims(id_token: str) -> dict[str, Any]:
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _lifetime(answer: dict[str, Any]) -> timedelta:
    try:
        return timedelta(seconds=max(float(answer.get("expires_in", 3600)), 0))
    except (TypeError, ValueError):
        return timedelta(hours=1)


def _expires(tokens: dict[str, Any]) -> datetime:
    return _time(tokens.get("expires_at", ""))


def _time(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.fromisoformat("1970-01-01T00:00:00+00:00")

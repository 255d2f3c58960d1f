"""Microsoft 365 sign-in through msal: the device-code flow, and tokens kept in its SerializableTokenCache, which
msal renews from the refresh token when the access token is about to expire.

msal is loaded only here, when the provider is "microsoft" (it brings requests and cryptography along).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sopdash.mail.oauth_settings import OAuthSettings
from sopdash.mail.oauth_tokens import SignInError

RESERVED = {"openid", "profile", "offline_access"}  # msal asks for these itself and refuses them as scopes


def scopes(settings: OAuthSettings) -> list[str]:
    """The scopes msal is given: the configured ones less the OpenID ones it adds itself."""
    return [scope for scope in settings.scopes if scope not in RESERVED]


def application(settings: OAuthSettings, cache: Any) -> Any:
    """The msal public client for the registration, over cache. Instance discovery is off: the authority is the
    desk's setting (a manager's), so no round trip asks Microsoft whether it knows it."""
    import msal

    return msal.PublicClientApplication(settings.client_id, authority=settings.authority, token_cache=cache,
                                        instance_discovery=False)


def sign_in(settings: OAuthSettings, show: Callable[[str, str, str], None]) -> tuple[str, str, dict[str, Any]]:
    """Run the device-code flow: show(code, url, msal's message) once, then wait for the approval.
    Returns (the account's name, the serialized cache, msal's token answer)."""
    import msal
    import requests

    cache = msal.SerializableTokenCache()
    try:
        app = application(settings, cache)
        flow = app.initiate_device_flow(scopes=scopes(settings))
        if "user_code" not in flow:
            raise SignInError(f"Microsoft 365 gave no sign-in code: {_said(flow)}; check [mail.oauth] client_id, "
                              "tenant and that the app registration allows public client flows")
        show(flow["user_code"], flow.get("verification_uri", ""), flow.get("message", ""))
        answer = app.acquire_token_by_device_flow(flow)
    except (requests.RequestException, ValueError) as error:
        raise SignInError(f"cannot reach Microsoft 365's sign-in server ({_reason(error)})", temporary=True) from None
    if "access_token" not in answer:
        raise SignInError(f"Microsoft 365 refused the sign-in: {_said(answer)}; run `sopdash mail login` again")
    account = str((answer.get("id_token_claims") or {}).get("preferred_username", ""))
    return account, cache.serialize(), answer


def silent(settings: OAuthSettings, serialized: str, account: str) -> tuple[dict[str, Any], str | None]:
    """A valid access token from the cache, renewed by msal if it is expiring: (msal's answer, the cache to save if it
    changed, else None). SignInError when the refresh is refused (the fix: sign in again) or cannot be made."""
    import msal
    import requests

    cache = msal.SerializableTokenCache()
    cache.deserialize(serialized)
    try:
        app = application(settings, cache)
        accounts = app.get_accounts(username=account or None)
        answer = app.acquire_token_silent_with_error(scopes(settings), account=accounts[0]) if accounts else None
    except (requests.RequestException, ValueError) as error:
        raise SignInError(f"cannot reach Microsoft 365's sign-in server to renew the token ({_reason(error)})",
                          temporary=True) from None
    if not answer:
        raise SignInError("no Microsoft 365 sign-in is kept for this account")
    if "access_token" not in answer:
        raise SignInError(f"Microsoft 365 refused to renew the sign-in: {_said(answer)}")
    return answer, cache.serialize() if cache.has_state_changed else None


def _said(answer: dict[str, Any]) -> str:
    description = str(answer.get("error_description", "")).splitlines()[0:1]
    return f"{answer.get('error', 'no answer')}" + (f" ({description[0][:160]})" if description else "")


def _reason(error: BaseException) -> str:
    return type(error).__name__ if not str(error) else str(error)[:160]

"""Signing the desk in to its mailbox (`sopdash mail login`) and whether that sign-in holds (`check`, the intake's
health): what the faces call, so they reach the mail package only through the desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sopdash.core.errors import InputError
from sopdash.desk.delivery import MAIL_OFF_FIX
from sopdash.mail.oauth import SignedIn, SignInError, TokenHealth, sign_in, token_health
from sopdash.mail.settings import MailSettings

__all__ = ["SignInError", "SignedIn", "TokenHealth", "desk_sign_in", "sign_in_health"]

NO_OAUTH_FIX = ("no [mail.oauth] in the desk's settings: set mail.oauth.provider, client_id and token_file with "
                "`sopdash config set` (the README's Microsoft 365 and Gmail set-up says which)")


def desk_sign_in(mail: MailSettings | None, clock: Callable[[], datetime], show: Callable[[str, str, str], None],
                 ask: Callable[[str], str]) -> SignedIn:
    """Sign the desk in as `[mail.oauth]` says (`mail.oauth.sign_in`: show(code, url, message), then the approval
    awaited, or for Google ask(prompt) for the redirected address) and keep the tokens."""
    if mail is None:
        raise InputError(MAIL_OFF_FIX)
    if mail.oauth is None:
        raise InputError(NO_OAUTH_FIX)
    return sign_in(mail.oauth, mail.oauth.token_file, clock, show, ask)


def sign_in_health(mail: MailSettings | None, now: datetime) -> TokenHealth | None:
    """Whether the desk's mailbox sign-in holds; None when the desk signs in with no OAuth2."""
    if mail is None or mail.oauth is None:
        return None
    return token_health(mail.oauth, mail.oauth.token_file, now)

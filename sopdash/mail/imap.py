"""One IMAP folder read through imapclient: its UIDVALIDITY, the UIDs after a given one, a message's bytes, a
handled message moved or flagged, and waiting for new mail (IDLE where the server offers it, else a pause).

It decides nothing: which UIDs to take and when a message is safe to move is `desk/imap_intake.py`'s business.
Every failure of the connection, the sign-in or the server is an `ImapError` whose text says which side failed
and what to do; `login` tells a refused sign-in (a person must act) from a dropped connection (try again).
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path

from imapclient import IMAPClient, SocketTimeout
from imapclient import exceptions as imap_errors

from sopdash.core.errors import SopdashError
from sopdash.mail.imap_settings import ImapSettings

TIMEOUT_S = 60.0  # a server that says nothing for this long is taken as gone (IDLE waits are shorter)
CONNECT_TIMEOUT_S = 15.0  # a server not answering a new connection this soon is tried again after the back-off
IDLE_RENEW_S = 25 * 60  # RFC 2177: re-issue IDLE before the server's 30-minute inactivity timer
BODY = b"BODY[]"


class ImapError(SopdashError):
    """The IMAP server could not be reached, refused the sign-in, or failed a command; the text says which."""

    def __init__(self, reason: str, login: bool = False) -> None:
        super().__init__(reason)
        self.login = login


Token = Callable[[], str]  # an OAuth2 access token for the user (mail/oauth.py), fetched when signing in


class ImapFolder:
    """A signed-in connection with one folder selected; a context manager that logs out on leaving."""

    def __init__(self, settings: ImapSettings, token: Token | None = None, timeout: float = TIMEOUT_S) -> None:
        self.settings = settings
        self.client = _connect(settings, timeout)
        try:
            _sign_in(self.client, settings, token)
            selected = _guarded(lambda: self.client.select_folder(settings.folder), f"selecting {settings.folder}")
        except BaseException:
            self.close()
            raise
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        self.idle = self.client.has_capability("IDLE")
        self.movable = self.client.has_capability("MOVE")
        self.target_made = False  # `move_to` known to exist on the server

    def __enter__(self) -> ImapFolder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def uids_after(self, uid: int) -> list[int]:
        """The folder's UIDs above uid, oldest first; with handled = "flag", those without the flag."""
        criteria: list = ["UID", f"{uid + 1}:*"]
        if self.settings.handled == "flag":
            criteria += _unflagged(self.settings.flag)
        found = _guarded(lambda: self.client.search(criteria), "searching for new mail")
        return sorted(u for u in found if u > uid)  # `N:*` names the last message even when its UID is below N

    def message(self, uid: int) -> bytes | None:
        """The message's bytes, without marking it read; None if it is gone (expunged meanwhile)."""
        fetched = _guarded(lambda: self.client.fetch([uid], [b"BODY.PEEK[]"]), f"fetching message {uid}")
        data = fetched.get(uid, {}).get(BODY)
        return bytes(data) if data is not None else None

    def mark_handled(self, uid: int) -> None:
        """Move the message to `move_to` (made if missing) or set its flag, as the settings say."""
        if self.settings.handled == "flag":
            _guarded(lambda: self.client.add_flags([uid], [self.settings.flag]), f"flagging message {uid}")
            return
        target = self.settings.move_to
        if not self.target_made and not _guarded(lambda: self.client.folder_exists(target), f"looking for {target}"):
            _guarded(lambda: self.client.create_folder(target), f"creating {target}")
        self.target_made = True
        if self.movable:
            _guarded(lambda: self.client.move([uid], target), f"moving message {uid} to {target}")
            return
        _guarded(lambda: self.client.copy([uid], target), f"copying message {uid} to {target}")
        _guarded(lambda: self.client.delete_messages([uid]), f"deleting message {uid} from {self.settings.folder}")
        _guarded(lambda: self.client.uid_expunge([uid]), f"expunging message {uid}")

    def wait(self, most_s: float) -> None:
        """Until the server announces a change (IDLE) or most_s pass; without IDLE, a pause and a NOOP (which also
        finds a dropped connection)."""
        if not self.idle:
            time.sleep(most_s)
            _guarded(self.client.noop, "asking the server for news")
            return

        def idle() -> None:
            if any(kind in (b"EXISTS", b"RECENT") for _, kind, *_ in _responses(self.client.noop())):
                return  # mail came since the last search: no need to wait
            self.client.idle()
            try:
                self.client.idle_check(timeout=min(most_s, IDLE_RENEW_S))
            finally:
                self.client.idle_done()

        _guarded(idle, "waiting for new mail (IDLE)")

    def close(self) -> None:
        """Log out, or just drop the connection when the server is gone already."""
        try:
            self.client.logout()
        except Exception:  # a dead connection has nothing to log out of
            try:
                self.client.shutdown()
            except Exception:
                pass


def _connect(settings: ImapSettings, timeout: float) -> IMAPClient:
    where = f"{settings.host}:{settings.port}"
    context = ssl.create_default_context()
    try:
        client = IMAPClient(settings.host, settings.port, ssl=settings.security == "tls", ssl_context=context,
                            timeout=SocketTimeout(connect=min(timeout, CONNECT_TIMEOUT_S), read=timeout))
    except ssl.SSLError as error:
        raise ImapError(f"TLS set-up with the IMAP server {where} failed ({error.reason or error}): check host, "
                        "port and security (tls on 993, starttls on 143)") from None
    except (OSError, imap_errors.IMAPClientError) as error:
        raise ImapError(f"cannot reach the IMAP server {where}: {_why(error)}") from None
    if settings.security == "starttls":
        try:
            client.starttls(context)
        except (ssl.SSLError, imap_errors.IMAPClientError, OSError) as error:
            client.shutdown()
            raise ImapError(f"TLS set-up (STARTTLS) with the IMAP server {where} failed ({_why(error)}): check the "
                            'port and security (starttls on 143, tls on 993)') from None
    return client


def _sign_in(client: IMAPClient, settings: ImapSettings, token: Token | None) -> None:
    if settings.auth == "oauth2":
        if token is None:
            raise ImapError('mail.imap.auth = "oauth2" but no token source is set up: run `sopdash mail login`',
                            login=True)
        try:
            access = token()
        except SopdashError as error:  # its text says what to do (run `sopdash mail login`)
            raise ImapError(str(error), login=True) from None
        _login(lambda: client.oauth2_login(settings.user, access), settings, "the OAuth2 token was refused; run "
                                                                             "`sopdash mail login` again")
        return
    password = read_password(settings.password_file)
    _login(lambda: client.login(settings.user, password), settings, "check user and the password in "
                                                                   f"{settings.password_file}")


def _login(call: Callable[[], object], settings: ImapSettings, fix: str) -> None:
    try:
        call()
    except imap_errors.LoginError as error:
        raise ImapError(f"the IMAP server {settings.host} refused the sign-in of {settings.user} "
                        f"({_why(error)}): {fix}", login=True) from None
    except (OSError, imap_errors.IMAPClientError) as error:
        raise ImapError(f"signing in to the IMAP server {settings.host} failed: {_why(error)}") from None


def read_password(path: str) -> str:
    """The IMAP password: the first line of password_file, never the config text."""
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError, UnicodeDecodeError) as error:
        why = "it is empty" if isinstance(error, IndexError) else _why(error)
        raise ImapError(f"cannot read mail.imap.password_file {path}: {why}", login=True) from None


def _guarded(call: Callable, doing: str):
    """call(); a dropped connection or a server's refusal as an ImapError naming what was being done."""
    try:
        return call()
    except (imap_errors.IMAPClientAbortError, OSError, socket.timeout) as error:
        raise ImapError(f"the connection to the IMAP server was lost while {doing}: {_why(error)}") from None
    except imap_errors.IMAPClientError as error:
        raise ImapError(f"the IMAP server refused {doing}: {_why(error)}") from None


def _responses(noop: tuple) -> list[tuple]:
    """The untagged responses a NOOP brought, as (number, kind) tuples."""
    return [r for r in noop[1] if isinstance(r, tuple) and len(r) >= 2]


def _unflagged(flag: str) -> list:
    if flag.lower() == "\\seen":
        return ["UNSEEN"]
    if flag.startswith("\\"):
        return ["UN" + flag[1:].upper()]
    return ["UNKEYWORD", flag]


def _why(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror  # "Connection refused", not its errno
    text = error.args[0] if error.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = str(text) or getattr(error, "strerror", "") or type(error).__name__
    return " ".join(text.split())

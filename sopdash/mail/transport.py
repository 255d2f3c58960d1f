"""How mail leaves the box: one SMTP connection (STARTTLS or TLS; a login with a password or SASL XOAUTH2 with the
desk's Microsoft 365 or Gmail sign-in) or the local sendmail program.

Each transport sorts a refusal into temporary (stays queued: 4xx, timeout, connection refused or lost)
or permanent (fails: 5xx, sendmail's permanent exit codes, or a message that cannot be written out), as
`DeliveryError.temporary`; a fault of one message never ends the session for the others.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import subprocess
from email.errors import MessageError
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

from sopdash.clock import system_clock
from sopdash.core.text import one_line
from sopdash.mail.oauth import SignInError, access_token, xoauth2
from sopdash.mail.settings import MailSettings

CONNECT_TIMEOUT_S = 20.0
SENDMAIL_TIMEOUT_S = 60.0
# what Python's mail code raises for a message (not a connection) it cannot write out
UNSENDABLE = (ValueError, LookupError, MessageError)
# sysexits that sendmail-compatible programs use for "try again later"
SENDMAIL_TEMPORARY = {69, 70, 71, 74, 75}


class DeliveryError(Exception):
    """A transport refused a message; `temporary` says whether a later try may succeed."""

    def __init__(self, reason: str, temporary: bool, connection_lost: bool = False) -> None:
        super().__init__(reason)
        self.reason = one_line(reason)[:300]
        self.temporary = temporary
        self.connection_lost = connection_lost


class SmtpTransport:
    """One SMTP session for many messages: `with SmtpTransport(settings) as t: t.send(message, to)`."""

    def __init__(self, settings: MailSettings, timeout: float = CONNECT_TIMEOUT_S) -> None:
        self.settings = settings
        self.timeout = timeout
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        scheme, host, port = self.settings.smtp_host
        try:
            if scheme == "smtps":
                self.client = smtplib.SMTP_SSL(host, port, timeout=self.timeout, context=ssl.create_default_context())
            else:
                self.client = smtplib.SMTP(host, port, timeout=self.timeout)
                self._starttls()
            self._login()
        except (OSError, smtplib.SMTPException) as error:  # a session that will not start is never the message's fault
            self.close()
            raise DeliveryError(f"cannot reach {self.settings.where()}: {_why(error)}", temporary=True) from None
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self.client is None:
            return
        try:
            self.client.quit()
        except (OSError, smtplib.SMTPException):
            self.client.close()
        self.client = None

    def send(self, message: EmailMessage, to: str) -> None:
        """Hand one message to the server for `to`; DeliveryError if it is refused or the connection drops."""
        assert self.client is not None, "send inside `with`"
        try:
            refused = self.client.send_message(message, from_addr=self.settings.address, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _refusal(smtplib.SMTPResponseException(code, text)) from None
        except smtplib.SMTPResponseException as error:
            raise _refusal(error) from None
        except smtplib.SMTPNotSupportedError as error:  # e.g. an address beyond ASCII to a server without SMTPUTF8
            raise DeliveryError(f"{self.settings.where()} cannot take this message: {error}", temporary=False) from None
        except UNSENDABLE as error:
            raise unsendable(error) from None
        except (OSError, smtplib.SMTPException) as error:
            self.client = None
            raise DeliveryError(f"connection to {self.settings.where()} lost: {_why(error)}", True, True) from None
        if refused:
            code, text = next(iter(refused.values()))
            raise _refusal(smtplib.SMTPResponseException(code, text))

    def _starttls(self) -> None:
        assert self.client is not None
        if not self.settings.starttls:
            return
        self.client.ehlo()
        if not self.client.has_extn("starttls"):
            raise DeliveryError(
                f"{self.settings.where()} does not offer STARTTLS; use smtps:// or set starttls = false", temporary=True
            )
        self.client.starttls(context=ssl.create_default_context())
        self.client.ehlo()

    def _login(self) -> None:
        assert self.client is not None
        if self.settings.smtp_auth == "oauth2":
            self._xoauth2()
        elif self.settings.username:
            self.client.login(self.settings.username, read_password(self.settings))

    def _xoauth2(self) -> None:
        """SASL XOAUTH2 with the desk's sign-in, as `username` (or the desk's address)."""
        assert self.client is not None and self.settings.oauth is not None
        try:
            token = access_token(self.settings.oauth, self.settings.oauth.token_file, system_clock())
        except SignInError as error:  # the mail stays queued until someone signs in again
            self.close()
            raise DeliveryError(str(error), temporary=True) from None
        user = self.settings.username or self.settings.address
        self.client.ehlo_or_helo_if_needed()
        # the initial response carries the token; to the server's error challenge (334) the answer is empty
        self.client.auth("XOAUTH2", lambda challenge=None: xoauth2(user, token) if challenge is None else "",
                         initial_response_ok=True)


class SendmailTransport:
    """The local MTA's sendmail program, one run per message (`sendmail -t -i` reads the recipients)."""

    def __init__(self, settings: MailSettings, timeout: float = SENDMAIL_TIMEOUT_S) -> None:
        self.command = settings.sendmail
        if not any(argument.startswith(("-f", "-r")) for argument in self.command[1:]):
            # the envelope sender is the desk, so a bounce comes back to intake, not to whoever ran the command
            self.command = (*self.command, "-f", settings.address)
        self.timeout = timeout

    def __enter__(self) -> SendmailTransport:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, trace: TracebackType | None) -> None:
        return None

    def send(self, message: EmailMessage, to: str) -> None:
        """Pipe one message to the program; its exit code says sent, try later or failed."""
        try:
            data = message.as_bytes()
        except UNSENDABLE as error:
            raise unsendable(error) from None
        try:
            done = subprocess.run(self.command, input=data, capture_output=True, timeout=self.timeout, check=False)
        except FileNotFoundError:
            raise DeliveryError(f"no sendmail program at {self.command[0]}; fix mail.sendmail", temporary=True) from None
        except (OSError, subprocess.TimeoutExpired) as error:
            raise DeliveryError(f"{self.command[0]} did not run: {_why(error)}", temporary=True) from None
        if done.returncode:
            said = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
            raise DeliveryError(f"{self.command[0]}: {said}", temporary=done.returncode in SENDMAIL_TEMPORARY)


def open_transport(settings: MailSettings, timeout: float = CONNECT_TIMEOUT_S) -> SmtpTransport | SendmailTransport:
    """The transport the settings name (use it in a `with`)."""
    return SendmailTransport(settings) if settings.sendmail else SmtpTransport(settings, timeout)


def read_password(settings: MailSettings) -> str:
    """The SMTP password from `password_file` (first line), never from the config text."""
    if not settings.password_file:
        raise DeliveryError("mail.username is set but mail.password_file is not", temporary=True)
    try:
        return Path(settings.password_file).read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError, UnicodeDecodeError) as error:
        raise DeliveryError(f"cannot read mail.password_file {settings.password_file}: {_why(error)}", True) from None


def unsendable(error: Exception) -> DeliveryError:
    """A message Python's mail code cannot put on the wire: refused for good, never retried."""
    return DeliveryError(f"cannot be written as mail: {_why(error)}", temporary=False)


def _refusal(error: smtplib.SMTPResponseException) -> DeliveryError:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return DeliveryError(f"{error.smtp_code} {text}", temporary=not 500 <= error.smtp_code < 600)


def _why(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return _refusal(error).reason
    if isinstance(error, (socket.timeout, TimeoutError, subprocess.TimeoutExpired)):
        return "timed out"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__

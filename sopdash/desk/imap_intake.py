"""`mail fetch --imap [--watch]`: the desk's IMAP folder taken in, each message exactly once across restarts.

For each new UID, oldest first: the message is read (not marked read), handed to `Intake.receive` (kept and
ticketized, or known already by the duplicate index), and only then moved away or flagged on the server; then
the folder's UIDVALIDITY and the last UID handled are remembered among the kept files (`intake/imap-….state.json`,
beside the store or in PostgreSQL). A crash before the move leaves the message on the server, and the next run
finds it a duplicate and moves it; a new UIDVALIDITY (the folder rebuilt) starts again from the first message,
and again the duplicate index stops each one handled before. A message sopdash fails on is quarantined by
intake and moved like any other; one the store could not take (locked, unreachable) ends the round and is tried
again. A dropped connection is reconnected with back-off; every round's success or failure goes to intake's
health record.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import NoReturn

import msgspec

from sopdash.core.errors import InputError, SopdashError
from sopdash.core.text import one_line
from sopdash.desk.actions import Desk
from sopdash.desk.intake import EX_DATAERR, EX_OK, EX_SOFTWARE, EX_TEMPFAIL, Intake, Outcome
from sopdash.desk.intake_health import record_failure, record_success
from sopdash.desk.mail_login import NO_OAUTH_FIX
from sopdash.mail.imap import ImapError, ImapFolder, Token
from sopdash.mail.oauth import access_token
from sopdash.mail.imap_settings import ImapSettings

SOURCE = "imap"
BACKOFF_S = (1, 2, 4, 8, 15, 30, 60, 120, 300)

Say = Callable[[str], None]


class FolderState(msgspec.Struct, kw_only=True):
    """What was handled in one folder: its UIDVALIDITY and the highest UID handled under it."""

    folder: str
    uidvalidity: int = 0
    last_uid: int = 0


class ImapIntake:
    """One desk's IMAP folder, drained into its store."""

    def __init__(self, intake: Intake, settings: ImapSettings, token: Token | None, say: Say) -> None:
        self.intake, self.settings, self.token, self.say = intake, settings, token, say
        self.kept = intake.kept
        key = hashlib.sha256(f"{settings.host}\0{settings.port}\0{settings.user}\0{settings.folder}".encode())
        self.state_name = f"intake/imap-{key.hexdigest()[:16]}.state.json"

    @classmethod
    def on(cls, desk: Desk, say: Say) -> ImapIntake:
        """The desk's IMAP intake; an InputError naming the fix when `[mail.imap]` is not set."""
        intake = Intake.on(desk)
        if intake.settings.imap is None:
            raise InputError('no IMAP mailbox is set: add [mail.imap] to the desk\'s settings (host, user, '
                             'password_file or auth = "oauth2"; see the README, "IMAP intake")')
        return cls(intake, intake.settings.imap, _token(intake), say)

    def fetch_once(self) -> int:
        """Connect, take every new message in, log out; the number handled. An ImapError (recorded) if the server
        cannot be reached or refuses; a SopdashError if the store cannot take mail now."""
        try:
            with self._open() as folder:
                return self._drain(folder)
        except ImapError as error:
            self._failed(error)
            raise

    def watch(self) -> NoReturn:
        """Take mail in as it arrives (IDLE, or a poll every poll_s), reconnecting with back-off, until stopped."""
        failures = 0
        while True:
            try:
                with self._open() as folder:
                    failures = 0
                    self.say(f"sopdash: watching {self.settings.where()} "
                             f"({'IDLE' if folder.idle else f'every {self.settings.poll_s:g} s'})")
                    while True:
                        self._drain(folder)
                        folder.wait(self.settings.poll_s)
            except SopdashError as error:  # the server gone or refusing, or the store locked
                if isinstance(error, ImapError):
                    self._failed(error)
                pause = BACKOFF_S[min(failures, len(BACKOFF_S) - 1)]
                failures += 1
                self.say(f"sopdash: {one_line(str(error))}; trying again in {pause} s")
                time.sleep(pause)

    def _open(self) -> ImapFolder:
        return ImapFolder(self.settings, self.token)

    def _drain(self, folder: ImapFolder) -> int:
        """Every message after the last one handled, until a search finds none (the server may announce mail
        that arrives meanwhile in the answer to any command, where waiting would not hear of it)."""
        state = self._state(folder.uidvalidity)
        handled = 0
        while uids := folder.uids_after(state.last_uid):
            for uid in uids:
                handled += self._handle(folder, uid)
                state.last_uid = uid
                self._save(state)
        record_success(self.kept, SOURCE, self.intake.clock())
        return handled

    def _handle(self, folder: ImapFolder, uid: int) -> int:
        """One message taken in and then moved or flagged (1), or left on the server (0)."""
        outcome = self._take(folder, uid)
        if outcome is None:
            return 0
        self.say(f"{uid}: {outcome.line()}")
        if outcome.exit_code == EX_TEMPFAIL:
            raise SopdashError(f"message {uid} stays on the server: {outcome.reason}")
        if outcome.exit_code not in (EX_OK, EX_DATAERR):
            return 0
        folder.mark_handled(uid)
        return 1

    def _take(self, folder: ImapFolder, uid: int) -> Outcome | None:
        """The message handed to intake; None if it was gone from the server."""
        raw = folder.message(uid)
        if raw is None:
            return None
        try:
            return self.intake.receive(raw)
        except SopdashError as error:
            return Outcome("deferred", one_line(str(error)), exit_code=EX_TEMPFAIL)
        except Exception as error:  # left on the server for a person; the next message goes on
            return Outcome("failed", f"internal error: {type(error).__name__}: {error}; left on the server",
                           exit_code=EX_SOFTWARE)

    def _state(self, uidvalidity: int) -> FolderState:
        """The folder's state; started afresh (and said so) when the server's UIDVALIDITY changed."""
        try:
            data = self.kept.find(self.state_name)
            state = msgspec.json.decode(data, type=FolderState) if data else None
        except msgspec.DecodeError:
            state = None  # a damaged record: start again; the duplicate index stops what was handled
        if state is not None and state.uidvalidity == uidvalidity:
            return state
        if state is not None:
            self.say(f"sopdash: {self.settings.folder} was rebuilt on the server (UIDVALIDITY {state.uidvalidity} "
                     f"-> {uidvalidity}): reading it again; mail handled before is recognised and not taken twice")
        state = FolderState(folder=self.settings.folder, uidvalidity=uidvalidity)
        self._save(state)
        return state

    def _save(self, state: FolderState) -> None:
        """Remembered without waiting for the disk: a state lost in a power cut only has messages read again that
        are moved or flagged already, or that the duplicate index stops."""
        self.kept.keep(self.state_name, msgspec.json.encode(state), durable=False)

    def _failed(self, error: ImapError) -> None:
        record_failure(self.kept, SOURCE, self.intake.clock(), str(error))


def _token(intake: Intake) -> Token | None:
    """With `auth = "oauth2"`: a fresh access token from the `[mail.oauth]` sign-in at each connection (renewed
    when near its end; its SignInError says to run `sopdash mail login`)."""
    mail = intake.settings
    if mail.imap is None or mail.imap.auth != "oauth2":
        return None
    oauth = mail.oauth
    if oauth is None:
        raise InputError(f'mail.imap.auth = "oauth2" needs the desk signed in: {NO_OAUTH_FIX}')
    return lambda: access_token(oauth, oauth.token_file, intake.clock())

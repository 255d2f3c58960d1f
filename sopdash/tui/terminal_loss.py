"""The dashboard leaves with its terminal: a hang-up or end of input on its terminal (what a dropped SSH session
leaves behind, signal or not), input with nothing but end-of-file in it (/dev/null), SIGHUP and SIGTERM each end
it within LEAVE_WITHIN_S, its presence removed first.

Left alone, Textual's input thread spins on a hung-up terminal's endless end-of-file and its output thread
stops at the first EIO, so the dashboard would live on, busy and still "viewing". Here a thread waits, without
reading, for the kernel to report the terminal hung up; the app is then asked to exit, and should its own exit
hang on the dead terminal, the process ends itself when the time is up. Every store write is a temp file
renamed into place under the lock, so ending in the middle of one leaves the store as it was.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable

from textual.app import App

LEAVE_WITHIN_S = 1.5
EXIT_HANGUP = 128 + signal.SIGHUP
EXIT_TERMINATED = 128 + signal.SIGTERM


def leave_with_terminal(app: App, before_leaving: Callable[[], None]) -> None:
    """Called once the app is mounted: on a lost terminal, SIGHUP or SIGTERM, before_leaving() and then exit."""
    if app.is_headless:
        return  # a test's pilot: no terminal to lose, and the signals belong to the test runner
    departure = Departure(app, before_leaving)
    signal.signal(signal.SIGHUP, lambda *_: departure.leave(EXIT_HANGUP))
    signal.signal(signal.SIGTERM, lambda *_: departure.leave(EXIT_TERMINATED))
    terminal = {sys.__stdin__.fileno(), sys.__stderr__.fileno()}  # Textual reads stdin and draws on stderr
    threading.Thread(target=departure.watch, args=(terminal,), name="sopdash-terminal", daemon=True).start()


def ended_for_good(fd: int) -> bool:
    """Input that is neither a terminal nor a pipe or socket: every read gives end-of-file, at once."""
    mode = os.fstat(fd).st_mode
    return not (os.isatty(fd) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode))


class Departure:
    """Ending the dashboard once, whichever reason comes first."""

    def __init__(self, app: App, before_leaving: Callable[[], None]) -> None:
        self.app = app
        self.before_leaving = before_leaving
        self.loop = asyncio.get_running_loop()  # the app's: a signal handler or a thread calls into it
        self._leaving = threading.Event()

    def watch(self, descriptors: set[int]) -> None:
        """Wait (asleep, reading nothing) until the terminal hangs up or fails, then leave; input that is at its
        end from the start and for ever (/dev/null, a file) is left at once."""
        if ended_for_good(sys.__stdin__.fileno()):
            self.leave(EXIT_HANGUP)
            return
        poller = select.poll()
        for fd in descriptors:
            poller.register(fd, 0)  # no events asked for: only hang-up and error are reported
        poller.poll()
        self.leave(EXIT_HANGUP)

    def leave(self, code: int) -> None:
        """Ask the app to exit with code, and end the process if it has not within LEAVE_WITHIN_S."""
        if self._leaving.is_set():
            return
        self._leaving.set()
        threading.Thread(target=self._end, args=(code,), name="sopdash-leaving", daemon=True).start()
        try:
            self.loop.call_soon_threadsafe(self._exit_app, code)
        except RuntimeError:  # the app's loop has ended: the process is on its way out already
            pass

    def _exit_app(self, code: int) -> None:
        self.before_leaving()
        self.app.exit(code, return_code=code)

    def _end(self, code: int) -> None:
        time.sleep(LEAVE_WITHIN_S)
        self.before_leaving()
        os._exit(code)

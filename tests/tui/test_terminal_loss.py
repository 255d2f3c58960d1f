"""The real dashboard process on a pseudo-terminal leaves with its terminal: closing the terminal without any
signal (the dashboard is in a session of its own, as under `su -c`), SIGHUP and SIGTERM each end it within
2 s, its presence entry gone, without spinning meanwhile."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

LEAVES_WITHIN_S = 2.0
MARGIN_S = 0.5
MAX_CPU_WHILE_LEAVING_S = 1.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@pytest.fixture
def demo_store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    config = tmp_path / "config.toml"
    config.write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    env = {**os.environ, "TERM": "xterm-256color", "SOPDASH_CONFIG": str(config)}
    env.pop("SOPDASH_NOW", None)
    store = tmp_path / "tickets.json"
    subprocess.run([sys.executable, "-m", "sopdash", "demo", "--db", str(store)], env=env, check=True,
                   capture_output=True, timeout=60)
    return store, env


class Dashboard:
    """`sopdash --db STORE` on a new pty, in a session of its own: closing the pty sends it no SIGHUP."""

    def __init__(self, store: Path, env: dict[str, str], stdin: int | None = None) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sopdash", "--db", str(store)],
            stdin=slave if stdin is None else stdin, stdout=slave, stderr=slave, env=env, start_new_session=True,
        )
        os.close(slave)
        self.presence = Path(f"{store}.presence")
        self.drawn = 0

    def entry(self) -> list[Path]:
        """This dashboard's presence file, if there is one."""
        return list(self.presence.glob(f"*.{self.process.pid}.json")) if self.presence.is_dir() else []

    def wait_until_shown(self, within_s: float = 30.0) -> None:
        """Read what it draws until it has drawn and announced itself."""
        start = time.monotonic()
        while not (self.drawn and self.entry()):
            assert time.monotonic() - start < within_s, "the dashboard never drew and announced itself"
            self.drain(0.1)

    def drain(self, timeout_s: float) -> None:
        if self.master >= 0 and select.select([self.master], [], [], timeout_s)[0]:
            try:
                self.drawn += len(os.read(self.master, 65536))
            except OSError:
                pass

    def close_terminal(self) -> None:
        os.close(self.master)
        self.master = -1

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def wait_for_exit(self, within_s: float) -> tuple[int | None, float]:
        """(exit status, CPU seconds in all) once it ended, or (None, 0) if it was still running after within_s."""
        start = time.monotonic()
        while time.monotonic() - start < within_s:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.process.returncode = os.waitstatus_to_exitcode(status)
                return self.process.returncode, usage.ru_utime + usage.ru_stime
            self.drain(0.05)
        return None, 0.0

    def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            self.process.wait()
        if self.master >= 0:
            os.close(self.master)


@pytest.mark.parametrize("how", ["terminal closed", "SIGHUP", "SIGTERM"])
def test_the_dashboard_leaves_with_its_terminal(demo_store, how: str):
    dashboard = Dashboard(*demo_store)
    try:
        dashboard.wait_until_shown()
        (entry,) = dashboard.entry()
        cpu_before = dashboard.cpu_s()
        if how == "terminal closed":
            dashboard.close_terminal()
        else:
            dashboard.process.send_signal(getattr(signal, how))
        status, cpu_total = dashboard.wait_for_exit(LEAVES_WITHIN_S + MARGIN_S)
        assert status is not None, f"the dashboard was still running {LEAVES_WITHIN_S + MARGIN_S} s after: {how}"
        assert status == (143 if how == "SIGTERM" else 129)
        assert not entry.exists(), "its presence entry is still there"
        assert cpu_total - cpu_before < MAX_CPU_WHILE_LEAVING_S
    finally:
        dashboard.stop()


def test_input_that_is_only_end_of_file_ends_the_dashboard(demo_store):
    dashboard = Dashboard(*demo_store, stdin=subprocess.DEVNULL)
    try:
        status, _ = dashboard.wait_for_exit(20.0)
        assert status == 129, "the dashboard kept reading the end of /dev/null"
        assert dashboard.entry() == []
    finally:
        dashboard.stop()

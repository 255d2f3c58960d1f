"""A throw-away pgbouncer in transaction pooling mode in front of a test cluster: Debian's pgbouncer, run as the
cluster's owner (it refuses root) from a temp directory, listening only on a Unix socket there."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pg_cluster import Cluster, _owner, _run_as_owner

PGBOUNCER = Path("/usr/sbin/pgbouncer")
PORT = 6432


@dataclass
class Pooler:
    root: Path

    def url(self, role: str, database: str) -> str:
        return f"postgresql://{role}@{quote(str(self.root), safe='')}:{PORT}/{database}"

    def stop(self) -> None:
        pidfile = self.root / "pgbouncer.pid"
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass
        shutil.rmtree(self.root, ignore_errors=True)


def start_pooler(cluster: Cluster, roles: list[str]) -> Pooler:
    """pgbouncer in transaction mode, trusting roles (as the cluster does); OSError if it cannot start here."""
    if not PGBOUNCER.exists():
        raise OSError(f"no {PGBOUNCER} (apt-get install pgbouncer)")
    root = Path(tempfile.mkdtemp(prefix="sopdash-pgbouncer-"))
    (root / "users.txt").write_text("".join(f'"{role}" ""\n' for role in roles))
    (root / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={cluster.socket_dir} port=5432\n\n[pgbouncer]\nlisten_addr =\nlisten_port = {PORT}\n"
        f"unix_socket_dir = {root}\nauth_type = trust\nauth_file = {root}/users.txt\npool_mode = transaction\n"
        f"logfile = {root}/pgbouncer.log\npidfile = {root}/pgbouncer.pid\n"
    )
    if os.geteuid() == 0:
        shutil.chown(root, _owner())
        for name in ("users.txt", "pgbouncer.ini"):
            shutil.chown(root / name, _owner())
    pooler = Pooler(root)
    try:
        _run_as_owner([str(PGBOUNCER), "-d", str(root / "pgbouncer.ini")])
        deadline = time.monotonic() + 10
        while not (root / f".s.PGSQL.{PORT}").exists():
            if time.monotonic() > deadline:
                raise OSError(f"pgbouncer did not start: {(root / 'pgbouncer.log').read_text(errors='replace')[-500:]}")
            time.sleep(0.05)
    except (OSError, subprocess.CalledProcessError):
        pooler.stop()
        raise
    return pooler

"""A throw-away PostgreSQL cluster for the tests and the speed scripts: Debian's server, run from a temp directory.

PostgreSQL refuses to run as root, so under root the server (and initdb) run as the `postgres` user; as
anyone else they run as that user. The server listens only on a Unix socket in the cluster's own
directory, so it never meets the machine's own cluster or another test run's.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

POSTGRES_BIN = Path(os.environ.get("SOPDASH_PG_BIN", "/usr/lib/postgresql/15/bin"))
PORT = 5432  # only names the socket file: the socket lives in the cluster's private directory
START_TIMEOUT_S = 60
PREFIX = "sopdash-pg-"
CREATOR = "creator.pid"  # the process that started the cluster: when it is gone, the cluster is an orphan


class ClusterUnavailable(Exception):
    """No PostgreSQL server could be started here; the message says why."""


@dataclass
class Cluster:
    """A running server: its directory, socket directory and the superuser to connect as."""

    root: Path
    superuser: str

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, user: str | None = None, database: str = "postgres") -> str:
        """A postgresql:// URL for user (default: the superuser) on database, through the socket."""
        host = quote(str(self.socket_dir), safe="")
        return f"postgresql://{user or self.superuser}@{host}:{PORT}/{database}"

    def stop(self) -> None:
        """Stop the server at once (if it still runs) and remove its directory."""
        self.halt("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def halt(self, mode: str = "fast") -> None:
        """Stop the server (if it still runs), keeping its directory."""
        if (self.data_dir / "postmaster.pid").exists():
            try:
                _run_as_owner([str(POSTGRES_BIN / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", mode, "-w"])
            except subprocess.CalledProcessError:
                pass  # already gone, leaving its pid file behind


def start_cluster(fsync: bool = False) -> Cluster:
    """initdb a new cluster in a temp directory and start it; ClusterUnavailable if that cannot be done here.

    fsync=False is for tests (nothing to keep); the speed scripts measure with it on, as a real server runs.
    """
    stop_orphans()
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    try:
        (root / CREATOR).write_text(str(os.getpid()))
        return _started(root, fsync)
    except ClusterUnavailable:
        shutil.rmtree(root, ignore_errors=True)
        raise


def kept_cluster(root: Path, fsync: bool = False) -> Cluster:
    """The cluster in root, made there if it is not yet, started if it is not running; `halt` stops it and keeps its
    data, so a speed script can measure again without filling its databases again."""
    if (root / "data" / "PG_VERSION").exists():
        cluster = Cluster(root, _owner())
        if not (cluster.data_dir / "postmaster.pid").exists():
            _run_as_owner(_start_command(cluster, fsync))
        return cluster
    root.mkdir(parents=True, exist_ok=True)
    return _started(root, fsync)


def _started(root: Path, fsync: bool) -> Cluster:
    initdb = POSTGRES_BIN / "initdb"
    if not initdb.exists():
        raise ClusterUnavailable(f"no PostgreSQL server programs in {POSTGRES_BIN} (apt-get install postgresql-15)")
    owner = _owner()
    cluster = Cluster(root, owner)
    try:
        cluster.socket_dir.mkdir()
        if os.geteuid() == 0:
            entry = pwd.getpwnam(owner)
            for path in (root, cluster.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        _run_as_owner([str(initdb), "-D", str(cluster.data_dir), "-U", owner, "-A", "trust", "--no-sync",
                       "-E", "UTF8", "--locale", "C"])
        _run_as_owner(_start_command(cluster, fsync))
    except (OSError, subprocess.CalledProcessError) as error:
        log = root / "server.log"
        detail = log.read_text(errors="replace")[-500:] if log.exists() else getattr(error, "stderr", "") or error
        raise ClusterUnavailable(f"could not start PostgreSQL: {detail}") from None
    return cluster


def _start_command(cluster: Cluster, fsync: bool) -> list[str]:
    options = f"-k {cluster.socket_dir} -p {PORT} -c listen_addresses='' -c fsync={'on' if fsync else 'off'}"
    if not fsync:
        options += " -c synchronous_commit=off -c full_page_writes=off"
    return [str(POSTGRES_BIN / "pg_ctl"), "start", "-D", str(cluster.data_dir), "-w", "-t", str(START_TIMEOUT_S),
            "-l", str(cluster.root / "server.log"), "-o", options]


def stop_orphans() -> None:
    """Stop and remove the clusters of test runs that died without stopping theirs (killed by a timeout, say)."""
    for root in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            creator = int((root / CREATOR).read_text())
            os.kill(creator, 0)
            continue  # its test run is still going
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge: being set up, or someone else's
        Cluster(root, _owner()).stop()


def _owner() -> str:
    """Who runs the server: `postgres` when we are root (the server refuses root), else ourselves."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterUnavailable("running as root and there is no `postgres` user to run the server as") from None
    return "postgres"


def _run_as_owner(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", _owner(), "--", *command]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=START_TIMEOUT_S, cwd="/")

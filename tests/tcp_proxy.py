"""A TCP proxy in front of a test cluster's Unix socket that can go silent, as a NAT or load balancer that drops a
connection without telling either side: `stall()` stops forwarding on every connection (their sockets stay open,
so TCP itself notices nothing), `resume()` lets new connections through again (the stalled ones stay dead)."""

from __future__ import annotations

import select
import socket
import threading
from pathlib import Path


class SilentProxy:
    """Forwards 127.0.0.1:port to the server's socket until stalled."""

    def __init__(self, socket_dir: Path, port: int = 5432) -> None:
        self.target = str(socket_dir / f".s.PGSQL.{port}")
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.blackhole = False
        self._dead: set[int] = set()
        self._open: list[tuple[int, socket.socket, socket.socket]] = []
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._serial = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, role: str, database: str) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{database}"

    def stall(self) -> None:
        """Every connection open now goes silent for good; new ones are accepted and go nowhere."""
        with self._lock:
            self.blackhole = True
            self._dead.update(serial for serial, _, _ in self._open)

    def resume(self) -> None:
        """New connections are forwarded again."""
        with self._lock:
            self.blackhole = False

    def close(self) -> None:
        self._closing.set()
        self.listener.close()
        with self._lock:
            for _, client, server in self._open:
                for sock in (client, server):
                    sock.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.target)
            with self._lock:
                self._serial += 1
                serial = self._serial
                self._open.append((serial, client, server))
                if self.blackhole:
                    self._dead.add(serial)
            threading.Thread(target=self._pump, args=(serial, client, server), daemon=True).start()

    def _pump(self, serial: int, client: socket.socket, server: socket.socket) -> None:
        other = {client: server, server: client}
        while not self._closing.is_set():
            if serial in self._dead:
                self._closing.wait(0.1)
                continue
            try:
                ready, _, _ = select.select([client, server], [], [], 0.1)
                for sock in ready:
                    if serial in self._dead:
                        break
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    other[sock].sendall(data)
            except OSError:
                client.close()
                server.close()
                return

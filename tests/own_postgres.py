"""A PostgreSQL server of the test's own, to stop and start at will (never the shared one).

``initdb`` in a temporary folder owned by the ``postgres`` user, served on a free local port with
``pg_ctl`` run as that user (PostgreSQL refuses to run as root), trust authentication.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from tests.api.receivers import free_port

SERVER_USER = "postgres"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed here")
    return found[-1]


class OwnPostgres:
    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="actas-pg-"))
        self.data = self.folder / "data"
        shutil.chown(self.folder, user=SERVER_USER)
        self._as_server_user(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_server_user(self, *command: str) -> None:
        line = " ".join(f"'{part}'" for part in command)
        subprocess.run(
            ["su", SERVER_USER, "-c", line],
            check=True,
            capture_output=True,
            env={**os.environ, "LC_ALL": "C"},
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = str(self.folder / "server.log")
        self._as_server_user(
            _bin("pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        """A fast shutdown: connected sessions are ended, as when the server restarts."""
        self._as_server_user(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def __enter__(self) -> OwnPostgres:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

"""Faults, measured through real processes: what a dying, stopping or cut-off component costs.

    python bench/faults.py

- ``kill -9`` of ``actas worker`` mid-backlog (SMTP answering in 0.5 s): messages delivered twice,
  and how long until a new worker has delivered the rest (``ACTAS_DELIVERY_LEASE=3``).
- SIGTERM mid-backlog: seconds until the worker exits, messages delivered twice (none expected).
- A PostgreSQL restart under ``actas serve`` (its own server, never the shared one): 503 answers
  while it is down, seconds from the server being back to the first 200 on the same connection,
  and ``/readyz`` p50.
Needs PostgreSQL's binaries (``initdb``, ``pg_ctl``) and runs the server as the postgres user.
"""

from __future__ import annotations

import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.api.receivers import MailServer, free_port  # noqa: E402
from tests.own_postgres import OwnPostgres  # noqa: E402

ACTAS = str(Path(sys.executable).with_name("actas"))


def backlog(folder: Path, proposals: int = 20) -> tuple[str, list[str]]:
    url = f"sqlite://{folder / 'backlog.sqlite3'}"
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.api.backlog_seed", url, str(proposals)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    keys: list[str] = orjson.loads(seeded.stdout)["keys"]
    return url, keys


def worker(url: str, mail: MailServer) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "ACTAS_DATABASE_URL": url,
        "ACTAS_SMTP_PORT": str(mail.port),
        "ACTAS_WORKER_INTERVAL": "0.1",
        "ACTAS_DELIVERY_LEASE": "3",
    }
    return subprocess.Popen(
        [ACTAS, "worker"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def duplicates(mail: MailServer) -> int:
    return sum(n - 1 for n in mail.repeats().values())


def killed_worker() -> None:
    with tempfile.TemporaryDirectory() as folder, MailServer() as mail:
        url, keys = backlog(Path(folder))
        mail.delay = 0.5
        dying = worker(url, mail)
        mail.arrived.wait(30)
        time.sleep(0.2)
        dying.send_signal(signal.SIGKILL)
        dying.wait()
        mail.delay = 0.0
        started = time.monotonic()
        taking_over = worker(url, mail)
        while len(mail.once_each()) < len(keys) and time.monotonic() - started < 60:
            time.sleep(0.05)
        took = time.monotonic() - started
        taking_over.send_signal(signal.SIGTERM)
        taking_over.wait(20)
        print(
            f"kill -9 mid-backlog ({len(keys)} emails): {duplicates(mail)} delivered twice; "
            f"the rest delivered {took:.1f} s after a new worker started (lease 3 s)"
        )


def stopped_worker() -> None:
    with tempfile.TemporaryDirectory() as folder, MailServer() as mail:
        url, keys = backlog(Path(folder))
        mail.delay = 0.5
        stopping = worker(url, mail)
        mail.arrived.wait(30)
        asked = time.monotonic()
        stopping.send_signal(signal.SIGTERM)
        stopping.wait(60)
        took = time.monotonic() - asked
        print(
            f"SIGTERM mid-backlog ({len(keys)} emails): exited {took:.2f} s later, "
            f"{len(mail.received)} sent, {duplicates(mail)} delivered twice"
        )


def wait_until_serving(port: int) -> None:
    for _ in range(600):
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            probe.close()
    raise RuntimeError("actas serve did not start")


def restarted_database() -> None:
    with OwnPostgres() as postgres:
        environment = {**os.environ, "ACTAS_DATABASE_URL": postgres.url}
        subprocess.run([ACTAS, "db", "migrate"], env=environment, check=True, capture_output=True)
        token = subprocess.run(
            [ACTAS, "token", "create", "--email", "bench@example.org", "--name", "Bench"],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        port = free_port()
        server = subprocess.Popen(
            [ACTAS, "serve", "--port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_serving(port)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            body = orjson.dumps({"query": "{ viewer { user { name } } }"})
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

            def status(method: str, path: str) -> int:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                return response.status

            ready = []
            for _ in range(50):
                started = time.perf_counter()
                status("GET", "/readyz")
                ready.append((time.perf_counter() - started) * 1000)
            status("POST", "/graphql")
            postgres.stop()
            unavailable = sum(status("POST", "/graphql") == 503 for _ in range(5))
            postgres.start()
            back = time.monotonic()
            while status("POST", "/graphql") != 200:
                time.sleep(0.05)
            print(
                f"PostgreSQL restart: {unavailable}/5 requests answered 503 while down; first 200 "
                f"{time.monotonic() - back:.2f} s after it was back, on the same connection; "
                f"/readyz p50 {statistics.median(ready):.1f} ms"
            )
        finally:
            server.terminate()
            server.wait(20)


if __name__ == "__main__":
    killed_worker()
    stopped_worker()
    restarted_database()

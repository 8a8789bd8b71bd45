"""A database outage, through a real ``actas serve`` on a PostgreSQL server of the test's own
(stopped and started again, as a restart or failover does; never the shared one).

While the database is down, requests get ``503`` with ``Retry-After`` and a JSON error on the
same HTTP/1.1 keep-alive connection, ``/readyz`` says not ready and why, ``/healthz`` stays up;
once it is back, the same connection is served again.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.api.receivers import free_port
from tests.own_postgres import OwnPostgres

ACTAS = str(Path(sys.executable).with_name("actas"))
VIEWER = orjson.dumps({"query": "{ viewer { user { name } } }"})


@pytest.fixture(scope="module")
def postgres() -> Iterator[OwnPostgres]:
    with OwnPostgres() as server:
        yield server


@pytest.fixture(scope="module")
def api(postgres: OwnPostgres) -> Iterator[tuple[int, str]]:
    """(port, token) of ``actas serve`` on the migrated database."""
    environment = {**os.environ, "ACTAS_DATABASE_URL": postgres.url}
    subprocess.run([ACTAS, "db", "migrate"], env=environment, check=True, capture_output=True)
    token = subprocess.run(
        [ACTAS, "token", "create", "--email", "ops@example.org", "--name", "Ops"],
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
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, server)
        yield port, token
    finally:
        server.terminate()
        server.communicate(timeout=20)


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    give_up = time.monotonic() + 30
    while time.monotonic() < give_up:
        assert server.poll() is None, server.communicate()[1].decode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise AssertionError("actas serve did not start")


class KeptConnection:
    """One HTTP/1.1 connection; any reconnection (the server closed it) fails the test."""

    def __init__(self, port: int, token: str) -> None:
        self.token = token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.connection.connect()
        assert self.connection.sock is not None
        self.socket = self.connection.sock

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, Any, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        self.connection.request(method, path, body=body, headers=headers)
        assert self.connection.sock is self.socket, "the server closed the connection"
        response = self.connection.getresponse()
        raw = response.read()
        assert response.getheader("connection", "").lower() != "close"
        is_json = response.getheader("content-type", "").startswith("application/json")
        return response.status, response.headers, orjson.loads(raw) if is_json else raw

    def close(self) -> None:
        self.connection.close()


def test_an_outage_answers_503_with_retry_after_on_a_connection_that_stays_open(
    postgres: OwnPostgres, api: tuple[int, str]
) -> None:
    client = KeptConnection(*api)
    try:
        status, _, body = client.request("POST", "/graphql", VIEWER)
        assert (status, body["data"]["viewer"]["user"]["name"]) == (200, "Ops")

        postgres.stop()
        for _ in range(3):  # the pool's lost connections, then refused new ones
            status, headers, body = client.request("POST", "/graphql", VIEWER)
            assert status == 503
            assert int(headers["Retry-After"]) > 0
            assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        status, headers, body = client.request("GET", "/readyz")
        assert (status, body["ready"], body["reason"]) == (503, False, "database unreachable")
        assert int(headers["Retry-After"]) > 0
        assert client.request("GET", "/healthz")[::2] == (200, b"ok")  # alive: not restarted

        postgres.start()
        give_up = time.monotonic() + 10
        while (status := client.request("POST", "/graphql", VIEWER)[0]) == 503:
            assert time.monotonic() < give_up, "still 503 ten seconds after the database is back"
            time.sleep(0.2)
        assert status == 200
        assert client.request("GET", "/readyz")[::2] == (200, {"ready": True})
    finally:
        client.close()


def test_readyz_says_not_ready_while_the_database_lacks_a_migration_the_code_needs(
    postgres: OwnPostgres, api: tuple[int, str]
) -> None:
    client = KeptConnection(*api)
    latest = "SELECT max(name) FROM tortoise_migrations"
    name = _psql(postgres, latest)
    try:
        _psql(postgres, f"DELETE FROM tortoise_migrations WHERE name = '{name}'")
        status, _, body = client.request("GET", "/readyz")
        assert (status, body["reason"]) == (503, "migrations pending")
        assert name in body["detail"]
    finally:
        _psql(
            postgres,
            f"INSERT INTO tortoise_migrations (app, name, applied_at) "
            f"VALUES ('models', '{name}', now())",
        )
        client.close()
    again = KeptConnection(*api)
    assert again.request("GET", "/readyz")[::2] == (200, {"ready": True})
    again.close()


def _psql(postgres: OwnPostgres, sql: str) -> str:
    done = subprocess.run(
        ["psql", postgres.url, "-tAc", sql], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()

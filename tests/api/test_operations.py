"""Operating actas: JSON logs with a request id, Prometheus metrics of requests, the outbox and
the worker's rounds.

The served API is a real ``actas serve`` process on its own SQLite file (its stderr is what a log
collector reads); the worker's counters are read from the registry after real rounds against a
real SMTP server.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from prometheus_client import REGISTRY

from actas.api import clock, prometheus
from actas.api.app import create_app
from actas.api.domain.vocabulary import ParticipantRole
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings, SettingsError, load_settings
from actas.api.worker import one_round
from tests.api.receivers import MailServer, free_port, fresh_era
from tests.api.test_outbox import worker_settings, world_in
from tests.factories import opened

ACTAS = str(Path(sys.executable).with_name("actas"))
WHO = {"query": "query Who { viewer { user { name } } }"}


@pytest.fixture
async def app_client(database: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(database))  # the session's database is open
    async with httpx.AsyncClient(transport=transport, base_url="http://actas") as client:
        yield client


def test_the_served_api_writes_json_lines_with_the_request_id_and_counts_each_operation(
    tmp_path: Path,
) -> None:
    environment = {
        **os.environ,
        "ACTAS_DATABASE_URL": f"sqlite://{tmp_path / 'served.sqlite3'}",
        "ACTAS_LOG_FORMAT": "json",
        # (without it, reading the settings warns before they say how to log: a plain line)
        "ACTAS_SECRET_KEY": "a secret key for the operations test, 32+ characters",
    }
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
        [ACTAS, "serve", "--port", str(port)], env=environment, stderr=subprocess.PIPE
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            _wait_until_up(client)
            asked = client.post(
                "/graphql",
                json=WHO,
                headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-42"},
            )
            metrics = client.get("/metrics").text
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=20)

    assert asked.status_code == 200 and asked.headers["X-Request-ID"] == "req-42"
    lines = [orjson.loads(line) for line in errors.splitlines() if line.startswith(b"{")]
    assert lines and len(lines) == len(errors.splitlines())  # every line is JSON
    [logged] = [line for line in lines if line.get("request_id") == "req-42"]
    assert logged["name"] == "actas.access"
    assert (logged["method"], logged["path"], logged["status"]) == ("POST", "/graphql", 200)
    assert logged["operation"] == "Who" and logged["duration_ms"] > 0
    count = re.search(
        r'actas_request_duration_seconds_count\{operation="Who",status="200"\} (\S+)', metrics
    )
    assert count and float(count.group(1)) == 1.0
    assert "actas_outbox_due " in metrics


def _wait_until_up(client: httpx.Client) -> None:
    give_up = time.monotonic() + 30
    while time.monotonic() < give_up:
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("actas serve did not start")


async def test_a_request_id_is_the_clients_when_sensible_else_a_new_one(
    app_client: httpx.AsyncClient,
) -> None:
    kept = await app_client.get("/healthz", headers={"X-Request-ID": "edge-7f3a"})
    assert kept.headers["X-Request-ID"] == "edge-7f3a"
    for unusable in ("", "two words", "x" * 129, 'quote"d'):
        fresh = await app_client.get("/healthz", headers={"X-Request-ID": unusable})
        assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["X-Request-ID"])
    first, second = [(await app_client.get("/healthz")).headers["X-Request-ID"] for _ in range(2)]
    assert first != second


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_the_worker_counts_rounds_and_deliveries_and_the_outbox_shows_what_waits(
    database: Settings, mail: MailServer, app_client: httpx.AsyncClient
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    with clock.frozen_at(era):
        await deliver_due(settings)  # what setting the world up queued
    sent, rounds = (
        metric("actas_deliveries_total", outcome="sent"),
        metric("actas_schedule_rounds_total", outcome="ok"),
    )
    with clock.frozen_at(era + timedelta(hours=1)):
        await opened(world, participants={"ana": ParticipantRole.REQUIRED})
    with clock.frozen_at(era + timedelta(hours=2)):  # the invitation has waited an hour
        await prometheus.refresh_outbox_gauges()
        assert metric("actas_outbox_due") >= 1
        assert metric("actas_outbox_oldest_due_seconds") >= 3600
        scraped = (await app_client.get("/metrics")).text
        assert re.search(r"^actas_outbox_pending [1-9]", scraped, re.MULTILINE)
        report = await one_round(settings)
        await asyncio.to_thread(mail.arrived.wait, 5)

    assert report.delivery.sent >= 1
    assert metric("actas_deliveries_total", outcome="sent") == sent + report.delivery.sent
    assert metric("actas_schedule_rounds_total", outcome="ok") == rounds + 1


def test_operations_settings_refuse_what_they_cannot_use() -> None:
    assert load_settings({}).log_format == "text"
    assert load_settings({}).worker_metrics_port is None
    assert load_settings({"ACTAS_DELIVERY_LEASE": "45"}).delivery_lease == 45.0
    for bad in (
        {"ACTAS_LOG_FORMAT": "xml"},
        {"ACTAS_DELIVERY_LEASE": "0"},
        {"ACTAS_DELIVERY_LEASE": "five minutes"},
        {"ACTAS_WORKER_METRICS_PORT": "70000"},
    ):
        with pytest.raises(SettingsError):
            load_settings(bad)

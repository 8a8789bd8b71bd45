"""The worker under faults: it stops on SIGTERM after the messages in hand, keeps its leases alive
while it sends, and a dead worker's messages wait only as long as ``ACTAS_DELIVERY_LEASE``.

Real processes and receivers: ``actas worker`` as a service manager runs it, an aiosmtpd server
that answers slowly, the injectable clock running on real seconds for leases.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import orjson
import pytest

from actas.api import clock
from actas.api.domain.vocabulary import DeliveryStatus, ParticipantRole
from actas.api.models import Delivery
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings
from tests.api.receivers import MailServer, free_port, fresh_era
from tests.api.test_outbox import worker_settings, world_in
from tests.factories import opened

ROOT = Path(__file__).resolve().parents[2]
SLOW_SMTP = 0.5  # seconds the SMTP server takes to accept each message


def seed_backlog(url: str, proposals: int) -> list[str]:
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.api.backlog_seed", url, str(proposals)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    keys: list[str] = orjson.loads(seeded.stdout)["keys"]
    return keys


def stored_deliveries(database: Path) -> list[tuple[str, str, int, str | None]]:
    with contextlib.closing(sqlite3.connect(database)) as stored:
        rows: list[tuple[str, str, int, str | None]] = stored.execute(
            "SELECT key, status, attempts, claimed_until FROM delivery WHERE channel = 'email'"
        ).fetchall()
    return rows


def test_sigterm_stops_the_worker_after_the_messages_in_hand_losing_and_repeating_none(
    tmp_path: Path, mail: MailServer
) -> None:
    database = tmp_path / "backlog.sqlite3"
    url = f"sqlite://{database}"
    keys = seed_backlog(url, proposals=20)
    environment = {
        **os.environ,
        "ACTAS_DATABASE_URL": url,
        "ACTAS_SMTP_PORT": str(mail.port),
        "ACTAS_WORKER_INTERVAL": "0.1",
    }
    actas = str(Path(sys.executable).with_name("actas"))
    mail.delay = SLOW_SMTP
    metrics_port = free_port()
    worker = subprocess.Popen(
        [actas, "worker"],
        env={**environment, "ACTAS_WORKER_METRICS_PORT": str(metrics_port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert mail.arrived.wait(30), "the worker sent nothing"
        # (its metrics are served meanwhile; the counters fill as rounds end)
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
        assert "actas_deliveries_total" in scraped and "actas_schedule_rounds_total" in scraped
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0, errors.decode()
    assert b"Stopping after the messages in hand." in errors

    # What arrived is exactly what is recorded as sent: the messages in hand were finished and
    # recorded; the rest of the backlog was not started, and was released (no lease left).
    rows = stored_deliveries(database)
    sent = {key for key, status, _, _ in rows if status == DeliveryStatus.SENT}
    waiting = [
        (status, attempts, lease) for key, status, attempts, lease in rows if key not in sent
    ]
    assert {m.message_id for m in mail.received} == {f"<{key}@actas>" for key in sent}
    assert not mail.repeats()
    assert len(waiting) >= len(keys) // 2, "the backlog was sent before SIGTERM: proves nothing"
    assert set(waiting) == {(DeliveryStatus.PENDING, 0, None)}

    # The next worker finds the rest due at once, not after a lease: everything arrives once.
    mail.delay = 0.0
    once = subprocess.run(
        [actas, "worker", "--once"], env=environment, capture_output=True, text=True, timeout=60
    )
    assert once.returncode == 0, once.stderr
    assert sorted(m.message_id for m in mail.received) == sorted(f"<{k}@actas>" for k in keys)
    assert not mail.repeats()


async def test_a_slow_worker_renews_its_lease_so_no_other_worker_sends_the_same_message(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail, ACTAS_DELIVERY_LEASE="0.6")
    with clock.frozen_at(era):
        await deliver_due(settings)  # what setting the world up queued
    mail.clear()
    with clock.running_from(era + timedelta(hours=1)):
        await opened(world, participants={"ana": ParticipantRole.REQUIRED})
        mail.delay = 2.0  # over three leases
        slow = asyncio.create_task(deliver_due(settings))
        assert await asyncio.to_thread(mail.arrived.wait, 10)
        others = []
        while not slow.done():  # another worker keeps trying, past the lease
            others.append(await deliver_due(settings))
            await asyncio.sleep(0.1)
        report = await slow

    assert report.sent == 1
    assert len(others) > 10 and sum(r.sent + r.failed for r in others) == 0
    assert len(mail.received) == 1


async def test_a_dead_workers_message_is_sent_again_once_its_configured_lease_runs_out(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail, ACTAS_DELIVERY_LEASE="30")
    with clock.frozen_at(era):
        await deliver_due(settings)  # what setting the world up queued
    mail.clear()
    t0 = era + timedelta(hours=1)
    with clock.frozen_at(t0):
        await opened(world, participants={"ana": ParticipantRole.REQUIRED})
        [invitation] = await Delivery.filter(
            organisation_id=world.organisation.id, status=DeliveryStatus.PENDING
        )
        mail.delay = 0.3
        dying = asyncio.create_task(deliver_due(settings))
        assert await asyncio.to_thread(mail.arrived.wait, 10)
        dying.cancel()  # killed after sending, before recording
        with pytest.raises(asyncio.CancelledError):
            await dying
        mail.delay = 0.0
    with clock.frozen_at(t0 + timedelta(seconds=29)):
        assert (await deliver_due(settings)).sent == 0  # still leased to the dead worker
    with clock.frozen_at(t0 + timedelta(seconds=31)):
        assert (await deliver_due(settings)).sent == 1  # 30 s, not the default 5 minutes

    # At least once: the receiver got it twice and dedupes by Message-ID.
    assert [m.message_id for m in mail.received] == [f"<{invitation.key}@actas>"] * 2
    await invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == (DeliveryStatus.SENT, 1)

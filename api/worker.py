"""The worker: takes the schedule's due steps and sends the outbox, round after round.

Run as many as you like (``actas worker``): steps are taken once and deliveries claimed with a
lease, so two workers never send the same message. SIGTERM or SIGINT stops it after the messages
in hand (sent and recorded); what it claimed and did not start is released for the next worker.
Each round runs in a fresh task: after a PostgreSQL restart, a long-lived task keeps failing on
its released connection, a new one recovers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from actas.api import prometheus
from actas.api.services.idempotency import purge_expired
from actas.api.services.outbox import RoundReport, deliver_due
from actas.api.services.schedule import ScheduleReport, run_schedule
from actas.api.settings import Settings

log = logging.getLogger("actas.worker")


@dataclass(frozen=True)
class Round:
    schedule: ScheduleReport
    delivery: RoundReport


async def one_round(settings: Settings, stop: asyncio.Event | None = None) -> Round:
    """Take the due steps, then send what is due (including what those steps just queued).
    Once ``stop`` is set, the round ends after the messages in hand."""
    try:
        schedule = await run_schedule()
        prometheus.SCHEDULE_ROUNDS.labels("ok").inc()
    except Exception:
        log.exception("The schedule failed this round; it is retried next round.")
        prometheus.SCHEDULE_ROUNDS.labels("failed").inc()
        schedule = ScheduleReport()
    for kind, taken in schedule.steps.items():
        prometheus.SCHEDULE_STEPS.labels(kind).inc(taken)
    try:
        await purge_expired()
    except Exception:
        log.exception("Expired idempotency keys could not be purged; retried next round.")
    total = RoundReport()
    try:
        while stop is None or not stop.is_set():
            report = await deliver_due(settings, stop=stop)
            total += report
            _count(report)
            if report == RoundReport() or report.failed:
                break  # nothing left, or a channel is failing: wait for the next round
    except Exception:
        log.exception("Delivery failed this round; it is retried next round.")
    return Round(schedule, total)


def _count(report: RoundReport) -> None:
    for outcome, number in (
        ("sent", report.sent),
        ("failed", report.failed),
        ("skipped", report.skipped),
    ):
        prometheus.DELIVERIES.labels(outcome).inc(number)


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    while not stop.is_set():
        result = await asyncio.create_task(one_round(settings, stop))
        if result.schedule.steps or result.delivery != RoundReport():
            log.info("steps %s, %s", result.schedule.steps, result.delivery)
        if settings.worker_metrics_port is not None:
            with contextlib.suppress(Exception):  # figures may lag a round, never stop the worker
                await asyncio.create_task(prometheus.refresh_outbox_gauges())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.worker_interval)

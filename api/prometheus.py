"""Prometheus metrics: what the API and the worker count, and ``/metrics``.

- ``actas_request_duration_seconds{operation,status}``: each HTTP request (GraphQL operations by
  name), measured by ``observability.RequestLog``.
- ``actas_query_cost{operation}``: a GraphQL answer's ``extensions.cost``, when it has one.
- ``actas_outbox_pending``, ``actas_outbox_due``, ``actas_outbox_oldest_due_seconds``: the
  outbox, read from the database when scraped (the same from every process).
- ``actas_deliveries_total{outcome}`` and ``actas_schedule_rounds_total{outcome}``,
  ``actas_schedule_steps_total{kind}``: counted by the worker, served on
  ``ACTAS_WORKER_METRICS_PORT``.

Several ``uvicorn`` worker processes: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder and each
process writes its figures there; ``/metrics`` then adds them up (prometheus_client's
multiprocess mode). Without it, each process counts only its own requests.
"""

from __future__ import annotations

import os
import re

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

from actas.api import clock
from actas.api.domain.vocabulary import DeliveryStatus
from actas.api.models import Delivery

# Operation names are chosen by clients: only well-formed names, and at most this many, get a
# series of their own (the rest are "other"), so a client cannot grow the metrics without bound.
MAX_OPERATIONS = 200
OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_operations_seen: set[str] = set()

REQUEST_SECONDS = Histogram(
    "actas_request_duration_seconds",
    "HTTP requests by GraphQL operation name (or route) and status.",
    ["operation", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERY_COST = Histogram(
    "actas_query_cost",
    "The cost a GraphQL answer reports in extensions.cost.",
    ["operation"],
    buckets=(1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000),
)
OUTBOX_PENDING = Gauge(
    "actas_outbox_pending", "Deliveries not yet sent or given up.", multiprocess_mode="mostrecent"
)
OUTBOX_DUE = Gauge(
    "actas_outbox_due", "Pending deliveries due now.", multiprocess_mode="mostrecent"
)
OUTBOX_OLDEST_DUE = Gauge(
    "actas_outbox_oldest_due_seconds",
    "How long the longest-waiting due delivery has been due (0 when none is).",
    multiprocess_mode="mostrecent",
)
DELIVERIES = Counter(
    "actas_deliveries_total", "Delivery attempts by outcome (sent, failed, skipped).", ["outcome"]
)
SCHEDULE_ROUNDS = Counter(
    "actas_schedule_rounds_total", "Schedule rounds by outcome (ok, failed).", ["outcome"]
)
SCHEDULE_STEPS = Counter("actas_schedule_steps_total", "Schedule steps taken, by kind.", ["kind"])


def operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    if name in _operations_seen:
        return name
    if not OPERATION_NAME.fullmatch(name) or len(_operations_seen) >= MAX_OPERATIONS:
        return "other"
    _operations_seen.add(name)
    return name


async def refresh_outbox_gauges() -> None:
    """Read the outbox's state into its gauges (three queries on the status index)."""
    now = clock.now()
    pending = Delivery.filter(status=DeliveryStatus.PENDING)
    due = pending.filter(next_attempt_at__lte=now)
    OUTBOX_PENDING.set(await pending.count())
    OUTBOX_DUE.set(await due.count())
    oldest = await due.order_by("next_attempt_at").only("id", "next_attempt_at").first()
    OUTBOX_OLDEST_DUE.set((now - oldest.next_attempt_at).total_seconds() if oldest else 0.0)


def registry() -> CollectorRegistry:
    """The process's own registry, or every process's figures in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
        return combined
    from prometheus_client import REGISTRY

    return REGISTRY


async def metrics(request: Request) -> Response:
    """``GET /metrics`` in Prometheus' text format (reads the database, changes nothing)."""
    await refresh_outbox_gauges()
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)

"""What operators need beside the API: health checks, metrics, request logs, and the middleware
that keeps a database outage an answer (503) rather than a crash. Mounted by ``app.create_app``."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from actas.api import health, prometheus
from actas.api.observability import RequestLog
from actas.api.settings import Settings


def operational_routes(settings: Settings) -> list[BaseRoute]:
    return [
        Route("/healthz", health.alive, methods=["GET"]),
        Route("/readyz", health.ready, methods=["GET"]),
        Route("/metrics", prometheus.metrics, methods=["GET"]),
    ]


def operational_middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: the request log sees every answer, including the 503 of an outage."""
    return [Middleware(RequestLog), Middleware(health.DatabaseOutage)]

"""What operators need beside the API: health checks, and the middleware that keeps a database
outage an answer (503) rather than a crash. Mounted by ``app.create_app``."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from actas.api import health
from actas.api.settings import Settings


def operational_routes(settings: Settings) -> list[BaseRoute]:
    return [
        Route("/healthz", health.alive, methods=["GET"]),
        Route("/readyz", health.ready, methods=["GET"]),
    ]


def operational_middleware(settings: Settings) -> list[Middleware]:
    """Innermost last: a database outage becomes a 503 before anything else sees an exception."""
    return [Middleware(health.DatabaseOutage)]

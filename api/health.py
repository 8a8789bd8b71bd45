"""Health checks, and the answer while the database is out.

- ``/healthz``: the process is alive and serving (it never touches the database, so a database
  outage does not get every API process restarted by its supervisor).
- ``/readyz``: this process can serve requests now: the database answers and has every migration
  this code needs. A load balancer sends traffic only to ready processes.
- While the database is unreachable, any request that needs it gets ``503`` with
  ``Retry-After`` and a JSON error body, instead of an exception escaping to the server (which
  answered ``500`` and closed the connection); the connection stays open for the retry.
"""

from __future__ import annotations

import asyncio
import logging
import socket

import asyncpg
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import DBConnectionError

from actas.api import db

log = logging.getLogger("actas.health")

RETRY_AFTER_SECONDS = 5  # PostgreSQL restarts in a second or two; a failover takes longer
READINESS_TIMEOUT_SECONDS = 3.0  # an unanswered probe is a failed one

# What the database driver raises when the server cannot be reached or has gone away (not
# errors in a query): refused or reset sockets, timeouts, DNS, the server shutting down or still
# starting, and connections the pool has lost mid-use.
DATABASE_UNAVAILABLE: tuple[type[BaseException], ...] = (
    ConnectionError,  # refused, reset, aborted; includes Tortoise's DBConnectionError
    TimeoutError,
    socket.gaierror,
    DBConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up
    asyncpg.InterfaceError,  # "connection has been released", "another operation in progress"
)


def unavailable() -> Response:
    body = {
        "errors": [
            {
                "message": "The database is unavailable; retry shortly.",
                "extensions": {"code": "SERVICE_UNAVAILABLE"},
            }
        ]
    }
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def alive(request: Request) -> Response:
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})


async def ready(request: Request) -> Response:
    """200 when the database answers and is migrated, else 503 saying which is missing."""
    try:
        await asyncio.wait_for(db.ensure_migrated(), READINESS_TIMEOUT_SECONDS)
    except db.MigrationsPending as pending:
        return _not_ready("migrations pending", str(pending))
    except DATABASE_UNAVAILABLE as error:
        return _not_ready("database unreachable", type(error).__name__)
    return JSONResponse({"ready": True}, headers={"Cache-Control": "no-store"})


def _not_ready(reason: str, detail: str) -> Response:
    return JSONResponse(
        {"ready": False, "reason": reason, "detail": detail},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
    )


class DatabaseOutage:
    """Answer 503 + Retry-After to a request the database failed under, if nothing was sent yet."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except DATABASE_UNAVAILABLE as error:
            if started:
                raise
            log.warning("Database unavailable (%s): answered 503.", type(error).__name__)
            await unavailable()(scope, receive, send)

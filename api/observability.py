"""Logs and request metrics: one line per request with its request id, as text or JSON.

- ``ACTAS_LOG_FORMAT=json`` writes every log record as one JSON object (python-json-logger),
  ``text`` (the default) as a readable line; both carry the request id.
- The request id is the client's ``X-Request-ID`` when it sends a sensible one (a reverse proxy
  usually does), else a new one; it is echoed in the response's ``X-Request-ID`` and attached to
  every log record written while the request runs.
- ``RequestLog`` times each HTTP request into ``actas_request_duration_seconds`` by GraphQL
  operation name, and the query cost an answer reports into ``actas_query_cost``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

import orjson
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from actas.api import prometheus
from actas.api.settings import Settings

REQUEST_ID_HEADER = "X-Request-ID"
SENSIBLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@=+/-]{1,128}")  # no spaces, quotes or CR/LF
# The operation a GraphQL document names first, when the request does not say which it runs.
NAMED_OPERATION = re.compile(rb"^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
MAX_INSPECTED_BYTES = 1_000_000  # larger answers are not parsed for their cost

request_id: ContextVar[str] = ContextVar("actas_request_id", default="-")
access_log = logging.getLogger("actas.access")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request it was written in ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def logging_config(settings: Settings) -> dict[str, Any]:
    """A ``logging.dictConfig`` for the API and the worker; uvicorn applies it in every process."""
    formatter: dict[str, Any] = (
        {"()": "pythonjsonlogger.json.JsonFormatter", "format": JSON_FIELDS}
        if settings.log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "actas",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"actas": formatter},
        "handlers": {"actas": handler},
        "root": {"handlers": ["actas"], "level": "INFO"},
        "loggers": {  # uvicorn's own handlers would print each line twice
            name: {"handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


class RequestLog:
    """Request id, one access log line and the request's metrics, for every HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        token = request_id.set(given if SENSIBLE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex)
        exchange = _Exchange(scope["path"] == "/graphql")
        started = time.perf_counter()
        try:
            await self.app(scope, exchange.receiving(receive), exchange.sending(send))
        finally:
            self._record(scope, exchange, time.perf_counter() - started)
            request_id.reset(token)

    @staticmethod
    def _record(scope: Scope, exchange: _Exchange, seconds: float) -> None:
        operation = exchange.operation() if exchange.graphql else None
        label = prometheus.operation_label(operation) if exchange.graphql else _route(scope)
        prometheus.REQUEST_SECONDS.labels(label, str(exchange.status)).observe(seconds)
        cost = exchange.cost()
        if cost is not None:
            prometheus.QUERY_COST.labels(label).observe(cost)
        access_log.info(
            "%s %s %s %.1f ms %s",
            scope["method"],
            scope["path"],
            exchange.status,
            seconds * 1000,
            operation or "",
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "status": exchange.status,
                "duration_ms": round(seconds * 1000, 2),
                "operation": operation,
                "cost": cost,
            },
        )


def _route(scope: Scope) -> str:
    """A bounded label for another path: its first segment (``/archive/x/y`` is ``/archive``)."""
    first = "/" + str(scope["path"]).lstrip("/").split("/", 1)[0]
    return first if first in {"/", "/healthz", "/readyz", "/metrics", "/p", "/archive"} else "other"


class _Exchange:
    """What passed through one request: its status, and for GraphQL its body and answer."""

    def __init__(self, graphql: bool) -> None:
        self.graphql = graphql
        self.status = 500  # until the app starts an answer: what the server would send
        self.request = bytearray()
        self.answer = bytearray()

    def receiving(self, receive: Receive) -> Receive:
        async def wrapped() -> Message:
            message = await receive()
            if self.graphql and len(self.request) < MAX_INSPECTED_BYTES:
                self.request += message.get("body", b"")
            return message

        return wrapped

    def sending(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id.get()
            elif self.graphql and len(self.answer) < MAX_INSPECTED_BYTES:
                self.answer += message.get("body", b"")
            await send(message)

        return wrapped

    def operation(self) -> str | None:
        """The operation the request asked for: ``operationName``, else the document's first."""
        try:
            body = orjson.loads(self.request)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(body, dict):
            return None
        name = body.get("operationName")
        if isinstance(name, str) and name:
            return name
        query = body.get("query")
        found = NAMED_OPERATION.match(query.encode()) if isinstance(query, str) else None
        return found.group(1).decode() if found else None

    def cost(self) -> float | None:
        """``extensions.cost`` of the answer. Extensions come last in the (compact) JSON, so only
        that tail is parsed, not the whole answer again."""
        at = self.answer.rfind(b'"extensions":')
        if at < 0:
            return None
        try:
            extensions = orjson.loads(bytes(self.answer[at + len(b'"extensions":') : -1]))
        except orjson.JSONDecodeError:
            return None
        cost = extensions.get("cost") if isinstance(extensions, dict) else None
        if isinstance(cost, dict):  # {"requested": 12, "limit": 1000}
            cost = cost.get("requested")
        return float(cost) if isinstance(cost, int | float) else None

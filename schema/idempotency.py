"""``Idempotency-Key`` on GraphQL mutation requests (the rules: ``services/idempotency.py``).

The request runs inside the key's transaction with its answer held back; a clean answer (no
GraphQL error) is stored under the key before the transaction commits and sent after; any other
answer rolls the whole request back and is sent as it is, so the retry runs afresh. Queries and
requests without the header pass straight through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from graphql import GraphQLError, OperationType, parse
from graphql.language import OperationDefinitionNode
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from actas.api.domain.errors import DomainError
from actas.api.services import idempotency
from actas.api.services.idempotency import Answer

HEADER = "idempotency-key"
REPLAYED = "Idempotent-Replayed"  # Stripe's name for "this is the stored answer"

Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


def idempotently(app: Asgi, user_id: int, body: bytes) -> ASGIApp:
    """``app`` for this request, run once per ``Idempotency-Key`` when it is a mutation."""

    async def run(scope: Scope, receive: Receive, send: Send) -> None:
        raw_key = Headers(scope=scope).get(HEADER)
        request = _mutation_request(body) if raw_key is not None else None
        if raw_key is None or request is None:
            await app(scope, receive, send)
            return
        try:
            key = idempotency.valid_key(raw_key)
            await _once(app, user_id, key, request, scope, receive, send)
        except DomainError as error:
            await _refused(error)(scope, receive, send)

    return run


class _RolledBack(Exception):
    """Leaves the key's transaction without committing (the answer is not to be kept)."""


async def _once(
    app: Asgi,
    user_id: int,
    key: str,
    request: dict[str, Any],
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    held = _HeldAnswer()
    try:
        async with idempotency.claimed(user_id, key, idempotency.fingerprint(request)) as claim:
            if claim.stored is not None:
                await _replay(claim.stored)(scope, receive, send)
                return
            await app(scope, receive, held.send)
            answer = held.answer()
            if not _keepable(answer):
                raise _RolledBack
            await claim.store(answer)
    except _RolledBack:
        pass
    await held.release(send)  # after the commit: an answer sent is an answer stored


class _HeldAnswer:
    """The ASGI messages of an answer, kept until the transaction has committed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def send(self, message: Message) -> None:
        self.messages.append(message)

    def answer(self) -> Answer:
        start = next(m for m in self.messages if m["type"] == "http.response.start")
        headers = Headers(raw=start.get("headers", []))
        body = b"".join(
            m.get("body", b"") for m in self.messages if m["type"] == "http.response.body"
        )
        return Answer(start["status"], headers.get("content-type", "application/json"), body)

    async def release(self, send: Send) -> None:
        for message in self.messages:
            await send(message)


def _keepable(answer: Answer) -> bool:
    """A complete answer: the mutation ran, and anything it refused is a typed result."""
    if answer.status_code != 200:
        return False
    try:
        return "errors" not in orjson.loads(answer.body)
    except orjson.JSONDecodeError:
        return False


def _mutation_request(body: bytes) -> dict[str, Any] | None:
    """The request, if it is a single GraphQL mutation (anything else is left to GraphQL)."""
    try:
        request = orjson.loads(body)
        document = parse(request["query"])
    except (orjson.JSONDecodeError, GraphQLError, KeyError, TypeError):
        return None
    if not isinstance(request, dict):
        return None
    name = request.get("operationName")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if name is None or (o.name and o.name.value == name)]
    if len(chosen) != 1 or chosen[0].operation != OperationType.MUTATION:
        return None
    return request


def _replay(answer: Answer) -> Response:
    return Response(
        answer.body,
        status_code=answer.status_code,
        media_type=answer.content_type,
        headers={REPLAYED: "true"},
    )


def _refused(error: DomainError) -> Response:
    status = 422 if isinstance(error, idempotency.KeyReused) else 400
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code.upper()}}]}
    return JSONResponse(body, status_code=status)

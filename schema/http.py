"""GraphQL over HTTP: bearer-token authentication, content negotiation and status codes.

- Every request needs ``Authorization: Bearer <token>``; without a valid one the answer is 401
  before any GraphQL runs. Only the GraphiQL page itself (when enabled) loads without one;
  it and its files are the package's own (``graphiql_page``), with no CDN.
- A client that accepts ``application/graphql-response+json`` gets that media type and the
  GraphQL-over-HTTP status codes (4xx when the request could not be executed); others get
  ``application/json`` with status 200, as classic clients expect.
- A body over ``max_body_bytes`` is refused with 413 before it is parsed; an operation running
  past ``time_limit`` is stopped (its database work cancelled) and answered with an error; a
  token that has spent its hourly budget gets 429 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import orjson
from graphql import GraphQLError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import TokenScope
from actas.api.services.access import load_viewer
from actas.api.services.tokens import Credentials, authenticate
from actas.api.settings import Settings
from actas.schema.context import Context
from actas.schema.graphiql_page import graphiql_page, graphiql_routes
from actas.schema.idempotency import idempotently
from actas.schema.limits import RATE_LIMITED
from actas.schema.loaders import Loaders
from actas.schema.root import build_schema
from actas.schema.websockets import TextFrames

if TYPE_CHECKING:  # strawberry's request adapter type, from its own dependency
    from cross_web import AsyncHTTPRequestAdapter

NOBODY = Viewer(user_id=0, memberships={}, scope=TokenScope.READ)  # sees nothing
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
log = logging.getLogger("actas.http")


class ActasGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames  # text frames for browsers (``schema.websockets``)

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=settings.queries_via_get,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=settings.cors_origins,
        )
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        if self.settings.graphiql and self.should_render_graphql_ide_for(request):
            # Served here: strawberry would build the request context (which needs a token)
            # before deciding to render the page.
            page = await self.render_graphql_ide(request)
            await page(scope, receive, send)
            return
        credentials = await authenticate(_bearer(request))
        if credentials is None:
            await _unauthorised()(scope, receive, send)
            return
        scope.setdefault("state", {})["credentials"] = credentials
        try:
            body = await _body_within(request, self.settings.max_body_bytes)
        except ClientDisconnect:  # the client left; nothing to answer, nothing went wrong
            log.info("Client disconnected before sending its whole request")
            return
        if body is None:
            await _too_large(self.settings.max_body_bytes)(scope, receive, send)
            return
        answer = idempotently(super().__call__, credentials.user_id, body)  # Idempotency-Key
        await answer(scope, _replaying(body, receive), send)

    def asset_routes(self) -> list[BaseRoute]:
        """The files GraphiQL's page loads, at ``/graphql/assets/`` (none when it is off)."""
        return graphiql_routes(self.settings)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page()  # from the package's own files, not strawberry's CDN page

    @staticmethod
    def should_render_graphql_ide_for(request: Request) -> bool:
        accept = request.headers.get("accept", "")
        return (
            request.method == "GET"
            and "query" not in request.query_params
            and ("text/html" in accept or "*/*" in accept)
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if isinstance(request, WebSocket):  # authenticated by on_ws_connect, from its payload
            return Context(viewer=NOBODY, loaders=Loaders(NOBODY), settings=self.settings)
        credentials: Credentials = request.state.credentials
        viewer = await load_viewer(credentials.user_id, credentials.scope)
        return Context(
            viewer=viewer,
            loaders=Loaders(viewer),
            settings=self.settings,
            token_id=credentials.token_id,
        )

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """Runs the operation under the time limit; cancelling it ends its database work and
        gives its connection back. A rate-limited answer becomes a 429 with Retry-After."""
        limit = self.settings.time_limit
        try:
            async with asyncio.timeout(limit):
                result = await super().execute_operation(
                    request, request_adapter, request_data, context, root_value, sub_response
                )
        except TimeoutError:
            log.warning("Stopped an operation after the time limit of %g s", limit)
            message = f"The query took longer than {limit:g} s and was stopped; ask for less."
            return ExecutionResult(
                data=None, errors=[GraphQLError(message, extensions={"code": "TIME_LIMIT"})]
            )
        retry_after = _retry_after(result)
        if retry_after is not None:
            sub_response.status_code = 429
            sub_response.headers["Retry-After"] = str(retry_after)
        return result

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A websocket (graphql-transport-ws) sends its token in ``connection_init``:
        ``{"Authorization": "Bearer <token>"}``; without a valid one the socket closes (4403)."""
        params = context.connection_params or {}
        header = str(params.get("Authorization") or params.get("authorization") or "")
        scheme, _, token = header.partition(" ")
        credentials = await authenticate(token.strip() if scheme.lower() == "bearer" else "")
        if credentials is None:
            raise ConnectionRejectionError({"message": "Send a valid API token."})
        context.viewer = await load_viewer(credentials.user_id, credentials.scope)
        context.loaders = Loaders(context.viewer)
        context.token_id = credentials.token_id
        accepted: UnsetType = UNSET
        return accepted

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        accept = request.headers.get("accept", "")
        sub_response.media_type = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in accept else JSON
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.media_type or JSON
        response.headers["content-type"] = media_type
        refused = response.status_code == 200 and _not_executed(response_data)
        if media_type == GRAPHQL_RESPONSE and refused:  # not a 429, say, set before
            response.status_code = 400
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def _not_executed(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    """A parse or validation failure: no data, and only errors that point at no field."""
    if not isinstance(data, dict) or data.get("data") is not None:
        return False
    errors: list[dict[str, object]] = list(data.get("errors") or [])  # type: ignore[arg-type]
    return bool(errors) and all(not error.get("path") for error in errors)


def _retry_after(
    result: ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult,
) -> int | None:
    """Seconds to wait, if the token's budget refused (one of) the operations."""
    results = result if isinstance(result, list) else [result]
    for one in results:
        for error in getattr(one, "errors", None) or []:
            extensions = error.extensions or {}
            if extensions.get("code") == RATE_LIMITED:
                return int(extensions["retryAfter"])
    return None


async def _body_within(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed ``limit`` bytes (from its
    Content-Length, or while it streams in): a large body is never read whole nor parsed."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands strawberry the body already read, then listens as before."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _too_large(limit: int) -> Response:
    body = {"errors": [{"message": f"The request body is over the limit of {limit} bytes."}]}
    return JSONResponse(body, status_code=413)


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _unauthorised() -> Response:
    body: dict[str, Any] = {
        "errors": [{"message": "Send a valid API token: Authorization: Bearer <token>."}]
    }
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": 'Bearer realm="actas"'})

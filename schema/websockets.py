"""Live updates to browsers: what a websocket sends, and which pages may open one.

- Every message goes out as a text frame. The HTTP answers are encoded to bytes (orjson), and
  strawberry sends bytes as binary frames, which graphql-ws in a browser cannot read ("Message
  is missing the 'type' property"); Python clients read either, so only a browser showed it.
- A page may open a socket from its own origin or from one of ``ACTAS_CORS_ORIGINS``: the
  origins allowed to call the API over HTTP are the ones allowed to subscribe (strawberry checks
  the ``Origin`` of every handshake against its own list, which CORS settings do not reach).
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected


class TextFrames(ASGIWebSocketAdapter):
    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

"""Security headers on every HTTP response of the API process.

Every answer says: don't guess content types (``nosniff``), never show me in a frame
(``X-Frame-Options`` and CSP ``frame-ancestors``), and send no referrer to other sites
(``same-origin``: stricter than ``strict-origin`` towards other sites, while a browser still
sends the ``Origin`` the sign-in form checks; with ``no-referrer`` it would send ``null``).

The Content-Security-Policy depends on what is answered. JSON and text (GraphQL, ``/p``,
health) load nothing: ``default-src 'none'``. The archive's pages get ``archive_policy`` (set
by ``archive_access`` with the build's script hashes). GraphiQL's page (development) sets
``GRAPHIQL_POLICY`` itself (``schema.graphiql_page``): its files come from here, with no inline
script. Any other HTML gets only ``frame-ancestors``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = "frame-ancestors 'none'"
# GraphiQL's own files and its calls to this API (over HTTP and, for subscriptions, a websocket:
# CSP3's 'self' covers ws:/wss: of the same host). Its editors and React set style attributes,
# and its fonts are data: URLs inside its CSS.
GRAPHIQL_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def archive_policy(script_hashes: Iterable[str]) -> str:
    """What the archive's pages need: their own files, the theme's inline scripts (by hash),
    Pagefind's WebAssembly, inline styles (the theme's and the charts' bars; user text never
    carries a style, the sanitiser drops it) and data: images the theme's CSS uses."""
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *script_hashes])
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "manifest-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'"
    )


def adding_headers(send: Send, headers: Mapping[str, str]) -> Send:
    """``send``, with ``headers`` added to the response unless it sets them itself."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = MutableHeaders(scope=message)
            for name, value in headers.items():
                if name not in present:
                    present.append(name, value)
        await send(message)

    return send_with_headers


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers[name] = value
                if "content-security-policy" not in headers:
                    page = headers.get("content-type", "").startswith("text/html")
                    headers["Content-Security-Policy"] = PAGE_POLICY if page else DATA_POLICY
            await send(message)

        await self.app(scope, receive, send_secured)

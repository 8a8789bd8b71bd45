"""Live updates reach a browser: a page on a frontend's own origin, in headless Chromium,
subscribes through graphql-ws from npm (a client actas did not write) and shows a notification
written by someone else; a page on an origin the API does not allow cannot subscribe at all.

Needs Debian's ``chromium``, Playwright and ``npm ci --prefix tests/live/browser`` (``.ci/run``
does it); without them the test is skipped on a developer's machine and fails under ``CI``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.browsers import chromium, missing_browser
from tests.live.test_live_updates import node_id, server, sqlite_env

__all__ = ["sqlite_env"]  # the fixture: a migrated, seeded SQLite file of the test's own

HERE = Path(__file__).parent / "browser"
GRAPHQL_WS = HERE / "node_modules" / "graphql-ws" / "umd" / "graphql-ws.min.js"


class _Frontend(SimpleHTTPRequestHandler):
    """The frontend's static files: the page and graphql-ws, nothing from a CDN."""

    def translate_path(self, path: str) -> str:
        name = path.split("?")[0].lstrip("/")
        return str(GRAPHQL_WS if name == "graphql-ws.min.js" else HERE / "live.html")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def frontend() -> Iterator[str]:
    site = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Frontend, directory=str(HERE)))
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()


@pytest.fixture
def browser() -> Iterator[Any]:
    if not GRAPHQL_WS.exists():
        missing_browser("graphql-ws is not installed: npm ci --prefix tests/live/browser")
    with chromium() as launched:
        yield launched


def argue(base: str, token: str, proposal: int, body: str) -> None:
    mutation = """mutation($p: ID!, $b: String!) {
      addArgument(input: {proposal: $p, stance: FOR, body: $b}) { __typename }
    }"""
    answer = httpx.post(
        f"{base}/graphql",
        json={"query": mutation, "variables": {"p": node_id("Proposal", proposal), "b": body}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.json()["data"]["addArgument"]["__typename"] == "Argument"


def open_page(browser: Any, page_origin: str, api: str, token: str) -> Any:
    page = browser.new_page()
    query = urlencode({"api": api.replace("http://", "ws://") + "/graphql", "token": token})
    page.goto(f"{page_origin}/live.html?{query}")
    return page


def test_a_page_on_an_allowed_origin_gets_live_updates_through_graphql_ws(
    sqlite_env: tuple[dict[str, str], dict[str, Any]], browser: Any, tmp_path: Path
) -> None:
    env, seeded = sqlite_env
    tokens = seeded["tokens"]
    with (
        frontend() as allowed,
        frontend() as elsewhere,
        server({**env, "ACTAS_CORS_ORIGINS": allowed}) as api,
    ):
        page = open_page(browser, allowed, api, tokens["decider"])
        page.wait_for_function("document.getElementById('state').textContent === 'connected'")
        page.wait_for_timeout(500)  # the subscription registers after the handshake
        argue(api, tokens["author"], seeded["proposal"], "Seen from a browser.")
        page.wait_for_function("window.received.length > 0", timeout=15_000)
        received = page.evaluate("window.received")
        failure = page.evaluate("window.failure")
        page.screenshot(path=str(tmp_path / "live.png"))

        stranger = open_page(browser, elsewhere, api, tokens["decider"])
        stranger.wait_for_function("window.failure !== null", timeout=15_000)
        refused = stranger.evaluate("window.failure")
        assert stranger.evaluate("window.received.length") == 0

    assert failure is None
    [told] = received
    assert told["event"]["type"] == "argument.added"
    assert told["event"]["payload"]["body"] == "Seen from a browser."
    assert told["reason"] == "PARTICIPANT"
    assert refused  # the handshake from an origin the API does not allow is refused

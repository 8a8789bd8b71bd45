"""GraphiQL works with no internet: in headless Chromium, with every request to another host
refused, ``/graphql`` shows GraphiQL's editors, a query typed with the token in the Headers tab
runs, and a subscription gets its update over the websocket. The token never enters a URL.

The files are the package's own (``schema/graphiql``): checked against the versions and checksums
its README records, and found in a wheel built from this tree.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from actas.schema.graphiql_page import ASSETS, FOLDER
from tests.browsers import chromium
from tests.live.test_browser_live import argue
from tests.live.test_live_updates import ACTAS, environment, run, seed, server

ROOT = Path(__file__).resolve().parents[2]
EDITOR = ".graphiql-query-editor .CodeMirror"
RESPONSE = ".graphiql-response .CodeMirror"
HEADERS = ".graphiql-editor-tool .CodeMirror:visible"  # the Headers tab, once chosen
# Records what the page's Content-Security-Policy refused, before any of the page's scripts run.
VIOLATIONS = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"""


class Watched:
    """A page whose requests to any origin but the API's are refused and recorded."""

    def __init__(self, browser: Any, api: str) -> None:
        self.api = api
        self.foreign: list[str] = []
        self.sockets: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.add_init_script(VIOLATIONS)
        self.page.route("**/*", self._local_only)
        self.page.on("websocket", lambda socket: self.sockets.append(socket.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _local_only(self, route: Any) -> None:
        url = route.request.url
        if _origin(url) == _origin(self.api):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def open(self, path: str) -> Any:
        self.page.goto(self.api + path, wait_until="load")
        self.page.wait_for_selector(EDITOR, timeout=20_000)
        return self.page

    def type_into(self, editor: str, text: str) -> None:
        """Replaces an editor's text by typing, as a person would (CodeMirror closes brackets
        and quotes as they open; typing the closing one steps over it)."""
        self.page.click(editor)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Escape")  # closes a completion list, if one opened

    def run(self, query: str) -> None:
        self.type_into(EDITOR, query)
        # GraphiQL parses the query half a second after the last key (debounced), and only then
        # knows a subscription for one; a person's click comes later than Playwright's.
        self.page.wait_for_timeout(1_000)
        self.page.click(".graphiql-execute-button")

    def wait_for_response(self, text: str) -> None:
        # A locator, not wait_for_function: the page's policy refuses the eval that one needs.
        self.page.locator(RESPONSE, has_text=text).wait_for(timeout=15_000)

    def response(self) -> str:
        text: str = self.page.inner_text(RESPONSE)
        return text

    def assert_stayed_home(self) -> None:
        assert self.foreign == []
        assert all(_origin(url) == _origin(self.api, websocket=True) for url in self.sockets)
        assert self.page.evaluate("window.__violations") == []
        assert self.errors == []


def _schema_read(response: Any) -> bool:
    """GraphiQL's introspection, answered."""
    body = response.request.post_data or ""
    return response.status == 200 and "IntrospectionQuery" in body


def _origin(url: str, *, websocket: bool = False) -> str:
    parts = urlsplit(url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return f"{scheme if websocket else parts.scheme}://{parts.netloc}"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """A real ``actas serve`` on a migrated, seeded SQLite file, and what the seed made."""
    env = environment(f"sqlite://{tmp_path_factory.mktemp('graphiql') / 'graphiql.sqlite3'}")
    run(env, [*ACTAS, "db", "migrate"])
    seeded = seed(env)
    with server(env) as api:
        yield api, seeded


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_graphiql_runs_a_query_and_a_subscription_with_every_other_host_blocked(
    served: tuple[str, dict[str, Any]], browser: Any, tmp_path: Path
) -> None:
    api, seeded = served
    token = seeded["tokens"]["decider"]
    watched = Watched(browser, api)
    page = watched.open("/graphql")
    assert "Loading…" not in page.inner_text("#graphiql")

    page.click("button:has-text('Headers')")
    with page.expect_response(_schema_read, timeout=15_000):  # the first read got a 401
        watched.type_into(HEADERS, f'{{"Authorization": "Bearer {token}"}}')
    watched.run("{ viewer { user { name } } }")
    watched.wait_for_response("Decider")
    asked = watched.response()

    watched.run("subscription { notifications { reason event { type } } }")
    page.wait_for_timeout(1_000)  # the subscription registers after the handshake
    argue(api, seeded["tokens"]["author"], seeded["proposal"], "Seen in GraphiQL.")
    watched.wait_for_response("argument.added")
    page.screenshot(path=str(tmp_path / "graphiql.png"))
    told = watched.response()

    watched.assert_stayed_home()
    assert '"name": "Decider"' in asked
    assert '"reason": "PARTICIPANT"' in told
    assert watched.sockets == [api.replace("http://", "ws://") + "/graphql"]
    address = page.url
    assert token not in address  # the query went into the URL, the headers did not
    assert "viewer" not in address and "notifications" in address
    assert token in page.evaluate("localStorage.getItem('graphiql:headers')")  # kept here


def test_an_old_link_with_headers_loses_them_and_fills_in_nothing(
    served: tuple[str, dict[str, Any]], browser: Any
) -> None:
    api, seeded = served
    token = seeded["tokens"]["decider"]
    old_link = urlencode(
        {"q": "{ viewer { user { name } } }", "headers": f'{{"Authorization": "Bearer {token}"}}'}
    )
    watched = Watched(browser, api)
    page = watched.open(f"/graphql?{old_link}")
    address = page.url
    page.click(".graphiql-execute-button")
    watched.wait_for_response("Send a valid API token")  # sent without one

    watched.assert_stayed_home()
    assert token not in address and "headers" not in address
    assert urlsplit(address).query.startswith("q=")  # the query stays


def test_the_vendored_files_are_the_versions_the_readme_records() -> None:
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    recorded = dict(
        re.findall(r"\| `([\w.-]+)` \| `[@\w/.-]+` \| `[\w/.-]+` \| `(\w{64})` \|", readme)
    )
    vendored = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in ASSETS.iterdir()
        if path.suffix in {".js", ".css"} and not path.name.startswith("actas-")
    }
    assert len(recorded) == 6
    assert vendored == recorded


def test_the_page_loads_only_files_it_ships() -> None:
    page = (FOLDER / "page.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "data:," in links and len(links) == 9
    for link in links:
        if link != "data:,":
            assert link.startswith("graphql/assets/")
            assert (ASSETS / link.removeprefix("graphql/assets/")).is_file(), link
    assert "<script>" not in page and "http" not in page


def test_a_wheel_built_from_this_tree_ships_graphiql(tmp_path: Path) -> None:
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("api", "schema", "archive"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), source],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("actas-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    shipped = {"actas/schema/graphiql/page.html"} | {
        f"actas/schema/graphiql/assets/{path.name}" for path in ASSETS.iterdir()
    }
    assert len(shipped) == 13
    assert shipped <= names

"""GraphiQL served from the package itself: its page and every file the page loads.

``graphiql/assets/`` holds GraphiQL's, its explorer plugin's and React's built bundles, copied
from npm (versions, checksums and how to refresh them: ``graphiql/README.md``), and actas's own
start-up script and style. The page loads them from ``/graphql/assets/`` (relative links, so a
path prefix in front of the API works too) and nothing from any other host: GraphiQL works on a
machine with no internet, under a Content-Security-Policy that allows only this origin.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from actas.api.security_headers import GRAPHIQL_POLICY
from actas.api.settings import Settings

FOLDER = Path(__file__).with_name("graphiql")
ASSETS = FOLDER / "assets"  # served as they are; the page and the README are not
ASSETS_PATH = "/graphql/assets"


@cache
def _page_html() -> str:
    return (FOLDER / "page.html").read_text(encoding="utf-8")


def graphiql_page() -> HTMLResponse:
    """The GraphiQL page, with the policy that lets it load its own files and only those."""
    return HTMLResponse(_page_html(), headers={"Content-Security-Policy": GRAPHIQL_POLICY})


def graphiql_routes(settings: Settings) -> list[BaseRoute]:
    """The page's files at ``ASSETS_PATH``, when GraphiQL is on (else nothing is served)."""
    if not settings.graphiql:
        return []
    return [Mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="graphiql")]

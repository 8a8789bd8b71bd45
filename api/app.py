"""The ASGI application: the GraphQL API at /graphql and, once built, the archive at /archive/."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute

from actas.api import db
from actas.api.archive_access import ARCHIVE_PATH, ArchiveFiles
from actas.api.archive_login import archive_app
from actas.api.archive_session import ArchiveSessions
from actas.api.domain.references import format_reference, parse_reference
from actas.api.operations import operational_middleware, operational_routes
from actas.api.security_headers import SecurityHeaders
from actas.api.services import live
from actas.api.settings import (
    DEVELOPMENT_SECRET_KEY,
    Settings,
    load_settings,
    require_secret_key,
)
from actas.schema.http import ActasGraphQL

REFERENCE = re.compile(r"[A-Za-z0-9-]+-[0-9]+")  # no dots or slashes: it names a folder
PROPOSAL_QUERY = """query Proposal($reference: String!) {
  proposal(reference: $reference) {
    reference title state summary deadline
    tally { verdict reason missingVoices { name } }
    arguments(first: 50) { nodes { depth stance body author { name } } }
  }
}"""


INBOX_QUERY = """{
  viewer {
    unreadNotificationCount
    waitingForMe { reference title deadline }
    notifications(first: 20, unreadOnly: true) {
      nodes { reason createdAt proposal { reference title } event { type } }
    }
  }
}"""


def inbox_link_target(settings: Settings) -> Response:
    """Where digests link (the link template without a reference): what awaits the reader."""
    if settings.graphiql:
        return RedirectResponse(f"/graphql?{urlencode({'q': INBOX_QUERY})}")
    return PlainTextResponse(
        "No inbox page here: set ACTAS_LINK_TEMPLATE to your frontend's proposal page.",
        status_code=404,
    )


async def proposal_link_target(
    settings: Settings, request: Request, archive: ArchiveFiles, reference: str
) -> Response:
    parsed = parse_reference(reference)
    if parsed is None or not REFERENCE.fullmatch(reference):
        return PlainTextResponse("Not a proposal reference.", status_code=404)
    slug, number = parsed
    canonical = format_reference(slug, number)
    page = await archive.page_for(request, slug, canonical)
    if page is not None:
        return RedirectResponse(f"{ARCHIVE_PATH}/{page}")
    if settings.graphiql:
        query = urlencode({"q": PROPOSAL_QUERY, "variables": f'{{"reference": "{canonical}"}}'})
        return RedirectResponse(f"/graphql?{query}")
    return PlainTextResponse(
        f"{canonical} has no page here: set ACTAS_LINK_TEMPLATE to your frontend's proposal page.",
        status_code=404,
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.open_database(settings)
        await db.ensure_migrated()
        # Everything loaded so far lives as long as the process: keep it out of the garbage
        # collector's way (measured: page query p99 70 ms -> 27 ms, bench/api.py).
        gc.collect()
        gc.freeze()
        await live.start(settings)
        try:
            yield
        finally:
            await live.stop()
            await db.close_database()

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    async def proposal_link(request: Request) -> Response:
        """Where emails link (the default ``ACTAS_LINK_TEMPLATE``): the decision's archive page
        once it is published there, else the proposal in GraphiQL (which asks for the token)."""
        reference = request.path_params["reference"]
        return await proposal_link_target(settings, request, archive, reference)

    async def inbox_link(request: Request) -> Response:
        return inbox_link_target(settings)

    graphql = ActasGraphQL(settings)
    require_secret_key(settings)
    if settings.secret_key == DEVELOPMENT_SECRET_KEY:
        logging.getLogger("actas.settings").warning(
            "ACTAS_SECRET_KEY is not set: archive sign-ins are signed with a key made for this "
            "process (they end when it stops, and other processes do not accept them)"
        )
    sessions = ArchiveSessions(settings.secret_key)
    archive = ArchiveFiles(settings.archive_dir, sessions)
    return Starlette(
        routes=[
            Route("/", home),
            *operational_routes(settings),  # /healthz, /readyz
            Route("/p", inbox_link),
            Route("/p/", inbox_link),
            Route("/p/{reference}", proposal_link),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # live updates (graphql-transport-ws)
            *graphql.asset_routes(),  # GraphiQL's own files, at /graphql/assets/
            # The static archive (`actas archive build`), served beside the API to whom its
            # build is for (`archive_access`); looked up at each request, so a build made
            # while serving shows up without a restart.
            Mount(ARCHIVE_PATH, archive_app(archive, sessions), name="archive"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=[
                    "Authorization",
                    "Content-Type",
                    "Accept",
                    "Idempotency-Key",
                    "X-Request-ID",
                ],
                expose_headers=["X-Request-ID", "Retry-After", "Idempotent-Replayed"],
                max_age=600,
            ),
            *operational_middleware(settings),
        ],
        lifespan=lifespan,
    )

"""The ASGI application: the GraphQL API at /graphql and, once built, the archive at /archive/."""

from __future__ import annotations

import gc
import logging
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
from actas.api.operations import operational_middleware, operational_routes
from actas.api.pages import page_routes
from actas.api.pages.csrf import Csrf
from actas.api.pages.mail import mail_routes
from actas.api.pages.site import Site
from actas.api.security_headers import SecurityHeaders
from actas.api.services import live
from actas.api.services.personal_links import PersonalLinks
from actas.api.settings import Settings, load_settings, require_secret_key
from actas.schema.http import ActasGraphQL

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

    async def inbox_link(request: Request) -> Response:
        return inbox_link_target(settings)

    graphql = ActasGraphQL(settings)
    require_secret_key(settings)
    if settings.uses_development_key:
        logging.getLogger("actas.settings").warning(
            "ACTAS_SECRET_KEY is not set: sign-ins and email links are signed with a "
            "development key derived from the database URL (anyone who knows it can forge them)"
        )
    sessions = ArchiveSessions(settings.signing_key)
    archive = ArchiveFiles(settings.archive_dir, sessions)
    site = Site(
        PersonalLinks(settings.signing_key),
        Csrf(settings.signing_key),
        archive,
        settings.link_template,
    )
    return Starlette(
        routes=[
            Route("/", home),
            *operational_routes(settings),  # /healthz, /readyz
            Route("/p", inbox_link),
            Route("/p/", inbox_link),
            # Where emails link: the proposal page (``api/pages``), or a closed proposal's
            # archive page once it is published there.
            *page_routes(site),
            *mail_routes(settings),  # /mail/: what `actas demo` caught (development only)
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

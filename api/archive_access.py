"""Who may read which file of the archive the API serves at ``/archive/``.

The build says who it is for in its manifest (``archive.published``). A public build is served
to anyone. A members' build is served only to a signed-in member (a bearer token, or the
cookie of ``archive_session``), and only what their memberships allow:

- ``<slug>/…`` and the search index of that organisation (``pagefind/<slug>-<n>/…``, whose
  fragments hold the decisions' text): members of that organisation;
- the home page, feed, sitemap and ``archive.json``, which list every organisation's decisions:
  members of every organisation in the build (a member of only some is sent from the home page
  to their first organisation's page);
- the search and about pages and the 404 page (fixed text): members of any of them, and
  ``pagefind/shards.json`` lists only the shards the reader may fetch, so search works for a
  member of some organisations;
- ``assets/`` (the theme's CSS, JavaScript and images, no user text): anyone.

A folder that is not an organisation of the build gets exactly the answer of an organisation
the reader does not belong to (sign in first, then not found), so the answer never tells which
organisations exist. An archive without a manifest, or whose manifest does not name its
audience, is not served at all (fail closed); the build's own state (``.actas/``) never is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from actas.api.archive_session import ArchiveSessions
from actas.api.models import Organisation
from actas.api.security_headers import adding_headers, archive_policy
from actas.api.services.access import load_viewer
from actas.api.services.tokens import Credentials, authenticate
from actas.archive.audience import Audience
from actas.archive.output import MANIFEST
from actas.archive.published import Published, read_published

ARCHIVE_PATH = "/archive"  # where the API mounts the archive
LINKS_PATH = "/p"  # where emails link to a proposal (``app.proposal_link_target``)
LISTINGS = {"", "index.html", "feed.xml", "sitemap.xml", "archive.json"}  # every organisation's
HOME = {"", "index.html"}
FIXED_PAGES = {"search", "about", "404.html"}  # the shell's pages: no user text
OPEN_FOLDERS = {"assets"}
SEARCH = "pagefind"
SHARD_LIST = "shards.json"


class Need(Enum):
    NOTHING = "anyone may read it"
    NEVER = "never served"
    ANY_ORGANISATION = "a member of any organisation in the build"
    EVERY_ORGANISATION = "a member of every organisation in the build"
    ORGANISATION = "a member of one organisation"
    SHARD_LIST = "a member of any; answered with the shards they may fetch"


@dataclass(frozen=True)
class Requirement:
    need: Need
    organisation: str = ""  # for Need.ORGANISATION: the slug the path names (maybe none)


def requirement(path: str, published: Published) -> Requirement:
    """What reading ``path`` (inside the archive) takes, for the build ``published``."""
    parts = [part for part in os.path.normpath("/" + path).split("/") if part]
    if any(part.startswith(".") for part in parts):
        return Requirement(Need.NEVER)
    if published.audience is Audience.PUBLIC or (parts and parts[0] in OPEN_FOLDERS):
        return Requirement(Need.NOTHING)
    first = parts[0] if parts else ""
    if len(parts) <= 1 and first in LISTINGS:
        return Requirement(Need.EVERY_ORGANISATION)
    if first in FIXED_PAGES:
        return Requirement(Need.ANY_ORGANISATION)
    if first == SEARCH and len(parts) > 1:
        if parts[1:] == [SHARD_LIST]:
            return Requirement(Need.SHARD_LIST)
        return Requirement(Need.ORGANISATION, shard_organisation(parts[1]))
    return Requirement(Need.ORGANISATION, first)


def shard_organisation(shard: str) -> str:
    """The organisation of a search shard (``archive.search.shard_of``: ``<slug>-<n>``)."""
    slug, _, number = shard.rpartition("-")
    return slug if number.isdigit() else ""


@dataclass(frozen=True)
class Reader:
    """A signed-in person, by the organisations of the build they belong to."""

    organisations: frozenset[str]


class ArchiveFiles:
    """The archive folder, each request checked against the build's audience first."""

    def __init__(self, directory: Path, sessions: ArchiveSessions) -> None:
        self.directory = directory
        self.sessions = sessions
        self.static = StaticFiles(directory=directory, html=True, check_dir=False)
        self._published: tuple[tuple[int, int], Published | None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        published = self.published()
        wanted = (
            requirement(self.static.get_path(scope), published)
            if published is not None
            else Requirement(Need.NEVER)
        )
        send = adding_headers(send, response_headers(published, wanted))
        refusal = await self.gate(request, published, wanted)
        if refusal is not None:
            await refusal(scope, receive, send)
        else:
            await self.static(scope, receive, send)

    async def gate(
        self, request: Request, published: Published | None, wanted: Requirement
    ) -> Response | None:
        """None when the request may be served as it is; else the answer to give instead."""
        if published is None:
            return PlainTextResponse("No archive is published here.", status_code=404)
        if wanted.need is Need.NEVER:
            return not_found()
        if wanted.need is Need.NOTHING:
            return None
        reader = await self.reader(request, published)
        if reader is None:
            return sign_in_first(request)
        return answer(request, wanted, reader, published, self.directory)

    def published(self) -> Published | None:
        """The build's own account of itself, read again only when its manifest changes (a
        large build's manifest is megabytes; a build made while serving shows up at once)."""
        try:
            stat = (self.directory / MANIFEST).stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        if self._published is None or self._published[0] != key:
            self._published = (key, read_published(self.directory))
        return self._published[1]

    async def page_for(self, request: Request, organisation: str, reference: str) -> str | None:
        """Where ``/p/<reference>`` may send this requester inside the archive (a path below
        it), or None. A public build's page, if it exists. With a members' build a reader who
        is not signed in is always sent to sign in first (whether or not the page exists: the
        answer tells nothing), and a signed-in reader to the page only if it exists and they
        may read it."""
        published = self.published()
        page = f"{organisation}/{reference}/"
        exists = (self.directory / organisation / reference / "index.html").is_file()
        if published is None:
            return None
        if published.audience is Audience.PUBLIC:
            return page if exists else None
        reader = await self.reader(request, published)
        if reader is None:  # and back to the same link, which then knows who asks
            return "login?" + urlencode({"next": f"{LINKS_PATH}/{reference}"})
        return page if exists and organisation in reader.organisations else None

    async def reader(self, request: Request, published: Published) -> Reader | None:
        credentials = await self.credentials(request)
        if credentials is None:
            return None
        viewer = await load_viewer(credentials.user_id, credentials.scope)
        slugs = await Organisation.filter(id__in=list(viewer.memberships)).values_list(
            "slug", flat=True
        )
        return Reader(frozenset(str(slug) for slug in slugs) & published.organisations)

    async def credentials(self, request: Request) -> Credentials | None:
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, secret = header.partition(" ")
            return await authenticate(secret.strip()) if scheme.lower() == "bearer" else None
        return await self.sessions.credentials(request)


def response_headers(published: Published | None, wanted: Requirement) -> dict[str, str]:
    hashes = published.script_hashes if published is not None else ()
    headers = {"Content-Security-Policy": archive_policy(hashes)}
    if wanted.need is not Need.NOTHING:
        # A members' file is never kept by a shared cache (a proxy or CDN would hand it to
        # anyone), and the browser asks again each time, so a revoked token loses it at once.
        headers["Cache-Control"] = "private, no-cache"
    return headers


def answer(
    request: Request, wanted: Requirement, reader: Reader, published: Published, root: Path
) -> Response | None:
    """A signed-in reader's answer: None to serve the file, else a redirect or not found."""
    mine = reader.organisations
    if wanted.need is Need.ORGANISATION:
        return None if wanted.organisation in mine else not_found()
    if not mine:
        return not_found()
    if wanted.need is Need.ANY_ORGANISATION:
        return None
    if wanted.need is Need.SHARD_LIST:
        return shard_list(root, mine)
    if mine == published.organisations:
        return None
    if request.scope["path"].removeprefix(request.scope.get("root_path", "")).strip("/") in HOME:
        first = sorted(mine)[0]
        return RedirectResponse(f"{request.scope.get('root_path', '')}/{first}/", status_code=303)
    return not_found()


def shard_list(root: Path, organisations: frozenset[str]) -> Response:
    """The search page's list of shards, narrowed to those the reader may fetch."""
    try:
        shards = orjson.loads((root / SEARCH / SHARD_LIST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return not_found()
    allowed = [s for s in shards if isinstance(s, str) and shard_organisation(s) in organisations]
    return Response(orjson.dumps(allowed), media_type="application/json")


def not_found() -> Response:
    return PlainTextResponse("Not found.", status_code=404)


def sign_in_first(request: Request) -> Response:
    """A browser asking for a page is sent to the sign-in form (and back after it); anything
    else, or a request whose bearer token failed, gets 401."""
    root = request.scope.get("root_path", "")
    wants_page = "text/html" in request.headers.get("accept", "")
    if request.method in {"GET", "HEAD"} and wants_page and "authorization" not in request.headers:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{root}/login?{urlencode({'next': target})}", status_code=303)
    return PlainTextResponse(
        "Sign in to read this archive: an API token as 'Authorization: Bearer <token>', or "
        f"in a browser at {root}/login.",
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="actas archive"'},
    )

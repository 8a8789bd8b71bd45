"""Server-rendered pages for people who arrive from an email: the proposal page, the fresh-link
form, answering an invitation, the member's settings and one-click unsubscribe. They work
without JavaScript and read and write through the same services as the GraphQL API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from actas.api.catalogue import texts_for
from actas.api.pages import invitation, preferences, proposal
from actas.api.pages.render import page
from actas.api.pages.site import Site, language_of
from actas.api.services.link_mail import request_fresh_link

STATIC = Path(__file__).parent / "static"
Handler = Callable[[Site, Request], Awaitable[Response]]


def page_routes(site: Site) -> list[Route]:
    def on(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await handler(site, request)

        return endpoint

    return [
        Route("/p/{reference}", on(proposal.show), methods=["GET"]),
        Route("/p/{reference}", on(proposal.act), methods=["POST"]),
        Route("/p/{reference}/link", on(fresh_link), methods=["POST"]),
        Route("/invitation", on(invitation.show), methods=["GET"]),
        Route("/invitation", on(invitation.answer), methods=["POST"]),
        Route("/settings", on(preferences.show_settings), methods=["GET"]),
        Route("/settings", on(preferences.save_settings), methods=["POST"]),
        Route("/unsubscribe", on(preferences.show_unsubscribe), methods=["GET"]),
        Route("/unsubscribe", on(preferences.unsubscribe), methods=["POST"]),
        Route("/_actas/page.css", stylesheet, methods=["GET"]),
    ]


async def fresh_link(site: Site, request: Request) -> Response:
    """Someone whose key did not open asks for a fresh link: the same answer for everyone."""
    reference = request.path_params["reference"]
    form = await request.form(**proposal.FORM_LIMITS)
    if not site.csrf.valid(request, str(form.get("csrf", "")), bound_to=reference):
        return site.refused(request, reference)
    await request_fresh_link(str(form.get("email", ""))[:254], reference)
    language = language_of(request)
    return page(language, "link_sent.html.j2", {"t": texts_for(language.value)})


async def stylesheet(request: Request) -> Response:
    return FileResponse(
        STATIC / "page.css",
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )

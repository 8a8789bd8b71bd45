"""Server-rendered pages for people who arrive from an email: the proposal page and the
fresh-link form. They work without JavaScript and read and write through the same services as
the GraphQL API."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from actas.api.catalogue import texts_for
from actas.api.pages import proposal
from actas.api.pages.render import page
from actas.api.pages.site import Site, language_of
from actas.api.services.link_mail import request_fresh_link

STATIC = Path(__file__).parent / "static"


def page_routes(site: Site) -> list[Route]:
    async def show(request: Request) -> Response:
        return await proposal.show(site, request)

    async def act(request: Request) -> Response:
        return await proposal.act(site, request)

    async def fresh_link(request: Request) -> Response:
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

    return [
        Route("/p/{reference}", show, methods=["GET"]),
        Route("/p/{reference}", act, methods=["POST"]),
        Route("/p/{reference}/link", fresh_link, methods=["POST"]),
        Route("/_actas/page.css", stylesheet, methods=["GET"]),
    ]

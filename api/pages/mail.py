"""``/mail/``: what the demo's mail catcher caught (``api/dev_mail.py``), for development only.

The list groups the emails by recipient, newest first; ``/mail/<id>`` shows one: its headers,
its HTML part sanitised (nh3: no scripts, styles or forms; links stay and open the proposal
page) and its text part. In production nothing is routed here.
"""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import nh3
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from actas.api.dev_mail import by_recipient, caught, caught_mail, maildir_of
from actas.api.domain.vocabulary import Language
from actas.api.pages.render import page
from actas.api.settings import Settings

# The pages are for the developer who runs the demo, in English like its command line.
LANGUAGE = Language.EN


def mail_routes(settings: Settings) -> list[Route]:
    """The mail pages, reading the Maildir beside the database; none in production."""
    if settings.production:
        return []
    folder = maildir_of(settings)

    async def listing(request: Request) -> Response:
        if not _from_this_machine(request):
            return PlainTextResponse("Not found.", status_code=404)
        return await asyncio.to_thread(_listing, folder)

    async def message(request: Request) -> Response:
        if not _from_this_machine(request):
            return PlainTextResponse("Not found.", status_code=404)
        return await asyncio.to_thread(_message, folder, request.path_params["key"])

    return [
        Route("/mail/", listing, methods=["GET"]),
        Route("/mail/{key}", message, methods=["GET"]),
    ]


def _from_this_machine(request: Request) -> bool:
    """Caught emails hold personal links: shown only to a browser on this machine, even when a
    development server listens on every interface."""
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listing(folder: Path) -> Response:
    mails = caught(folder)
    return page(
        LANGUAGE,
        "mail_list.html.j2",
        {"folder": str(folder), "total": len(mails), "groups": by_recipient(mails)},
    )


def _message(folder: Path, key: str) -> Response:
    mail = caught_mail(folder, key)
    if mail is None:
        return page(LANGUAGE, "mail_missing.html.j2", {}, status_code=404)
    subject = dict(mail.headers).get("Subject", "")
    # Markup: nh3 has made it safe to place as it is.
    html = Markup(nh3.clean(mail.html)) if mail.html else None
    return page(
        LANGUAGE,
        "mail_message.html.j2",
        {"mail": mail, "subject": subject, "html": html, "text": mail.text},
    )

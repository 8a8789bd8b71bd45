"""The member's own pages from an email: their settings (how they want email from one
organisation, and what waits for them there, each with its personal link) and one-click
unsubscribe. As everywhere, a GET only shows; the settings form POSTs with a CSRF token, and
unsubscribing is RFC 8058's one-click POST: the key in its address is what authorises it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from actas.api.catalogue import texts_for
from actas.api.domain.errors import NotFound
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import EmailMode
from actas.api.models import Membership, Organisation
from actas.api.pages.render import page
from actas.api.pages.site import Site, language_of
from actas.api.services.personal_links import (
    Holder,
    LinkRefused,
    PersonalKey,
    Purpose,
    page_link,
)
from actas.api.services.preferences import set_email_mode
from actas.api.services.schedule import waiting_for

FORM_LIMITS = {"max_fields": 10, "max_files": 0, "max_part_size": 4096}


async def show_settings(site: Site, request: Request) -> Response:
    key = request.query_params.get("k", "")
    holder = await _holder(site, Purpose.SETTINGS, key)
    if holder is None:
        return _refused(request)
    done = request.query_params.get("done") == "1"
    welcome = request.query_params.get("welcome") == "1"
    return await _settings_page(site, request, holder, key, done=done, welcome=welcome)


async def save_settings(site: Site, request: Request) -> Response:
    form = await request.form(**FORM_LIMITS)
    key = str(form.get("k", ""))
    holder = await _holder(site, Purpose.SETTINGS, key)
    if holder is None:
        return _refused(request, status_code=403)
    if not site.csrf.valid(request, str(form.get("csrf", "")), bound_to=key):
        return await _settings_page(site, request, holder, key, status_code=403, expired=True)
    try:
        mode = EmailMode(str(form.get("mode", "")))
    except ValueError:
        return await _settings_page(site, request, holder, key, status_code=400, expired=True)
    await set_email_mode(holder.viewer, holder.key.organisation_id, mode)
    return RedirectResponse(f"/settings?k={key}&done=1", status_code=303)


async def show_unsubscribe(site: Site, request: Request) -> Response:
    key = request.query_params.get("k", "")
    holder = await _holder(site, Purpose.UNSUBSCRIBE, key)
    if holder is None:
        return _refused(request)
    t = texts_for(holder.language.value)
    name = await _organisation_name(holder)
    context = {"t": t, "organisation": name, "key": key, "done": False}
    return page(holder.language, "unsubscribe.html.j2", context)


async def unsubscribe(site: Site, request: Request) -> Response:
    """RFC 8058: the mail client POSTs ``List-Unsubscribe=One-Click`` to the address; our own
    page's button posts the same. Saying it twice is harmless."""
    key = request.query_params.get("k", "")
    holder = await _holder(site, Purpose.UNSUBSCRIBE, key)
    if holder is None:
        return _refused(request, status_code=403)
    await set_email_mode(holder.viewer, holder.key.organisation_id, EmailMode.OFF)
    t = texts_for(holder.language.value)
    name = await _organisation_name(holder)
    return page(
        holder.language,
        "unsubscribe.html.j2",
        {"t": t, "organisation": name, "key": key, "done": True},
    )


async def _settings_page(
    site: Site,
    request: Request,
    holder: Holder,
    key: str,
    *,
    done: bool = False,
    welcome: bool = False,
    expired: bool = False,
    status_code: int = 200,
) -> Response:
    t = texts_for(holder.language.value)
    organisation_id = holder.key.organisation_id
    mode = await Membership.filter(
        organisation_id=organisation_id, user_id=holder.viewer.user_id
    ).values_list("email_mode", flat=True)
    waiting = await waiting_for(holder.viewer.user_id, organisation_id)
    keys = await site.links.keys(
        [
            PersonalKey(Purpose.PROPOSAL, holder.viewer.user_id, organisation_id, p.id)
            for p in waiting
        ]
    )
    template = site.link_template
    cookie = site.csrf.cookie_of(request)
    response = page(
        holder.language,
        "settings.html.j2",
        {
            "t": t,
            "organisation": await _organisation_name(holder),
            "name": holder.name,
            "mode": str(mode[0]) if mode else "",
            "modes": [m.value for m in EmailMode],
            "waiting": [
                (format_reference(p.organisation.slug, p.number), p, link)
                for p, link in zip(
                    waiting,
                    [
                        page_link(template, format_reference(p.organisation.slug, p.number), k)
                        for p, k in zip(waiting, keys, strict=True)
                    ],
                    strict=True,
                )
            ],
            "key": key,
            "csrf": site.csrf.token(cookie, bound_to=key),
            "done": done,
            "welcome": welcome,
            "expired": expired,
        },
        status_code=status_code,
    )
    site.csrf.keep(request, response, cookie)
    return response


async def _holder(site: Site, purpose: Purpose, key: str) -> Holder | None:
    try:
        return await site.links.holder(purpose, key)
    except (LinkRefused, NotFound):
        return None


async def _organisation_name(holder: Holder) -> str:
    names = await Organisation.filter(id=holder.key.organisation_id).values_list("name", flat=True)
    return str(names[0]) if names else ""


def _refused(request: Request, *, status_code: int = 403) -> Response:
    language = language_of(request)
    t = texts_for(language.value)
    return page(language, "settings_refused.html.j2", {"t": t}, status_code=status_code)

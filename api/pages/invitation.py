"""Answering an invitation from its email: the page shows the terms an admin offers, and the
invitee accepts or declines with a POST (a GET only shows). Accepting leads to the new member's
settings page, where what waits for them is listed with its personal links."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from actas.api import clock
from actas.api.catalogue import texts_for
from actas.api.domain.errors import DomainError
from actas.api.domain.membership import InvitationState, invitation_state
from actas.api.domain.vocabulary import Language
from actas.api.models import Invitation, User
from actas.api.pages.render import page
from actas.api.pages.site import Site, language_of
from actas.api.services.access import load_viewer
from actas.api.services.invitations import accept_invitation, decline_invitation
from actas.api.services.personal_links import LinkRefused, PersonalKey, Purpose

FORM_LIMITS = {"max_fields": 10, "max_files": 0, "max_part_size": 4096}


async def show(site: Site, request: Request) -> Response:
    key = request.query_params.get("k", "")
    found = await _invitation(site, key)
    if found is None:
        return _refused(request)
    invitation, user = found
    return _render(site, request, invitation, user, key)


async def answer(site: Site, request: Request) -> Response:
    form = await request.form(**FORM_LIMITS)
    key = str(form.get("k", ""))
    found = await _invitation(site, key)
    if found is None:
        return _refused(request)
    invitation, user = found
    language = Language(user.language)
    t = texts_for(language.value)
    if not site.csrf.valid(request, str(form.get("csrf", "")), bound_to=key):
        error = t.gettext("page.form_expired")
        return _render(site, request, invitation, user, key, error=error, status_code=403)
    viewer = await load_viewer(user.id)
    try:
        if form.get("answer") == "accept":
            await accept_invitation(viewer, invitation.id)
        elif form.get("answer") == "decline":
            await decline_invitation(viewer, invitation.id)
            return _render(site, request, invitation, user, key, declined=True)
        else:
            error = t.gettext("page.bad_form")
            return _render(site, request, invitation, user, key, error=error, status_code=400)
    except DomainError as refusal:
        return _render(site, request, invitation, user, key, error=refusal.message, status_code=400)
    # A member now: their own page, with a settings key for the organisation just joined.
    [settings_key] = await site.links.keys(
        [PersonalKey(Purpose.SETTINGS, user.id, invitation.organisation_id)]
    )
    return RedirectResponse(f"/settings?k={settings_key}&welcome=1", status_code=303)


async def _invitation(site: Site, key: str) -> tuple[Invitation, User] | None:
    try:
        personal, user = await site.links.invitee(key)
    except LinkRefused:
        return None
    invitation = (
        await Invitation.filter(id=personal.subject_id, invitee_id=user.id)
        .select_related("organisation", "invited_by", "unit")
        .first()
    )
    return (invitation, user) if invitation is not None else None


def _render(
    site: Site,
    request: Request,
    invitation: Invitation,
    user: User,
    key: str,
    *,
    error: str = "",
    declined: bool = False,
    status_code: int = 200,
) -> Response:
    language = Language(user.language)
    t = texts_for(language.value)
    state = invitation_state(InvitationState(invitation.state), invitation.expires_at, clock.now())
    cookie = site.csrf.cookie_of(request)
    response = page(
        language,
        "invitation.html.j2",
        {
            "t": t,
            "invitation": invitation,
            "organisation": invitation.organisation.name,
            "inviter": invitation.invited_by.name,
            "unit": invitation.unit.name if invitation.unit else "",
            "role": t.gettext(f"invitation.role.{invitation.role}"),
            "pending": state is InvitationState.PENDING and not declined,
            "state": state.value,
            "declined": declined,
            "key": key,
            "csrf": site.csrf.token(cookie, bound_to=key),
            "error": error,
        },
        status_code=status_code,
    )
    site.csrf.keep(request, response, cookie)
    return response


def _refused(request: Request) -> Response:
    language = language_of(request)
    t = texts_for(language.value)
    return page(language, "settings_refused.html.j2", {"t": t}, status_code=403)

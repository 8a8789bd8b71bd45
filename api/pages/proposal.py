"""The proposal page at ``/p/<reference>``: where every email's links lead.

A GET only shows (mail scanners open every link first): the proposal, its tally and debate, and
for the holder of a personal link (``?k=``) the forms their abilities allow. A form POSTs with
the key, a CSRF token (``csrf``) and a one-time ``attempt`` id: the change runs through the same
services as the GraphQL mutations, as one transaction that also stores the attempt, so a form
sent twice (a double click, a reload) acts once. Then Post/Redirect/Get back to the page, which
shows what was recorded.

An open proposal's page also says who is away, until when and who speaks for them: the voices of
the page's own ``Electorate`` that ``_away_shown`` lets this reader see, named from the page's
reads (one query more only for someone it does not name).
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar
from urllib.parse import urlencode

from markupsafe import Markup, escape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from actas.api.domain.absences import AwayVoice
from actas.api.domain.electorate import Electorate
from actas.api.domain.errors import DomainError, NotFound, ValidationFailed
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import PositionStance, Stance
from actas.api.models import Proposal, User
from actas.api.pages import texts
from actas.api.pages.render import page
from actas.api.pages.site import Site
from actas.api.services import debate, idempotency
from actas.api.services.away import away_shown
from actas.api.services.personal_links import Holder, LinkRefused, Purpose
from actas.api.services.proposal_page import ProposalPage, proposal_page

ACTIONS = ("position", "position_for", "argument", "reply")
Choice = TypeVar("Choice", PositionStance, Stance)
FORM_LIMITS = {
    "max_fields": 20,
    "max_files": 0,
    "max_part_size": 512 * 1024,
}  # an argument: 100,000 characters


async def show(site: Site, request: Request) -> Response:
    reference = request.path_params["reference"]
    key = request.query_params.get("k", "")
    if not key:
        return await site.without_key(request, reference)
    try:
        holder = await site.links.holder(Purpose.PROPOSAL, key)
        shown, away = await _page_for(holder, reference)
    except (LinkRefused, NotFound):
        return site.refused(request, reference)
    if shown.state.is_closed:
        archived = await site.archive_page(request, shown)
        if archived:
            return RedirectResponse(archived, status_code=303)
    done = request.query_params.get("done", "")
    return _render(site, request, shown, key, away=away, done=texts.done(shown, done))


async def act(site: Site, request: Request) -> Response:
    reference = request.path_params["reference"]
    form = await request.form(**FORM_LIMITS)
    key = str(form.get("k", ""))
    try:
        holder = await site.links.holder(Purpose.PROPOSAL, key)
        shown, away = await _page_for(holder, reference)
    except (LinkRefused, NotFound):
        return site.refused(request, reference, status_code=403)
    if not site.csrf.valid(request, str(form.get("csrf", "")), bound_to=key):
        error = texts.translate(holder.language, "page.form_expired")
        return _render(
            site, request, shown, key, away=away, form=form, error=error, status_code=403
        )
    action = str(form.get("action", ""))
    attempt = str(form.get("attempt", ""))
    if action not in ACTIONS or not attempt:
        return _render(
            site,
            request,
            shown,
            key,
            away=away,
            form=form,
            error=texts.translate(holder.language, "page.bad_form"),
            status_code=400,
        )
    done = f"/p/{shown.reference}?" + urlencode({"k": key, "done": action}) + _anchor(form)
    fingerprint = idempotency.fingerprint(
        {"query": action, "variables": {n: str(form.get(n, "")) for n in _FIELDS}}
    )
    try:
        async with idempotency.claimed(
            holder.viewer.user_id, f"page:{attempt}"[:255], fingerprint
        ) as claim:
            if claim.stored is None:
                await _perform(holder, shown, action, form)
                await claim.store(idempotency.Answer(303, "text/plain", done.encode()))
    except idempotency.KeyReused:  # sent again from the browser's history, with other words
        error = texts.translate(holder.language, "page.form_used")
        return _render(
            site, request, shown, key, away=away, form=form, error=error, status_code=409
        )
    except DomainError as refusal:
        error = texts.refusal(holder.language, refusal)
        return _render(
            site, request, shown, key, away=away, form=form, error=error, status_code=400
        )
    return RedirectResponse(done, status_code=303)


_FIELDS = ("stance", "reason", "body", "parent", "for")
NOBODY_AWAY = texts.Away()


async def _page_for(holder: Holder, reference: str) -> tuple[ProposalPage, texts.Away]:
    shown = await proposal_page(holder, reference)
    if holder.key.subject_id != shown.proposal.id:  # a key opens its own proposal only
        raise NotFound("proposal", reference)
    voices = await _away_shown(shown.electorate, shown.viewer, shown.proposal)
    return shown, await _named(texts.Away(voices), shown)


async def _away_shown(
    electorate: Electorate | None, viewer: Viewer, proposal: Proposal
) -> tuple[AwayVoice, ...]:
    """The away voices this reader is shown: a probable one (an automatic reply) only if the
    domain's rule lets them see it (``away.away_shown``)."""
    if electorate is None:  # closed: nobody is asked for a voice any more
        return ()
    shown = await away_shown(viewer, [proposal], {proposal.id: electorate})
    return tuple(shown[proposal.id])


async def _named(away: texts.Away, shown: ProposalPage) -> texts.Away:
    """``away`` with the names its lines need: those the page read (participants, positions,
    the reader), and one query for the others (a voter or delegate the page did not name)."""
    names = {p.user_id: p.name for p in shown.participants}
    names |= {p.user_id: p.user.name for p in shown.positions}
    names[shown.viewer.user_id] = shown.holder_name
    missing = sorted(away.people - names.keys())
    if missing:
        names |= dict(await User.filter(id__in=missing).values_list("id", "name"))
    return texts.Away(away.voices, {user: names[user] for user in away.people})


async def _perform(holder: Holder, shown: ProposalPage, action: str, form: FormData) -> None:
    viewer, proposal_id = holder.viewer, shown.proposal.id
    if action in ("position", "position_for"):
        await debate.take_position(
            viewer,
            proposal_id,
            stance=_choice(PositionStance, form.get("stance"), "stance"),
            reason=str(form.get("reason", "")),
            # As a delegate: for whom, among those the page offers (the service checks again).
            on_behalf_of=_spoken_for(shown, form) if action == "position_for" else None,
        )
        return
    parent = _parent(form) if action == "reply" else None
    await debate.add_argument(
        viewer,
        proposal_id,
        stance=_choice(Stance, form.get("stance"), "stance"),
        body=str(form.get("body", "")),
        parent_id=parent,
    )


def _spoken_for(shown: ProposalPage, form: FormData) -> int:
    wanted = str(form.get("for", ""))
    offered = {str(spoken.user_id): spoken.user_id for spoken in shown.speaks_for}
    if wanted not in offered:
        raise ValidationFailed("You do not speak for this member here.", field="for")
    return offered[wanted]


def _choice(kind: type[Choice], value: object, field: str) -> Choice:
    try:
        return kind(str(value))
    except ValueError:
        raise ValidationFailed("Choose one of the options.", field=field) from None


def _parent(form: FormData) -> int:
    raw = str(form.get("parent", ""))
    if not raw.isdigit():
        raise NotFound("argument", raw)
    return int(raw)


def _anchor(form: FormData) -> str:
    action = str(form.get("action", ""))
    if action == "reply":
        return f"#argument-{form.get('parent', '')}"
    if action == "position_for":
        return f"#for-{form.get('for', '')}"
    return "#done"


def _render(
    site: Site,
    request: Request,
    shown: ProposalPage,
    key: str,
    *,
    away: texts.Away = NOBODY_AWAY,
    form: FormData | None = None,
    done: str = "",
    error: str = "",
    status_code: int = 200,
) -> Response:
    cookie = site.csrf.cookie_of(request)
    csrf = site.csrf.token(cookie, bound_to=key)

    def hidden(action: str) -> Markup:
        fields = {"k": key, "csrf": csrf, "action": action, "attempt": uuid.uuid4().hex}
        return Markup("").join(
            Markup('<input type="hidden" name="{}" value="{}">').format(name, escape(value))
            for name, value in fields.items()
        )

    values: dict[str, Any] = {n: str(form.get(n, "")) if form else "" for n in ("action", *_FIELDS)}
    context = texts.proposal_context(shown, request.query_params, values, away)
    context["here"] = f"/p/{shown.reference}?" + urlencode({"k": key})
    # A refusal shows beside the form it answers: the page opens at that form's anchor.
    # (At the top when that form is not on the page: the proposal closed, the deadline passed.)
    shown_forms = {
        "position": shown.can.take_position,
        "position_for": bool(shown.speaks_for),
        "argument": shown.can.argue,
        "reply": shown.can.reply,
    }
    error_at = values["action"] if shown_forms.get(values["action"]) else ""
    response = page(
        shown.language,
        "proposal.html.j2",
        {
            **context,
            "hidden": hidden,
            "done": done,
            "error": error,
            "error_at": error_at,
            "form": values,
        },
        status_code=status_code,
    )
    site.csrf.keep(request, response, cookie)
    return response

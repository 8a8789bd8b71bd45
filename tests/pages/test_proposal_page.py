"""The proposal page: from an email's personal link to a position taken and an argument posted,
with no token and no frontend. A GET never changes anything; a form acts once, with the key it
was served for and a CSRF token; a key that does not open shows the same page whatever the
reason."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from actas.api import clock
from actas.api.domain.validation import MAX_BODY
from actas.api.domain.vocabulary import ParticipantRole, RuleKind
from actas.api.models import Argument, Delivery, Event, Position, Proposal
from actas.api.pages.csrf import COOKIE, Csrf
from actas.api.services.personal_links import (
    PersonalKey,
    PersonalLinks,
    Purpose,
    revoke_links,
)
from actas.api.settings import Settings
from tests.factories import World, build_world, opened
from tests.pages.browsing import SECRET, browser, form_for, forms, page_settings


@pytest.fixture
async def world() -> World:
    return await build_world(default_rule=RuleKind.CONSENT)


async def open_proposal(world: World) -> Proposal:
    return await opened(
        world,
        "mara",
        participants={"ana": ParticipantRole.REQUIRED, "teo": ParticipantRole.INFORMED},
        deadline=clock.now() + timedelta(days=5),
    )


def link(world: World, person: str, proposal: Proposal, key: str | None = None) -> str:
    key = key or PersonalLinks(SECRET).key(
        PersonalKey(Purpose.PROPOSAL, world.id(person), world.organisation.id, proposal.id),
        generation=0,
    )
    return f"/p/{world.organisation.slug.upper()}-{proposal.number}?k={key}"


async def recorded(world: World) -> int:
    return await Event.filter(organisation_id=world.organisation.id).count()


async def test_a_link_holder_sees_the_proposal_and_the_forms_their_part_allows(
    database: Settings, world: World
) -> None:
    proposal = await open_proposal(world)
    async with browser(page_settings(database)) as client:
        ana = await client.get(link(world, "ana", proposal))
        teo = await client.get(link(world, "teo", proposal))

    assert ana.status_code == 200
    assert proposal.title in ana.text and "Su voz es necesaria." in ana.text
    assert "Por consentimiento, su bloqueo la detiene." in ana.text
    assert {f.fields.get("action") for f in forms(ana.text)} == {"position", "argument"}
    # An informed participant argues but takes no position.
    assert {f.fields.get("action") for f in forms(teo.text)} == {"argument"}
    assert ana.headers["cache-control"] == "no-store"
    assert "form-action 'self'" in ana.headers["content-security-policy"]


async def test_opening_every_link_changes_nothing(database: Settings, world: World) -> None:
    proposal = await open_proposal(world)
    before = await recorded(world)
    async with browser(page_settings(database)) as client:
        for query in ("", "&position=block", "&position=agree&done=position", "&reply=1"):
            response = await client.get(link(world, "ana", proposal) + query)
            assert response.status_code == 200
    assert await recorded(world) == before
    assert not await Position.exists(proposal_id=proposal.id)


async def test_a_position_taken_on_the_page_is_recorded_once_and_shown(
    database: Settings, world: World
) -> None:
    proposal = await open_proposal(world)
    before = await recorded(world)
    async with browser(page_settings(database)) as client:
        page = await client.get(link(world, "ana", proposal) + "&position=block")
        filled = form_for(page.text, "position", stance="block", reason="Falta el presupuesto.")
        path = link(world, "ana", proposal).split("?")[0]
        first = await client.post(path, data=filled)
        again = await client.post(path, data=filled)  # a double click, a reload
        shown = await client.get(first.headers["location"])

    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    position = await Position.get(proposal_id=proposal.id, user_id=world.id("ana"))
    assert (position.stance, position.reason) == ("block", "Falta el presupuesto.")
    events = await Event.filter(organisation_id=world.organisation.id, seq__gt=0).order_by("seq")
    assert [e.type for e in events[before:]] == ["position.taken"]
    assert "Su posición ha quedado registrada." in shown.text
    assert "Falta el presupuesto." in shown.text


async def test_an_argument_and_a_reply_are_posted_as_the_link_holder(
    database: Settings, world: World
) -> None:
    proposal = await open_proposal(world)
    async with browser(page_settings(database)) as client:
        path = link(world, "teo", proposal)
        page = await client.get(path)
        await client.post(
            path.split("?")[0],
            data=form_for(page.text, "argument", stance="question", body="¿Y el **coste**?"),
        )
        page = await client.get(path)
        # Each argument has a Reply link; following it opens the page with that reply's form.
        [reply_link] = re.findall(r'href="([^"]*reply=\d+[^"]*)"', page.text)
        page = await client.get(html.unescape(reply_link))
        reply = await client.post(
            path.split("?")[0],
            data=form_for(page.text, "reply", stance="comment", body="Lo miro yo."),
        )
        shown = await client.get(reply.headers["location"])

    question, answer = await Argument.filter(proposal_id=proposal.id).order_by("id")
    assert (question.author_id, question.stance, question.body) == (
        world.id("teo"),
        "question",
        "¿Y el **coste**?",
    )
    assert answer.parent_id == question.id and answer.author_id == world.id("teo")
    assert "<strong>coste</strong>" in shown.text and "Su respuesta está publicada." in shown.text


async def test_a_form_without_its_csrf_token_or_cookie_is_refused(
    database: Settings, world: World
) -> None:
    proposal = await open_proposal(world)
    path = link(world, "ana", proposal)
    async with browser(page_settings(database)) as client:
        page = await client.get(path)
        filled = form_for(page.text, "position", stance="agree", reason="")
        no_token = await client.post(path.split("?")[0], data={**filled, "csrf": ""})
        client.cookies.clear()
        no_cookie = await client.post(path.split("?")[0], data=filled)

    assert no_token.status_code == no_cookie.status_code == 403
    assert not await Position.exists(proposal_id=proposal.id)


async def test_bad_input_is_explained_and_the_text_typed_is_kept(
    database: Settings, world: World
) -> None:
    proposal = await open_proposal(world)
    path = link(world, "ana", proposal)
    async with browser(page_settings(database)) as client:
        page = await client.get(path)
        # Disagreeing needs a reason; the stance chosen and the page stay as they were.
        refused = await client.post(
            path.split("?")[0], data=form_for(page.text, "position", stance="disagree", reason=" ")
        )
        page = await client.get(path)
        argued = await client.post(
            path.split("?")[0],
            data=form_for(page.text, "argument", stance="for", body="x" * (MAX_BODY + 1)),
        )

    assert refused.status_code == argued.status_code == 400
    assert 'role="alert"' in refused.text and 'value="disagree" required checked' in refused.text
    assert "Indique un motivo" in refused.text  # the refusal in the reader's words
    assert "x" * (MAX_BODY + 1) in argued.text  # nothing typed is lost
    assert not await Position.exists(proposal_id=proposal.id)
    assert not await Argument.exists(proposal_id=proposal.id)


async def test_a_key_that_does_not_open_shows_one_page_whatever_the_reason(
    database: Settings, world: World
) -> None:
    proposal = await open_proposal(world)
    other = await open_proposal(world)
    links = PersonalLinks(SECRET)
    ana_key = PersonalKey(Purpose.PROPOSAL, world.id("ana"), world.organisation.id, proposal.id)
    forged = PersonalLinks("another key, of someone else, 32+ chars").key(ana_key, generation=0)
    for_another_proposal = links.key(
        PersonalKey(Purpose.PROPOSAL, world.id("ana"), world.organisation.id, other.id),
        generation=0,
    )
    settings_key = links.key(
        PersonalKey(Purpose.SETTINGS, world.id("ana"), world.organisation.id, proposal.id),
        generation=0,
    )
    async with browser(page_settings(database)) as client:
        expired = link(world, "ana", proposal)
        with clock.frozen_at(clock.now() + timedelta(days=31)):
            late = await client.get(expired)
        refusals = [late]
        for key in (forged, for_another_proposal, settings_key, "nonsense"):
            refusals.append(await client.get(link(world, "ana", proposal, key)))
        await revoke_links(world.id("ana"))
        refusals.append(await client.get(expired))

    for refused in refusals:
        assert refused.status_code == 403
        assert "Envíenme un enlace nuevo" in refused.text
        assert proposal.title not in refused.text
    # One page but for its CSRF token (it carries the second it was signed in).
    assert len({re.sub(r'name="csrf" value="[^"]*"', "", r.text) for r in refusals}) == 1


async def test_a_fresh_link_is_sent_only_to_a_member_who_may_see_it_and_the_answer_is_the_same(
    database: Settings, world: World
) -> None:
    proposal = await open_proposal(world)
    reference = f"{world.organisation.slug.upper()}-{proposal.number}"
    async with browser(page_settings(database)) as client:
        page = await client.get(f"/p/{reference}")  # no key: asks for one
        (form,) = [f.fields for f in forms(page.text) if f.action.endswith("/link")]
        answers = []
        for email in (world.users["ana"].email, "nobody@example.org", world.users["ana"].email):
            answers.append(await client.post(f"/p/{reference}/link", data={**form, "email": email}))

    assert page.status_code == 200 and "Ábrala desde su correo" in page.text
    assert len({(a.status_code, a.text) for a in answers}) == 1
    queued = await Delivery.filter(recipient_id=world.id("ana"), notification_id=None)
    assert len([d for d in queued if '"link"' in d.payload]) == 2


def without_csrf_token(html: str) -> str:
    token = html.split('name="csrf" value="')[1].split('"')[0]
    return html.replace(token, "")


async def test_a_member_revokes_every_personal_link_through_the_api(
    database: Settings, world: World
) -> None:
    from actas.api.domain.vocabulary import TokenScope
    from tests.schema.client import token_for

    proposal = await open_proposal(world)
    path = link(world, "ana", proposal)
    query = (
        "mutation { revokePersonalLinks { __typename ... on PersonalLinksRevoked { revoked } } }"
    )
    async with browser(page_settings(database)) as client:
        assert (await client.get(path)).status_code == 200
        read_only = await client.post(
            "/graphql",
            json={"query": query},
            headers={
                "Authorization": f"Bearer {await token_for(world.id('ana'), TokenScope.READ)}"
            },
        )
        still = await client.get(path)
        revoked = await client.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {await token_for(world.id('ana'))}"},
        )
        after = await client.get(path)

    assert read_only.json()["data"]["revokePersonalLinks"]["__typename"] == "ForbiddenError"
    assert still.status_code == 200
    assert revoked.json()["data"]["revokePersonalLinks"] == {
        "__typename": "PersonalLinksRevoked",
        "revoked": True,
    }
    assert after.status_code == 403


async def test_a_closed_proposal_not_in_the_archive_is_a_read_only_record(
    database: Settings, world: World
) -> None:
    from actas.api.domain.vocabulary import PositionStance, ProposalState
    from actas.api.services import debate, proposals

    proposal = await opened(
        world,
        "mara",
        participants={"ana": ParticipantRole.REQUIRED, "teo": ParticipantRole.DECIDER},
    )
    await debate.take_position(await world.viewer("ana"), proposal.id, stance=PositionStance.AGREE)
    await debate.take_position(await world.viewer("teo"), proposal.id, stance=PositionStance.AGREE)
    await proposals.decide_proposal(
        await world.viewer("teo"),
        proposal.id,
        outcome=ProposalState.ACCEPTED,
        statement="Adelante con la prueba.",
    )
    async with browser(page_settings(database)) as client:
        shown = await client.get(link(world, "ana", proposal))
        # A form from before the close, sent now with a valid key and CSRF token.
        key = link(world, "ana", proposal).split("k=")[1]
        cookie = client.cookies[COOKIE]
        sent = await client.post(
            link(world, "ana", proposal).split("?")[0],
            data={
                "k": key,
                "csrf": Csrf(SECRET).token(cookie, bound_to=key),
                "action": "argument",
                "attempt": "from-before-the-close",
                "stance": "comment",
                "body": "¿Llego tarde?",
            },
        )

    assert shown.status_code == 200  # this archive has no build: the record is shown here
    assert "Esta propuesta está cerrada" in shown.text and "Aceptada" in shown.text
    assert not [f for f in forms(shown.text) if f.fields.get("action")]  # no forms to act
    assert sent.status_code == 400 and "La propuesta ya no está abierta" in sent.text
    assert not await Argument.exists(proposal_id=proposal.id)


async def test_the_page_says_where_the_debate_stands(database: Settings, world: World) -> None:
    from actas.api.domain.vocabulary import PositionStance, Stance
    from actas.api.services import debate

    proposal = await open_proposal(world)
    await debate.add_argument(
        await world.viewer("teo"), proposal.id, stance=Stance.QUESTION, body="¿Y el **coste**?"
    )
    await debate.take_position(
        await world.viewer("ana"), proposal.id, stance=PositionStance.BLOCK, reason="Sin datos."
    )
    async with browser(page_settings(database)) as client:
        mara = await client.get(link(world, "mara", proposal))
        ana = await client.get(link(world, "ana", proposal))

    section = mara.text.split('<section id="debate-state">')[1].split("</section>")[0]
    assert "<h3>Preguntas sin respuesta</h3>" in section
    assert "Teo: ¿Y el coste?" in html.unescape(section)
    assert "Ana: Bloqueo — “Sin datos.”" in html.unescape(section)
    assert "Desde tu última participación" not in section  # Mara has not spoken yet
    # Ana, who blocked, sees what came since she last spoke: nothing yet, so no such group.
    assert "Desde tu última participación" not in ana.text

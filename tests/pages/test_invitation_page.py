"""Joining from the invitation email: its link shows the terms, the invitee accepts or
declines with a POST, and accepting leads to their own page in actas. No token, no password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from actas.api.domain.membership import InvitationState
from actas.api.domain.vocabulary import Role
from actas.api.models import Invitation, Membership
from actas.api.services import invitations
from actas.api.services.organisations import MembershipTerms
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings
from tests.api.receivers import MailServer
from tests.api.test_outbox import worker_settings
from tests.factories import World, build_world, unique
from tests.pages.browsing import SECRET, browser, page_settings


async def invited(database: Settings, mail: MailServer) -> tuple[World, str, str]:
    """Lucía invited as a member; the world, her address and her invitation email's link."""
    world = await build_world()
    email = f"{unique('lucia')}@cliente.example"
    await invitations.invite_member(
        await world.viewer("admin"),
        world.organisation.id,
        email=email,
        name="Lucía",
        terms=MembershipTerms(role=Role.MEMBER),
    )
    settings = worker_settings(database, mail, ACTAS_SECRET_KEY=SECRET)
    while (await deliver_due(settings)).sent:
        pass
    [letter] = mail.to(email)
    found = re.search(r"https://actas\.example/invitation\?k=\S+", letter.text)
    assert found is not None, letter.text
    assert "viewer.invitations" not in letter.text  # nobody needs GraphQL to answer
    parts = urlsplit(found.group(0))
    return world, email, f"{parts.path}?{parts.query}"


def fields_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(k|csrf)" value="([^"]+)"', html))


async def test_the_invitee_accepts_from_the_email_and_lands_on_their_own_page(
    database: Settings, mail: MailServer
) -> None:
    world, email, link = await invited(database, mail)
    async with browser(page_settings(database)) as client:
        shown = await client.get(link)
        assert shown.status_code == 200 and world.organisation.name in shown.text
        invitation = await Invitation.get(invitee__email=email)
        assert invitation.state == InvitationState.PENDING  # a GET answered nothing
        accepted = await client.post(
            "/invitation", data={**fields_of(shown.text), "answer": "accept"}
        )
        welcome = await client.get(accepted.headers["location"])
        again = await client.post("/invitation", data={**fields_of(shown.text), "answer": "accept"})

    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/settings?k=")
    assert "Bienvenido" in welcome.text
    assert await Membership.exists(organisation_id=world.organisation.id, user__email=email)
    assert again.status_code == 303  # accepting twice is harmless
    assert (await Invitation.get(id=invitation.id)).state == InvitationState.ACCEPTED


async def test_declining_or_a_forged_form_makes_no_member(
    database: Settings, mail: MailServer
) -> None:
    world, email, link = await invited(database, mail)
    async with browser(page_settings(database)) as client:
        shown = await client.get(link)
        forged = await client.post(
            "/invitation", data={**fields_of(shown.text), "csrf": "nope", "answer": "accept"}
        )
        declined = await client.post(
            "/invitation", data={**fields_of(shown.text), "answer": "decline"}
        )
        wrong_key = await client.get("/invitation?k=forged")

    assert forged.status_code == 403 and wrong_key.status_code == 403
    assert declined.status_code == 200 and "Ha rechazado la invitación." in declined.text
    assert not await Membership.exists(organisation_id=world.organisation.id, user__email=email)
    assert (await Invitation.get(invitee__email=email)).state == InvitationState.DECLINED

"""Mail scanners open every link of every email before the person does: none of them may change
anything. Every link of every kind of email actas sends (invitation, welcome, a position asked
with its buttons, a reply, settings, one-click unsubscribe) is opened with a GET, and nothing
recorded changes."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from actas.api.domain.vocabulary import ParticipantRole, Role, Stance
from actas.api.models import Argument, Event, Invitation, Membership, Position
from actas.api.services import debate, invitations
from actas.api.services.organisations import MembershipTerms
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings
from tests.api.receivers import MailServer
from tests.api.test_outbox import worker_settings
from tests.factories import World, build_world, opened, unique
from tests.pages.browsing import SECRET, browser, page_settings

LINK = re.compile(r"https?://actas\.example/[^\s\"'<>]+")


async def recorded(world: World) -> tuple[object, ...]:
    org = world.organisation.id
    return (
        await Event.filter(organisation_id=org).count(),
        await Position.filter(organisation_id=org).count(),
        await Argument.filter(organisation_id=org).count(),
        sorted(await Membership.filter(organisation_id=org).values_list("user_id", "email_mode")),
        sorted(await Invitation.filter(organisation_id=org).values_list("id", "state")),
    )


async def test_opening_every_link_of_every_email_changes_nothing(
    database: Settings, mail: MailServer
) -> None:
    world = await build_world()
    await invitations.invite_member(
        await world.viewer("admin"),
        world.organisation.id,
        email=f"{unique('lucia')}@cliente.example",
        terms=MembershipTerms(role=Role.MEMBER),
    )
    proposal = await opened(world, participants={"ana": ParticipantRole.REQUIRED})
    await debate.add_argument(
        await world.viewer("teo"), proposal.id, stance=Stance.AGAINST, body="Demasiado caro."
    )
    settings = worker_settings(
        database, mail, ACTAS_SECRET_KEY=SECRET, ACTAS_REPLY_DOMAIN="reply.example"
    )
    while (await deliver_due(settings)).sent:
        pass
    ours = [
        m
        for m in mail.received
        if world.organisation.name in m.subject
        or m.to.endswith("cliente.example")
        or any(u.email == m.to for u in world.users.values())
    ]
    links = set()
    for letter in ours:
        links.update(LINK.findall(letter.text))
        links.update(html.unescape(u) for u in re.findall(r'href="([^"]+)"', letter.html))
        if letter.message["List-Unsubscribe"]:
            links.add(str(letter.message["List-Unsubscribe"]).strip("<>"))
    paths = {urlsplit(u).path.split("/")[1] for u in links}
    assert {"p", "settings", "unsubscribe", "invitation"} <= paths, paths
    assert any("position=block" in u for u in links) and any("reply=" in u for u in links)

    before = await recorded(world)
    async with browser(page_settings(database)) as client:
        for link in sorted(links):
            parts = urlsplit(link)
            opened_link = await client.get(f"{parts.path}?{parts.query}")
            assert opened_link.status_code in (200, 303, 307), (link, opened_link.status_code)
    assert await recorded(world) == before

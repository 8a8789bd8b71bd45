"""Reply addresses: each notification email about a proposal says ``Reply-To:
reply+<key>@<ACTAS_REPLY_DOMAIN>``, a key of its own that only its hash names in the database,
the same if the email is sent again, and ended when the person revokes their links."""

from __future__ import annotations

from datetime import timedelta

from actas.api import clock
from actas.api.domain.vocabulary import ParticipantRole, Stance
from actas.api.models import Argument, ReplyAddress
from actas.api.services import debate
from actas.api.services.outbox import deliver_due
from actas.api.services.personal_links import revoke_links
from actas.api.services.reply_addresses import key_hash, reply_key, target_of
from actas.api.settings import Settings
from tests.api.receivers import MailServer
from tests.api.test_outbox import worker_settings
from tests.factories import build_world, opened


async def test_a_reply_address_names_its_reader_proposal_and_argument_by_a_key_kept_as_a_hash(
    database: Settings, mail: MailServer
) -> None:
    world = await build_world()
    settings = worker_settings(database, mail, ACTAS_REPLY_DOMAIN="Reply.Example")
    proposal = await opened(world, participants={"ana": ParticipantRole.REQUIRED})
    argument = await debate.add_argument(
        await world.viewer("teo"), proposal.id, stance=Stance.AGAINST, body="Demasiado caro."
    )
    await send_everything(settings)

    told = [m for m in mail.to(world.users["mara"].email) if "argumento" in m.subject]
    assert len(told) == 1
    reply_to = str(told[0].message["Reply-To"])
    local, domain = reply_to.split("@")
    key = local.removeprefix("reply+")
    assert domain == "reply.example" and len(key) == 32 and key == key.lower()
    assert not await ReplyAddress.exists(key_hash=key)  # never stored as it is
    address = await target_of(key.upper())  # mail systems may change the case
    assert address is not None
    assert (address.user_id, address.proposal_id, address.argument_id) == (
        world.id("mara"),
        proposal.id,
        argument.id,
    )
    assert address.key_hash == key_hash(key)
    assert reply_key(settings.signing_key, address.delivery_key) == key  # a resend: same address

    await revoke_links(world.id("mara"))
    assert await target_of(key) is None
    assert await Argument.filter(proposal_id=proposal.id).count() == 1


async def test_without_a_reply_domain_emails_carry_no_reply_address(
    database: Settings, mail: MailServer
) -> None:
    world = await build_world()
    settings = worker_settings(database, mail)
    with clock.frozen_at(clock.now() + timedelta(seconds=1)):
        await opened(world, participants={"ana": ParticipantRole.REQUIRED})
        await send_everything(settings)

    sent = mail.to(world.users["ana"].email)
    assert sent and all(m.message["Reply-To"] is None for m in sent)


async def send_everything(settings: Settings) -> None:
    """Rounds until nothing is left to send (other tests' deliveries may be queued first)."""
    while (await deliver_due(settings)).sent:
        pass

"""Replies by email land in the debate (issue 10): a real notification email's Reply-To, a
reply to it as each mail client writes one, and what ``reply_intake.receive`` makes of it —
read back through the services, the event log, the notifications and the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actas.api import clock
from actas.api.domain.inbound import SHORT_REPLIES_PER_HOUR, IntakeOutcome
from actas.api.domain.vocabulary import AbsenceSource, Language, ParticipantRole, Stance
from actas.api.models import (
    Absence,
    Delivery,
    Notification,
    PositionChange,
    ProcessedMessage,
    User,
)
from actas.api.services import debate, debates
from actas.api.services.outbox import deliver_due
from actas.api.services.personal_links import revoke_links
from actas.api.services.reply_intake import receive
from actas.api.settings import Settings
from tests.api.inbound import emailed, intake_settings, plain_reply, reply_address, reply_from
from tests.api.receivers import MailServer
from tests.api.test_reply_parsing import AUTOMATIC, PEOPLE, Written
from tests.factories import World, build_world, opened

POSITIONS = [w for w in PEOPLE if w.position is not None]
ARGUMENTS = [w for w in PEOPLE if w.position is None]


async def invited(settings: Settings, mail: MailServer) -> tuple[World, int, str]:
    """A proposal open for Ana's required position, and the reply address of her invitation."""
    world = await build_world()
    proposal = await opened(world, participants={"ana": ParticipantRole.REQUIRED})
    letter = await emailed(settings, mail, world.users["ana"].email)
    return world, proposal.id, reply_address(letter)


@pytest.mark.parametrize("written", POSITIONS, ids=lambda written: written.fixture)
async def test_a_reply_that_starts_with_a_position_takes_it_with_the_rest_as_reason(
    database: Settings, mail: MailServer, written: Written
) -> None:
    settings = intake_settings(database, mail)
    world, proposal_id, address = await invited(settings, mail)
    ana = world.users["ana"]
    before = await world.last_seq()

    outcome = await receive(reply_from(written.fixture, to=address, sender=ana.email), settings)

    assert outcome.outcome is IntakeOutcome.TOOK_POSITION and outcome.user_id == ana.id
    [position] = await debates.positions(proposal_ids=[proposal_id])
    assert (position.user.id, position.stance, position.reason) == (
        ana.id,
        written.position,
        written.reason,
    )
    [event] = await world.events_since(before)
    assert (event.type, event.actor_id) == ("position.taken", ana.id)
    told = await Notification.filter(event_id=event.id).values_list("user_id", flat=True)
    assert world.id("mara") in told and ana.id not in told  # the author follows; never the actor
    assert await ProcessedMessage.get(message_id=outcome.message_id).values("outcome") == {
        "outcome": "took_position"
    }


@pytest.mark.parametrize("written", ARGUMENTS, ids=lambda written: written.fixture)
async def test_a_reply_without_a_position_answers_the_argument_the_email_was_about(
    database: Settings, mail: MailServer, written: Written
) -> None:
    settings = intake_settings(database, mail)
    world = await build_world()
    proposal = await opened(world, participants={"ana": ParticipantRole.REQUIRED})
    argued = await debate.add_argument(
        await world.viewer("teo"), proposal.id, stance=Stance.AGAINST, body="Demasiado caro."
    )
    mara = world.users["mara"]
    letter = await emailed(settings, mail, mara.email, subject="argument")
    before = await world.last_seq()

    raw = reply_from(written.fixture, to=reply_address(letter), sender=mara.email.upper())
    outcome = await receive(raw, settings)

    assert outcome.outcome is IntakeOutcome.POSTED_ARGUMENT
    posted = (await debates.arguments(ids=[outcome.argument_id or 0]))[0]
    assert (posted.parent_id, posted.author.id, posted.stance, posted.body) == (
        argued.id,
        mara.id,
        Stance.COMMENT,
        written.reason,
    )
    [event] = await world.events_since(before)
    assert (event.type, event.actor_id) == ("argument.added", mara.id)
    reasons = dict(await Notification.filter(event_id=event.id).values_list("user_id", "reason"))
    assert reasons[world.id("teo")] == "reply"  # the author of the argument answered is told


async def test_a_spoofed_from_posts_nothing_and_only_the_owner_is_told(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, proposal_id, address = await invited(settings, mail)
    teo = world.users["teo"]
    before = await world.last_seq()

    raw = reply_from("gmail_es.eml", to=address, sender=teo.email)
    outcome = await receive(raw, settings)

    assert outcome.outcome is IntakeOutcome.SENDER_MISMATCH and outcome.answered
    assert await world.events_since(before) == []
    assert await debates.positions(proposal_ids=[proposal_id]) == []
    mail.clear()
    await deliver_due(settings)
    assert mail.to(teo.email) == []  # no backscatter to the From
    [note] = mail.to(world.users["ana"].email)
    assert note.message["Auto-Submitted"] == "auto-replied"
    assert note.message["In-Reply-To"] == f"<{outcome.message_id}>"
    assert note.message["Reply-To"] is None  # answering it posts nothing
    assert "no se ha publicado" in note.subject and teo.email in note.text


async def test_a_refusal_by_the_rules_is_answered_in_the_owners_language_with_the_reason(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, proposal_id, address = await invited(settings, mail)
    ana = world.users["ana"]
    await User.filter(id=ana.id).update(language=Language.EN)

    raw = plain_reply(to=address, sender=ana.email, body="En contra.\n")  # with no reason
    outcome = await receive(raw, settings)

    assert outcome.outcome is IntakeOutcome.REFUSED_BY_RULES and "reason" in outcome.detail
    assert await debates.positions(proposal_ids=[proposal_id]) == []
    mail.clear()
    await deliver_due(settings)
    [note] = mail.to(ana.email)
    assert note.subject.endswith("Your reply by email was not posted")
    assert outcome.detail in note.text and "> En contra." in note.text
    assert "?k=" in note.text  # her personal link to the page, to do it there


async def test_a_message_is_processed_once(database: Settings, mail: MailServer) -> None:
    settings = intake_settings(database, mail)
    world, proposal_id, address = await invited(settings, mail)
    raw = reply_from("outlook_web_es.eml", to=address, sender=world.users["ana"].email)
    before = await world.last_seq()

    first = await receive(raw, settings)
    again = await receive(raw, settings)

    assert (first.outcome, again.outcome) == (IntakeOutcome.TOOK_POSITION, IntakeOutcome.DUPLICATE)
    assert await PositionChange.filter(proposal_id=proposal_id).count() == 1
    assert len(await world.events_since(before)) == 1


@pytest.mark.parametrize(("fixture", "why"), AUTOMATIC, ids=[case[0] for case in AUTOMATIC])
async def test_an_auto_reply_is_never_posted_nor_answered_and_may_say_the_owner_is_away(
    database: Settings, mail: MailServer, fixture: str, why: str
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal_id, address = await invited(settings, mail)
    ana = world.users["ana"]
    bounce = fixture == "bounce.eml"  # from the mail system, not from her
    sender = "mailer-daemon@mx.example" if bounce else ana.email
    before = await world.last_seq()

    outcome = await receive(reply_from(fixture, to=address, sender=sender), settings)

    assert outcome.outcome is IntakeOutcome.AUTO_REPLY and outcome.detail == why
    assert not outcome.answered
    assert {e.type for e in await world.events_since(before)} <= {"proposal.voice_probably_away"}
    assert not await Delivery.filter(recipient_id=ana.id, payload__contains="reply_refused")
    inferred = await Absence.filter(user_id=ana.id, source=AbsenceSource.AUTO_REPLY).count()
    assert inferred == (0 if bounce else 1)


async def test_an_expired_or_revoked_address_posts_nothing_and_tells_its_owner(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, proposal_id, address = await invited(settings, mail)
    ana = world.users["ana"]
    with clock.frozen_at(clock.now() + timedelta(days=61)):
        expired = await receive(reply_from("gmail_es.eml", to=address, sender=ana.email), settings)
    await revoke_links(ana.id)
    revoked = await receive(reply_from("gmail_es.eml", to=address, sender=ana.email), settings)

    assert expired.outcome is revoked.outcome is IntakeOutcome.EXPIRED_ADDRESS
    assert expired.answered and revoked.answered
    assert await debates.positions(proposal_ids=[proposal_id]) == []


async def test_an_unknown_address_or_none_of_ours_is_dropped_and_nobody_is_answered(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal_id, _address = await invited(settings, mail)
    ana = world.users["ana"]

    forged = f"reply+{'a' * 32}@reply.actas.example"
    unknown = await receive(reply_from("gmail_es.eml", to=forged, sender=ana.email), settings)
    elsewhere = await receive(
        plain_reply(to="ana@elsewhere.example", sender=ana.email, body="Sí"), settings
    )

    assert (unknown.outcome, unknown.answered) == (IntakeOutcome.UNKNOWN_ADDRESS, False)
    assert await ProcessedMessage.exists(message_id=unknown.message_id)
    assert elsewhere.outcome is IntakeOutcome.NOT_FOR_US
    assert not await ProcessedMessage.exists(message_id=elsewhere.message_id)


async def test_an_empty_reply_is_answered_and_short_replies_are_limited_per_hour(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal_id, address = await invited(settings, mail)
    ana = world.users["ana"]
    signature_only = "\n\n-- \nAna\nAnalítica\n"  # a signature and nothing above it

    outcomes = [
        await receive(plain_reply(to=address, sender=ana.email, body=signature_only), settings)
        for _ in range(SHORT_REPLIES_PER_HOUR + 2)
    ]

    assert {o.outcome for o in outcomes} == {IntakeOutcome.EMPTY}
    assert [o.answered for o in outcomes].count(True) == SHORT_REPLIES_PER_HOUR

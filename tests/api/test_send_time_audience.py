"""The audience is checked again when a message is sent: a queued email never reaches someone
who has since lost sight of its proposal, and a queued webhook call never carries a proposal
that every member no longer sees."""

from __future__ import annotations

from datetime import timedelta

from actas.api import clock
from actas.api.domain.vocabulary import (
    DeliveryChannel,
    DeliveryStatus,
    ParticipantRole,
    Visibility,
)
from actas.api.models import DeliveryAttempt, Proposal
from actas.api.services import proposals
from actas.api.services.outbox import deliver_due
from actas.api.services.unseen import HIDDEN, NOT_PUBLIC
from actas.api.settings import Settings
from tests.api.receivers import MailServer, WebhookReceiver, fresh_era
from tests.api.test_outbox import deliveries, reference, register, worker_settings, world_in
from tests.factories import opened

REQUIRED, CONSULTED = ParticipantRole.REQUIRED, ParticipantRole.CONSULTED


async def test_a_queued_email_does_not_reach_someone_who_lost_sight_of_the_proposal(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    with clock.frozen_at(era + timedelta(hours=1)):
        await deliver_due(settings)  # what setting the world up queued
        proposal = await opened(
            world,
            visibility=Visibility.PARTICIPANTS,
            participants={"eve": REQUIRED, "ana": CONSULTED},
        )
        # Before the worker's round, Eve is taken off the private proposal.
        await proposals.set_participant(
            await world.viewer("mara"), proposal.id, world.id("eve"), None
        )
        await deliver_due(settings)

    ref = reference(world, proposal)
    assert [m for m in mail.to(world.users["ana"].email) if ref in m.subject]
    assert not [m for m in mail.to(world.users["eve"].email) if ref in m.subject]
    [to_eve] = [
        d
        for d in await deliveries(world, DeliveryChannel.EMAIL)
        if d.recipient_id == world.id("eve") and d.created_at > era + timedelta(minutes=30)
    ]
    assert to_eve.status == DeliveryStatus.SKIPPED
    [attempt] = await DeliveryAttempt.filter(delivery_id=to_eve.id)
    assert attempt.detail == HIDDEN


async def test_a_queued_webhook_call_does_not_carry_a_proposal_every_member_no_longer_sees(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    async with WebhookReceiver() as receiver:
        with clock.frozen_at(era + timedelta(hours=1)):
            await register(world, receiver)
            await deliver_due(settings)
            proposal = await opened(world)
            # Made private outside actas' services (say, a data repair) before the call is sent.
            await Proposal.filter(id=proposal.id).update(visibility=Visibility.PARTICIPANTS)
            await deliver_due(settings)

    assert not [
        c for c in receiver.calls if c.body["event"]["proposal"] == reference(world, proposal)
    ]
    calls = await deliveries(world, DeliveryChannel.WEBHOOK)
    skipped = [d for d in calls if d.status == DeliveryStatus.SKIPPED]
    assert skipped
    for delivery in skipped:
        [attempt] = await DeliveryAttempt.filter(delivery_id=delivery.id)
        assert attempt.detail == NOT_PUBLIC

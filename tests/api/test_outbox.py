"""The outbox: what the worker sends arrives over real SMTP and real HTTP, once, and what fails is
retried with backoff, logged attempt by attempt, and given up on only after the last attempt.

Receivers are real (``receivers.py``): aiosmtpd for email, and a starlette endpoint for webhooks
that checks every signature and keeps each delivery once by its id. Each scenario runs in its
own era of the injectable clock, so the worker only finds that scenario's work due.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import orjson
import pytest

from actas.api import clock
from actas.api.catalogue import read_catalog, texts_for
from actas.api.domain.errors import Forbidden, NotFound, ValidationFailed
from actas.api.domain.events import EventType, canonical_time
from actas.api.domain.notifications import QUIET, Reason, handle_of
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import (
    DeliveryChannel,
    DeliveryStatus,
    EmailMode,
    Language,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Stance,
    Visibility,
)
from actas.api.models import Delivery, DeliveryAttempt, Event, Proposal, User
from actas.api.services import debate, organisations, preferences, proposals, webhooks
from actas.api.services.outbox import LEASE, deliver_due, signature
from actas.api.settings import Settings, load_settings
from actas.api.worker import one_round
from tests.api.receivers import RECEIVERS_ALLOWED, MailServer, WebhookReceiver, fresh_era
from tests.api.test_notifications import (
    PROPOSAL_EVENTS,
    AudienceOracle,
    audience_world,
    every_event_of_a_proposal,
)
from tests.factories import World, build_world, draft, opened, unique

REQUIRED, DECIDER = ParticipantRole.REQUIRED, ParticipantRole.DECIDER
ROOT = Path(__file__).resolve().parents[2]


def worker_settings(database: Settings, mail: MailServer, **environ: str) -> Settings:
    """The settings ``actas worker`` reads, pointed at the test database and SMTP server."""
    return load_settings(
        {
            "ACTAS_DATABASE_URL": database.database_url,
            "ACTAS_SMTP_HOST": "127.0.0.1",
            "ACTAS_SMTP_PORT": str(mail.port),
            "ACTAS_MAIL_FROM": "actas <actas@test.example>",
            "ACTAS_LINK_TEMPLATE": "https://actas.example/p/{reference}",
            "ACTAS_WEBHOOK_ALLOW": "127.0.0.1",  # the test receivers listen there
            **environ,
        }
    )


async def world_in(era: datetime) -> World:
    """The default organisation, plus Eve, who reads English, in analítica."""
    with clock.frozen_at(era):
        world = await build_world()
        membership = await organisations.add_member(
            await world.viewer("admin"),
            world.organisation.id,
            email=f"{unique('eve')}@example.org",
            name="Eve",
            language=Language.EN,
            unit_id=world.units["analitica"].id,
        )
    world.users["eve"] = await membership.user
    return world


async def register(
    world: World, receiver: WebhookReceiver, event_types: tuple[str, ...] = ()
) -> int:
    """An admin registers the receiver; it learns the secret, shown this once."""
    created = await webhooks.create_webhook(
        await world.viewer("admin"),
        world.organisation.id,
        url=receiver.url,
        event_types=event_types,
        allowed=RECEIVERS_ALLOWED,
    )
    receiver.secret = created.secret
    return created.webhook.id


def reference(world: World, proposal: Proposal) -> str:
    return format_reference(world.organisation.slug, proposal.number)


async def deliveries(world: World, channel: DeliveryChannel) -> list[Delivery]:
    return await Delivery.filter(organisation_id=world.organisation.id, channel=channel).order_by(
        "id"
    )


# --- email ---------------------------------------------------------------------------------------


async def test_an_invitation_arrives_by_email_in_each_members_language(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    with clock.frozen_at(era + timedelta(hours=1)):
        proposal = await opened(
            world, title="Probar el pago con Bizum", participants={"ana": REQUIRED, "eve": REQUIRED}
        )
        report = await deliver_due(settings)

    ref = reference(world, proposal)
    # Each person's link carries their own personal key (``tests/pages`` opens them).
    link = f"https://actas.example/p/{ref}?k="
    [to_ana] = [m for m in mail.to(world.users["ana"].email) if ref in m.subject]
    assert (
        to_ana.subject == f"[{ref}] Mara ha abierto la propuesta a debate: Probar el pago con Bizum"
    )
    assert str(to_ana.message["From"]) == "actas <actas@test.example>"
    assert to_ana.envelope_to == (world.users["ana"].email,)
    assert to_ana.message["Date"] is not None
    assert "Su posición es necesaria en esta propuesta." in to_ana.text
    assert f"Abrir en actas: {link}" in to_ana.text
    assert f'<a href="{link}' in to_ana.html and ">Abrir en actas</a>" in to_ana.html
    assert "Su posición es necesaria en esta propuesta." in to_ana.html
    [to_eve] = [m for m in mail.to(world.users["eve"].email) if ref in m.subject]
    assert (
        to_eve.subject == f"[{ref}] Mara opened the proposal for debate: Probar el pago con Bizum"
    )
    assert "Your position is needed on this proposal." in to_eve.text
    assert f"Open in actas: {link}" in to_eve.text
    assert f'<a href="{link}' in to_eve.html and ">Open in actas</a>" in to_eve.html
    assert to_ana.text.split(link)[1][:40] != to_eve.text.split(link)[1][:40]

    # Everything due was sent once (the members also hear they were added), each attempt logged.
    sent = await deliveries(world, DeliveryChannel.EMAIL)
    assert report.sent == len(sent) == len(mail.received) == len(mail.once_each())
    for delivery in sent:
        assert mail.once_each()[f"<{delivery.key}@actas>"]
        assert (delivery.status, delivery.attempts, delivery.sent_at) == (
            DeliveryStatus.SENT,
            1,
            era + timedelta(hours=1),
        )
        [attempt] = await DeliveryAttempt.filter(delivery_id=delivery.id)
        assert (attempt.number, attempt.succeeded) == (1, True)
    with clock.frozen_at(era + timedelta(days=1)):
        assert (await deliver_due(settings)).sent == 0


async def test_a_queued_email_follows_the_members_choice_when_it_is_sent(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    with clock.frozen_at(era + timedelta(hours=1)):
        proposal = await opened(world, participants={"ana": REQUIRED, "eve": REQUIRED})
        # Before the worker's round, Ana chooses a daily digest instead.
        await preferences.set_email_mode(
            await world.viewer("ana"), world.organisation.id, EmailMode.DAILY
        )
        report = await deliver_due(settings)

    ref = reference(world, proposal)
    assert [m for m in mail.to(world.users["eve"].email) if ref in m.subject]
    assert not mail.to(world.users["ana"].email)
    # Her invitation and her welcome to the organisation were queued; neither was sent.
    to_ana = [
        d
        for d in await deliveries(world, DeliveryChannel.EMAIL)
        if d.recipient_id == world.id("ana") and d.notification_id is not None
    ]
    assert len(to_ana) == report.skipped == 2
    for delivery in to_ana:
        [attempt] = await DeliveryAttempt.filter(delivery_id=delivery.id)
        assert delivery.status == DeliveryStatus.SKIPPED  # done with, never retried: not sent
        assert attempt.detail == "not sent: the member has since chosen a daily digest"


async def test_an_argument_email_quotes_it_and_says_why_you_are_told(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    with clock.frozen_at(era + timedelta(hours=1)):
        proposal = await opened(world, participants={"teo": DECIDER})
        first = await debate.add_argument(
            await world.viewer("eve"), proposal.id, stance=Stance.FOR, body="Fewer clicks."
        )
        await debate.add_argument(
            await world.viewer("ana"),
            proposal.id,
            stance=Stance.AGAINST,
            body=f"Less <b>safe</b>, @{handle_of(world.users['teo'].email)}:\nthink of refunds.",
            parent_id=first.id,
        )
        await deliver_due(settings)

    ref = reference(world, proposal)
    [to_eve] = [m for m in mail.to(world.users["eve"].email) if "Ana" in m.subject]
    assert to_eve.subject == f"[{ref}] Ana added an argument: Run an A/B test on the checkout"
    teo = handle_of(world.users["teo"].email)
    assert f"> Less <b>safe</b>, @{teo}:\n> think of refunds." in to_eve.text
    assert "It replies to your argument." in to_eve.text
    assert f"Less &lt;b&gt;safe&lt;/b&gt;, @{teo}:<br>think of refunds." in to_eve.html
    [to_teo] = [m for m in mail.to(world.users["teo"].email) if "Ana" in m.subject]
    assert "Le han mencionado." in to_teo.text


async def test_a_repeated_email_keeps_its_message_id_so_the_receiver_keeps_it_once(
    database: Settings, mail: MailServer
) -> None:
    """A worker dies after the SMTP server took the message but before it answered: the lease
    runs out, another worker sends it again, with the same Message-ID."""
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    with clock.frozen_at(era):
        await deliver_due(settings)  # what setting the world up queued
    mail.clear()
    with clock.frozen_at(era + timedelta(hours=1)):
        await opened(world, participants={"ana": REQUIRED})
        [invitation] = await Delivery.filter(
            organisation_id=world.organisation.id, status=DeliveryStatus.PENDING
        )
        mail.delay = 0.3
        dying = asyncio.create_task(deliver_due(settings))
        assert await asyncio.to_thread(mail.arrived.wait, 10)
        dying.cancel()  # (aiosmtplib still waits for the server's answer to QUIT)
        with pytest.raises(asyncio.CancelledError):
            await dying
        mail.delay = 0.0
        assert (await deliver_due(settings)).sent == 0  # still leased to the dead worker

    with clock.frozen_at(era + timedelta(hours=1) + LEASE + timedelta(seconds=1)):
        assert (await deliver_due(settings)).sent == 1

    assert len(mail.received) == 2
    assert list(mail.once_each()) == [f"<{invitation.key}@actas>"]
    await invitation.refresh_from_db()
    assert (invitation.status, invitation.attempts) == (DeliveryStatus.SENT, 1)


async def test_a_worker_slower_than_its_lease_leaves_the_record_to_the_one_that_took_over(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    with clock.frozen_at(era):
        await deliver_due(settings)  # what setting the world up queued
    t0 = era + timedelta(hours=1)
    async with WebhookReceiver(delay=1.0) as receiver:
        with clock.frozen_at(t0):
            await register(world, receiver)
            await opened(world)
            [delivery] = await deliveries(world, DeliveryChannel.WEBHOOK)
            slow = asyncio.create_task(deliver_due(settings))
        await asyncio.wait_for(receiver.arrived.wait(), 10)
        receiver.delay = 0.0
        with clock.frozen_at(t0 + LEASE + timedelta(seconds=1)):
            taking_over = await deliver_due(settings)
        late = await slow

    assert (taking_over.sent, late.sent, late.failed) == (1, 0, 0)
    await delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    [attempt] = await DeliveryAttempt.filter(delivery_id=delivery.id)
    assert attempt.at == t0 + LEASE + timedelta(seconds=1)
    # At least once: the receiver got it twice and kept it once, by its delivery id.
    assert [c.delivery for c in receiver.calls] == [delivery.key, delivery.key]
    assert list(receiver.kept) == [delivery.key]


# --- webhooks ------------------------------------------------------------------------------------


async def test_webhook_calls_are_signed_and_carry_the_event_as_recorded(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    async with WebhookReceiver() as receiver:
        with clock.frozen_at(era + timedelta(hours=1)):
            await register(world, receiver)
            proposal = await opened(world, participants={"teo": DECIDER})
            await debate.take_position(
                await world.viewer("ana"), proposal.id, stance=PositionStance.AGREE
            )
            await deliver_due(settings)

    assert receiver.calls and all(call.signature_valid for call in receiver.calls)
    assert not receiver.repeats()
    # (Webhooks never hear of each other: an address may be a credential.)
    assert [c.event_type for c in receiver.calls] == ["proposal.opened", "position.taken"]
    hooks = await deliveries(world, DeliveryChannel.WEBHOOK)
    assert [c.delivery for c in receiver.calls] == [d.key for d in hooks]
    opened_call = receiver.calls[0]
    event = await Event.get(organisation_id=world.organisation.id, type="proposal.opened")
    assert opened_call.body == {
        "delivery": hooks[0].key,
        "organisation": world.organisation.slug,
        "event": {
            "seq": event.seq,
            "type": "proposal.opened",
            "at": canonical_time(event.created_at),
            "proposal": reference(world, proposal),
            "actor": {"id": world.id("mara"), "name": "Mara"},
            "payload": orjson.loads(event.payload),
            "hash": event.hash,
        },
    }
    assert {d.status for d in hooks} == {DeliveryStatus.SENT}


async def test_only_admins_register_webhooks_and_the_secret_is_shown_once(
    database: Settings,
) -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    with pytest.raises(Forbidden):
        await webhooks.create_webhook(
            await world.viewer("mara"), world.organisation.id, url="https://hooks.example/a"
        )
    for url, types in (("ftp://hooks.example/a", ()), ("https://hooks.example/a", ("nope",))):
        with pytest.raises(ValidationFailed):
            await webhooks.create_webhook(admin, world.organisation.id, url=url, event_types=types)
    before = await world.last_seq()
    created = await webhooks.create_webhook(
        admin,
        world.organisation.id,
        url="https://hooks.example/a",
        event_types=["proposal.rejected", "proposal.accepted"],
    )

    assert len(created.secret) == 64
    assert created.webhook.event_types == "proposal.accepted,proposal.rejected"
    [event] = await world.events_since(before)
    assert event.type == "webhook.created" and created.secret not in event.payload
    await webhooks.update_webhook(
        admin,
        created.webhook.id,
        url="https://hooks.example/a",
        event_types=["proposal.accepted", "proposal.rejected"],
        active=True,
    )
    assert await world.last_seq() == event.seq  # nothing changed, nothing recorded
    # To a member who is not an admin a webhook is as absent as a nonexistent one.
    with pytest.raises(NotFound):
        await webhooks.update_webhook(await world.viewer("mara"), created.webhook.id, active=False)


def test_the_signature_is_githubs_hmac_sha256_of_the_body() -> None:
    # The example from GitHub's documentation on validating webhook deliveries.
    assert signature("It's a Secret to Everybody", b"Hello, World!") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


async def test_webhooks_carry_only_what_every_member_may_see_and_only_the_types_asked(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    mara = await world.viewer("mara")
    async with (
        WebhookReceiver() as everything,
        WebhookReceiver() as decisions,
        WebhookReceiver() as switched_off,
    ):
        with clock.frozen_at(era + timedelta(hours=1)):
            await register(world, everything)
            await register(world, decisions, ("proposal.accepted", "proposal.rejected"))
            off = await register(world, switched_off)
            await webhooks.update_webhook(await world.viewer("admin"), off, active=False)
            published = await opened(world, participants={"teo": DECIDER})
            unit = await opened(
                world,
                visibility=Visibility.UNIT,
                unit="marketing",
                participants={"teo": DECIDER},
            )
            private = await opened(
                world, visibility=Visibility.PARTICIPANTS, participants={"teo": DECIDER}
            )
            never_opened = await draft(world)
            await proposals.revise_proposal(
                mara, never_opened.id, expected_version=1, change_note="n", body="Secret."
            )
            await proposals.withdraw_proposal(mara, never_opened.id, "Never mind.")
            for proposal in (published, unit, private):
                await debate.add_argument(
                    await world.viewer("teo"), proposal.id, stance=Stance.FOR, body="Yes."
                )
                await proposals.decide_proposal(
                    await world.viewer("teo"),
                    proposal.id,
                    outcome=ProposalState.ACCEPTED,
                    statement="Go.",
                )
            await deliver_due(settings)

    ref = reference(world, published)
    assert [(c.event_type, c.body["event"]["proposal"]) for c in everything.calls] == [
        ("proposal.opened", ref),
        ("argument.added", ref),
        ("proposal.accepted", ref),
    ]
    assert [(c.event_type, c.body["event"]["proposal"]) for c in decisions.calls] == [
        ("proposal.accepted", ref)
    ]
    assert switched_off.calls == []
    assert all(c.signature_valid for c in everything.calls + decisions.calls)


# --- retries -------------------------------------------------------------------------------------


async def test_a_failing_webhook_is_retried_with_backoff_then_given_up(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail, ACTAS_RETRY_BASE="60", ACTAS_MAX_ATTEMPTS="4")
    with clock.frozen_at(era):
        await deliver_due(settings)  # what setting the world up queued
    t0 = era + timedelta(hours=1)
    async with WebhookReceiver(failing_with=503) as receiver:
        with clock.frozen_at(t0):
            await register(world, receiver)
            await opened(world)
            [delivery] = await deliveries(world, DeliveryChannel.WEBHOOK)
            assert (await deliver_due(settings)).failed == 1
        # Waits of 60 s, 120 s and 240 s: attempts at 0, 60, 180 and 420 seconds.
        timeline = [(59, 1), (60, 2), (179, 2), (180, 3), (419, 3), (420, 4), (86_400, 4)]
        for seconds, attempts in timeline:
            with clock.frozen_at(t0 + timedelta(seconds=seconds)):
                await deliver_due(settings)
            assert len(receiver.calls) == attempts, seconds

    await delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error, delivery.sent_at) == (
        DeliveryStatus.FAILED,
        4,
        "HTTP 503",
        None,
    )
    log = await DeliveryAttempt.filter(delivery_id=delivery.id).order_by("number")
    assert [(a.number, a.succeeded, a.detail) for a in log] == [
        (n, False, "HTTP 503") for n in (1, 2, 3, 4)
    ]
    assert [a.at for a in log] == [t0 + timedelta(seconds=s) for s in (0, 60, 180, 420)]
    assert {c.delivery for c in receiver.calls} == {delivery.key}


async def test_a_receiver_that_recovers_gets_the_delivery_once(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail, ACTAS_RETRY_BASE="60")
    with clock.frozen_at(era):
        await deliver_due(settings)
    t0 = era + timedelta(hours=1)
    async with WebhookReceiver(failing_with=500) as receiver:
        with clock.frozen_at(t0):
            await register(world, receiver)
            await opened(world)
            await deliver_due(settings)
        receiver.failing_with = None
        with clock.frozen_at(t0 + timedelta(seconds=60)):
            assert (await deliver_due(settings)).sent == 1
        with clock.frozen_at(t0 + timedelta(days=1)):
            assert (await deliver_due(settings)).sent == 0

    [delivery] = await deliveries(world, DeliveryChannel.WEBHOOK)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        2,
        "",
    )
    log = await DeliveryAttempt.filter(delivery_id=delivery.id).order_by("number")
    assert [(a.number, a.succeeded, a.detail) for a in log] == [
        (1, False, "HTTP 500"),
        (2, True, "HTTP 204"),
    ]
    assert list(receiver.kept) == [delivery.key] and not receiver.repeats()


async def test_an_unreachable_smtp_server_is_an_attempt_that_failed(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail, ACTAS_RETRY_BASE="60")
    mail.stop()
    with clock.frozen_at(era):
        report = await deliver_due(settings)
    sent = await deliveries(world, DeliveryChannel.EMAIL)
    assert report.failed == len(sent) > 0
    for delivery in sent:
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert delivery.next_attempt_at == era + timedelta(seconds=60)
        [attempt] = await DeliveryAttempt.filter(delivery_id=delivery.id)
        assert not attempt.succeeded
        assert attempt.detail == delivery.last_error != ""
    mail.start()


# --- never lost, never twice ---------------------------------------------------------------------


async def busy_day(world: World) -> None:
    """Proposals opened, argued and decided: email to many, webhook calls for the published."""
    for visibility in (Visibility.ORGANISATION, Visibility.UNIT):
        proposal = await opened(
            world,
            visibility=visibility,
            unit="marketing",
            participants={"teo": DECIDER, "ana": REQUIRED, "eve": REQUIRED},
        )
        first = await debate.add_argument(
            await world.viewer("ana"), proposal.id, stance=Stance.AGAINST, body="Risky, @eve?"
        )
        await debate.add_argument(
            await world.viewer("eve"),
            proposal.id,
            stance=Stance.FOR,
            body="No.",
            parent_id=first.id,
        )
        for who in ("ana", "eve"):
            await debate.take_position(
                await world.viewer(who), proposal.id, stance=PositionStance.AGREE
            )
        await proposals.decide_proposal(
            await world.viewer("teo"),
            proposal.id,
            outcome=ProposalState.ACCEPTED,
            statement="Agreed by all.",
        )


async def assert_each_sent_once(world: World, mail: MailServer, receiver: WebhookReceiver) -> None:
    """Every delivery of the organisation arrived once: none lost, none repeated (the worker
    serves every organisation, so the SMTP server may also get other tests' digests)."""
    emails = await deliveries(world, DeliveryChannel.EMAIL)
    calls = await deliveries(world, DeliveryChannel.WEBHOOK)
    assert emails and calls
    assert {d.status for d in emails + calls} == {DeliveryStatus.SENT}
    addresses = dict(
        await User.filter(id__in=[d.recipient_id for d in emails]).values_list("id", "email")
    )
    ours = [m for m in mail.received if m.to in addresses.values()]
    assert sorted(m.message_id for m in ours) == sorted(f"<{d.key}@actas>" for d in emails)
    for delivery in emails:
        arrived = mail.once_each()[f"<{delivery.key}@actas>"]
        assert arrived.envelope_to == (addresses[delivery.recipient_id],)
    assert sorted(c.delivery for c in receiver.calls if c.answered == 204) == sorted(
        d.key for d in calls
    )
    assert all(c.signature_valid for c in receiver.calls)


async def test_nothing_is_lost_or_sent_twice_while_the_receivers_are_down(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail, ACTAS_RETRY_BASE="30")
    receiver = WebhookReceiver()
    mail.stop()
    with clock.frozen_at(era + timedelta(hours=1)):
        await register(world, receiver)
        await busy_day(world)
        await one_round(settings)
    with clock.frozen_at(era + timedelta(hours=2)):
        for _ in range(3):  # the worker keeps trying while they are down
            await one_round(settings)
    expected = await Delivery.filter(organisation_id=world.organisation.id).count()
    tried = await DeliveryAttempt.filter(organisation_id=world.organisation.id).values_list(
        "delivery_id", "succeeded"
    )
    assert {delivery for delivery, _ in tried} == set(
        await Delivery.filter(organisation_id=world.organisation.id).values_list("id", flat=True)
    )
    assert len(tried) > expected and not any(ok for _, ok in tried)
    assert not mail.received and not receiver.calls

    mail.start()
    async with receiver:
        with clock.frozen_at(era + timedelta(days=1)):
            while (await one_round(settings)).delivery.sent:
                pass

    await assert_each_sent_once(world, mail, receiver)
    assert not mail.repeats() and not receiver.repeats()
    for delivery in await Delivery.filter(organisation_id=world.organisation.id):
        log = await DeliveryAttempt.filter(delivery_id=delivery.id).order_by("number")
        assert [a.number for a in log] == list(range(1, delivery.attempts + 1))
        assert [a.succeeded for a in log] == [False] * (delivery.attempts - 1) + [True]


async def test_two_workers_at_once_never_send_a_message_twice(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    async with WebhookReceiver() as receiver:
        with clock.frozen_at(era + timedelta(hours=1)):
            await register(world, receiver)
            await busy_day(world)
            rounds = await asyncio.gather(*(one_round(settings) for _ in range(3)))

    assert sum(r.delivery.failed for r in rounds) == 0
    await assert_each_sent_once(world, mail, receiver)
    assert not mail.repeats() and not receiver.repeats()
    total = await Delivery.filter(organisation_id=world.organisation.id).count()
    assert await DeliveryAttempt.filter(organisation_id=world.organisation.id).count() == total


# --- the command ---------------------------------------------------------------------------------


def test_actas_worker_sends_what_is_due_and_retries_what_failed(tmp_path: Path) -> None:
    """The command as cron (``--once``) or a service manager would run it, on its own SQLite
    database, with the real clock."""
    database = tmp_path / "worker.sqlite3"
    url = f"sqlite://{database}"
    environment = {
        **os.environ,
        "ACTAS_DATABASE_URL": url,
        "ACTAS_MAIL_FROM": "actas@test.example",
        "ACTAS_RETRY_BASE": "0.5",
        "ACTAS_WORKER_INTERVAL": "0.1",
    }
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.api.worker_seed", url],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = orjson.loads(seeded.stdout)["emails"]
    actas = str(Path(sys.executable).with_name("actas"))
    mail = MailServer()  # not started yet: the first round finds no SMTP server
    environment["ACTAS_SMTP_PORT"] = str(mail.port)

    once = subprocess.run(
        [actas, "worker", "--once"], env=environment, capture_output=True, text=True, timeout=60
    )
    assert once.returncode == 0, once.stderr
    assert f"sent 0, failed {len(expected)}, not needed 0" in once.stdout

    with mail:
        worker = subprocess.Popen(
            [actas, "worker"], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            give_up = time.monotonic() + 30
            while len(mail.received) < len(expected) and time.monotonic() < give_up:
                time.sleep(0.05)
            time.sleep(0.3)  # a few more rounds: nothing is sent again
        finally:
            worker.send_signal(signal.SIGTERM)
            _, errors = worker.communicate(timeout=20)
    assert worker.returncode == 0, errors.decode()

    assert sorted(m.to for m in mail.received) == expected
    assert not mail.repeats()
    assert {str(m.message["From"]) for m in mail.received} == {"actas@test.example"}
    with contextlib.closing(sqlite3.connect(database)) as stored:
        deliveries = stored.execute("SELECT status, attempts FROM delivery").fetchall()
        attempts = stored.execute(
            "SELECT number, succeeded FROM delivery_attempt ORDER BY delivery_id, number"
        ).fetchall()
    assert deliveries == [("sent", 2)] * len(expected)
    assert attempts == [(1, 0), (2, 1)] * len(expected)


async def test_workers_sending_side_by_side_share_the_outbox_without_overlap(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    async with WebhookReceiver(delay=0.01) as receiver:
        with clock.frozen_at(era + timedelta(hours=1)):
            await register(world, receiver)
            await busy_day(world)

            async def worker() -> int:
                sent = 0
                while report := (await deliver_due(settings, limit=4)).sent:
                    sent += report
                return sent

            shares = await asyncio.gather(worker(), worker(), worker())

    assert sum(shares) == await Delivery.filter(organisation_id=world.organisation.id).count()
    assert all(shares)  # each claimed its own batches, in turn
    await assert_each_sent_once(world, mail, receiver)
    assert not mail.repeats() and not receiver.repeats()


# --- every kind of email -------------------------------------------------------------------------


def sentences(language: Language) -> list[re.Pattern[str]]:
    """A subject for each of the language's sentences: ``[reference or organisation] sentence``,
    then ``: title`` when it is about a proposal."""
    return [
        re.compile(r"\[[^\]]+\] " + re.escape(s).replace(re.escape("{actor}"), ".+") + "(: .+)?")
        for s in happened(language)
    ]


def happened(language: Language) -> list[str]:
    """The catalogue's sentences for what happened (``mail.happened.*``)."""
    t = texts_for(language.value)
    return [
        t[m.id]
        for m in read_catalog(language.value)
        if isinstance(m.id, str) and m.id.startswith("mail.happened.")
    ]


async def test_every_kind_of_email_reads_as_sentences_in_the_members_language(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await audience_world(era)  # Eve reads English
    settings = worker_settings(database, mail)

    await every_event_of_a_proposal(
        world,
        era,
        AudienceOracle(world).check,  # (everyone sees it: the oracle only checks consistency)
        visibility=Visibility.ORGANISATION,
        unit=None,
        author="ana",
        voices={"mara": DECIDER, "eve": REQUIRED, "teo": ParticipantRole.CONSULTED},
        newcomer="leo",
        follower="ivo",
        leaves="tecnologia",
    )
    with clock.frozen_at(era + timedelta(days=30)):
        while (await deliver_due(settings)).sent:
            pass

    people = {u.email: u for u in world.users.values()}
    why = {
        (reason, language): texts_for(language.value).gettext(f"mail.why.{reason.value}")
        for language in Language
        for reason in Reason
    }
    emailed = await Delivery.filter(
        organisation_id=world.organisation.id, channel=DeliveryChannel.EMAIL
    ).values("key", "notification__reason", "notification__event__type")
    arrived = mail.once_each()
    for delivery in emailed:
        letter = arrived[f"<{delivery['key']}@actas>"]
        language = Language(people[letter.to].language)
        assert any(s.fullmatch(letter.subject) for s in sentences(language)), letter.subject
        assert why[(Reason(delivery["notification__reason"]), language)] in letter.text
    # Everything but the quiet events (a role given is told to its new holder, a draft's
    # mentions to the participants who see it), the members told they were added, and the
    # delegate told whom they speak for.
    quiet = QUIET - {EventType.PARTICIPANT_SET, EventType.PROPOSAL_DRAFTED}
    assert {d["notification__event__type"] for d in emailed} == (PROPOSAL_EVENTS - quiet) | {
        EventType.MEMBER_ADDED,
        EventType.ABSENCE_RECORDED,
    }
    assert "en" in {people[m.to].language for m in mail.received if m.to in people}

"""Sending the outbox: claim due deliveries, send them, record every attempt, retry with backoff.

Delivery is at least once: a worker claims a batch with a lease (``leases.py``: renewed while it
sends), sends, and records the result. If it dies in between (or is cut off for longer than its
lease), the lease runs out and another worker sends again; receivers recognise the repeat by the
delivery key (webhook header ``X-Actas-Delivery``, email ``Message-ID``), and the first result
recorded stands. Two workers never hold the same live lease: claiming is one atomic UPDATE
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's write lock serialises claims).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import httpx
import orjson

from actas.api import clock
from actas.api.db import write_transaction
from actas.api.domain.addresses import AllowList
from actas.api.domain.notifications import Reason
from actas.api.domain.payloads import (
    DeadlineApproaching,
    DeadlinePassed,
    FollowUpDue,
    OutcomeReviewDue,
    Payload,
    Reminding,
)
from actas.api.domain.payloads import read as read_payload
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import (
    DeliveryChannel,
    DeliveryStatus,
    EmailMode,
    Language,
    PositionStance,
    ProposalState,
    RuleKind,
)
from actas.api.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    Membership,
    Notification,
    Organisation,
    Proposal,
    User,
    Webhook,
)
from actas.api.services import link_mail, mail, outbound
from actas.api.services.leases import claim_due, kept_alive, release
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose, page_link
from actas.api.services.unseen import no_longer_seen
from actas.api.settings import DEFAULT_DELIVERY_LEASE, Settings

LEASE = timedelta(seconds=DEFAULT_DELIVERY_LEASE)  # unless ACTAS_DELIVERY_LEASE says otherwise
SEND_AT_ONCE = 8
# The payload field quoted in an email, the first present (a follow-up's, its note or title).
EXCERPT_FIELDS = (
    "body",
    "statement",
    "reason",
    "change_note",
    "summary",
    "comment",
    "note",
    "title",
)


@dataclass(frozen=True)
class RoundReport:
    sent: int = 0
    failed: int = 0  # attempts that failed (the delivery will be retried or given up)
    skipped: int = 0  # done without sending: no address, or no longer wanted

    def __add__(self, other: RoundReport) -> RoundReport:
        return RoundReport(
            self.sent + other.sent, self.failed + other.failed, self.skipped + other.skipped
        )

    def __str__(self) -> str:
        return f"sent {self.sent}, failed {self.failed}, not needed {self.skipped}"


SENT, FAILED, SKIPPED = "sent", "failed", "skipped"


async def deliver_due(
    settings: Settings, *, limit: int = 100, stop: asyncio.Event | None = None
) -> RoundReport:
    """One round: claim what is due, send it, record each attempt. Once ``stop`` is set, what
    is being sent is finished and recorded, and the rest is released for another worker."""
    lease = timedelta(seconds=settings.delivery_lease)
    ids = await claim_due(limit, lease)
    if not ids:
        return RoundReport()
    deliveries = await Delivery.filter(id__in=ids).order_by("id")
    emails = [d for d in deliveries if d.channel == DeliveryChannel.EMAIL]
    unwanted = {**await _no_longer_wanted(emails), **await no_longer_seen(deliveries)}
    letters = await _letters(settings, [d for d in emails if d.id not in unwanted])
    hooks = {
        h.id: h
        for h in await Webhook.filter(id__in=[d.webhook_id for d in deliveries if d.webhook_id])
    }
    gate = asyncio.Semaphore(SEND_AT_ONCE)
    # One HTTP client for the round's webhook calls: building one loads the CA certificates,
    # which costs more than a call to a nearby receiver.
    http = outbound.webhook_client() if hooks else None

    async def send(delivery: Delivery) -> tuple[str, str]:
        """What became of the delivery (sent, failed or skipped), and the detail to log."""
        try:
            if delivery.channel == DeliveryChannel.EMAIL:
                if delivery.id in unwanted:
                    return SKIPPED, unwanted[delivery.id]
                letter = letters.get(delivery.id)
                if letter is None:
                    return SKIPPED, "nothing to send: the recipient has no email"
                await mail.send(letter, settings.mail)
                return SENT, "accepted by the SMTP server"
            if delivery.id in unwanted:
                return SKIPPED, unwanted[delivery.id]
            assert delivery.webhook_id is not None and http is not None
            hook = hooks[delivery.webhook_id]
            accepted, detail = await _post(http, hook, delivery, settings.webhook_allow)
            return (SENT if accepted else FAILED), detail
        except Exception as error:  # any failure of the channel is retried
            return FAILED, f"{type(error).__name__}: {error}"[:500]

    held = set(ids)  # claimed and not yet recorded: their leases are renewed
    unstarted = set(ids)

    async def attempt(delivery: Delivery) -> str | None:
        async with gate:
            if stop is not None and stop.is_set():
                return None  # stopping: left unstarted, released below
            unstarted.discard(delivery.id)
            outcome, detail = await send(delivery)
        # Recorded at once, not after the whole batch: a slow send must not keep the others'
        # results unrecorded until their leases run out.
        recorded = await _record(settings, delivery, outcome, detail)
        held.discard(delivery.id)
        return outcome if recorded else None

    try:
        async with kept_alive(held, lease):
            results = await asyncio.gather(*(attempt(d) for d in deliveries))
    finally:
        if http is not None:
            await http.aclose()
        await release(unstarted)
    return RoundReport(
        sent=results.count(SENT), failed=results.count(FAILED), skipped=results.count(SKIPPED)
    )


async def _record(settings: Settings, delivery: Delivery, outcome: str, detail: str) -> bool:
    """Log the attempt (``outcome`` is SENT, SKIPPED or FAILED) and set what comes next. False,
    and nothing written, when this worker's lease ran out and another worker has recorded an
    attempt since: theirs stands. A skipped delivery is done with, like a sent one, but keeps its
    own status: the log must not say "sent" for a message nobody received."""
    at = clock.now()
    number = delivery.attempts + 1
    succeeded = outcome != FAILED
    if outcome == SKIPPED:
        status, next_at = DeliveryStatus.SKIPPED, delivery.next_attempt_at
    elif succeeded:
        status, next_at = DeliveryStatus.SENT, delivery.next_attempt_at
    elif number >= settings.max_attempts:
        status, next_at = DeliveryStatus.FAILED, delivery.next_attempt_at
    else:
        status, next_at = DeliveryStatus.PENDING, at + backoff(settings, number)
    async with write_transaction(None):
        recorded = await Delivery.filter(
            id=delivery.id, attempts=delivery.attempts, status=DeliveryStatus.PENDING
        ).update(
            status=status,
            attempts=number,
            next_attempt_at=next_at,
            claimed_until=None,
            sent_at=at if outcome == SENT else None,
            last_error="" if succeeded else detail,
        )
        if not recorded:
            return False
        await DeliveryAttempt.create(
            organisation_id=delivery.organisation_id,
            delivery_id=delivery.id,
            number=number,
            succeeded=succeeded,
            detail=detail,
            at=at,
        )
    return True


def backoff(settings: Settings, attempts: int) -> timedelta:
    """Wait before retry ``attempts + 1``: the base, doubling, at most six hours."""
    return timedelta(seconds=min(settings.retry_base * 2 ** (attempts - 1), 6 * 3600))


# Webhooks ---------------------------------------------------------------------------------------


def signature(secret: str, body: bytes) -> str:
    """GitHub-style: ``sha256=`` and the hex HMAC-SHA256 of the body under the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _post(
    client: httpx.AsyncClient, hook: Webhook, delivery: Delivery, allowed: AllowList
) -> tuple[bool, str]:
    """Call the webhook if its address passes the policy now (its name may point elsewhere since
    it was registered), at the address checked. The detail logged is coarse: an admin reads the
    log, and it must not tell which internal hosts and ports answer."""
    body = delivery.payload.encode()
    event_type = orjson.loads(body)["event"]["type"]
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "actas-webhook",
        "X-Actas-Delivery": delivery.key,
        "X-Actas-Event": event_type,
        "X-Actas-Signature-256": signature(hook.secret, body),
    }
    try:
        target = await outbound.check_target(hook.url, allowed)
        status = await outbound.post(client, target, content=body, headers=headers)
    except outbound.CallFailed as failure:  # refused by the policy, or no answer
        return False, failure.logged
    return 200 <= status < 300, f"HTTP {status}"


# Email ------------------------------------------------------------------------------------------


async def _no_longer_wanted(emails: Sequence[Delivery]) -> dict[int, str]:
    """Notification emails not to send after all, and why: a queued message (say, one waiting
    for a retry) follows the member's email choice as it is now, and goes to members only."""
    notices = [
        d
        for d in emails
        if d.notification_id is not None
        and d.recipient_id
        and not orjson.loads(d.payload).get("invitation")  # invitees are not members yet
    ]
    if not notices:
        return {}
    modes = {
        (organisation, user): mode
        for organisation, user, mode in await Membership.filter(
            organisation_id__in=sorted({d.organisation_id for d in notices}),
            user_id__in=sorted({d.recipient_id for d in notices if d.recipient_id}),
        ).values_list("organisation_id", "user_id", "email_mode")
    }
    unwanted = {}
    for delivery in notices:
        mode = modes.get((delivery.organisation_id, delivery.recipient_id or 0))
        if mode is None:
            unwanted[delivery.id] = "not sent: no longer a member"
        elif mode == EmailMode.OFF:
            unwanted[delivery.id] = "not sent: the member has since turned email off"
        elif mode != EmailMode.IMMEDIATE:
            unwanted[delivery.id] = f"not sent: the member has since chosen a {mode} digest"
    return unwanted


async def _letters(settings: Settings, deliveries: Sequence[Delivery]) -> dict[int, mail.Letter]:
    """The email of each delivery: a notification's, a fresh link, or a digest."""
    letters = await _notification_letters(settings, [d for d in deliveries if d.notification_id])
    links = [d for d in deliveries if link_mail.is_link(d)]
    digests = [d for d in deliveries if d.notification_id is None and d not in links]
    letters |= await link_mail.link_letters(settings, links)
    return letters | await _digest_letters(settings, digests)


async def _digest_letters(
    settings: Settings, deliveries: Sequence[Delivery]
) -> dict[int, mail.Letter]:
    if not deliveries:
        return {}
    people = {u.id: u for u in await User.filter(id__in=[d.recipient_id for d in deliveries])}
    organisations = dict(
        await Organisation.filter(id__in=[d.organisation_id for d in deliveries]).values_list(
            "id", "name"
        )
    )
    inbox = settings.link_template.format(reference="").rstrip("/")
    letters = {}
    for delivery in deliveries:
        person = people[delivery.recipient_id or 0]
        letters[delivery.id] = mail.compose_digest(
            key=delivery.key,
            to=person.email,
            language=Language(person.language),
            organisation=organisations[delivery.organisation_id],
            counts=orjson.loads(delivery.payload)["digest"],
            link=inbox,
        )
    return letters


async def _notification_letters(
    settings: Settings, deliveries: Sequence[Delivery]
) -> dict[int, mail.Letter]:
    """Each notification's email, composed with one query per table."""
    if not deliveries:
        return {}
    notifications = {
        n.id: n for n in await Notification.filter(id__in=[d.notification_id for d in deliveries])
    }
    events = {
        e.id: e for e in await Event.filter(id__in=[n.event_id for n in notifications.values()])
    }
    proposals = {
        p.id: p
        for p in await Proposal.filter(
            id__in=[n.proposal_id for n in notifications.values() if n.proposal_id]
        ).select_related("organisation")
    }
    organisations = dict(
        await Organisation.filter(id__in=[d.organisation_id for d in deliveries]).values_list(
            "id", "name"
        )
    )
    recorded = {e.id: read_payload(e.type, e.payload) for e in events.values()}
    silent_of = {n.id: _silent_named_to(n, recorded[n.event_id]) for n in notifications.values()}
    people = {
        u.id: u
        for u in await User.filter(
            id__in=[n.user_id for n in notifications.values()]
            + [e.actor_id for e in events.values() if e.actor_id]
            + [user for silent in silent_of.values() for user in silent]
        )
    }
    keys = await _personal_keys(settings, deliveries, notifications, proposals)
    letters: dict[int, mail.Letter] = {}
    for delivery in deliveries:
        notification = notifications[delivery.notification_id or 0]
        event = events[notification.event_id]
        recipient = people[notification.user_id]
        proposal = proposals.get(notification.proposal_id or 0)
        reference = (
            format_reference(proposal.organisation.slug, proposal.number) if proposal else None
        )
        payload = recorded[event.id]
        reason = Reason(notification.reason)
        page = (
            page_link(settings.link_template, reference, keys[delivery.id])
            if proposal and reference
            else None
        )
        asked = proposal is not None and _asks_for_a_position(reason, proposal)
        letters[delivery.id] = mail.compose(
            key=delivery.key,
            to=recipient.email,
            language=Language(recipient.language),
            what=sentence_key(reason, payload),
            reason=reason,
            actor=people[event.actor_id].name if event.actor_id in people else None,
            organisation=organisations[delivery.organisation_id],
            reference=reference,
            title=proposal.title if proposal else None,
            excerpt=next((text for f in EXCERPT_FIELDS if (text := payload.text(f))), ""),
            silent=[people[u].name for u in silent_of[notification.id] if u in people],
            link=page,
            deadline=proposal.deadline if asked and proposal else None,
            positions=_position_links(page, proposal) if asked and page and proposal else None,
            thread=mail.thread_root(proposal.id) if proposal else None,
        )
    return letters


def _asks_for_a_position(reason: Reason, proposal: Proposal) -> bool:
    return reason in (Reason.INVITED, Reason.REMINDER) and proposal.state == ProposalState.OPEN


def _position_links(page: str, proposal: Proposal) -> dict[PositionStance, str]:
    """One link per stance the reader may take: the page, opened with it chosen. Blocking is a
    stance of its own only under consent (elsewhere it counts as disagreeing)."""
    stances: list[PositionStance] = [s for s in PositionStance if s is not PositionStance.BLOCK]
    if proposal.rule == RuleKind.CONSENT:
        stances.append(PositionStance.BLOCK)
    return {s: f"{page}&position={s.value}#position" for s in stances}


async def _personal_keys(
    settings: Settings,
    deliveries: Sequence[Delivery],
    notifications: dict[int, Notification],
    proposals: dict[int, Proposal],
) -> dict[int, str]:
    """Each notification email's personal key to its proposal's page (one query for them all)."""
    about = [
        (d.id, notifications[d.notification_id or 0])
        for d in deliveries
        if notifications[d.notification_id or 0].proposal_id in proposals
    ]
    wanted = [
        PersonalKey(Purpose.PROPOSAL, n.user_id, d_org, n.proposal_id)
        for (_, n), d_org in zip(
            about, [proposals[n.proposal_id or 0].organisation_id for _, n in about], strict=True
        )
    ]
    made = await PersonalLinks(settings.signing_key).keys(wanted)
    return {delivery_id: key for (delivery_id, _), key in zip(about, made, strict=True)}


def _silent_named_to(notification: Notification, payload: Payload) -> list[int]:
    """Whom a head is alerted about: the silent people of their unit the step names for them."""
    if notification.reason != Reason.ESCALATION or not isinstance(payload, Reminding):
        return []
    return payload.silent_named_to(notification.user_id)


def sentence_key(reason: Reason, payload: Payload) -> str:
    """Which of ``mail.HAPPENED``'s sentences says what happened to this recipient."""
    if isinstance(payload, DeadlineApproaching):
        return reason.value  # reminder | escalation
    if isinstance(payload, DeadlinePassed):
        told = reason if reason in (Reason.REMINDER, Reason.ESCALATION) else None
        return f"deadline_passed.{told.value}" if told else "deadline_passed"
    if isinstance(payload, FollowUpDue):
        return "follow_up.late" if payload.overdue else "follow_up"
    if isinstance(payload, OutcomeReviewDue):
        return "outcome_review"
    return payload.event_type.value

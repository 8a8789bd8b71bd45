"""What each email delivery says: a notification's letter (with the reader's personal link, a
button per stance when a position is asked, and a reply address), a fresh link, or a digest;
and which queued notification emails are no longer wanted. Composed when the worker sends, one
query per table for a whole batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import orjson

from actas.api.domain.notifications import Reason
from actas.api.domain.payloads import (
    ArgumentAdded,
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
    EmailMode,
    Language,
    PositionStance,
    ProposalState,
    RuleKind,
)
from actas.api.models import Delivery, Event, Membership, Notification, Organisation, Proposal, User
from actas.api.services import link_mail, mail, reply_addresses, reply_mail
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose, page_link
from actas.api.services.reply_addresses import ReplyTarget
from actas.api.settings import Settings

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


async def no_longer_wanted(emails: Sequence[Delivery]) -> dict[int, str]:
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


async def letters_for(settings: Settings, deliveries: Sequence[Delivery]) -> dict[int, mail.Letter]:
    """The email of each delivery: a notification's, a fresh link, or a digest."""
    letters = await _notification_letters(settings, [d for d in deliveries if d.notification_id])
    links = [d for d in deliveries if link_mail.is_link(d)]
    refusals = [d for d in deliveries if reply_mail.is_refusal(d)]
    digests = [d for d in deliveries if d.notification_id is None and d not in links + refusals]
    letters |= await link_mail.link_letters(settings, links)
    letters |= await reply_mail.refusal_letters(settings, refusals)
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
    replies = await reply_addresses.addresses_for(
        settings.signing_key,
        settings.reply_domain,
        [
            ReplyTarget(
                delivery_key=d.key,
                user_id=n.user_id,
                organisation_id=d.organisation_id,
                proposal_id=n.proposal_id,
                argument_id=_argument_of(recorded[n.event_id]),
            )
            for d in deliveries
            if (n := notifications[d.notification_id or 0]).proposal_id in proposals
        ],
    )
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
        if delivery.key in replies:
            letters[delivery.id] = replace(letters[delivery.id], reply_to=replies[delivery.key])
    return letters


def _argument_of(payload: Payload) -> int | None:
    """The argument an email is about, which a reply by email answers."""
    return payload.argument if isinstance(payload, ArgumentAdded) else None


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

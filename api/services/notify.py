"""Announcing events: in-app notifications and the outbox, written in the event's transaction.

``announce`` runs inside every change (``recording.change``) right after its events are chained,
so a change, its events, the notifications it causes and the emails and webhook calls that will
carry them are committed together or not at all. The worker sends the outbox afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson

from actas.api.db import insert_rows
from actas.api.domain.events import EventType, canonical_json, canonical_time
from actas.api.domain.notifications import (
    ProposalCircle,
    Reason,
    Recipient,
    addressed_in,
    handle_of,
    inclusion,
    recipients_of_proposal_event,
    resolve_mentions,
    unit_handle,
)
from actas.api.domain.payloads import (
    AbsenceChanged,
    AbsenceEnded,
    AbsenceRecorded,
    ArgumentAdded,
    MemberAdded,
    MemberInvited,
    ParticipantSet,
    Payload,
)
from actas.api.domain.payloads import read as read_payload
from actas.api.domain.redaction import leaves_organisation, proposals_named, redacted
from actas.api.domain.references import format_reference
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import MemberScope, audience_of
from actas.api.domain.vocabulary import (
    DeliveryChannel,
    ParticipantRole,
    ProposalState,
)
from actas.api.models import (
    Argument,
    Delivery,
    Event,
    Invitation,
    Membership,
    Notification,
    Organisation,
    Participant,
    Proposal,
    Subscription,
    Unit,
    User,
    Webhook,
)
from actas.api.services.access import organisation_members

# Events whose author starts following the proposal.
FOLLOWING_STARTS = {
    EventType.PROPOSAL_DRAFTED,
    EventType.ARGUMENT_ADDED,
    EventType.POSITION_TAKEN,
}
MENTION_FIELDS = ("body", "reason", "statement", "summary", "change_note")


@dataclass(frozen=True)
class Announcement:
    """One event told to one person."""

    event: Event
    recipient: Recipient


async def announce(events: Sequence[Event]) -> list[Announcement]:
    """Write the notifications and outbox deliveries of freshly chained ``events`` (all of one
    organisation, inside its transaction)."""
    if not events:
        return []
    organisation_id = events[0].organisation_id
    proposal_ids = sorted({e.proposal_id for e in events if e.proposal_id is not None})
    following = await _following(events, proposal_ids)
    circles = await _circles(proposal_ids, following)
    texts = await _mention_texts(events)
    mentions = await _Mentions.load(organisation_id, texts.values())
    replied_to = await _replied_to(events)
    concerned = {
        e.id: _Concerned.of(e, circles, mentions.in_text(texts[e.id]), replied_to.get(e.id))
        for e in events
    }
    # The members who might be told (nobody else can be), not every member.
    members = await organisation_members(
        organisation_id, users=set().union(*(c.people() for c in concerned.values()))
    )
    announcements: list[Announcement] = []
    for event in events:
        for recipient in _recipients(event, concerned[event.id], members.scopes):
            announcements.append(Announcement(event, recipient))
    announcements += await _invitees_told(events)
    await _write(organisation_id, events, announcements, members.emailed_at_once)
    await _queue_webhooks(organisation_id, events, circles, events[0].created_at)
    return announcements


@dataclass(frozen=True)
class _Concerned:
    """Everyone an event might concern: its proposal's circle and the people it names."""

    type: EventType
    payload: Payload
    circle: ProposalCircle | None
    mentioned: frozenset[int] = frozenset()
    replied_to: int | None = None
    included: tuple[Recipient, ...] = ()
    addressed: tuple[Recipient, ...] = ()

    @classmethod
    def of(
        cls,
        event: Event,
        circles: Mapping[int, ProposalCircle],
        mentioned: set[int],
        replied_to: int | None,
    ) -> _Concerned:
        type_ = EventType(event.type)
        payload = read_payload(event.type, event.payload)
        if event.proposal_id is None:
            return cls(type_, payload, None)
        circle = circles[event.proposal_id]
        included: tuple[Recipient, ...] = ()
        if isinstance(payload, ParticipantSet) and circle.audience.state is ProposalState.OPEN:
            included = (inclusion(payload.user, payload.role),)
        return cls(
            type_,
            payload,
            circle,
            frozenset(mentioned),
            replied_to,
            included,
            tuple(addressed_in(payload)),
        )

    def people(self) -> set[int]:
        """Everyone who might be told (and whose email mode then counts)."""
        if self.circle is None:
            return {r.user_id for r in _told_of_organisation_event(self.payload)}
        named = {r.user_id for r in (*self.included, *self.addressed)}
        if self.replied_to is not None:
            named.add(self.replied_to)
        return named | self.mentioned | set(self.circle.participants) | self.circle.followers


def _recipients(
    event: Event, concerned: _Concerned, scopes: Mapping[int, MemberScope]
) -> list[Recipient]:
    if concerned.circle is None:
        return [
            r for r in _told_of_organisation_event(concerned.payload) if r.user_id != event.actor_id
        ]
    return recipients_of_proposal_event(
        concerned.type,
        actor_id=event.actor_id,
        circle=concerned.circle,
        scopes=scopes,
        replied_to=concerned.replied_to,
        mentioned=concerned.mentioned,
        included=concerned.included,
        addressed=concerned.addressed,
    )


def _told_of_organisation_event(payload: Payload) -> list[Recipient]:
    """Who hears of an event on no proposal (besides its actor, who is never told): a new
    member; a member whose absence someone else records, and their delegates."""
    if isinstance(payload, MemberAdded):
        return [Recipient(payload.user, Reason.MEMBERSHIP)]
    if isinstance(payload, AbsenceRecorded | AbsenceChanged):
        delegates = sorted({d.delegate for d in payload.delegations} - {payload.user})
        return [Recipient(payload.user, Reason.ABSENCE)] + [
            Recipient(user, Reason.DELEGATION) for user in delegates
        ]
    if isinstance(payload, AbsenceEnded):
        return [Recipient(payload.user, Reason.ABSENCE)]
    return []


async def _invitees_told(events: Sequence[Event]) -> list[Announcement]:
    """An invitation is told to its invitee, found through the invitation: the event names no
    user, since a fresh user id would tell the organisation that the address was new."""
    invited = {
        e.id: told.invitation
        for e in events
        if e.type == EventType.MEMBER_INVITED
        and isinstance(told := read_payload(e.type, e.payload), MemberInvited)
    }
    if not invited:
        return []
    invitees = dict(
        await Invitation.filter(id__in=list(invited.values())).values_list("id", "invitee_id")
    )
    return [
        Announcement(e, Recipient(invitees[invited[e.id]], Reason.INVITATION))
        for e in events
        if e.id in invited
    ]


async def _following(events: Sequence[Event], proposal_ids: list[int]) -> dict[int, set[int]]:
    """Who follows each proposal, once the events' authors who start following do: authors and
    people who argue or take a position follow the proposal, unless they unfollowed it."""
    following: dict[int, set[int]] = {pid: set() for pid in proposal_ids}
    if not proposal_ids:
        return following
    known: set[tuple[int, int]] = set()
    for pid, user, follows in await Subscription.filter(proposal_id__in=proposal_ids).values_list(
        "proposal_id", "user_id", "following"
    ):
        known.add((pid, user))
        if follows:
            following[pid].add(user)
    starting = {
        (e.proposal_id, e.actor_id)
        for e in events
        if EventType(e.type) in FOLLOWING_STARTS
        and e.proposal_id is not None
        and e.actor_id is not None
    } - known
    await insert_rows(
        Subscription,
        [
            {
                "organisation_id": events[0].organisation_id,
                "proposal_id": proposal,
                "user_id": user,
                "following": True,
                "updated_at": events[0].created_at,
            }
            for proposal, user in sorted(starting)
        ],
    )
    for proposal, user in starting:
        following[proposal].add(user)
    return following


async def _circles(
    proposal_ids: list[int], following: Mapping[int, set[int]]
) -> dict[int, ProposalCircle]:
    if not proposal_ids:
        return {}
    proposals = await Proposal.filter(id__in=proposal_ids)
    participants: dict[int, dict[int, ParticipantRole]] = {i: {} for i in proposal_ids}
    for pid, user, role in await Participant.filter(proposal_id__in=proposal_ids).values_list(
        "proposal_id", "user_id", "role"
    ):
        participants[pid][user] = ParticipantRole(role)
    return {
        p.id: ProposalCircle(
            audience=audience_of(p, participants[p.id]),
            participants=participants[p.id],
            followers=frozenset(following[p.id]),
        )
        for p in proposals
    }


async def _replied_to(events: Sequence[Event]) -> dict[int, int]:
    """Event id → author of the argument it replies to."""
    parents = {}
    for event in events:
        if event.type == EventType.ARGUMENT_ADDED:
            added = read_payload(event.type, event.payload)
            if isinstance(added, ArgumentAdded) and added.parent:
                parents[event.id] = added.parent
    if not parents:
        return {}
    authors = dict(
        await Argument.filter(id__in=list(parents.values())).values_list("id", "author_id")
    )
    return {event: authors[parent] for event, parent in parents.items() if parent in authors}


@dataclass(frozen=True)
class _Mentions:
    people: Mapping[str, int]
    units: Mapping[str, int]
    unit_members: Mapping[int, Iterable[int]]

    @classmethod
    async def load(cls, organisation_id: int, texts: Iterable[str]) -> _Mentions:
        if not any("@" in text for text in texts):
            return cls({}, {}, {})
        members = await Membership.filter(organisation_id=organisation_id).values(
            "user_id", "unit_id", "user__email"
        )
        units = await Unit.filter(organisation_id=organisation_id).values("id", "name", "parent_id")
        tree = UnitTree.of(units)
        subtree_members: dict[int, set[int]] = {u["id"]: set() for u in units}
        for member in members:  # a member of a unit is in every unit above it too
            for unit in tree.lineage(member["unit_id"]):
                subtree_members[unit].add(member["user_id"])
        return cls(
            people={handle_of(m["user__email"]): m["user_id"] for m in members},
            units={unit_handle(u["name"]): u["id"] for u in units},
            unit_members=subtree_members,
        )

    def in_text(self, text: str) -> set[int]:
        if "@" not in text:
            return set()
        return resolve_mentions(
            text, people=self.people, units=self.units, unit_members=self.unit_members
        )


async def _mention_texts(events: Sequence[Event]) -> dict[int, str]:
    """Event id → the text whose mentions it announces: what the event wrote, and, as a
    proposal opens, its summary and body (written while it was a draft, seen by few)."""
    opened = [e.proposal_id for e in events if e.type == EventType.PROPOSAL_OPENED]
    bodies = (
        {
            row["id"]: f"{row['summary']} {row['body']}"
            for row in await Proposal.filter(id__in=opened).values("id", "summary", "body")
        }
        if opened
        else {}
    )
    texts = {}
    for event in events:
        payload = read_payload(event.type, event.payload)
        written = " ".join(payload.text(name) for name in MENTION_FIELDS)
        if event.type == EventType.PROPOSAL_OPENED and event.proposal_id in bodies:
            written += " " + bodies[event.proposal_id]
        texts[event.id] = written
    return texts


async def _write(
    organisation_id: int,
    events: Sequence[Event],
    announcements: Sequence[Announcement],
    emailed_at_once: set[int],
) -> None:
    """The notifications, and an email for each one whose reader wants them at once (digests
    are sent by the worker's schedule) or is an invitee, who is not a member yet."""
    at = events[0].created_at
    written = await insert_rows(
        Notification,
        [
            {
                "organisation_id": organisation_id,
                "user_id": a.recipient.user_id,
                "event_id": a.event.id,
                "proposal_id": a.event.proposal_id,
                "reason": a.recipient.reason.value,
                "created_at": at,
            }
            for a in announcements
        ],
        returning=("id", "user_id"),
    )
    invitees = {
        a.recipient.user_id for a in announcements if a.recipient.reason is Reason.INVITATION
    }
    await insert_rows(
        Delivery,
        [
            {
                "organisation_id": organisation_id,
                "channel": DeliveryChannel.EMAIL,
                "key": str(uuid.uuid4()),
                "notification_id": row["id"],
                "recipient_id": row["user_id"],
                "payload": canonical_json(
                    {"notification": row["id"], "invitation": True}
                    if row["user_id"] in invitees
                    else {"notification": row["id"]}
                ),
                "next_attempt_at": at,
                "created_at": at,
            }
            for row in written
            if row["user_id"] in emailed_at_once or row["user_id"] in invitees
        ],
    )


async def _queue_webhooks(
    organisation_id: int,
    events: Sequence[Event],
    circles: Mapping[int, ProposalCircle],
    at: datetime,
) -> None:
    """A webhook speaks to a whole organisation, so it only carries what every member may see:
    organisation-level events and events of published proposals (organisation-wide, and opened:
    a draft withdrawn unopened stays unpublished), but not absences. Webhooks never hear of each
    other: an address may itself be a credential."""
    hooks = await Webhook.filter(organisation_id=organisation_id, active=True)
    if not hooks:
        return
    slug = (await Organisation.get(id=organisation_id)).slug
    payloads = {event.id: orjson.loads(event.payload) for event in events}
    # The events' proposals, and the other proposals their payloads name (a link's target),
    # which a receiver hears of only by reference, and only if every member sees them.
    named = {pid for e in events for pid in proposals_named(e.type, payloads[e.id])}
    numbers, published = {}, {}
    for proposal in await Proposal.filter(id__in=sorted(set(circles) | named)):
        numbers[proposal.id] = proposal.number
        published[proposal.id] = audience_of(proposal).every_member_sees()
    actors = dict(
        await User.filter(id__in=[e.actor_id for e in events if e.actor_id]).values_list(
            "id", "name"
        )
    )
    deliveries = []
    for event in events:
        if not leaves_organisation(event.type) or (
            event.proposal_id is not None and not published[event.proposal_id]
        ):
            continue
        for hook in hooks:
            types = {t.strip() for t in hook.event_types.split(",") if t.strip()}
            if types and event.type not in types:
                continue
            key = str(uuid.uuid4())
            body = {
                "delivery": key,
                "organisation": slug,
                "event": {
                    "seq": event.seq,
                    "type": event.type,
                    "at": canonical_time(event.created_at),
                    "proposal": format_reference(slug, numbers[event.proposal_id])
                    if event.proposal_id
                    else None,
                    "actor": {"id": event.actor_id, "name": actors.get(event.actor_id)}
                    if event.actor_id
                    else None,
                    "payload": redacted(
                        event.type,
                        payloads[event.id],
                        {pid for pid, seen in published.items() if seen},
                        shown_as=lambda pid: format_reference(slug, numbers[pid]),
                    ),
                    "hash": event.hash,
                },
            }
            deliveries.append(
                Delivery(
                    organisation_id=organisation_id,
                    channel=DeliveryChannel.WEBHOOK,
                    key=key,
                    webhook_id=hook.id,
                    payload=canonical_json(body),
                    next_attempt_at=at,
                    created_at=at,
                )
            )
    await Delivery.bulk_create(deliveries)

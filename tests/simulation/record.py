"""What the database recorded about the simulated organisation, read back once for the checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from actas.api.domain.visibility import MemberScope, ProposalAudience
from actas.api.domain.vocabulary import AbsenceSource, CastBy, PositionStance
from actas.api.models import (
    Absence,
    Decision,
    Delivery,
    DeliveryAttempt,
    Event,
    FollowUp,
    Notification,
    Participant,
    PositionChange,
    Proposal,
)
from actas.api.services.access import organisation_scopes, proposal_audiences


@dataclass(frozen=True)
class Told:
    """One notification."""

    id: int
    user: int
    event: int
    proposal: int | None
    reason: str
    at: datetime


@dataclass(frozen=True)
class Cast:
    """One change of a member's position: theirs, or taken for them by ``caster``."""

    at: datetime
    user: int  # whose position it is
    stance: PositionStance
    cast_by: CastBy
    caster: int | None
    note: str


@dataclass(frozen=True)
class Happened:
    """One event."""

    id: int
    seq: int
    type: str
    proposal: int | None
    actor: int | None
    payload: dict[str, Any]
    at: datetime


@dataclass
class Record:
    events: dict[int, Happened]
    told: list[Told]
    proposals: dict[int, Proposal]
    decisions: dict[int, Decision]  # by proposal
    participants: dict[int, dict[int, str]]  # proposal → user → role
    stances: dict[int, list[Cast]]  # proposal → history
    deliveries: list[dict[str, Any]]
    attempts: Counter[int]  # delivery → attempts logged
    failed_attempts: int
    follow_ups: dict[int, FollowUp]
    scopes: dict[int, MemberScope]
    audiences: dict[int, ProposalAudience]
    absences: dict[int, Absence]  # recorded, by user (one each in the month)
    probable: dict[int, Absence]  # inferred from an automatic reply, by user
    by_event: dict[int, list[Told]] = field(init=False)

    def first_spoke(self, proposal: int) -> dict[int, datetime]:
        """When each person first took a position on the proposal."""
        first: dict[int, datetime] = {}
        for cast in sorted(self.stances.get(proposal, []), key=lambda c: c.at):
            first.setdefault(cast.user, cast.at)
        return first

    def events_of(self, proposal: int, type_: str) -> list[Happened]:
        found = [e for e in self.events.values() if e.proposal == proposal and e.type == type_]
        return sorted(found, key=lambda e: e.id)

    def told_of(self, event: int) -> set[tuple[int, str]]:
        return {(t.user, t.reason) for t in self.by_event.get(event, [])}

    def __post_init__(self) -> None:
        self.by_event = {}
        for told in self.told:
            self.by_event.setdefault(told.event, []).append(told)


async def read_record(organisation_id: int) -> Record:
    mine = {"organisation_id": organisation_id}
    events = {
        row["id"]: Happened(
            row["id"],
            row["seq"],
            row["type"],
            row["proposal_id"],
            row["actor_id"],
            orjson.loads(row["payload"]),
            row["created_at"],
        )
        for row in await Event.filter(**mine).values(
            "id", "seq", "type", "proposal_id", "actor_id", "payload", "created_at"
        )
    }
    told = [
        Told(*row)
        for row in await Notification.filter(**mine).values_list(
            "id", "user_id", "event_id", "proposal_id", "reason", "created_at"
        )
    ]
    proposals = {p.id: p for p in await Proposal.filter(**mine)}
    participants: dict[int, dict[int, str]] = {p: {} for p in proposals}
    for proposal, user, role in await Participant.filter(**mine).values_list(
        "proposal_id", "user_id", "role"
    ):
        participants[proposal][user] = role
    stances: dict[int, list[Cast]] = {}
    for proposal, user, stance, at, cast_by, caster, note in await PositionChange.filter(
        **mine
    ).values_list("proposal_id", "user_id", "stance", "created_at", "cast_by", "caster_id", "note"):
        cast = Cast(at, user, PositionStance(stance), CastBy(cast_by), caster, note)
        stances.setdefault(proposal, []).append(cast)
    attempts = await DeliveryAttempt.filter(**mine).values_list("delivery_id", "succeeded")
    return Record(
        events=events,
        told=told,
        proposals=proposals,
        decisions={d.proposal_id: d for d in await Decision.filter(**mine)},
        participants=participants,
        stances=stances,
        deliveries=await Delivery.filter(**mine).values(
            "id",
            "channel",
            "key",
            "status",
            "attempts",
            "notification_id",
            "recipient_id",
            "payload",
            "created_at",
        ),
        attempts=Counter(delivery for delivery, _ in attempts),
        failed_attempts=sum(1 for _, succeeded in attempts if not succeeded),
        follow_ups={f.id: f for f in await FollowUp.filter(**mine)},
        scopes=await organisation_scopes(organisation_id),
        audiences=await proposal_audiences(proposals.values()),
        absences={
            a.user_id: a for a in await Absence.filter(**mine, source=AbsenceSource.RECORDED)
        },
        probable={
            a.user_id: a for a in await Absence.filter(**mine, source=AbsenceSource.AUTO_REPLY)
        },
    )

"""The record: event types, canonical payloads and the per-organisation hash chain.

Each event stores the hash of the previous event of its organisation and its own hash over a
canonical form (sorted-key JSON of every stored column). Changing, removing or reordering any
event breaks the chain from that point on; ``first_broken_link`` finds where.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson

GENESIS_HASH = "0" * 64


class EventType(StrEnum):
    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_UPDATED = "organisation.updated"
    UNIT_CREATED = "unit.created"
    UNIT_UPDATED = "unit.updated"
    MEMBER_ADDED = "member.added"
    MEMBER_UPDATED = "member.updated"
    MEMBER_INVITED = "member.invited"
    INVITATION_DECLINED = "member.invitation_declined"
    INVITATION_REVOKED = "member.invitation_revoked"
    PROPOSAL_DRAFTED = "proposal.drafted"
    PROPOSAL_UPDATED = "proposal.updated"
    PROPOSAL_REVISED = "proposal.revised"
    PROPOSAL_OPENED = "proposal.opened"
    PROPOSAL_WITHDRAWN = "proposal.withdrawn"
    PROPOSAL_ABANDONED = "proposal.abandoned"
    PROPOSAL_ACCEPTED = "proposal.accepted"
    PROPOSAL_REJECTED = "proposal.rejected"
    PARTICIPANT_SET = "participant.set"
    PARTICIPANT_REMOVED = "participant.removed"
    PROPOSAL_LINKED = "proposal.linked"
    PROPOSAL_PUBLISHABLE = "proposal.publishable"
    ARGUMENT_ADDED = "argument.added"
    ARGUMENT_EDITED = "argument.edited"
    POSITION_TAKEN = "position.taken"
    ABSENCE_RECORDED = "absence.recorded"
    ABSENCE_CHANGED = "absence.changed"
    ABSENCE_ENDED = "absence.ended"
    VOICE_AWAY = "proposal.voice_away"
    VOICE_PROBABLY_AWAY = "proposal.voice_probably_away"
    DELEGATE_ASKED = "proposal.delegate_asked"
    DEADLINE_APPROACHING = "proposal.deadline_approaching"
    DEADLINE_PASSED = "proposal.deadline_passed"
    FOLLOW_UP_ADDED = "follow_up.added"
    FOLLOW_UP_UPDATED = "follow_up.updated"
    FOLLOW_UP_DUE = "follow_up.due"
    OUTCOME_REVIEW_DUE = "outcome.review_due"
    OUTCOME_RECORDED = "outcome.recorded"
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_UPDATED = "webhook.updated"


def canonical_json(data: Any) -> str:
    """One text for one value: sorted keys, no insignificant whitespace, UTF-8."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


def canonical_time(moment: datetime) -> str:
    """Microsecond UTC ISO-8601, the precision both SQLite and PostgreSQL keep."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ChainedEvent:
    organisation_id: int
    seq: int
    proposal_id: int | None
    actor_id: int | None
    type: str
    payload: str  # canonical JSON
    created_at: datetime
    prev_hash: str

    def compute_hash(self) -> str:
        canonical = canonical_json(
            {
                "organisation": self.organisation_id,
                "seq": self.seq,
                "proposal": self.proposal_id,
                "actor": self.actor_id,
                "type": self.type,
                "payload": self.payload,
                "created_at": canonical_time(self.created_at),
                "prev": self.prev_hash,
            }
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    event: ChainedEvent
    hash: str


@dataclass(frozen=True)
class BrokenLink:
    organisation_id: int
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"organisation {self.organisation_id}, event {self.seq}: {self.problem}"


def chain(
    *,
    organisation_id: int,
    head_seq: int,
    head_hash: str,
    pending: Iterable[tuple[int | None, int | None, str, Mapping[str, Any], datetime]],
) -> list[StoredEvent]:
    """Link ``pending`` events (proposal, actor, type, payload, time) after the chain's head."""
    linked: list[StoredEvent] = []
    seq, prev = head_seq, head_hash
    for proposal_id, actor_id, type_, payload, created_at in pending:
        seq += 1
        event = ChainedEvent(
            organisation_id,
            seq,
            proposal_id,
            actor_id,
            type_,
            canonical_json(payload),
            created_at,
            prev,
        )
        prev = event.compute_hash()
        linked.append(StoredEvent(event, prev))
    return linked


class ChainVerifier:
    """Checks one organisation's events, fed in ``seq`` order, and remembers the first break."""

    def __init__(self) -> None:
        self.expected_seq = 1
        self.expected_prev = GENESIS_HASH
        self.checked = 0

    def check(self, stored: StoredEvent) -> BrokenLink | None:
        event = stored.event
        self.checked += 1
        if event.seq != self.expected_seq:
            return BrokenLink(
                event.organisation_id, self.expected_seq, f"missing (found {event.seq} next)"
            )
        if event.prev_hash != self.expected_prev:
            return BrokenLink(
                event.organisation_id, event.seq, "does not follow the previous event"
            )
        if event.compute_hash() != stored.hash:
            return BrokenLink(event.organisation_id, event.seq, "content does not match its hash")
        self.expected_seq, self.expected_prev = event.seq + 1, stored.hash
        return None


def first_broken_link(events: Iterable[StoredEvent]) -> BrokenLink | None:
    """Walk one organisation's events in ``seq`` order; the first event that does not follow."""
    verifier = ChainVerifier()
    for stored in events:
        broken = verifier.check(stored)
        if broken:
            return broken
    return None

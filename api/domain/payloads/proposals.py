"""Payloads of a proposal's life: drafted, changed, opened, closed, its people and its links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from actas.api.domain.events import EventType
from actas.api.domain.payloads.shape import Payload, Shape, stored_as
from actas.api.domain.vocabulary import (
    LinkKind,
    ParticipantRole,
    ProposalState,
    RuleKind,
    Visibility,
)


@dataclass(frozen=True)
class Impact(Shape):
    metric: str | None
    baseline: str | None
    target: str | None
    by: str | None  # ISO date


@dataclass(frozen=True)
class RuleTerms(Shape):
    kind: RuleKind
    threshold: float | None
    quorum: float | None


@dataclass(frozen=True)
class ProposalUpdated(Payload):
    """The proposal's metadata as it is after the change (a draft records the same)."""

    event_type = EventType.PROPOSAL_UPDATED
    unit: int | None
    visibility: Visibility
    impact: Impact
    tags: tuple[str, ...]
    deadline: str | None  # ISO time
    rule: RuleTerms


@dataclass(frozen=True)
class ProposalDrafted(Payload):
    event_type = EventType.PROPOSAL_DRAFTED
    reference: str
    title: str
    summary: str
    body: str
    unit: int | None
    visibility: Visibility
    impact: Impact
    tags: tuple[str, ...]
    deadline: str | None
    rule: RuleTerms
    participants: Mapping[str, str]  # role by user id (a JSON key is text)


@dataclass(frozen=True)
class ProposalRevised(Payload):
    event_type = EventType.PROPOSAL_REVISED
    version: int
    change_note: str
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class ProposalOpened(Payload):
    event_type = EventType.PROPOSAL_OPENED
    previous: ProposalState = field(metadata=stored_as("from"))
    reason: str


@dataclass(frozen=True)
class TallySummary(Shape):
    weights: Mapping[str, int]  # eligible voters' weight per stance
    counts: Mapping[str, int]  # everyone's positions per stance
    eligible_weight: int
    verdict: ProposalState | None


@dataclass(frozen=True)
class _ProposalClosed(Payload):
    previous: ProposalState = field(metadata=stored_as("from"))
    statement: str
    cited_arguments: tuple[int, ...]
    tally: TallySummary


class ProposalWithdrawn(_ProposalClosed):
    event_type = EventType.PROPOSAL_WITHDRAWN


class ProposalAbandoned(_ProposalClosed):
    event_type = EventType.PROPOSAL_ABANDONED


class ProposalAccepted(_ProposalClosed):
    event_type = EventType.PROPOSAL_ACCEPTED


class ProposalRejected(_ProposalClosed):
    event_type = EventType.PROPOSAL_REJECTED


@dataclass(frozen=True)
class ParticipantSet(Payload):
    event_type = EventType.PARTICIPANT_SET
    # Recorded only while the proposal is open: the deciders, who hear of every change.
    omitted_when_none = frozenset({"deciders"})
    user: int
    role: ParticipantRole
    deciders: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ParticipantRemoved(Payload):
    event_type = EventType.PARTICIPANT_REMOVED
    omitted_when_none = frozenset({"deciders"})
    user: int
    deciders: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ProposalLinked(Payload):
    event_type = EventType.PROPOSAL_LINKED
    target: int  # another proposal: readers show it only to who may see it (redaction)
    kind: LinkKind


@dataclass(frozen=True)
class ProposalPublishable(Payload):
    event_type = EventType.PROPOSAL_PUBLISHABLE
    publishable: bool


def proposal_drafted(
    *,
    reference: str,
    title: str,
    summary: str,
    body: str,
    metadata: ProposalUpdated,
    participants: Mapping[int, ParticipantRole],
) -> ProposalDrafted:
    """A new draft: its text, its metadata (as ``proposal_updated`` gives it) and its people."""
    m = metadata
    named = {str(user): role.value for user, role in sorted(participants.items())}
    return ProposalDrafted(
        reference, title, summary, body, m.unit, m.visibility, m.impact, m.tags, m.deadline,
        m.rule, named,
    )  # fmt: skip


def proposal_updated(
    *,
    unit: int | None,
    visibility: Visibility,
    impact: Impact,
    tags: Sequence[str],
    deadline: str | None,
    rule: RuleTerms,
) -> ProposalUpdated:
    return ProposalUpdated(unit, visibility, impact, tuple(tags), deadline, rule)


def proposal_revised(
    *, version: int, change_note: str, title: str, summary: str, body: str
) -> ProposalRevised:
    return ProposalRevised(version, change_note, title, summary, body)


def proposal_opened(*, previous: ProposalState, reason: str) -> ProposalOpened:
    return ProposalOpened(previous, reason)


def proposal_withdrawn(
    *,
    previous: ProposalState,
    statement: str,
    cited_arguments: Sequence[int],
    tally: TallySummary,
) -> ProposalWithdrawn:
    return ProposalWithdrawn(previous, statement, tuple(cited_arguments), tally)


def proposal_abandoned(
    *,
    previous: ProposalState,
    statement: str,
    cited_arguments: Sequence[int],
    tally: TallySummary,
) -> ProposalAbandoned:
    return ProposalAbandoned(previous, statement, tuple(cited_arguments), tally)


def proposal_accepted(
    *,
    previous: ProposalState,
    statement: str,
    cited_arguments: Sequence[int],
    tally: TallySummary,
) -> ProposalAccepted:
    return ProposalAccepted(previous, statement, tuple(cited_arguments), tally)


def proposal_rejected(
    *,
    previous: ProposalState,
    statement: str,
    cited_arguments: Sequence[int],
    tally: TallySummary,
) -> ProposalRejected:
    return ProposalRejected(previous, statement, tuple(cited_arguments), tally)


def participant_set(
    *, user: int, role: ParticipantRole, deciders: Sequence[int] | None = None
) -> ParticipantSet:
    """``deciders``: told of the change, named only while the proposal is open."""
    return ParticipantSet(user, role, None if deciders is None else tuple(deciders))


def participant_removed(*, user: int, deciders: Sequence[int] | None = None) -> ParticipantRemoved:
    return ParticipantRemoved(user, None if deciders is None else tuple(deciders))


def proposal_linked(*, target: int, kind: LinkKind) -> ProposalLinked:
    return ProposalLinked(target, kind)


def proposal_publishable(*, publishable: bool) -> ProposalPublishable:
    return ProposalPublishable(publishable)

"""Payloads of what the worker announces and of a decision's follow-through: deadlines,
follow-ups and outcome reviews."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from actas.api.domain.events import EventType
from actas.api.domain.payloads.shape import Payload
from actas.api.domain.vocabulary import FollowUpStatus, OutcomeVerdict


@dataclass(frozen=True)
class Reminding(Payload):
    """A step that reminds the silent and may alert their heads (before or at a deadline)."""

    remind: tuple[int, ...] = ()  # the silent voices reminded
    escalate: tuple[int, ...] = ()  # the heads alerted about them
    # Whom each head is alerted about, by head id (a JSON key is text), so their email names them.
    silent_by_head: Mapping[str, Sequence[int]] = field(default_factory=dict)

    def silent_named_to(self, head: int) -> list[int]:
        """The silent voices ``head`` is alerted about."""
        return list(self.silent_by_head.get(str(head), ()))


@dataclass(frozen=True)
class DeadlineApproaching(Reminding):
    event_type = EventType.DEADLINE_APPROACHING
    deadline: str | None = None  # ISO time


@dataclass(frozen=True)
class DeadlinePassed(Reminding):
    event_type = EventType.DEADLINE_PASSED
    reason: str = ""  # the tally's reason, at the deadline
    author: int | None = None


# Shapes share fields through private bases only, so that ``isinstance`` names one event type.
@dataclass(frozen=True)
class _FollowUp(Payload):
    follow_up: int
    title: str
    owner: int
    due: str  # ISO date


class FollowUpAdded(_FollowUp):
    event_type = EventType.FOLLOW_UP_ADDED


@dataclass(frozen=True)
class FollowUpUpdated(_FollowUp):
    """The follow-up as it is after the change."""

    event_type = EventType.FOLLOW_UP_UPDATED
    status: FollowUpStatus = FollowUpStatus.OPEN
    note: str = ""


@dataclass(frozen=True)
class FollowUpDue(_FollowUp):
    event_type = EventType.FOLLOW_UP_DUE
    overdue: bool = False


@dataclass(frozen=True)
class OutcomeReviewDue(Payload):
    event_type = EventType.OUTCOME_REVIEW_DUE
    metric: str | None
    baseline: str | None
    target: str | None
    ask: tuple[int, ...] = ()  # who is asked to record the observed value


@dataclass(frozen=True)
class OutcomeRecorded(Payload):
    event_type = EventType.OUTCOME_RECORDED
    metric: str | None
    target: str | None  # a figure, not a proposal
    observed: str
    verdict: OutcomeVerdict
    comment: str


def _by_head(silent_by_head: Mapping[int, Sequence[int]]) -> dict[str, list[int]]:
    return {str(head): list(silent) for head, silent in sorted(silent_by_head.items())}


def deadline_approaching(
    *, deadline: str | None, remind: Sequence[int], silent_by_head: Mapping[int, Sequence[int]]
) -> DeadlineApproaching:
    """``silent_by_head``: the heads to alert (none before the escalation point)."""
    escalate = tuple(sorted(silent_by_head))
    return DeadlineApproaching(tuple(remind), escalate, _by_head(silent_by_head), deadline)


def deadline_passed(
    *,
    reason: str,
    remind: Sequence[int],
    silent_by_head: Mapping[int, Sequence[int]],
    author: int,
) -> DeadlinePassed:
    escalate = tuple(sorted(silent_by_head))
    return DeadlinePassed(tuple(remind), escalate, _by_head(silent_by_head), reason, author)


def follow_up_added(*, follow_up: int, title: str, owner: int, due: str) -> FollowUpAdded:
    return FollowUpAdded(follow_up, title, owner, due)


def follow_up_updated(
    *, follow_up: int, title: str, owner: int, due: str, status: FollowUpStatus, note: str
) -> FollowUpUpdated:
    return FollowUpUpdated(follow_up, title, owner, due, status, note)


def follow_up_due(
    *, follow_up: int, title: str, owner: int, due: str, overdue: bool
) -> FollowUpDue:
    return FollowUpDue(follow_up, title, owner, due, overdue)


def outcome_review_due(
    *, metric: str | None, baseline: str | None, target: str | None, ask: Sequence[int]
) -> OutcomeReviewDue:
    return OutcomeReviewDue(metric, baseline, target, tuple(ask))


def outcome_recorded(
    *,
    metric: str | None,
    target: str | None,
    observed: str,
    verdict: OutcomeVerdict,
    comment: str,
) -> OutcomeRecorded:
    return OutcomeRecorded(metric, target, observed, verdict, comment)

"""What should have happened, worked out independently of the code under test: when each step
falls, who is silent then, which head hears of it, and what each rule decides.

The simulation knows every moment the worker ran (``rounds``), so a step due at ``t`` is taken
exactly at the first round at or after ``t``; the test compares that with what was recorded.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from actas.api.domain.vocabulary import ParticipantRole, PositionStance, ProposalState, RuleKind
from tests.simulation.company import ESCALATION_HOURS, REMINDER_HOURS, Company
from tests.simulation.plan import Plan

VOTING = {ParticipantRole.DECIDER, ParticipantRole.REQUIRED, ParticipantRole.CONSULTED}
VOICES = {ParticipantRole.DECIDER, ParticipantRole.REQUIRED}
AGAINST = {PositionStance.DISAGREE, PositionStance.BLOCK}


def first_round_from(rounds: Sequence[datetime], moment: datetime) -> datetime | None:
    """The worker's first round at or after ``moment`` (None if the month ended first)."""
    at = bisect.bisect_left(rounds, moment)
    return rounds[at] if at < len(rounds) else None


@dataclass(frozen=True)
class Step:
    """A reminder step as it should have been taken: when, who was reminded, who alerted."""

    at: datetime
    remind: tuple[int, ...]
    escalate: tuple[int, ...]


def heads_told(company: Company, silent: Sequence[int]) -> tuple[int, ...]:
    """The heads alerted about ``silent`` people."""
    return tuple(sorted(alerted_heads(company, silent)))


def alerted_heads(company: Company, silent: Sequence[int]) -> dict[int, list[int]]:
    """Each head alerted and whom about: a silent person's escalation head, or, when that head
    is silent too (and so reminded), the first head above who is not."""
    alerted: dict[int, list[int]] = {}
    for user in sorted(silent):
        head = company.escalation_head(user)
        while head is not None and head in silent:
            head = company.escalation_head(head)
        if head is not None:
            alerted.setdefault(head, []).append(user)
    return alerted


def silent_at(plan: Plan, first_spoke: Mapping[int, datetime], moment: datetime) -> list[int]:
    """Required voices without a position at ``moment``."""
    return [u for u in plan.voices if u not in first_spoke or first_spoke[u] > moment]


def reminder_steps(
    company: Company,
    plan: Plan,
    rounds: Sequence[datetime],
    first_spoke: Mapping[int, datetime],
    closed_at: datetime | None,
) -> list[Step]:
    """The organisation's steps before the deadline (72 h and 24 h, escalation at 12 h), each
    taken at the first round from its moment, while the proposal is open and someone is silent
    (every step is hours apart and rounds at most two hours, so no two share a round)."""
    steps = []
    moments = [(plan.deadline - timedelta(hours=h), False) for h in REMINDER_HOURS]
    moments.append((plan.deadline - timedelta(hours=ESCALATION_HOURS), True))
    for moment, escalates in sorted(moments):
        at = first_round_from(rounds, moment)
        if at is None or (closed_at is not None and closed_at <= at):
            continue
        silent = silent_at(plan, first_spoke, at)
        if silent:
            heads = heads_told(company, silent) if escalates else ()
            steps.append(Step(at, tuple(silent), heads))
    return steps


@dataclass(frozen=True)
class Verdict:
    outcome: ProposalState | None
    weights: dict[PositionStance, int]
    eligible_weight: int


def verdict(
    company: Company,
    plan: Plan,
    stances: Mapping[int, PositionStance],
    threshold: float,
    *,
    deadline_passed: bool,
    decided_by: int | None = None,
) -> Verdict:
    """What the proposal's rule says given everyone's current ``stances`` (the rules as the
    README states them; only voting participants' weight counts, and a voice counts whatever
    its weight). ``decided_by``: a decider deciding now, whose decision gives their voice."""
    voters = {u: company.members[u].weight for u, r in plan.participants.items() if r in VOTING}
    weights = dict.fromkeys(PositionStance, 0)
    for user, weight in voters.items():
        if user in stances:
            weights[stances[user]] += weight
    eligible = sum(voters.values())
    agree = weights[PositionStance.AGREE]
    against = weights[PositionStance.DISAGREE] + weights[PositionStance.BLOCK]
    outcome: ProposalState | None = None
    if plan.rule is RuleKind.CONSENT:
        blockers = plan.voices or sorted(voters)
        awaited = [u for u in plan.voices if u not in stances and u != decided_by]
        if any(stances.get(u) is PositionStance.BLOCK for u in blockers):
            outcome = ProposalState.REJECTED
        elif deadline_passed or not awaited:
            outcome = ProposalState.ACCEPTED
    elif plan.rule is RuleKind.MAJORITY:
        spoke = sum(weights.values())
        quorum = Fraction(str(plan.quorum if plan.quorum is not None else 0.5))
        if spoke and spoke >= quorum * eligible and agree + against:
            share = Fraction(agree, agree + against)
            accepted = share >= Fraction(str(threshold))
            outcome = ProposalState.ACCEPTED if accepted else ProposalState.REJECTED
    elif plan.rule is RuleKind.UNANIMITY:
        said = [stances[u] for u in voters if u in stances]
        if any(stance in AGAINST for stance in said):
            outcome = ProposalState.REJECTED
        elif len(said) == len(voters) and PositionStance.AGREE in said:
            outcome = ProposalState.ACCEPTED
    return Verdict(outcome, weights, eligible)


def stances_at(
    history: Sequence[tuple[datetime, int, PositionStance]], moment: datetime
) -> dict[int, PositionStance]:
    """Everyone's latest stance at ``moment`` from the history of position changes."""
    current: dict[int, PositionStance] = {}
    for at, user, stance in sorted(history, key=lambda h: h[0]):
        if at <= moment:
            current[user] = stance
    return current


def statement_tally(found: Verdict) -> str:
    """The part of a generated English statement that shows the tally."""
    w = found.weights
    return (
        f"For: {w[PositionStance.AGREE]}; against: {w[PositionStance.DISAGREE]}; "
        f"blocks: {w[PositionStance.BLOCK]}; abstentions: {w[PositionStance.ABSTAIN]} "
        f"(out of {found.eligible_weight} eligible weight)."
    )

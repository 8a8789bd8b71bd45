"""What should have happened, worked out independently of the code under test: when each step
falls, who is silent then, which head hears of it, and what each rule decides.

The simulation knows every moment the worker ran (``rounds``), so a step due at ``t`` is taken
exactly at the first round at or after ``t``; the test compares that with what was recorded.
Who is away, and who speaks for them, is the plan's (``away.py``), read by the simulation's own
rules, never by ``domain.absences`` or the ``Electorate``.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from actas.api.domain.vocabulary import (
    CastBy,
    ParticipantRole,
    PositionStance,
    ProposalState,
    RuleKind,
)
from tests.simulation.away import Away, PlannedAbsence
from tests.simulation.company import ESCALATION_HOURS, REMINDER_HOURS, Company
from tests.simulation.plan import Plan
from tests.simulation.record import Cast, Record

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


def chased(
    company: Company, plan: Plan, away: Away, silent: Sequence[int], at: datetime
) -> list[int]:
    """Whom a reminder at ``at`` chases for the ``silent`` voices: each voice, or while they are
    away their delegate; nobody for a voice away with nobody to speak for them."""
    asked = {away.asked_for(company, plan, user, at) for user in silent}
    return sorted(user for user in asked if user is not None)


def reminder_steps(
    company: Company,
    plan: Plan,
    rounds: Sequence[datetime],
    first_spoke: Mapping[int, datetime],
    closed_at: datetime | None,
    away: Away,
) -> list[Step]:
    """The organisation's steps before the deadline (72 h and 24 h, escalation at 12 h), each
    taken at the first round from its moment, while the proposal is open and someone is silent
    (every step is hours apart and rounds at most two hours, so no two share a round). The
    heads hear of every silent voice, away or not; the reminders chase whoever is asked."""
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
            steps.append(Step(at, tuple(chased(company, plan, away, silent, at)), heads))
    return steps


@dataclass(frozen=True)
class Asked:
    """What is said once about an absent voice on a proposal: their delegate is asked in their
    place, or (``delegate`` None: nobody can speak for them and they are away through the
    deadline) their head and the author are told. At ``at``, in ``actor``'s change: the author's
    as the proposal opens (also for an absence recorded earlier that begins later, before the
    deadline), the recorder's as the absence is recorded (None: an automatic reply was read).
    Who speaks for them is read as the absence begins, if that is later."""

    at: datetime
    user: int
    delegate: int | None
    until: datetime
    actor: int | None


def alert_due(
    company: Company,
    plan: Plan,
    away: Away,
    absence: PlannedAbsence,
    first_spoke: Mapping[int, datetime],
    closed_at: datetime | None,
) -> Asked | None:
    """What should be said about ``absence`` on the plan's proposal, if anything: only for a
    voice still silent, on a proposal still open, away before its deadline."""
    user = absence.user
    if user not in plan.voices:
        return None
    if plan.opens < absence.recorded_at:  # as it is recorded (or read from a mailbox: no actor)
        recorder = None if absence.probable else absence.recorder
        known, begun, actor = absence.recorded_at, absence.alerts_at, recorder
    elif absence.ends <= plan.opens:
        return None
    else:  # as the proposal opens: away then, or from later on
        known, begun, actor = plan.opens, max(plan.opens, absence.starts), plan.author
    spoke = first_spoke.get(user)
    if begun >= plan.deadline or (closed_at is not None and closed_at <= known):
        return None
    if spoke is not None and spoke < known:
        return None
    delegate = away.delegate_for(company, plan, user, begun)
    if delegate is None and absence.told_until < plan.deadline:
        return None  # back before the deadline: the reminders will find them
    return Asked(known, user, delegate, absence.told_until, actor)


def probably_away(away: Away, record: Record) -> dict[int, PlannedAbsence]:
    """Whom each automatic reply makes probably away: from its arrival until the end it says,
    or until they next act (any change of theirs) if sooner; nobody a recorded absence covers
    already."""
    acted: dict[int, list[datetime]] = {}
    for event in record.events.values():
        if event.actor is not None:
            acted.setdefault(event.actor, []).append(event.at)
    probable = {}
    for reply in away.auto_replies:
        recorded = away.absences.get(reply.user)
        if recorded is not None and recorded.covers(reply.at):
            continue
        later = [at for at in acted.get(reply.user, []) if at > reply.at]
        ends = min([reply.said_until, *later])
        probable[reply.user] = PlannedAbsence(
            reply.user, reply.at, ends, reply.at, reply.user, probable=True, until=reply.said_until
        )
    return probable


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


# Whose word a position is: the member's own, what they said (a proxy's record), a delegate's.
WORD = {CastBy.DELEGATE: 0, CastBy.PROXY: 1, CastBy.MEMBER: 2}


def stances_at(history: Sequence[Cast], moment: datetime) -> dict[int, PositionStance]:
    """Everyone's stance at ``moment`` from the history of position changes: the latest, except
    that none counts after one more the member's word (their own, then a proxy's record of what
    they said, then their delegate's)."""
    current: dict[int, Cast] = {}
    for cast in sorted(history, key=lambda c: c.at):
        if cast.at > moment:
            break
        known = current.get(cast.user)
        if known is None or WORD[cast.cast_by] >= WORD[known.cast_by]:
            current[cast.user] = cast
    return {user: cast.stance for user, cast in current.items()}


def statement_tally(found: Verdict) -> str:
    """The part of a generated English statement that shows the tally."""
    w = found.weights
    return (
        f"For: {w[PositionStance.AGREE]}; against: {w[PositionStance.DISAGREE]}; "
        f"blocks: {w[PositionStance.BLOCK]}; abstentions: {w[PositionStance.ABSTAIN]} "
        f"(out of {found.eligible_weight} eligible weight)."
    )

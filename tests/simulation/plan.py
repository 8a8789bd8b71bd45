"""What people will do during the month, drawn once from a seeded ``random.Random``.

200 proposals open over the first three weeks, each with a deadline four to nine days later,
mixed rules and audiences. Their required voices speak early, late (around the reminders) or
never; others argue, reply, mention people and units (some of whom may not see the proposal),
follow, and sometimes change their position. Some deciders decide before the deadline, some
after being escalated; accepted decisions get follow-ups and, when they name an impact date,
an outcome review.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from actas.api.domain.vocabulary import ParticipantRole, PositionStance, RuleKind, Visibility
from tests.simulation.company import Company, Member, unit_mention

PROPOSALS = 200
DECIDER, REQUIRED = ParticipantRole.DECIDER, ParticipantRole.REQUIRED
CONSULTED, INFORMED = ParticipantRole.CONSULTED, ParticipantRole.INFORMED
VISIBILITIES = {Visibility.ORGANISATION: 0.5, Visibility.UNIT: 0.3, Visibility.PARTICIPANTS: 0.2}
RULES = {RuleKind.CONSENT: 0.35, RuleKind.MAJORITY: 0.25, RuleKind.UNANIMITY: 0.15}
RULES[RuleKind.DECIDER] = 0.25
STANCES = {
    PositionStance.AGREE: 0.6,
    PositionStance.ABSTAIN: 0.12,
    PositionStance.DISAGREE: 0.18,
    PositionStance.BLOCK: 0.1,
}
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
_T = TypeVar("_T")


@dataclass(frozen=True)
class PlannedArgument:
    at: datetime
    author: int
    reply_to: float | None  # which earlier argument it answers, as a fraction of those there
    body: str


@dataclass(frozen=True)
class FollowUpPlan:
    at: datetime  # when the author adds it
    owner: int
    due_in_days: int
    done_early: bool  # the owner marks it done the day before it is due


@dataclass
class Plan:
    """One proposal's month."""

    key: int
    author: int
    visibility: Visibility
    unit: int | None
    rule: RuleKind
    quorum: float | None
    participants: dict[int, ParticipantRole]
    opens: datetime
    deadline: datetime
    audience: set[int]
    impact_by: datetime | None = None
    positions: list[tuple[datetime, int, PositionStance]] = field(default_factory=list)
    arguments: list[PlannedArgument] = field(default_factory=list)
    follows: list[tuple[datetime, int]] = field(default_factory=list)
    # When, by which decider, and (under the decider rule, where they choose) whether to accept;
    # under the other rules they record what the tally allows, if it allows anything yet.
    early_decision: tuple[datetime, int, bool] | None = None
    late_decision: tuple[datetime, int, bool] | None = None  # escalated deciders, at last
    follow_up: FollowUpPlan | None = None  # if the proposal is accepted by then

    @property
    def voices(self) -> list[int]:
        return sorted(u for u, r in self.participants.items() if r in (DECIDER, REQUIRED))

    def may_block(self, user: int) -> bool:
        """Under consent the required voices may block; with none, every voting participant."""
        voting = [u for u, r in self.participants.items() if r in (DECIDER, REQUIRED, CONSULTED)]
        return self.rule is not RuleKind.CONSENT or user in (self.voices or voting)

    @property
    def deciders(self) -> list[int]:
        return sorted(u for u, r in self.participants.items() if r is DECIDER)


def plan_month(rng: random.Random, company: Company, start: datetime) -> list[Plan]:
    return [_plan(rng, company, start, key) for key in range(PROPOSALS)]


def _pick(rng: random.Random, odds: dict[_T, float]) -> _T:
    return rng.choices(list(odds), list(odds.values()))[0]


def _plan(rng: random.Random, company: Company, start: datetime, key: int) -> Plan:
    writers = [m for m in company.members.values() if m.writes]
    visibility = _pick(rng, VISIBILITIES)
    if visibility is Visibility.ORGANISATION:
        author = rng.choice(writers)
        unit = author.unit
    else:
        author = rng.choice([m for m in writers if m.unit is not None])
        lineage = list(company.lineage(author.unit))
        # A unit proposal belongs to the author's department or division (or the board).
        unit = lineage[min(len(lineage) - 1, rng.choice([1, 2]))]
    rule = _pick(rng, RULES)
    participants = _participants(rng, company, author, visibility, unit, rule)
    opens = start + timedelta(minutes=rng.randint(2 * 60, 20 * 24 * 60))
    deadline = opens + timedelta(minutes=rng.randint(4 * 24 * 60, 9 * 24 * 60))
    audience = company.audience(visibility, unit, author.user_id, set(participants))
    plan = Plan(
        key=key,
        author=author.user_id,
        visibility=visibility,
        unit=unit,
        rule=rule,
        quorum=0.75 if rule is RuleKind.MAJORITY and rng.random() < 0.3 else None,
        participants=participants,
        opens=opens,
        deadline=deadline,
        audience=audience,
        impact_by=deadline + timedelta(days=rng.randint(5, 9)) if rng.random() < 0.3 else None,
    )
    _positions(rng, company, plan)
    _debate(rng, company, plan)
    _decisions(rng, plan)
    return plan


def _participants(
    rng: random.Random,
    company: Company,
    author: Member,
    visibility: Visibility,
    unit: int | None,
    rule: RuleKind,
) -> dict[int, ParticipantRole]:
    """A decider (the owning unit's head when there is one), required and consulted voices from
    those who see the proposal (now and then someone from elsewhere), and a few informed."""
    writers = [m.user_id for m in company.members.values() if m.writes]
    if visibility is Visibility.UNIT:
        assert unit is not None
        near = sorted(company.audience(visibility, unit, author.user_id, set()))
    else:
        department = list(company.lineage(author.unit))[:2][-1] if author.unit else None
        near = [
            m.user_id
            for m in company.members.values()
            if department is None or company.in_subtree(m, department)
        ]
    near = [u for u in near if u != author.user_id and company.members[u].writes]
    chosen: dict[int, ParticipantRole] = {}

    def take(role: ParticipantRole, pool: list[int]) -> None:
        free = [u for u in pool if u not in chosen and u != author.user_id]
        if free:
            chosen[rng.choice(free)] = role

    head = company.units[unit].head if unit is not None else None
    if head is not None and head != author.user_id and rng.random() < 0.7:
        chosen[head] = DECIDER
    elif rule is RuleKind.DECIDER or rng.random() < 0.6:
        take(DECIDER, near)
    if rule is RuleKind.DECIDER and DECIDER not in chosen.values():
        take(DECIDER, writers)
    for _ in range(rng.randint(1, 4)):
        take(REQUIRED, writers if rng.random() < 0.15 else near)
    if not any(role in (DECIDER, REQUIRED) for role in chosen.values()):
        take(REQUIRED, writers)  # every proposal waits for someone
    for _ in range(rng.randint(0, 2)):
        take(CONSULTED, near)
    for _ in range(rng.randint(0, 2)):
        take(INFORMED, list(company.members))
    return chosen


def _positions(rng: random.Random, company: Company, plan: Plan) -> None:
    """Required voices speak early, late (around the reminders) or never; consulted people often;
    others in the audience now and then. One in ten speakers changes their mind later."""
    window = plan.deadline - plan.opens
    speakers: list[tuple[datetime, int]] = []
    for user, role in plan.participants.items():
        if role in (DECIDER, REQUIRED):
            when = rng.choices(["early", "late", "never"], [0.35, 0.35, 0.3])[0]
            if when == "early":
                speakers.append((_between(rng, plan.opens + 10 * MINUTE, window * 0.4), user))
            elif when == "late":
                earliest = max(plan.opens + 10 * MINUTE, plan.deadline - 80 * HOUR)
                latest = plan.deadline - 30 * MINUTE
                speakers.append((_between(rng, earliest, latest - earliest), user))
        elif role is CONSULTED and rng.random() < 0.6:
            speakers.append((_between(rng, plan.opens + MINUTE, window - HOUR), user))
    others = [u for u in _arguers(company, plan) if u not in plan.participants]
    for user in rng.sample(others, min(len(others), rng.randint(0, 2))):
        speakers.append((_between(rng, plan.opens + MINUTE, window - HOUR), user))

    def stance_of(user: int) -> PositionStance:
        stance = _pick(rng, STANCES)  # someone whose block would not count disagrees instead
        blocks = stance is PositionStance.BLOCK
        return PositionStance.DISAGREE if blocks and not plan.may_block(user) else stance

    for at, user in speakers:
        plan.positions.append((at, user, stance_of(user)))
        if rng.random() < 0.1 and at < plan.deadline - 2 * HOUR:
            later = _between(rng, at + MINUTE, plan.deadline - HOUR - at)
            plan.positions.append((later, user, stance_of(user)))


def _arguers(company: Company, plan: Plan) -> list[int]:
    """Who may argue: the audience, except observers."""
    return sorted(u for u in plan.audience if company.members[u].writes)


def _debate(rng: random.Random, company: Company, plan: Plan) -> None:
    arguers = _arguers(company, plan)
    everyone = sorted(company.members)
    teams = company.teams()
    for _ in range(rng.randint(0, 4)):
        body = "A thought on the proposal."
        if rng.random() < 0.25:  # someone who may or may not see the proposal
            body += f" What do you think, {company.members[rng.choice(everyone)].handle}?"
        if rng.random() < 0.08:
            body += f" Asking {unit_mention(rng.choice(teams))} too."
        plan.arguments.append(
            PlannedArgument(
                at=_between(rng, plan.opens + 5 * MINUTE, plan.deadline - plan.opens - HOUR),
                author=rng.choice(arguers),
                reply_to=rng.random() if rng.random() < 0.4 else None,
                body=body,
            )
        )
    for user in rng.sample(arguers, min(len(arguers), rng.randint(0, 2))):
        plan.follows.append((_between(rng, plan.opens, plan.deadline - plan.opens), user))


def _decisions(rng: random.Random, plan: Plan) -> None:
    window = plan.deadline - plan.opens
    if plan.deciders and rng.random() < 0.2:
        at = _between(rng, plan.opens + window / 2, window / 2 - HOUR)
        plan.early_decision = (at, rng.choice(plan.deciders), rng.random() < 0.7)
    elif plan.rule is RuleKind.DECIDER and rng.random() < 0.5:
        at = plan.deadline + timedelta(minutes=rng.randint(3 * 60, 40 * 60))
        plan.late_decision = (at, rng.choice(plan.deciders), rng.random() < 0.7)
    if rng.random() < 0.4:
        plan.follow_up = FollowUpPlan(
            at=plan.deadline + 2 * DAY + timedelta(minutes=rng.randint(0, 600)),
            owner=rng.choice(plan.voices or [plan.author]),
            due_in_days=rng.randint(3, 6),
            done_early=rng.random() < 0.4,
        )


def _between(rng: random.Random, start: datetime, span: timedelta) -> datetime:
    """A moment in [start, start + span], to the minute."""
    return start + timedelta(minutes=rng.randint(0, max(0, int(span / MINUTE))))

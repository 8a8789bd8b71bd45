"""Living through the month: every planned action at its own moment, through the services, and
the worker's round (``actas.api.worker.one_round``) every one to two simulated hours.

Actions run in time order, each with the clock frozen at its moment; before each round, every
action due by then has happened. What people can no longer do is skipped, as they would find
it closed: positions and arguments on a proposal a decider has already decided. Nor does anyone
away (``away.py``) do what they planned meanwhile; their absences are recorded, and positions
taken for them, at the moments the plan says (what actas refuses is kept, to be checked).
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from actas.api import clock
from actas.api.domain.absences import Delegation
from actas.api.domain.errors import DomainError
from actas.api.domain.rules import Tally
from actas.api.domain.validation import Impact
from actas.api.domain.vocabulary import (
    FollowUpStatus,
    PositionStance,
    ProposalState,
    RuleKind,
    Stance,
)
from actas.api.models import Proposal
from actas.api.services import (
    absences,
    debate,
    follow_through,
    preferences,
    proposals,
    reply_intake,
)
from actas.api.settings import Settings
from actas.api.worker import Round, one_round
from tests.simulation.away import AutoReply, Away, OwnWhileAway, PlannedAbsence, SpokenFor
from tests.simulation.company import Company
from tests.simulation.plan import HOUR, MINUTE, FollowUpPlan, Plan, PlannedArgument

LENGTH = timedelta(days=32)  # the last deadline falls within 30 days; then two to settle


@dataclass
class Month:
    """What happened, as the simulation saw it."""

    company: Company
    plans: list[Plan]
    away: Away
    proposal: dict[int, int] = field(default_factory=dict)  # plan key → proposal id
    decided_by_people: dict[int, datetime] = field(default_factory=dict)  # plan key → when
    arguments: dict[int, list[int]] = field(default_factory=dict)  # plan key → argument ids
    follow_ups: dict[int, tuple[int, datetime]] = field(default_factory=dict)  # id → key, added
    rounds: list[datetime] = field(default_factory=list)
    reports: list[Round] = field(default_factory=list)
    skipped: int = 0  # actions found impossible (the proposal was closed)
    kept_away: int = 0  # actions not taken: their person was away
    absence: dict[int, int] = field(default_factory=dict)  # user → absence id
    refusals: dict[SpokenFor, str] = field(default_factory=dict)  # what actas refused, why
    taken_for: list[SpokenFor] = field(default_factory=list)  # positions taken for others
    auto_replied: dict[AutoReply, str] = field(default_factory=dict)  # what actas made of it


Action = Callable[[], Awaitable[None]]


class Calendar:
    """Actions by time; an action may add later ones."""

    def __init__(self) -> None:
        self._queue: list[tuple[datetime, int, Action]] = []
        self._order = itertools.count()

    def add(self, at: datetime, action: Action) -> None:
        heapq.heappush(self._queue, (at, next(self._order), action))

    async def happen_until(self, moment: datetime) -> None:
        while self._queue and self._queue[0][0] <= moment:
            at, _, action = heapq.heappop(self._queue)
            with clock.frozen_at(at):
                await action()


async def live_month(
    month: Month,
    settings: Settings,
    rng: random.Random,
    start: datetime,
    end: datetime,
    reply_to: Mapping[str, str],
) -> None:
    """``reply_to``: the reply address of the latest email each address received."""
    calendar = Calendar()
    for plan in month.plans:
        _schedule(calendar, month, plan)
    for absence in month.away.absences.values():
        calendar.add(absence.recorded_at, _record_absence(month, absence))
    for spoken in month.away.spoken_for:
        calendar.add(spoken.at, _speak_for(month, spoken))
    for own in month.away.own:
        calendar.add(own.at, _own_from_afar(month, own))
    for reply in month.away.auto_replies:
        calendar.add(reply.at, _auto_reply(month, reply, settings, reply_to))
    moment = start + HOUR
    while moment <= end:
        await calendar.happen_until(moment)
        with clock.frozen_at(moment):
            month.reports.append(await one_round(settings))
        month.rounds.append(moment)
        moment += timedelta(minutes=rng.randint(60, 120))


def _schedule(calendar: Calendar, month: Month, plan: Plan) -> None:
    company, key = month.company, plan.key

    def open_(plan: Plan = plan) -> Action:
        async def act() -> None:
            author = await company.viewer(plan.author)
            by = plan.impact_by.date() if plan.impact_by else None
            draft = await proposals.draft_proposal(
                author,
                company.id,
                proposals.ProposalDraft(
                    title=f"Proposal {plan.key}",
                    summary="Something to decide this month.",
                    body="Why, how and what it costs.",
                    unit_id=plan.unit,
                    visibility=plan.visibility,
                    impact=Impact(metric="Conversion", target="+1 pt", by=by) if by else Impact(),
                    deadline=plan.deadline,
                    rule=plan.rule,
                    quorum=plan.quorum,
                    participants=plan.participants,
                ),
            )
            month.proposal[key] = draft.id
            month.arguments[key] = []
            await proposals.open_proposal(author, draft.id)

        return act

    def still_open(action: Callable[[int], Awaitable[None]]) -> Action:
        async def act() -> None:
            if key in month.decided_by_people:
                month.skipped += 1
                return
            await action(month.proposal[key])

        return act

    def unless_away(at: datetime, user: int, action: Callable[[int], Awaitable[None]]) -> None:
        if month.away.is_away(user, at):
            month.kept_away += 1
        else:
            calendar.add(at, still_open(action))

    calendar.add(plan.opens, open_())
    for at, user, stance in plan.positions:
        unless_away(at, user, _position(company, user, stance))
    for argument in plan.arguments:
        unless_away(argument.at, argument.author, _argument(month, key, argument))
    for at, user in plan.follows:
        unless_away(at, user, _follow(company, user))
    for decision in (plan.early_decision, plan.late_decision):
        if decision is not None:
            at, decider, accept = decision
            unless_away(at, decider, _decide(month, plan, decider, accept))
    if plan.follow_up is not None:
        calendar.add(plan.follow_up.at, _follow_up(calendar, month, plan, plan.follow_up))


def _position(
    company: Company, user: int, stance: PositionStance
) -> Callable[[int], Awaitable[None]]:
    async def act(proposal_id: int) -> None:
        await debate.take_position(
            await company.viewer(user), proposal_id, stance=stance, reason=f"I {stance.value}."
        )

    return act


def _argument(month: Month, key: int, planned: PlannedArgument) -> Callable[[int], Awaitable[None]]:
    async def act(proposal_id: int) -> None:
        earlier = month.arguments[key]
        parent = None
        if planned.reply_to is not None and earlier:
            parent = earlier[int(planned.reply_to * len(earlier))]
        argument = await debate.add_argument(
            await month.company.viewer(planned.author),
            proposal_id,
            stance=Stance.COMMENT,
            body=planned.body,
            parent_id=parent,
        )
        earlier.append(argument.id)

    return act


def _follow(company: Company, user: int) -> Callable[[int], Awaitable[None]]:
    async def act(proposal_id: int) -> None:
        await preferences.follow(await company.viewer(user), proposal_id, following=True)

    return act


def _decide(
    month: Month, plan: Plan, decider: int, accept: bool
) -> Callable[[int], Awaitable[None]]:
    """The decider records the outcome: their choice under the decider rule, otherwise what the
    tally allows now (nothing, if it allows nothing yet)."""

    async def act(proposal_id: int) -> None:
        proposal = await Proposal.get(id=proposal_id)
        if proposal.state != ProposalState.OPEN:
            return  # the rule decided it at its deadline
        if plan.rule is RuleKind.DECIDER:
            outcome = ProposalState.ACCEPTED if accept else ProposalState.REJECTED
        else:
            verdict = Tally.from_json(proposal.tally).verdict
            if verdict is None:
                return
            outcome = verdict
        await proposals.decide_proposal(
            await month.company.viewer(decider),
            proposal_id,
            outcome=outcome,
            statement="Decided after reading the debate.",
        )
        month.decided_by_people[plan.key] = clock.now()

    return act


def _follow_up(calendar: Calendar, month: Month, plan: Plan, planned: FollowUpPlan) -> Action:
    """The author gives an accepted decision a follow-up; its owner may finish it early."""

    async def act() -> None:
        proposal_id = month.proposal[plan.key]
        if (await Proposal.get(id=proposal_id)).state != ProposalState.ACCEPTED:
            return
        due = (clock.now() + timedelta(days=planned.due_in_days)).date()
        added = await follow_through.add_follow_up(
            await month.company.viewer(plan.author),
            proposal_id,
            title="Carry it out",
            owner_id=planned.owner,
            due=due,
        )
        month.follow_ups[added.id] = (plan.key, clock.now())
        if planned.done_early:
            midnight = datetime.combine(due, datetime.min.time(), tzinfo=clock.now().tzinfo)
            calendar.add(midnight - 14 * HOUR + 7 * MINUTE, _finish(month, planned.owner, added.id))

    return act


def _finish(month: Month, owner: int, follow_up_id: int) -> Action:
    async def act() -> None:
        await follow_through.update_follow_up(
            await month.company.viewer(owner),
            follow_up_id,
            follow_through.FollowUpChanges(status=FollowUpStatus.DONE, note="Done."),
        )

    return act


def _record_absence(month: Month, planned: PlannedAbsence) -> Action:
    async def act() -> None:
        terms = absences.AbsenceTerms(
            starts_at=planned.starts,
            ends_at=planned.ends,
            note="Away for a while.",
            delegations=tuple(
                Delegation(
                    d.delegate,
                    d.scope,
                    unit_id=d.unit,
                    proposal_id=month.proposal[d.key] if d.key is not None else None,
                )
                for d in planned.delegations
            ),
        )
        row = await absences.record_absence(
            await month.company.viewer(planned.recorder),
            month.company.id,
            user_id=planned.user,
            terms=terms,
        )
        month.absence[planned.user] = row.id

    return act


def _speak_for(month: Month, spoken: SpokenFor) -> Action:
    """A delegate or a proxy takes the member's position; a refusal is kept, not raised."""

    async def act() -> None:
        if spoken.key in month.decided_by_people:
            month.skipped += 1
            return
        try:
            await debate.take_position(
                await month.company.viewer(spoken.caster),
                month.proposal[spoken.key],
                stance=spoken.stance,
                reason=f"They would {spoken.stance.value}.",
                on_behalf_of=spoken.member,
                note=spoken.note,
            )
        except DomainError as refused:
            month.refusals[spoken] = refused.message
        else:
            month.taken_for.append(spoken)

    return act


def _own_from_afar(month: Month, own: OwnWhileAway) -> Action:
    async def act() -> None:
        if own.key in month.decided_by_people:
            month.skipped += 1
            return
        await _position(month.company, own.member, own.stance)(month.proposal[own.key])

    return act


def _auto_reply(
    month: Month, reply: AutoReply, settings: Settings, reply_to: Mapping[str, str]
) -> Action:
    """The member's mailbox answers the latest email actas sent them, out of office."""

    async def act() -> None:
        member = month.company.members[reply.user]
        message = EmailMessage()
        message["From"] = member.email
        message["To"] = reply_to[member.email]
        message["Subject"] = "Automatic reply"
        message["Auto-Submitted"] = "auto-replied"
        message["Date"] = format_datetime(reply.at)
        message["Message-ID"] = f"<ooo-{month.company.slug}-{reply.user}@sim.example>"
        message.set_content(reply.text())
        outcome = await reply_intake.receive(message.as_bytes(), settings)
        month.auto_replied[reply] = outcome.outcome.value

    return act

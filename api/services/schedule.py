"""What the worker does on its own, as time passes: remind the silent, escalate to their heads,
act on deadlines, chase follow-ups and outcome reviews, and send digests.

Every step is taken once: its key goes into ``ScheduledNotice`` (unique) in the same transaction
as the event that announces it, so however many workers run, a step that lost the race simply
rolls back. Steps are recorded in the event log like any change (their actor is nobody).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.functions import Count

from actas.api import clock
from actas.api.catalogue import texts_for
from actas.api.db import write_transaction
from actas.api.domain import payloads
from actas.api.domain.events import canonical_json
from actas.api.domain.lifecycle import OUTCOME_ACTIONS
from actas.api.domain.notifications import ReminderPolicy, heads_to_alert
from actas.api.domain.payloads import Payload
from actas.api.domain.rules import Tally
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import MemberScope
from actas.api.domain.vocabulary import (
    DeliveryChannel,
    EmailMode,
    FollowUpStatus,
    Language,
    ProposalState,
    RuleKind,
)
from actas.api.models import (
    Delivery,
    FollowUp,
    Membership,
    Notification,
    Organisation,
    OutcomeReview,
    Proposal,
    ScheduledNotice,
    Unit,
)
from actas.api.services.access import MEMBERSHIP_COLUMNS, UNIT_COLUMNS, member_scopes
from actas.api.services.electorates import awaited_from, load_electorates
from actas.api.services.proposals import close
from actas.api.services.recording import Change, change
from actas.api.services.tallies import current_tally, rule_of

log = logging.getLogger("actas.schedule")

FOLLOW_UP_WARNING = timedelta(days=2)
DIGEST_HOUR = 7  # UTC


@dataclass
class ScheduleReport:
    steps: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.steps[kind] = self.steps.get(kind, 0) + 1


async def run_schedule() -> ScheduleReport:
    """Take every step that is due now."""
    report = ScheduleReport()
    now = clock.now()
    for job in (remind_the_silent, act_on_deadlines, chase_follow_ups, ask_for_outcomes, digests):
        with _isolated(report, f"the schedule's {job.__name__}"):
            await job(now, report)
    return report


@contextmanager
def _isolated(report: ScheduleReport, what: str) -> Iterator[None]:
    """One job, or one step of a job, failing is logged and counted; the others still run, and
    it is tried again next round (its key was not taken: its transaction rolled back)."""
    try:
        yield
    except Exception:
        log.exception("%s failed; it is tried again next round.", what.capitalize())
        report.count("failed")


async def _once(
    organisation_id: int, keys: Sequence[str], act: Callable[[Change], Awaitable[None]]
) -> bool:
    """Take a step in one change with its unique keys (the last is the step; any others are
    steps missed while no worker ran, taken without being repeated). False if another worker
    took it first."""
    try:
        async with change(organisation_id, None) as work:
            await ScheduledNotice.bulk_create(
                [
                    ScheduledNotice(organisation_id=organisation_id, key=key, created_at=work.at)
                    for key in keys
                ]
            )
            await act(work)
    except (IntegrityError, _NoLongerDue):
        return False
    return True


class _NoLongerDue(Exception):
    """Raised inside a step whose reason went away since the round began; it rolls back."""


async def _announce(work: Change, *, payload: Payload, proposal_id: int) -> None:
    work.record(payload, proposal_id=proposal_id)


def _announcing(payload: Payload, proposal_id: int) -> Callable[[Change], Awaitable[None]]:
    act: Callable[[Change], Awaitable[None]] = partial(
        _announce, payload=payload, proposal_id=proposal_id
    )
    return act


async def _taken(keys: Sequence[str]) -> set[str]:
    rows = await ScheduledNotice.filter(key__in=list(keys)).values("key")
    return {row["key"] for row in rows}


# Reminders and escalation ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Hierarchy:
    """Who heads what, read once a round for every proposal with a step to take."""

    scopes: Mapping[tuple[int, int], MemberScope]  # (organisation, user) → scope
    tree: UnitTree  # the organisations' units (ids are unique across organisations)

    @classmethod
    async def load(cls, organisation_ids: Sequence[int], users: Sequence[int]) -> _Hierarchy:
        organisations = sorted(set(organisation_ids))
        memberships = await Membership.filter(
            organisation_id__in=organisations, user_id__in=sorted(set(users))
        ).values(*MEMBERSHIP_COLUMNS)
        units = await Unit.filter(organisation_id__in=organisations).values(*UNIT_COLUMNS)
        return cls(
            scopes=member_scopes(memberships, units),
            tree=UnitTree.of(units),
        )

    def escalations(self, organisation_id: int, users: Sequence[int]) -> dict[int, list[int]]:
        """The heads to alert about silent ``users`` and whom each is alerted about (so their
        email can name them): a step's ``silent_by_head``."""
        scopes = {user: self.scopes.get((organisation_id, user)) for user in users}
        return heads_to_alert(users, scopes, self.tree)


async def remind_the_silent(now: datetime, report: ScheduleReport) -> None:
    """Before a deadline, remind required voices without a position (or, for those away, their
    delegates); at the escalation point alert their unit's head at the same time. Nobody who
    has spoken, or is away, is reminded."""
    # Every round reads every open proposal with a deadline: only the columns the steps need,
    # and whole proposals and their voices only for those with a step to take.
    scheduled = await Proposal.filter(
        state=ProposalState.OPEN, deadline__isnull=False, deadline__gt=now
    ).values_list("id", "organisation_id", "deadline")
    policies = {
        o.id: _policy(o)
        for o in await Organisation.filter(id__in=sorted({org for _, org, _ in scheduled}))
    }
    keys = {
        pid: [
            (f"remind:{_deadline_key(pid, deadline)}:{step}", up)
            for step, up in policies[org].due(deadline=deadline, now=now)
        ]
        for pid, org, deadline in scheduled
    }
    taken = await _taken([key for steps in keys.values() for key, _ in steps])
    fresh = {
        pid: [(key, escalates) for key, escalates in steps if key not in taken]
        for pid, steps in keys.items()
    }
    deadlines = {pid: deadline for pid, _, deadline in scheduled}
    due = await _still_scheduled([pid for pid, new in fresh.items() if new], deadlines)
    if not due:
        return
    electorates = await load_electorates(due)
    hierarchy = await _Hierarchy.load(
        [p.organisation_id for p in due], [u for p in due for u in electorates[p.id].silent]
    )
    for proposal in due:
        with _isolated(report, f"a step of proposal {proposal.id}"):
            new = fresh[proposal.id]
            electorate = electorates[proposal.id]
            silent = list(electorate.silent)
            if not silent:
                continue
            escalate = any(up for _, up in new)
            payload = payloads.deadline_approaching(
                deadline=proposal.deadline.isoformat() if proposal.deadline else None,
                # Not who is away: their delegate, in their place (``Electorate.to_remind``).
                remind=sorted(electorate.to_remind),
                silent_by_head=hierarchy.escalations(
                    proposal.organisation_id, silent if escalate else []
                ),
            )
            act = _announcing(payload, proposal.id)
            if await _once(proposal.organisation_id, [key for key, _ in new], act):
                report.count("escalation" if payload.escalate else "reminder")


async def _still_scheduled(
    proposal_ids: Sequence[int], deadlines: Mapping[int, datetime | None]
) -> list[Proposal]:
    """The proposals among ``proposal_ids`` still open with the deadline the scan read: one
    moved since then has other keys, taken at their own time."""
    return [
        proposal
        for proposal in await Proposal.filter(id__in=proposal_ids, state=ProposalState.OPEN)
        .select_related("organisation")
        .order_by("id")
        if proposal.deadline == deadlines[proposal.id]
    ]


def _deadline_key(proposal_id: int, deadline: datetime) -> str:
    """The proposal and its current deadline: a moved deadline brings its own steps."""
    return f"{proposal_id}:{int(deadline.timestamp())}"


def _policy(organisation: Organisation) -> ReminderPolicy:
    hours = [int(h) for h in organisation.reminder_hours.split(",") if h.strip().isdigit()]
    return ReminderPolicy(
        reminders=tuple(timedelta(hours=h) for h in hours),
        escalation=timedelta(hours=organisation.escalation_hours),
    )


# Deadlines --------------------------------------------------------------------------------------


async def act_on_deadlines(now: datetime, report: ScheduleReport) -> None:
    """When an open proposal's deadline passes, a rule that can decide by itself closes it with
    a statement showing the tally; otherwise (the decider rule, or no verdict yet) the deciders
    and silent voices are reminded and their heads alerted, once. Positions stop at the
    deadline, but a verdict can still come later (a participant or a weight changed): the
    rounds after the escalation act on it."""
    passed = await Proposal.filter(
        state=ProposalState.OPEN, deadline__isnull=False, deadline__lte=now
    ).values_list("id", "deadline", "rule", "tally")
    keys = {pid: f"deadline:{_deadline_key(pid, deadline)}" for pid, deadline, _, _ in passed}
    taken = await _taken(list(keys.values()))
    later = {  # escalated already, and the stored tally (passed deadline and all) now decides
        pid
        for pid, _, rule, tally in passed
        if keys[pid] in taken and rule != RuleKind.DECIDER and Tally.from_json(tally).verdict
    }
    deadlines = {pid: deadline for pid, deadline, _, _ in passed}
    due = await _still_scheduled(
        [pid for pid, key in keys.items() if key not in taken or pid in later], deadlines
    )
    if not due:
        return
    electorates = await load_electorates(due)
    hierarchy = await _Hierarchy.load(
        [p.organisation_id for p in due],
        [u for p in due for u in (*electorates[p.id].silent, *electorates[p.id].deciders)],
    )
    for proposal in due:
        with _isolated(report, f"a step of proposal {proposal.id}"):
            key = keys[proposal.id]
            electorate = electorates[proposal.id]
            tally = electorate.tally(rule_of(proposal), deadline_passed=True)
            if proposal.rule != RuleKind.DECIDER and tally.verdict is not None:
                decide = partial(_decide, proposal, Language(proposal.organisation.language))
                step = f"{key}:verdict" if proposal.id in later else key
                if await _once(proposal.organisation_id, [step], decide):
                    report.count("decided at deadline")
                continue
            # The silent, and under the decider rule the deciders, whose decision is what is missing
            # (under the other rules a decider who has spoken has done their part).
            deciding = electorate.deciders if proposal.rule == RuleKind.DECIDER else ()
            stalled = sorted(set(electorate.silent) | set(deciding))
            announce = _announcing(
                payloads.deadline_passed(
                    reason=texts_for(proposal.organisation.language).render(tally.reason),
                    remind=list(electorate.asked_for(stalled)),  # not the away: their delegates
                    silent_by_head=hierarchy.escalations(proposal.organisation_id, stalled),
                    author=proposal.author_id,
                ),
                proposal.id,
            )
            if await _once(proposal.organisation_id, [key], partial(_escalate, proposal, announce)):
                report.count("escalated at deadline")


async def _still_due(proposal: Proposal) -> Proposal:
    """The proposal as it is now, inside the step's transaction (the organisation is locked):
    still open, with the deadline the round saw."""
    current = await Proposal.get(id=proposal.id)
    if current.state != ProposalState.OPEN or current.deadline != proposal.deadline:
        raise _NoLongerDue  # closed, or its deadline moved, since the round began
    return current


async def _decide(proposal: Proposal, language: Language, work: Change) -> None:
    """Close as the rule decides, with the tally in the statement."""
    current = await _still_due(proposal)
    tally = await current_tally(current)
    if tally.verdict is None:  # positions changed since the round began: escalate next round
        raise _NoLongerDue
    await close(work, current, OUTCOME_ACTIONS[tally.verdict], _statement(tally, language))


async def _escalate(
    proposal: Proposal, announce: Callable[[Change], Awaitable[None]], work: Change
) -> None:
    await _still_due(proposal)
    await announce(work)


def _statement(tally: Tally, language: Language) -> str:
    """The generated statement, in the organisation's language (the catalogue's words)."""
    assert tally.verdict is not None
    t = texts_for(language.value)
    return t.gettext(
        "statement.by_rule",
        rule=t.gettext(f"rule.{tally.rule.value}"),
        outcome=t.gettext(f"statement.outcome.{tally.verdict.value}"),
        eligible=tally.eligible_weight,
        **tally.weights,
    )


# Following through -----------------------------------------------------------------------------


async def chase_follow_ups(now: datetime, report: ScheduleReport) -> None:
    """Owners hear of an open follow-up two days before it is due, and again once it is late."""
    today = now.date()
    follow_ups = await FollowUp.filter(
        status=FollowUpStatus.OPEN, due__lte=today + FOLLOW_UP_WARNING
    )
    keys = {
        f.id: f"follow-up:{f.id}:{f.due.isoformat()}:{'late' if f.due < today else 'soon'}"
        for f in follow_ups
    }
    taken = await _taken(list(keys.values()))
    for follow_up in follow_ups:
        with _isolated(report, f"a step of follow-up {follow_up.id}"):
            if keys[follow_up.id] in taken:
                continue
            overdue = follow_up.due < today
            due = payloads.follow_up_due(
                follow_up=follow_up.id,
                title=follow_up.title,
                owner=follow_up.owner_id,
                due=follow_up.due.isoformat(),
                overdue=overdue,
            )
            act = _announcing(due, follow_up.proposal_id)
            if await _once(follow_up.organisation_id, [keys[follow_up.id]], act):
                report.count("follow-up late" if overdue else "follow-up due")


async def ask_for_outcomes(now: datetime, report: ScheduleReport) -> None:
    """When an accepted decision's expected impact falls due, its author and the owners of its
    follow-ups are asked to record the observed value."""
    reviewed = OutcomeReview.all().values("proposal_id")
    proposals = await Proposal.filter(
        state=ProposalState.ACCEPTED, impact_by__isnull=False, impact_by__lte=now.date()
    ).exclude(id__in=Subquery(reviewed))
    taken = await _taken([f"outcome:{p.id}" for p in proposals])
    owners: dict[int, set[int]] = {p.id: set() for p in proposals}
    for row in await FollowUp.filter(proposal_id__in=list(owners)).values(
        "proposal_id", "owner_id"
    ):
        owners[row["proposal_id"]].add(row["owner_id"])
    for proposal in proposals:
        with _isolated(report, f"the outcome review of proposal {proposal.id}"):
            key = f"outcome:{proposal.id}"
            if key in taken:
                continue
            ask = payloads.outcome_review_due(
                metric=proposal.impact_metric,
                baseline=proposal.impact_baseline,
                target=proposal.impact_target,
                ask=sorted({proposal.author_id, *owners[proposal.id]}),
            )
            act = _announcing(ask, proposal.id)
            if await _once(proposal.organisation_id, [key], act):
                report.count("outcome review asked")


# Digests ----------------------------------------------------------------------------------------


async def digests(now: datetime, report: ScheduleReport) -> None:
    """Members who asked for a daily (or, on Mondays, weekly) digest get one email at 07:00 UTC
    summing up what is new and what awaits them."""
    if now.hour < DIGEST_HOUR:
        return
    modes = [EmailMode.DAILY] + ([EmailMode.WEEKLY] if now.weekday() == 0 else [])
    members = await Membership.filter(email_mode__in=modes).values(
        "id", "organisation_id", "user_id", "email_mode"
    )
    keys = {m["id"]: f"digest:{m['id']}:{now.date().isoformat()}" for m in members}
    taken = await _taken(list(keys.values()))
    due = [m for m in members if keys[m["id"]] not in taken]
    summaries = await digest_summaries(due, now)
    for member in due:
        with _isolated(report, f"the digest of membership {member['id']}"):
            key = keys[member["id"]]
            summary = summaries[member["id"]]
            if not any(summary.values()):
                continue
            try:
                async with write_transaction(member["organisation_id"]):
                    await ScheduledNotice.create(
                        organisation_id=member["organisation_id"], key=key, created_at=now
                    )
                    await Delivery.create(
                        organisation_id=member["organisation_id"],
                        channel=DeliveryChannel.EMAIL,
                        key=str(uuid.uuid4()),
                        recipient_id=member["user_id"],
                        payload=canonical_json({"digest": summary}),
                        next_attempt_at=now,
                        created_at=now,
                    )
            except IntegrityError:
                continue
            report.count("digest")


async def digest_summaries(
    members: Sequence[Mapping[str, Any]], now: datetime
) -> dict[int, dict[str, int]]:
    """ "3 decisions await you, 2 close within 48 h" and what happened since the last digest, for
    each membership (``id``, ``organisation_id``, ``user_id``, ``email_mode``): a few queries
    for all of them, however many there are."""
    if not members:
        return {}
    users = sorted({m["user_id"] for m in members})
    soon = now + timedelta(hours=48)
    awaiting: dict[tuple[int, int], set[int]] = {}
    closing: dict[tuple[int, int], set[int]] = {}
    for user, proposals in (await awaited_from(users, now=now)).items():
        for proposal in proposals:
            key = (proposal.organisation_id, user)
            awaiting.setdefault(key, set()).add(proposal.id)
            if proposal.deadline is not None and proposal.deadline <= soon:
                closing.setdefault(key, set()).add(proposal.id)
    new: dict[tuple[int, int, str], int] = {}
    for mode in {m["email_mode"] for m in members}:
        since = now - (timedelta(days=7) if mode == EmailMode.WEEKLY else timedelta(days=1))
        for row in (
            await Notification.filter(
                user_id__in=sorted({m["user_id"] for m in members if m["email_mode"] == mode}),
                created_at__gt=since,
                read_at__isnull=True,
            )
            .annotate(count=Count("id"))
            .group_by("organisation_id", "user_id")
            .values("organisation_id", "user_id", "count")
        ):
            new[(row["organisation_id"], row["user_id"], mode)] = row["count"]
    summaries = {}
    for member in members:
        key = (member["organisation_id"], member["user_id"])
        summaries[member["id"]] = {
            "awaiting": len(awaiting.get(key, ())),
            "closing_soon": len(closing.get(key, ())),
            "new": new.get((*key, member["email_mode"]), 0),
        }
    return summaries


async def waiting_for(user_id: int, organisation_id: int | None = None) -> list[Proposal]:
    """Open proposals whose electorate awaits the user, soonest deadline first (no deadline
    last)."""
    proposals = (await awaited_from([user_id], organisation_id))[user_id]
    far = datetime.max.replace(tzinfo=clock.now().tzinfo)
    return sorted(proposals, key=lambda p: (p.deadline or far, p.id))

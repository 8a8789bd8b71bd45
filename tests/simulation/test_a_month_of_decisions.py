"""A month of decisions in an organisation of 500: the proof that actas reaches the right people,
only them, once, and insists on the silent.

An organisation with a four-level unit tree and heads (``company.py``) lives through a simulated
month (``month.py``): 200 proposals with deadlines, mixed rules and audiences, random but seeded
participation (``plan.py``), all through the real services, with the worker's round every one to
two simulated hours delivering over real SMTP and HTTP. Afterwards the checks read what the
database recorded (``record.py``) and compare it with what should have happened, worked out
independently (``oracle.py``).

About one member in ten is away during the month (``away.py``): they are not chased, their
delegates are; ``test_away_in_the_month.py`` checks the absences themselves.

The database is shared with the rest of the run: the month happens in its own era of the
injectable clock (``fresh_era``), and every check reads this organisation's rows only. The month
is lived once for the package (``conftest.py``, ``lived.py``).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from actas.api.domain.events import EventType
from actas.api.domain.notifications import handle_of
from actas.api.domain.vocabulary import (
    DeliveryChannel,
    DeliveryStatus,
    EmailMode,
    ProposalState,
    RuleKind,
    Visibility,
)
from actas.api.services.ledger import verify_chains
from tests.simulation import oracle
from tests.simulation.company import ESCALATION_HOURS, WEBHOOK_EVENTS
from tests.simulation.lived import Lived, steps_of
from tests.simulation.record import Happened

E = EventType


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- invited ---------------------------------------------------------------------------------


async def test_every_required_voice_was_invited_once_as_its_proposal_opened(lived: Lived) -> None:
    record = lived.record
    assert len(lived.month.proposal) == 200
    invitations = Counter((t.proposal, t.user) for t in record.told if t.reason == "invited")
    expected: Counter[tuple[int | None, int]] = Counter()
    for plan, proposal in lived.proposals():
        assert record.participants[proposal] == {u: r.value for u, r in plan.participants.items()}
        [opened] = steps_of(record, proposal, E.PROPOSAL_OPENED)
        assert opened.at == plan.opens == record.proposals[proposal].opened_at
        told = record.told_of(opened.id)
        for user in plan.voices:
            expected[(proposal, user)] += 1
            assert (user, "invited") in told
    assert invitations == expected


# --- reminded while silent, and the heads alerted ----------------------------------------------


async def test_the_silent_were_reminded_at_the_organisations_steps_and_only_while_silent(
    lived: Lived,
) -> None:
    record, rounds, away = lived.record, lived.month.rounds, lived.month.away
    reminded = 0
    for plan, proposal in lived.proposals():
        first_spoke = record.first_spoke(proposal)
        taken = steps_of(record, proposal, E.DEADLINE_APPROACHING)
        # Each reminder went to someone asked for a position missing at that moment: their own,
        # or, while its voice is away, the one they speak for...
        for step in taken:
            silent = oracle.silent_at(plan, first_spoke, step.at)
            for user, reason in record.told_of(step.id):
                if reason == "reminder":
                    assert user in oracle.chased(lived.company, plan, away, silent, step.at)
                    reminded += 1
        # ...exactly at the organisation's steps (72 h, 24 h; escalation at 12 h), once each.
        expected = oracle.reminder_steps(
            lived.company, plan, rounds, first_spoke, record.proposals[proposal].closed_at, away
        )
        assert [
            (s.at, tuple(s.payload["remind"]), tuple(s.payload["escalate"])) for s in taken
        ] == [(s.at, s.remind, s.escalate) for s in expected], f"proposal {plan.key}"
    assert reminded > 500


async def test_every_escalation_reached_the_right_head_with_the_reminder(lived: Lived) -> None:
    record, company = lived.record, lived.company
    escalated = own_head = unseen = passed_on = 0
    for plan, proposal in lived.proposals():
        escalation_point = plan.deadline - timedelta(hours=ESCALATION_HOURS)
        first_spoke = record.first_spoke(proposal)
        for step in steps_of(record, proposal, E.DEADLINE_APPROACHING):
            remind, escalate = step.payload["remind"], step.payload["escalate"]
            silent = oracle.silent_at(plan, first_spoke, step.at)  # away or not
            told = record.told_of(step.id)
            # The chased hear of it at the same moment as the heads (one event, one time).
            assert {(u, "reminder") for u in remind} <= told
            heads_told = {u for u, reason in told if reason == "escalation"}
            # At the escalation point, each head alerted is the escalation head of someone
            # silent: their unit's head, or the head above when the silent person heads the
            # unit (or it has none), or past a head who is silent too, the first head above who
            # is not; before it, no head hears anything...
            alerted = oracle.alerted_heads(company, silent) if step.at >= escalation_point else {}
            assert escalate == sorted(alerted)
            # ... and each head hears whom they are alerted about (their email names them).
            assert step.payload["silent_by_head"] == {str(h): us for h, us in alerted.items()}
            # Only heads who may see the proposal are told (a head outside its audience is not);
            # one reminded in the same step as someone's delegate hears of it as a reminder
            # (``test_away_in_the_month``: what that loses).
            visible = {h for h in escalate if lived.sees(h, proposal)}
            assert heads_told == visible - set(remind)
            escalated += len(heads_told)
            unseen += len(set(escalate) - heads_told)
            own_head += sum(
                1
                for u in silent
                if any(unit.head == u for unit in company.units.values())
                and company.escalation_head(u) in heads_told
            )
            passed_on += sum(
                1 for us in alerted.values() for u in us if company.escalation_head(u) in silent
            )
    assert escalated > 50 and own_head > 0 and unseen > 0 and passed_on > 0


# --- deadlines -----------------------------------------------------------------------------


async def test_at_the_deadline_the_rule_decided_or_the_proposal_was_escalated(
    lived: Lived,
) -> None:
    record, rounds, company = lived.record, lived.month.rounds, lived.company
    seen: Counter[str] = Counter()
    for plan, proposal in lived.proposals():
        row, decision = record.proposals[proposal], record.decisions.get(proposal)
        passed = steps_of(record, proposal, E.DEADLINE_PASSED)
        at = oracle.first_round_from(rounds, plan.deadline)
        assert at is not None
        if decision is not None and decision.decided_at < at:  # decided by a person in time
            assert decision.decided_by_id in plan.deciders and not passed
            if plan.rule is not RuleKind.DECIDER:  # what the rule allowed at that moment
                stances = oracle.stances_at(record.stances.get(proposal, []), decision.decided_at)
                allowed = oracle.verdict(
                    company,
                    plan,
                    stances,
                    row.threshold,
                    deadline_passed=False,
                    decided_by=decision.decided_by_id,
                )
                assert decision.outcome == allowed.outcome
            seen["decided by a person before the deadline"] += 1
            continue
        stances = oracle.stances_at(record.stances.get(proposal, []), at)
        found = oracle.verdict(company, plan, stances, row.threshold, deadline_passed=True)
        if plan.rule is not RuleKind.DECIDER and found.outcome is not None:
            assert decision is not None and not passed
            assert (decision.decided_by_id, decision.decided_at, row.closed_at) == (None, at, at)
            assert decision.outcome == found.outcome == row.state
            assert oracle.statement_tally(found) in decision.statement
            [closing] = steps_of(record, proposal, E(f"proposal.{found.outcome.value}"))
            assert (closing.at, closing.actor) == (at, None)
            seen[f"{plan.rule.value} {found.outcome.value} by the rule"] += 1
            continue
        # Escalated: the silent (and, under the decider rule, the deciders) reminded, their
        # heads alerted, the author told; the proposal stays open for its deciders.
        [step] = passed
        stalled = sorted(
            set(oracle.silent_at(plan, record.first_spoke(proposal), at))
            | (set(plan.deciders) if plan.rule is RuleKind.DECIDER else set())
        )
        heads = oracle.heads_told(company, stalled)
        # The away are not reminded: their delegates are, in their place.
        reminded = oracle.chased(company, plan, lived.month.away, stalled, at)
        assert (step.at, step.actor) == (at, None)
        assert (step.payload["remind"], step.payload["escalate"]) == (reminded, list(heads))
        expected = {(u, "reminder") for u in reminded}
        # One notification a person: a head reminded too (as a delegate) hears "reminder".
        expected |= {
            (h, "escalation") for h in heads if lived.sees(h, proposal) and h not in reminded
        }
        if plan.author not in reminded and plan.author not in heads:
            expected.add((plan.author, "participant"))
        assert record.told_of(step.id) == expected
        assert decision is None or (
            decision.decided_by_id in plan.deciders and decision.decided_at > at
        )
        seen[f"{plan.rule.value} escalated"] += 1
    for kind in (
        "decided by a person before the deadline",
        "consent accepted by the rule",
        "consent rejected by the rule",
        "majority accepted by the rule",
        "majority escalated",
        "unanimity rejected by the rule",
        "decider escalated",
    ):
        assert seen[kind] > 0, (kind, seen)


# --- only the audience ---------------------------------------------------------------------


async def test_nobody_outside_an_audience_heard_anything_about_a_proposal(lived: Lived) -> None:
    record = lived.record
    plans = {proposal: plan for plan, proposal in lived.proposals()}
    for told in record.told:
        if told.proposal is None:
            continue
        assert lived.sees(told.user, told.proposal), told
        assert told.user in plans[told.proposal].audience, told  # the simulation's own reading
        assert told.user != record.events[told.event].actor, told
    # Not vacuous: arguments mentioned people who may not see their proposal; none was told.
    handles = {handle_of(m.email): u for u, m in lived.company.members.items()}
    outsiders = 0
    for event in record.events.values():
        if event.type != E.ARGUMENT_ADDED or event.proposal is None:
            continue
        for word in event.payload["body"].split():
            user = handles.get(word.strip("@?.,"))
            if word.startswith("@") and user and not lived.sees(user, event.proposal):
                outsiders += 1
                assert user not in {u for u, _ in record.told_of(event.id)}
    assert outsiders > 0
    restricted = {p.visibility for p in lived.month.plans}
    assert restricted == set(Visibility)


# --- following through ---------------------------------------------------------------------


async def test_follow_up_owners_and_outcome_reviewers_were_asked_once_on_time(
    lived: Lived,
) -> None:
    record, rounds = lived.record, lived.month.rounds
    done_at = {
        e.payload["follow_up"]: e.at
        for e in record.events.values()
        if e.type == E.FOLLOW_UP_UPDATED and e.payload["status"] == "done"
    }
    chased: dict[int, list[Happened]] = {}
    for event in record.events.values():
        if event.type == E.FOLLOW_UP_DUE:
            chased.setdefault(event.payload["follow_up"], []).append(event)
    for follow_up in record.follow_ups.values():
        expected = []
        for overdue, moment in (
            (False, midnight(follow_up.due - timedelta(days=2))),
            (True, midnight(follow_up.due + timedelta(days=1))),
        ):
            at = oracle.first_round_from(rounds, moment)
            if at is not None and (follow_up.id not in done_at or done_at[follow_up.id] > at):
                expected.append((at, overdue))
        steps = sorted(chased.get(follow_up.id, []), key=lambda e: e.at)
        assert [(e.at, e.payload["overdue"]) for e in steps] == expected
        for step in steps:
            assert record.told_of(step.id) == {(follow_up.owner_id, "follow_up")}
    assert len(record.follow_ups) > 10 and done_at and chased

    asked = 0
    for plan, proposal in lived.proposals():
        row = record.proposals[proposal]
        reviews = steps_of(record, proposal, E.OUTCOME_REVIEW_DUE)
        if row.state != ProposalState.ACCEPTED or row.impact_by is None:
            assert not reviews
            continue
        assert row.closed_at is not None
        at = oracle.first_round_from(rounds, max(midnight(row.impact_by), row.closed_at))
        if at is None:
            assert not reviews
            continue
        owners = {f.owner_id for f in record.follow_ups.values() if f.proposal_id == proposal}
        ask = sorted({plan.author, *owners})
        [review] = reviews
        assert (review.at, review.payload["ask"]) == (at, ask)
        assert record.told_of(review.id) == {(u, "outcome_review") for u in ask}
        asked += 1
    assert asked > 5


# --- once, and never lost ------------------------------------------------------------------


async def test_no_message_was_duplicated_lost_or_left_pending(lived: Lived) -> None:
    record, company = lived.record, lived.company
    assert not lived.errors, [e.getMessage() for e in lived.errors]
    assert max(Counter((t.event, t.user) for t in record.told).values()) == 1
    immediate = {u for u, m in company.members.items() if m.email_mode is EmailMode.IMMEDIATE}
    welcomed = {t.id for t in record.told if t.reason == "membership"}
    # Every delivery was done at its first attempt, and logged once: sent, except the welcomes
    # of those who chose digests or no email before the worker's first round (skipped).
    assert record.deliveries
    for delivery in record.deliveries:
        unwanted = delivery["notification_id"] in welcomed and (
            delivery["recipient_id"] not in immediate
        )
        status = DeliveryStatus.SKIPPED if unwanted else DeliveryStatus.SENT
        assert (delivery["status"], delivery["attempts"]) == (status, 1), delivery
        assert record.attempts[delivery["id"]] == 1
    assert record.failed_attempts == 0
    # An email for each notification of those who want them at once, and for nobody else's
    # (everyone wanted them at once when told they had been added, before choosing).
    emails = [d for d in record.deliveries if d["channel"] == DeliveryChannel.EMAIL]
    assert Counter(d["notification_id"] for d in emails if d["notification_id"]) == Counter(
        {t.id: 1 for t in record.told if t.user in immediate or t.id in welcomed}
    )
    # The SMTP server received each of them exactly once, except the welcomes of those who
    # chose digests or no email before the worker's first round (it follows their choice).
    addresses = {m.email for m in company.members.values()}
    received = Counter(mid for to, mid in lived.mails if to in addresses)
    wanted = [d for d in emails if d["notification_id"] is None or d["recipient_id"] in immediate]
    assert received == Counter({f"<{d['key']}@actas>": 1 for d in wanted})  # digests included
    assert len(received) < len(emails)  # not vacuous: some welcomes were left unsent
    # The webhook received, once and signed, every opening, decision and escalation of the
    # proposals every member sees, and nothing else.
    assert all(call.signature_valid for call in lived.calls) and not lived.repeated_calls
    hooks = [d for d in record.deliveries if d["channel"] == DeliveryChannel.WEBHOOK]
    assert {c.delivery for c in lived.calls} == {d["key"] for d in hooks}
    expected = {
        e.seq
        for e in record.events.values()
        if e.type in WEBHOOK_EVENTS
        and e.proposal is not None
        and record.proposals[e.proposal].visibility == Visibility.ORGANISATION
    }
    assert sorted(c.body["event"]["seq"] for c in lived.calls) == sorted(expected)


async def test_digests_went_once_a_period_to_those_who_chose_them(lived: Lived) -> None:
    modes = {u: m.email_mode for u, m in lived.company.members.items()}
    digests = [
        d
        for d in lived.record.deliveries
        if d["channel"] == DeliveryChannel.EMAIL and d["notification_id"] is None
    ]
    per_day = Counter((d["recipient_id"], d["created_at"].date()) for d in digests)
    assert digests and max(per_day.values()) == 1
    for digest in digests:
        mode = modes[digest["recipient_id"]]
        assert mode in (EmailMode.DAILY, EmailMode.WEEKLY)
        assert digest["created_at"].hour >= 7
        if mode is EmailMode.WEEKLY:
            assert digest["created_at"].weekday() == 0


# --- the record ----------------------------------------------------------------------------


async def test_every_event_chain_verifies(lived: Lived) -> None:
    reports = await verify_chains()
    assert [r for r in reports if r.broken is not None] == []
    [ours] = [r for r in reports if r.organisation_slug == lived.company.slug]
    assert ours.events == len(lived.record.events)

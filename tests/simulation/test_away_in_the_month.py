"""The month's absences (``away.py``), checked against the record: the absent are not chased
(nor, once actas has read their out-of-office reply, those only probably away), their delegates
are asked once and reminded while the voice they speak for is silent, a voice nobody speaks for
is told to its head and the proposal's author at once, a delegate's position never outlasts the
member's own, and every position taken for someone names both in the event chain.

The expectations are the oracle's (``oracle.alert_due``, ``oracle.chased``): worked out from the
plan by the simulation's own reading of the rules, never by ``domain.absences`` or the
``Electorate``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from actas.api.domain.events import EventType, canonical_time
from actas.api.domain.rules import Tally
from actas.api.domain.vocabulary import CastBy, DelegationScope
from tests.simulation import oracle
from tests.simulation.away import AUTO_REPLIES, AWAY
from tests.simulation.lived import Lived, steps_of
from tests.simulation.record import Cast

E = EventType
WEEK = timedelta(days=7)


def alerts_due(lived: Lived, *, probable: bool = False) -> dict[tuple[int, int], oracle.Asked]:
    """(proposal, absent voice) → what should be said about them once: of the recorded
    absences, or of those an automatic reply announced."""
    record, away = lived.record, lived.month.away
    absences = away.probable if probable else away.absences
    due = {}
    for plan, proposal in lived.proposals():
        for user in plan.voices:
            absence = absences.get(user)
            if absence is None:
                continue
            found = oracle.alert_due(
                lived.company,
                plan,
                away,
                absence,
                record.first_spoke(proposal),
                record.proposals[proposal].closed_at,
            )
            if found is not None:
                due[(proposal, user)] = found
    return due


def said(lived: Lived, type_: EventType) -> dict[tuple[int, int], list[oracle.Asked]]:
    """What actas said about absent voices, (proposal, voice) → each time, as the oracle puts it."""
    found: dict[tuple[int, int], list[oracle.Asked]] = {}
    for event in lived.record.events.values():
        if event.type == type_.value and event.proposal is not None:
            user = event.payload["user"]
            until = datetime.fromisoformat(event.payload["until"])
            delegate = event.payload.get("delegate")
            asked = oracle.Asked(event.at, user, delegate, until, event.actor)
            found.setdefault((event.proposal, user), []).append(asked)
    return found


# --- what was planned happened -----------------------------------------------------------------


async def test_the_absences_were_recorded_as_planned(lived: Lived) -> None:
    absences, record = lived.month.away.absences, lived.record
    assert len(absences) == AWAY == len(lived.company.members) // 10
    assert set(record.absences) == set(absences)
    for user, planned in absences.items():
        row = record.absences[user]
        assert (row.starts_at, row.ends_at, row.recorded_by_id) == (
            planned.starts,
            planned.ends,
            planned.recorder,
        )
        assert WEEK <= planned.ends - planned.starts <= 2 * WEEK
    delegated = [a for a in absences.values() if a.delegations]
    scopes = Counter(d.scope for a in delegated for d in a.delegations)
    assert AWAY * 0.3 < len(delegated) < AWAY * 0.7, len(delegated)
    assert all(scopes[scope] >= 3 for scope in DelegationScope), scopes
    assert sum(1 for a in absences.values() if a.recorder != a.user) >= 5
    assert lived.month.kept_away > 0  # the absent did not do what they had planned meanwhile


async def test_an_automatic_reply_made_its_writer_probably_away_until_its_date_or_their_act(
    lived: Lived,
) -> None:
    away, record = lived.month.away, lived.record
    assert len(away.auto_replies) == AUTO_REPLIES
    assert set(lived.month.auto_replied.values()) == {"auto_reply"}
    # One reply came from someone already recorded away: it inferred nothing.
    assert len(away.probable) == AUTO_REPLIES - 1
    assert {u: (a.starts_at, a.ends_at) for u, a in record.probable.items()} == {
        u: (a.starts, a.ends) for u, a in away.probable.items()
    }
    for reply in away.auto_replies:
        if reply.user in record.probable:
            assert record.probable[reply.user].until_stated is (reply.back is not None)
    # Some acted again before the day they gave: that ended it.
    assert any(a.ends < a.told_until for a in away.probable.values())


async def test_every_position_taken_for_someone_was_taken_unless_it_had_to_be_refused(
    lived: Lived,
) -> None:
    month = lived.month
    refused = {s for s in month.away.spoken_for if s.refused}
    assert set(month.refusals) == refused, month.refusals
    assert all("their own position" in why for why in month.refusals.values())
    kinds = Counter(s.cast_by for s in month.away.spoken_for if not s.refused)
    assert kinds[CastBy.DELEGATE] >= 5 and kinds[CastBy.PROXY] >= 3 and refused, kinds
    casts = {
        (c.at, c.user, c.caster, c.cast_by)
        for history in lived.record.stances.values()
        for c in history
        if c.cast_by is not CastBy.MEMBER
    }
    assert casts == {(s.at, s.member, s.caster, s.cast_by) for s in month.taken_for}


# --- nobody away is chased ---------------------------------------------------------------------


def away_reminded(
    lived: Lived, type_: EventType
) -> tuple[list[tuple[int, int, datetime]], Counter[str]]:
    """Reminders of the given step that reached someone away then (for someone an automatic
    reply announced: after it arrived), and how many absent silent voices those steps found,
    recorded away or probably (so that the check is not vacuous)."""
    away = lived.month.away
    wrong, absent_silent = [], Counter[str]()
    for plan, proposal in lived.proposals():
        first_spoke = lived.record.first_spoke(proposal)
        for step in steps_of(lived.record, proposal, type_):
            for user in oracle.silent_at(plan, first_spoke, step.at):
                if away.is_away(user, step.at):
                    absent_silent["probably" if user in away.probable else "recorded"] += 1
            for user, reason in lived.record.told_of(step.id):
                if reason == "reminder" and away.is_away(user, step.at):
                    wrong.append((plan.key, user, step.at))
    return wrong, absent_silent


async def test_nobody_away_was_reminded_before_a_deadline(lived: Lived) -> None:
    wrong, absent_silent = away_reminded(lived, E.DEADLINE_APPROACHING)
    assert wrong == []
    assert absent_silent["recorded"] > 20 and absent_silent["probably"] > 0, absent_silent


async def test_nobody_away_was_reminded_as_a_deadline_passed(lived: Lived) -> None:
    wrong, absent_silent = away_reminded(lived, E.DEADLINE_PASSED)
    assert wrong == []
    assert absent_silent["recorded"] > 0


async def test_delegates_were_reminded_in_the_absents_place_only_while_the_voice_was_silent(
    lived: Lived,
) -> None:
    """The reminders' exact lists are ``test_the_silent_were_reminded…``'s; here, that a delegate
    hears of a voice only while it is missing, and each time with the reason ``reminder``."""
    away, company = lived.month.away, lived.company
    delegates_reminded = 0
    for plan, proposal in lived.proposals():
        first_spoke = lived.record.first_spoke(proposal)
        for step in steps_of(lived.record, proposal, E.DEADLINE_APPROACHING):
            told = lived.record.told_of(step.id)
            for user in step.payload["remind"]:
                assert (user, "reminder") in told
                voices = [
                    v
                    for v in oracle.silent_at(plan, first_spoke, step.at)
                    if away.is_away(v, step.at)
                    and away.delegate_for(company, plan, v, step.at) == user
                ]
                delegates_reminded += bool(voices)
                if user not in plan.voices:  # reminded only as someone's delegate
                    assert voices, (plan.key, user, step.at)
    assert delegates_reminded >= 5


# --- asked once, or the head told at once --------------------------------------------------------


def check_said_once(lived: Lived, type_: EventType) -> int:
    """Each (proposal, absent voice) heard of exactly once, at the moment due, as due; returns
    how many."""
    every = alerts_due(lived, probable=type_ is E.VOICE_PROBABLY_AWAY)
    due = {
        k: [a] for k, a in every.items() if (a.delegate is not None) == (type_ is E.DELEGATE_ASKED)
    }
    assert due == said(lived, type_)
    return len(due)


async def test_every_delegate_was_asked_once_per_proposal_and_absent_voice(lived: Lived) -> None:
    asked = check_said_once(lived, E.DELEGATE_ASKED)
    record = lived.record
    for event in record.events.values():
        if event.type == E.DELEGATE_ASKED:
            delegate = event.payload["delegate"]
            assert event.payload["until"] == canonical_time(
                lived.month.away.absences[event.payload["user"]].ends
            )
            expected = set() if delegate == event.actor else {(delegate, "delegation")}
            assert record.told_of(event.id) == expected
    assert asked >= 10


@pytest.mark.parametrize("type_", [E.VOICE_AWAY, E.VOICE_PROBABLY_AWAY])
async def test_every_voice_nobody_speaks_for_was_told_to_its_head_and_author_at_once(
    lived: Lived, type_: EventType
) -> None:
    told = check_said_once(lived, type_)
    record, company = lived.record, lived.company
    plans = {proposal: plan for plan, proposal in lived.proposals()}
    for event in record.events.values():
        if event.type != type_.value:
            continue
        assert event.proposal is not None
        plan, user = plans[event.proposal], event.payload["user"]
        head = company.escalation_head(user)
        assert event.payload["heads"] == ([head] if head is not None else [])
        assert event.payload["author"] == plan.author
        expected = {
            (h, "escalation")
            for h in event.payload["heads"]
            if h != event.actor and lived.sees(h, event.proposal)
        }
        if plan.author != event.actor and plan.author not in event.payload["heads"]:
            expected.add((plan.author, "participant"))
        assert record.told_of(event.id) == expected
    assert told >= (5 if type_ is E.VOICE_AWAY else 1)


async def test_an_absence_recorded_before_a_proposal_opens_and_begun_after_is_told_as_it_opens(
    lived: Lived,
) -> None:
    """The case neither moment would see if each looked only at who is away then (checked with
    the rest above): here, that the month has some."""
    plans = {proposal: plan for plan, proposal in lived.proposals()}
    absences = lived.month.away.absences
    later = [
        (proposal, user)
        for (proposal, user), asked in alerts_due(lived).items()
        if asked.at == plans[proposal].opens < absences[user].starts
    ]
    assert len(later) >= 3


# --- whose position counts ---------------------------------------------------------------------


def history_of(lived: Lived, proposal: int) -> dict[int, list[Cast]]:
    by_user: dict[int, list[Cast]] = {}
    for cast in sorted(lived.record.stances.get(proposal, []), key=lambda c: c.at):
        by_user.setdefault(cast.user, []).append(cast)
    return by_user


async def test_no_position_taken_for_a_member_came_after_their_own(lived: Lived) -> None:
    """Their own replaces a delegate's or a proxy's, and nobody else's replaces theirs (nor a
    delegate's a proxy's record of what they said); the decisions are checked with that
    reading (``oracle.stances_at``)."""
    replaced = 0
    for _, proposal in lived.proposals():
        for user, casts in history_of(lived, proposal).items():
            words = [oracle.WORD[c.cast_by] for c in casts]
            assert words == sorted(words), (proposal, user, casts)
            replaced += words[0] < words[-1] == oracle.WORD[CastBy.MEMBER]
    assert replaced >= 2


async def test_the_decisions_counted_the_members_own_over_their_delegates(lived: Lived) -> None:
    """Every closed proposal's tally, as closed, weighs each member's own position over one
    taken for them (the statements are checked with it too: ``test_at_the_deadline…``)."""
    record, replaced = lived.record, 0
    for plan, proposal in lived.proposals():
        decision, row = record.decisions.get(proposal), record.proposals[proposal]
        if decision is None:
            continue
        history = record.stances.get(proposal, [])
        stances = oracle.stances_at(history, decision.decided_at)
        found = oracle.verdict(lived.company, plan, stances, row.threshold, deadline_passed=True)
        closed = Tally.from_json(row.tally)
        assert closed.weights == {s.value: w for s, w in found.weights.items()}, plan.key
        replaced += any(
            CastBy.MEMBER in kinds and kinds[0] is not CastBy.MEMBER
            for kinds in kinds_by_member(history, decision.decided_at).values()
        )
    assert replaced >= 1


def kinds_by_member(history: list[Cast], until: datetime) -> dict[int, list[CastBy]]:
    """Who cast each member's positions up to ``until``, in order."""
    kinds: dict[int, list[CastBy]] = {}
    for cast in sorted(history, key=lambda c: c.at):
        if cast.at <= until:
            kinds.setdefault(cast.user, []).append(cast.cast_by)
    return kinds


async def test_every_position_taken_for_someone_names_both_in_the_event_chain(
    lived: Lived,
) -> None:
    record = lived.record
    events = {
        (e.proposal, e.at, e.actor, e.payload.get("member", e.actor)): e
        for e in record.events.values()
        if e.type == E.POSITION_TAKEN
    }
    proxies = 0
    for proposal, history in record.stances.items():
        for cast in history:
            event = events[(proposal, cast.at, cast.caster or cast.user, cast.user)]
            if cast.cast_by is CastBy.MEMBER:
                assert (event.actor, "member" in event.payload) == (cast.user, False)
                continue
            assert event.actor == cast.caster != cast.user
            assert event.payload["member"] == cast.user
            assert event.payload["cast_by"] == cast.cast_by.value
            assert event.payload["stance"] == cast.stance.value
            if cast.cast_by is CastBy.PROXY:
                assert event.payload["note"] == cast.note != ""
                proxies += 1
    assert proxies >= 3


async def test_a_head_reminded_as_a_delegate_still_hears_whom_they_are_alerted_about(
    lived: Lived,
) -> None:
    lost = []
    for plan, proposal in lived.proposals():
        for step in steps_of(lived.record, proposal, E.DEADLINE_APPROACHING):
            told = dict(lived.record.told_of(step.id))
            # One notification a person: reason reminder, whose email still names the silent
            # of their unit (notices._silent_named_to; tests/api/test_schedule.py reads it).
            for head in set(step.payload["escalate"]) & set(step.payload["remind"]):
                if told.get(head) != "reminder" or not step.payload["silent_by_head"][str(head)]:
                    lost.append((plan.key, head, step.payload["silent_by_head"][str(head)]))
    assert lost == []

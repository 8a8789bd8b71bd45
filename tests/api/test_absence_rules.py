"""Absences and delegation, as the domain decides them (``domain.absences``, ``Electorate``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actas.api.domain.absences import Absence, Delegation, away_from, may_read_note
from actas.api.domain.electorate import Electorate, ensure_may_replace
from actas.api.domain.errors import Forbidden, ValidationFailed
from actas.api.domain.rules import DecisionRule, Voter
from actas.api.domain.visibility import MemberScope
from actas.api.domain.vocabulary import (
    CastBy,
    DelegationScope,
    ParticipantRole,
    PositionStance,
    Role,
)
from actas.api.domain.vocabulary import RuleKind as Rule

NOW = datetime(2026, 12, 10, 9, tzinfo=UTC)
LUCIA, DIEGO, ELENA, MARTA = 1, 2, 3, 4
PROPOSAL, UNIT, PARENT_UNIT = 10, 20, 21
LINEAGE = (UNIT, PARENT_UNIT)  # the proposal's unit, then the unit above it


def away(*delegations: Delegation, user: int = LUCIA, days: int = 7) -> Absence:
    return Absence(user, NOW - timedelta(days=1), NOW + timedelta(days=days), delegations)


def to(
    delegate: int, scope: DelegationScope = DelegationScope.ORGANISATION, **on: int
) -> Delegation:
    return Delegation(delegate, scope, on.get("unit"), on.get("proposal"))


def voices(*absences: Absence, may_vote: frozenset[int] = frozenset({1, 2, 3, 4})) -> dict:
    return away_from(
        absences,
        lambda user: user in may_vote,
        at=NOW,
        proposal_id=PROPOSAL,
        unit_lineage=LINEAGE,
    )


def test_the_narrowest_delegation_speaks_proposal_then_nearest_unit_then_organisation() -> None:
    everything = (
        to(MARTA),
        to(ELENA, DelegationScope.UNIT, unit=PARENT_UNIT),
        to(DIEGO, DelegationScope.UNIT, unit=UNIT),
    )

    assert voices(away(*everything))[LUCIA].delegate_id == DIEGO
    assert voices(away(*everything[:2]))[LUCIA].delegate_id == ELENA
    assert voices(away(everything[0]))[LUCIA].delegate_id == MARTA
    only_this = to(ELENA, DelegationScope.PROPOSAL, proposal=PROPOSAL)
    assert voices(away(*everything, only_this))[LUCIA].delegate_id == ELENA
    elsewhere = to(ELENA, DelegationScope.PROPOSAL, proposal=PROPOSAL + 1)
    assert voices(away(elsewhere))[LUCIA].delegate_id is None


def test_an_absence_counts_only_while_it_lasts() -> None:
    over = Absence(LUCIA, NOW - timedelta(days=9), NOW - timedelta(days=2), (to(DIEGO),))
    coming = Absence(LUCIA, NOW + timedelta(days=2), NOW + timedelta(days=9), (to(DIEGO),))
    ends_now = Absence(LUCIA, NOW - timedelta(days=2), NOW, (to(DIEGO),))

    assert voices(over, coming, ends_now) == {}


def test_no_chains_a_delegate_away_too_is_skipped_and_so_is_their_own_delegate() -> None:
    found = voices(away(to(DIEGO)), away(to(ELENA), user=DIEGO))

    assert found[LUCIA].delegate_id is None
    assert found[LUCIA].skipped_delegate_id == DIEGO
    assert found[DIEGO].delegate_id == ELENA


def test_a_delegate_who_may_not_vote_on_the_proposal_is_skipped() -> None:
    found = voices(away(to(DIEGO)), may_vote=frozenset({LUCIA, ELENA}))

    assert found[LUCIA].delegate_id is None
    assert found[LUCIA].skipped_delegate_id == DIEGO


def electorate(*absences: Absence, positions: dict | None = None) -> Electorate:
    voters = (
        Voter(LUCIA, 3, ParticipantRole.REQUIRED),
        Voter(DIEGO, 1, ParticipantRole.REQUIRED),
        Voter(ELENA, 0, ParticipantRole.REQUIRED),
    )
    return Electorate(voters, positions or {}, (), voices(*absences))


def test_while_away_the_delegate_is_chased_in_her_place_and_may_speak_for_her() -> None:
    assert electorate(away(to(MARTA))).to_remind[MARTA] == (LUCIA,)  # a delegate needn't vote
    e = electorate(away(to(DIEGO)))

    assert e.to_remind == {DIEGO: (LUCIA, DIEGO), ELENA: (ELENA,)}
    assert e.awaits(DIEGO) and not e.awaits(LUCIA)
    assert e.speaks_for(DIEGO) == (LUCIA,)
    assert e.cast_by(DIEGO, LUCIA, may_proxy=False, note="") is CastBy.DELEGATE
    assert e.unspoken_for == ()


def test_an_absent_voice_nobody_can_speak_for_is_unspoken_for_and_not_reminded() -> None:
    e = electorate(away())

    assert e.unspoken_for == (LUCIA,)
    assert LUCIA not in e.to_remind
    with pytest.raises(Forbidden):
        e.cast_by(DIEGO, LUCIA, may_proxy=False, note="")


def test_once_she_has_spoken_nobody_is_chased_for_her() -> None:
    e = electorate(away(to(DIEGO)), positions={LUCIA: PositionStance.AGREE})

    assert LUCIA not in e.silent
    assert e.to_remind == {DIEGO: (DIEGO,), ELENA: (ELENA,)}


def test_a_proxy_needs_the_right_and_a_note_and_only_for_a_voter() -> None:
    e = electorate()

    assert e.cast_by(ELENA, LUCIA, may_proxy=True, note="Lo dijo el lunes") is CastBy.PROXY
    with pytest.raises(ValidationFailed):
        e.cast_by(ELENA, LUCIA, may_proxy=True, note="  ")
    with pytest.raises(Forbidden):
        e.cast_by(ELENA, LUCIA, may_proxy=False, note="Lo dijo el lunes")
    with pytest.raises(Forbidden):
        e.cast_by(ELENA, MARTA, may_proxy=True, note="No vota")
    assert e.cast_by(LUCIA, LUCIA, may_proxy=False, note="") is CastBy.MEMBER


@given(
    weights=st.lists(st.integers(min_value=0, max_value=5), min_size=3, max_size=3),
    stances=st.lists(st.sampled_from(list(PositionStance)), min_size=3, max_size=3),
    absent=st.sets(st.sampled_from([LUCIA, DIEGO, ELENA])),
)
def test_being_away_never_changes_a_tally_weights_stay_the_absent_members(
    weights: list[int], stances: list[PositionStance], absent: set[int]
) -> None:
    voters = tuple(
        Voter(user, weight, ParticipantRole.REQUIRED)
        for user, weight in zip((LUCIA, DIEGO, ELENA), weights, strict=True)
    )
    positions = dict(zip((LUCIA, DIEGO, ELENA), stances, strict=True))
    absences = [away(to(MARTA), user=user) for user in absent]
    with_absences = Electorate(voters, positions, (), voices(*absences))
    without = Electorate(voters, positions, ())

    for kind in Rule:
        rule = DecisionRule(kind, 0.5, 0.5)
        assert with_absences.tally(rule) == without.tally(rule)


@given(
    absent=st.sets(st.sampled_from([LUCIA, DIEGO, ELENA])),
    spoken=st.sets(st.sampled_from([LUCIA, DIEGO, ELENA])),
)
def test_everyone_chased_is_asked_only_for_silent_voices_and_nobody_away_is_chased(
    absent: set[int], spoken: set[int]
) -> None:
    delegations = {LUCIA: DIEGO, DIEGO: ELENA, ELENA: LUCIA}
    e = electorate(
        *(away(to(delegations[user]), user=user) for user in absent),
        positions={user: PositionStance.AGREE for user in spoken},
    )

    chased_for = [voice for voices_ in e.to_remind.values() for voice in voices_]
    assert sorted(chased_for) == sorted(set(chased_for))  # each voice asked of one person
    assert set(chased_for) <= set(e.silent)
    assert not set(e.to_remind) & absent  # nobody away is chased
    assert set(chased_for) | set(e.unspoken_for) == set(e.silent)


def test_the_note_is_read_by_the_member_and_admins_only() -> None:
    def scope(role: Role) -> MemberScope:
        return MemberScope(1, 1, role, None, 1, frozenset())

    assert may_read_note(LUCIA, scope(Role.MEMBER), LUCIA)
    assert may_read_note(DIEGO, scope(Role.ADMIN), LUCIA)
    assert not may_read_note(DIEGO, scope(Role.MEMBER), LUCIA)
    assert not may_read_note(DIEGO, None, LUCIA)


def test_an_absence_ending_mid_debate_hands_her_voice_back_to_her() -> None:
    absence = away(to(DIEGO), days=2)
    during = away_from(
        [absence], lambda _: True, at=NOW, proposal_id=PROPOSAL, unit_lineage=LINEAGE
    )
    after = away_from(
        [absence],
        lambda _: True,
        at=NOW + timedelta(days=2),
        proposal_id=PROPOSAL,
        unit_lineage=LINEAGE,
    )
    voters = (Voter(LUCIA, 1, ParticipantRole.REQUIRED),)

    assert Electorate(voters, {}, (), during).to_remind == {DIEGO: (LUCIA,)}
    back = Electorate(voters, {}, (), after)
    assert back.to_remind == {LUCIA: (LUCIA,)}
    with pytest.raises(Forbidden):
        back.cast_by(DIEGO, LUCIA, may_proxy=False, note="")


def test_a_voice_of_weight_zero_away_is_still_chased_through_her_delegate() -> None:
    e = electorate(away(to(DIEGO), user=ELENA))

    assert e.to_remind[DIEGO] == (DIEGO, ELENA)
    assert e.cast_by(DIEGO, ELENA, may_proxy=False, note="") is CastBy.DELEGATE


def test_a_recorded_absence_outranks_a_probable_one_over_the_same_days() -> None:
    probable = Absence(LUCIA, NOW - timedelta(days=1), NOW + timedelta(days=30), probable=True)
    recorded = away(to(DIEGO), days=3)

    [voice] = voices(probable, recorded).values()
    assert (voice.delegate_id, voice.probable) == (DIEGO, False)
    [alone] = voices(probable).values()
    assert alone.probable and alone.delegate_id is None


@given(st.lists(st.sampled_from(list(CastBy)), min_size=1, max_size=8))
def test_her_own_word_is_never_replaced_by_anyone_else_nor_what_she_said_by_her_delegate(
    attempts: list[CastBy],
) -> None:
    standing: CastBy | None = None
    for attempt in attempts:
        try:
            if standing is not None:
                ensure_may_replace(standing, attempt)
        except Forbidden:
            assert attempt is not CastBy.MEMBER
            assert standing is CastBy.MEMBER or attempt is CastBy.DELEGATE
            continue
        assert standing is not CastBy.MEMBER or attempt is CastBy.MEMBER
        assert not (standing is CastBy.PROXY and attempt is CastBy.DELEGATE)
        standing = attempt

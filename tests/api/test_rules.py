"""Decision rules: the tally of positions and the outcome each rule allows (pure, no database)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actas.api.catalogue import texts_for
from actas.api.domain.errors import InvalidTransition, ValidationFailed
from actas.api.domain.rules import (
    DecisionRule,
    Tally,
    TallyReason,
    Voter,
    check_outcome_allowed,
    compute_tally,
)
from actas.api.domain.vocabulary import ParticipantRole, PositionStance, ProposalState, RuleKind

AGREE, ABSTAIN = PositionStance.AGREE, PositionStance.ABSTAIN
DISAGREE, BLOCK = PositionStance.DISAGREE, PositionStance.BLOCK
ACCEPTED, REJECTED = ProposalState.ACCEPTED, ProposalState.REJECTED
DECIDER, REQUIRED = ParticipantRole.DECIDER, ParticipantRole.REQUIRED
CONSULTED = ParticipantRole.CONSULTED


def voters(*weights: int) -> list[Voter]:
    """Eligible voters 1, 2, 3, … with the given weights."""
    return [Voter(user_id, weight) for user_id, weight in enumerate(weights, start=1)]


def tally(
    kind: RuleKind,
    eligible: list[Voter],
    positions: dict[int, PositionStance],
    *,
    threshold: float = 0.5,
    quorum: float = 0.5,
) -> Tally:
    return compute_tally(DecisionRule(kind, threshold, quorum), eligible, positions)


def allowed(t: Tally) -> set[ProposalState]:
    outcomes = set()
    for outcome in (ACCEPTED, REJECTED):
        try:
            check_outcome_allowed(t, outcome)
        except InvalidTransition:
            continue
        outcomes.add(outcome)
    return outcomes


# --- the rule's parameters ----------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.01])
def test_a_threshold_is_above_zero_and_at_most_one(threshold: float) -> None:
    with pytest.raises(ValidationFailed) as refused:
        DecisionRule(RuleKind.MAJORITY, threshold=threshold)
    assert refused.value.field == "threshold"


@pytest.mark.parametrize("quorum", [-0.01, 1.5])
def test_a_quorum_is_between_zero_and_one(quorum: float) -> None:
    with pytest.raises(ValidationFailed) as refused:
        DecisionRule(RuleKind.MAJORITY, quorum=quorum)
    assert refused.value.field == "quorum"


@pytest.mark.parametrize(("threshold", "quorum"), [(1.0, 0.0), (1.0, 1.0), (0.01, 0.5)])
def test_the_bounds_themselves_are_valid(threshold: float, quorum: float) -> None:
    DecisionRule(RuleKind.MAJORITY, threshold, quorum)


# --- what the tally counts ----------------------------------------------------------------------


def test_the_tally_weighs_eligible_voters_and_counts_everyone() -> None:
    eligible = [Voter(1, 3), Voter(2, 1), Voter(3, 2, DECIDER), Voter(4, 1, REQUIRED)]
    positions = {1: AGREE, 2: DISAGREE, 3: ABSTAIN, 99: BLOCK}  # 99 is not eligible

    t = tally(RuleKind.MAJORITY, eligible, positions)

    assert t.eligible_count == 4
    assert t.eligible_weight == 7
    assert t.weights == {"agree": 3, "abstain": 2, "disagree": 1, "block": 0}
    assert t.counts == {"agree": 1, "abstain": 1, "disagree": 1, "block": 1}
    assert t.participated_weight == 6
    assert t.agree_share == 0.75
    assert t.silent_voters == (4,)
    assert t.missing_voices == (4,)
    assert t.blocked_by == ()


def test_a_tally_survives_its_json_form() -> None:
    t = tally(RuleKind.CONSENT, [Voter(1, 2, REQUIRED), Voter(2, 1)], {1: BLOCK, 5: AGREE})
    assert Tally.from_json(t.to_json()) == t


# --- decider -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "positions", [{}, {1: AGREE, 2: AGREE}, {1: BLOCK, 2: DISAGREE}, {1: ABSTAIN}]
)
def test_under_the_decider_rule_the_tally_is_advisory(
    positions: dict[int, PositionStance],
) -> None:
    t = tally(RuleKind.DECIDER, voters(1, 1), positions)
    assert t.verdict is None
    assert allowed(t) == {ACCEPTED, REJECTED}


# --- consent -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [DECIDER, REQUIRED])
def test_consent_is_blocked_by_a_required_voice(role: ParticipantRole) -> None:
    eligible = [Voter(1, 1, role), Voter(2, 1, CONSULTED)]

    t = tally(RuleKind.CONSENT, eligible, {1: BLOCK, 2: AGREE})

    assert t.verdict is REJECTED
    assert t.blocked_by == (1,)
    assert allowed(t) == {REJECTED}


@pytest.mark.parametrize("role", [CONSULTED, None])
def test_consent_is_not_blocked_by_someone_whose_voice_is_not_required(
    role: ParticipantRole | None,
) -> None:
    eligible = [Voter(1, 1, DECIDER), Voter(2, 5, role)]

    t = tally(RuleKind.CONSENT, eligible, {1: AGREE, 2: BLOCK, 3: BLOCK})

    assert t.verdict is ACCEPTED
    assert t.blocked_by == ()
    assert t.counts["block"] == 2
    assert allowed(t) == {ACCEPTED}


def test_consent_disagreement_without_a_block_is_no_veto() -> None:
    t = tally(RuleKind.CONSENT, [Voter(1, 1, REQUIRED)], {1: DISAGREE})
    assert allowed(t) == {ACCEPTED}


def test_consent_names_required_voices_still_silent() -> None:
    t = tally(RuleKind.CONSENT, [Voter(1, 1, REQUIRED), Voter(2, 1, DECIDER)], {2: AGREE})
    assert t.missing_voices == (1,)


def test_consent_waits_for_every_required_voice_until_the_deadline() -> None:
    eligible = [Voter(1, 1, REQUIRED), Voter(2, 1, DECIDER)]
    rule = DecisionRule(RuleKind.CONSENT)

    waiting = compute_tally(rule, eligible, {})
    assert waiting.verdict is None
    assert allowed(waiting) == set()  # a decider cannot accept over silent required voices
    assert compute_tally(rule, eligible, {}, deadline_passed=True).verdict is ACCEPTED
    assert compute_tally(rule, eligible, {1: AGREE, 2: ABSTAIN}).verdict is ACCEPTED


def test_a_required_voice_of_weight_zero_still_blocks_under_consent() -> None:
    t = tally(RuleKind.CONSENT, [Voter(1, 0, REQUIRED), Voter(2, 3, DECIDER)], {1: BLOCK})
    assert t.verdict is REJECTED
    assert t.blocked_by == (1,)


def test_with_no_required_voice_any_eligible_voter_may_block_under_consent() -> None:
    t = tally(RuleKind.CONSENT, voters(1, 1, 1), {3: BLOCK})
    assert t.verdict is REJECTED
    assert t.blocked_by == (3,)


# --- majority ------------------------------------------------------------------------------------


def test_majority_needs_its_quorum_first() -> None:
    t = tally(RuleKind.MAJORITY, voters(1, 1, 1, 1), {1: AGREE}, quorum=0.5)
    assert not t.quorum_reached
    assert t.verdict is None
    assert allowed(t) == set()


@pytest.mark.parametrize(
    ("eligible", "participating", "quorum"),
    [
        (4, 2, 0.5),
        (10, 7, 0.7),
        (42, 27, 9 / 14),  # in floating point 9 / 14 * 42 is 27.000000000000004
        (10, 3, 0.3),
        (3, 1, 1 / 3),
        (5, 5, 1.0),
        (20, 11, 0.55),
    ],
)
def test_a_quorum_reached_exactly_counts(eligible: int, participating: int, quorum: float) -> None:
    everyone = voters(*[1] * eligible)
    at_edge = dict.fromkeys(range(1, participating + 1), AGREE)
    below = dict.fromkeys(range(1, participating), AGREE)

    reached = tally(RuleKind.MAJORITY, everyone, at_edge, quorum=quorum)
    missed = tally(RuleKind.MAJORITY, everyone, below, quorum=quorum)

    assert reached.quorum_reached
    assert reached.verdict is ACCEPTED
    assert not missed.quorum_reached
    assert missed.verdict is None


def test_the_quorum_is_a_share_of_weight() -> None:
    eligible = [Voter(1, 3), Voter(2, 1), Voter(3, 1), Voter(4, 1)]
    heavy_alone = tally(RuleKind.MAJORITY, eligible, {1: AGREE}, quorum=0.5)
    three_light = tally(RuleKind.MAJORITY, eligible, {2: AGREE, 3: AGREE, 4: AGREE}, quorum=0.5)
    assert heavy_alone.quorum_reached
    assert three_light.quorum_reached
    assert not tally(RuleKind.MAJORITY, eligible, {2: AGREE, 3: AGREE}, quorum=0.5).quorum_reached


def test_a_zero_quorum_still_needs_someone() -> None:
    nobody = tally(RuleKind.MAJORITY, voters(1, 1), {}, quorum=0.0)
    somebody = tally(RuleKind.MAJORITY, voters(1, 1), {1: DISAGREE}, quorum=0.0)
    assert not nobody.quorum_reached
    assert somebody.quorum_reached and somebody.verdict is REJECTED


@pytest.mark.parametrize(
    ("agree", "against", "threshold"),
    [
        (1, 1, 0.5),
        (3, 2, 0.6),
        (7, 3, 0.7),
        (2, 1, 2 / 3),
        (1, 2, 1 / 3),  # a share rounded to 0.333333 would fall short of 1 / 3
        (1, 6, 1 / 7),
        (1, 9, 0.1),
        (4, 0, 1.0),
    ],
)
def test_majority_accepts_exactly_at_the_threshold(
    agree: int, against: int, threshold: float
) -> None:
    eligible = voters(*([1] * (agree + against)))
    positions = {v.user_id: AGREE if v.user_id <= agree else DISAGREE for v in eligible}
    one_less = {**positions, agree: DISAGREE}

    at_threshold = tally(RuleKind.MAJORITY, eligible, positions, threshold=threshold)
    below = tally(RuleKind.MAJORITY, eligible, one_less, threshold=threshold)

    assert at_threshold.verdict is ACCEPTED
    assert allowed(at_threshold) == {ACCEPTED}
    assert below.verdict is REJECTED
    assert allowed(below) == {REJECTED}


def test_majority_counts_weights_not_heads() -> None:
    eligible = [Voter(1, 3), Voter(2, 1), Voter(3, 1)]
    t = tally(RuleKind.MAJORITY, eligible, {1: AGREE, 2: DISAGREE, 3: DISAGREE}, threshold=0.6)
    assert t.agree_share == 0.6
    assert t.verdict is ACCEPTED


def test_abstentions_count_for_the_quorum_but_not_the_share() -> None:
    eligible = voters(1, 1, 1, 1)
    positions = {1: AGREE, 2: ABSTAIN, 3: ABSTAIN}

    t = tally(RuleKind.MAJORITY, eligible, positions, quorum=0.75, threshold=1.0)

    assert t.quorum_reached
    assert t.participated_weight == 3
    assert t.agree_share == 1.0
    assert t.verdict is ACCEPTED


def test_majority_gives_no_verdict_on_abstentions_alone() -> None:
    t = tally(RuleKind.MAJORITY, voters(1, 1), {1: ABSTAIN, 2: ABSTAIN})

    assert t.quorum_reached
    assert t.verdict is None
    assert t.reason == TallyReason("tally.majority.only_abstentions")


@pytest.mark.parametrize(
    ("agree", "decisive", "threshold", "verdict", "english", "spanish"),
    [
        (
            2,
            3,
            0.67,
            REJECTED,
            "66.7% agree, 67.0% needed.",
            "66,7 % de acuerdo; se necesita el 67,0 %.",
        ),
        (
            67,
            100,
            0.67,
            ACCEPTED,
            "67% agree, 67% needed.",
            "67 % de acuerdo; se necesita el 67 %.",
        ),
        (5, 6, 0.6, ACCEPTED, "83% agree, 60% needed.", "83 % de acuerdo; se necesita el 60 %."),
        (1, 2, 0.5, ACCEPTED, "50% agree, 50% needed.", "50 % de acuerdo; se necesita el 50 %."),
    ],
)
def test_the_majority_reason_never_contradicts_the_verdict(
    agree: int,
    decisive: int,
    threshold: float,
    verdict: ProposalState,
    english: str,
    spanish: str,
) -> None:
    positions = {u: AGREE if u <= agree else DISAGREE for u in range(1, decisive + 1)}
    t = tally(RuleKind.MAJORITY, voters(*[1] * decisive), positions, threshold=threshold)
    assert t.verdict == verdict
    assert texts_for("en").render(t.reason) == english
    assert texts_for("es").render(t.reason).replace("\xa0", " ") == spanish


def test_a_block_counts_against_under_majority() -> None:
    t = tally(RuleKind.MAJORITY, voters(1, 1, 1), {1: AGREE, 2: BLOCK, 3: ABSTAIN})
    assert t.agree_share == 0.5
    assert t.verdict is ACCEPTED  # 50 % ≥ the default threshold of 50 %
    strict = tally(RuleKind.MAJORITY, voters(1, 1, 1), {1: AGREE, 2: BLOCK}, threshold=0.51)
    assert strict.verdict is REJECTED


def test_positions_of_people_who_are_not_eligible_carry_no_weight() -> None:
    t = tally(RuleKind.MAJORITY, voters(1, 1), {1: AGREE, 2: AGREE, 3: DISAGREE, 4: DISAGREE})
    assert t.weights["disagree"] == 0
    assert t.counts["disagree"] == 2
    assert t.verdict is ACCEPTED


def test_a_voter_of_weight_zero_neither_counts_nor_helps_the_quorum() -> None:
    t = tally(RuleKind.MAJORITY, [Voter(1, 0), Voter(2, 1)], {1: AGREE}, quorum=0.5)
    assert t.participated_weight == 0
    assert not t.quorum_reached


# --- unanimity -----------------------------------------------------------------------------------


def test_unanimity_waits_for_silent_voters() -> None:
    t = tally(RuleKind.UNANIMITY, voters(1, 1, 1), {1: AGREE, 2: AGREE})
    assert t.verdict is None
    assert t.silent_voters == (3,)
    assert allowed(t) == set()


def test_unanimity_accepts_when_everyone_agrees_or_abstains() -> None:
    t = tally(RuleKind.UNANIMITY, voters(1, 1, 1), {1: AGREE, 2: ABSTAIN, 3: AGREE})
    assert t.verdict is ACCEPTED
    assert allowed(t) == {ACCEPTED}


def test_unanimity_needs_at_least_one_agreement() -> None:
    t = tally(RuleKind.UNANIMITY, voters(1, 1), {1: ABSTAIN, 2: ABSTAIN})
    assert t.verdict is None


@pytest.mark.parametrize("against", [DISAGREE, BLOCK])
def test_unanimity_is_rejected_by_one_eligible_voice_against_even_before_the_rest(
    against: PositionStance,
) -> None:
    t = tally(RuleKind.UNANIMITY, voters(1, 1, 1), {1: AGREE, 2: against})
    assert t.verdict is REJECTED
    assert allowed(t) == {REJECTED}


def test_under_unanimity_a_no_of_weight_zero_is_still_a_no() -> None:
    t = tally(RuleKind.UNANIMITY, [Voter(1, 0), Voter(2, 1)], {1: DISAGREE, 2: AGREE})
    assert t.verdict is REJECTED


def test_unanimity_waits_for_a_voter_of_weight_zero_too() -> None:
    t = tally(RuleKind.UNANIMITY, [Voter(1, 0), Voter(2, 1)], {2: AGREE})
    assert t.verdict is None
    assert t.silent_voters == (1,)


def test_unanimity_ignores_people_who_are_not_eligible() -> None:
    t = tally(RuleKind.UNANIMITY, voters(1), {1: AGREE, 2: BLOCK})
    assert t.verdict is ACCEPTED


# --- check_outcome_allowed -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(RuleKind))
@pytest.mark.parametrize(
    "outcome", [ProposalState.OPEN, ProposalState.WITHDRAWN, ProposalState.DRAFT]
)
def test_an_outcome_is_accepted_or_rejected(kind: RuleKind, outcome: ProposalState) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_outcome_allowed(tally(kind, voters(1), {1: AGREE}), outcome)
    assert refused.value.field == "outcome"


def test_a_refused_outcome_says_why() -> None:
    t = tally(RuleKind.UNANIMITY, voters(1, 1), {1: AGREE})
    with pytest.raises(InvalidTransition, match="cannot be accepted yet") as refused:
        check_outcome_allowed(t, ACCEPTED)
    assert refused.value.state == "open"
    blocked = tally(RuleKind.CONSENT, [Voter(1, 1, REQUIRED)], {1: BLOCK})
    with pytest.raises(InvalidTransition, match="can only be rejected"):
        check_outcome_allowed(blocked, ACCEPTED)


# --- properties ----------------------------------------------------------------------------------

STANCES = list(PositionStance)
stances = st.sampled_from(STANCES)
roles = st.sampled_from([None, DECIDER, REQUIRED, CONSULTED])
# Ratios people actually enter: simple fractions, as the floats a form or JSON would carry.
ratios = st.tuples(st.integers(1, 20), st.integers(1, 20)).filter(lambda r: r[0] <= r[1])


@st.composite
def electorates(draw: st.DrawFn) -> tuple[list[Voter], dict[int, PositionStance]]:
    count = draw(st.integers(0, 12))
    eligible = [Voter(i, draw(st.integers(0, 5)), draw(roles)) for i in range(1, count + 1)]
    people = st.integers(1, count + 4)  # a few people who are not eligible
    positions = draw(st.dictionaries(people, stances, max_size=count + 4))
    return eligible, positions


@given(electorates(), st.sampled_from(list(RuleKind)), ratios, ratios)
def test_tally_bookkeeping_holds_for_any_electorate(
    electorate: tuple[list[Voter], dict[int, PositionStance]],
    kind: RuleKind,
    threshold: tuple[int, int],
    quorum: tuple[int, int],
) -> None:
    eligible, positions = electorate
    rule = DecisionRule(kind, threshold[0] / threshold[1], quorum[0] / quorum[1])

    t = compute_tally(rule, eligible, positions)

    assert sum(t.counts.values()) == len(positions)
    assert sum(t.weights.values()) == t.participated_weight <= t.eligible_weight
    ids = {v.user_id for v in eligible}
    assert set(t.silent_voters) == ids - positions.keys()
    assert compute_tally(rule, list(reversed(eligible)), positions).verdict == t.verdict
    assert Tally.from_json(t.to_json()) == t
    # What the rule allows is exactly its verdict (or anything, for the decider rule).
    expected = {ACCEPTED, REJECTED} if kind is RuleKind.DECIDER else {t.verdict} - {None}
    assert allowed(t) == expected


@given(electorates(), ratios, ratios)
def test_majority_follows_exact_arithmetic(
    electorate: tuple[list[Voter], dict[int, PositionStance]],
    threshold: tuple[int, int],
    quorum: tuple[int, int],
) -> None:
    eligible, positions = electorate
    rule = DecisionRule(RuleKind.MAJORITY, threshold[0] / threshold[1], quorum[0] / quorum[1])

    t = compute_tally(rule, eligible, positions)

    weight = {v.user_id: v.weight for v in eligible}
    by_stance = {s: sum(weight.get(u, 0) for u, p in positions.items() if p is s) for s in STANCES}
    participated = sum(by_stance.values())
    decisive = participated - by_stance[ABSTAIN]
    quorum_reached = participated > 0 and Fraction(participated) >= Fraction(*quorum) * sum(
        weight.values()
    )
    assert t.quorum_reached == quorum_reached
    if not quorum_reached or not decisive:  # no quorum, or only abstentions: no verdict yet
        assert t.verdict is None
    elif Fraction(by_stance[AGREE], decisive) >= Fraction(*threshold):
        assert t.verdict is ACCEPTED
    else:
        assert t.verdict is REJECTED


@given(electorates(), st.booleans())
def test_consent_is_rejected_exactly_when_a_blocker_blocks(
    electorate: tuple[list[Voter], dict[int, PositionStance]], deadline_passed: bool
) -> None:
    eligible, positions = electorate
    t = compute_tally(
        DecisionRule(RuleKind.CONSENT), eligible, positions, deadline_passed=deadline_passed
    )
    required = [v.user_id for v in eligible if v.participant_role in (DECIDER, REQUIRED)]
    may_block = required or [v.user_id for v in eligible]  # with no required voice, anyone
    blocking = [user for user in may_block if positions.get(user) is BLOCK]
    awaited = [user for user in required if user not in positions]
    if blocking:
        assert t.verdict is REJECTED
    elif awaited and not deadline_passed:
        assert t.verdict is None
    else:
        assert t.verdict is ACCEPTED
    assert list(t.blocked_by) == blocking


@given(electorates())
def test_unanimity_accepts_only_a_complete_agreement(
    electorate: tuple[list[Voter], dict[int, PositionStance]],
) -> None:
    eligible, positions = electorate
    t = compute_tally(DecisionRule(RuleKind.UNANIMITY), eligible, positions)
    mine = [positions.get(v.user_id) for v in eligible]  # every voice, whatever its weight
    if t.verdict is ACCEPTED:
        assert all(p in (AGREE, ABSTAIN) for p in mine)
        assert AGREE in mine
    if any(p in (DISAGREE, BLOCK) for p in mine):
        assert t.verdict is REJECTED


@given(electorates(), ratios, ratios, st.data())
def test_one_more_agreement_never_turns_a_majority_against(
    electorate: tuple[list[Voter], dict[int, PositionStance]],
    threshold: tuple[int, int],
    quorum: tuple[int, int],
    data: st.DataObject,
) -> None:
    eligible, positions = electorate
    if not eligible:
        return
    rule = DecisionRule(RuleKind.MAJORITY, threshold[0] / threshold[1], quorum[0] / quorum[1])
    convert = data.draw(st.sampled_from(eligible)).user_id
    before = compute_tally(rule, eligible, positions)
    after = compute_tally(rule, eligible, {**positions, convert: AGREE})
    if before.verdict is ACCEPTED:
        assert after.verdict is ACCEPTED


@given(ratios, st.integers(1, 6), st.integers(0, 3))
def test_a_share_exactly_at_any_simple_threshold_is_accepted(
    threshold: tuple[int, int], scale: int, abstaining: int
) -> None:
    agree, decisive = threshold[0] * scale, threshold[1] * scale
    eligible = voters(*[1] * (decisive + abstaining))
    positions = {
        v.user_id: AGREE if v.user_id <= agree else DISAGREE if v.user_id <= decisive else ABSTAIN
        for v in eligible
    }
    rule = DecisionRule(RuleKind.MAJORITY, threshold[0] / threshold[1], quorum=1.0)

    assert compute_tally(rule, eligible, positions).verdict is ACCEPTED


@given(electorates(), ratios)
def test_the_majority_reason_orders_its_figures_as_the_verdict_does(
    electorate: tuple[list[Voter], dict[int, PositionStance]], threshold: tuple[int, int]
) -> None:
    eligible, positions = electorate
    rule = DecisionRule(RuleKind.MAJORITY, threshold[0] / threshold[1], quorum=0.0)
    t = compute_tally(rule, eligible, positions)
    if t.verdict is not None:
        english = texts_for("en").render(t.reason).removesuffix(" needed.")
        share, needed = (float(part.rstrip("%")) for part in english.split(" agree, "))
        assert (share >= needed) == (t.verdict is ACCEPTED)

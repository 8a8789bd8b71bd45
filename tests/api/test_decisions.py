"""Deciding through the services: the rule's verdict is enforced, the decision keeps its reasons,
and the stored tally follows every change to who may vote."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from actas.api import clock
from actas.api.domain.errors import Forbidden, InvalidTransition, ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.rules import Tally, TallyReason
from actas.api.domain.vocabulary import (
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
    Stance,
    Visibility,
)
from actas.api.models import Decision, DecisionCitation, Participant, Proposal
from actas.api.services import debate, organisations, proposals
from actas.api.settings import Settings
from tests.factories import DEFAULT_PEOPLE, World, build_world, opened

S = ProposalState
DECIDER, REQUIRED = ParticipantRole.DECIDER, ParticipantRole.REQUIRED
CONSULTED, INFORMED = ParticipantRole.CONSULTED, ParticipantRole.INFORMED
T0 = datetime(2031, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def world(database: Settings) -> World:
    return await build_world()


async def tally_of(proposal: Proposal) -> Tally:
    return Tally.from_json((await Proposal.get(id=proposal.id)).tally)


async def position(world: World, who: str, proposal: Proposal, stance: PositionStance) -> None:
    await debate.take_position(
        await world.viewer(who), proposal.id, stance=stance, reason=f"{who} says {stance}."
    )


async def decide(world: World, who: str, proposal: Proposal, outcome: S) -> Proposal:
    return await proposals.decide_proposal(
        await world.viewer(who), proposal.id, outcome=outcome, statement="As the rule says."
    )


async def assert_refused(world: World, who: str, proposal: Proposal, outcome: S) -> None:
    before = await world.last_seq()
    with pytest.raises(InvalidTransition):
        await decide(world, who, proposal, outcome)
    assert (await Proposal.get(id=proposal.id)).state == S.OPEN
    assert not await Decision.exists(proposal_id=proposal.id)
    assert await world.events_since(before) == []


# --- the decision and its record -----------------------------------------------------------------


async def test_a_decision_keeps_outcome_statement_decider_time_rule_tally_and_citations(
    world: World,
) -> None:
    proposal = await opened(world, participants={"teo": DECIDER, "ana": CONSULTED})
    ana, teo = await world.viewer("ana"), await world.viewer("teo")
    reason = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body="Cheap to try.")
    risk = await debate.add_argument(teo, proposal.id, stance=Stance.AGAINST, body="Risky.")
    await position(world, "ana", proposal, PositionStance.AGREE)
    before = await world.last_seq()

    with clock.frozen_at(T0):
        decided = await proposals.decide_proposal(
            teo,
            proposal.id,
            outcome=S.ACCEPTED,
            statement="  Worth a two-week test.  ",
            cited_argument_ids=[reason.id, reason.id, risk.id],
        )

    assert (decided.state, decided.closed_at) == (S.ACCEPTED, T0)
    decision = await Decision.get(proposal_id=proposal.id)
    assert decision.outcome == S.ACCEPTED
    assert decision.statement == "Worth a two-week test."
    assert (decision.decided_by_id, decision.decided_at) == (world.id("teo"), T0)
    assert decision.rule == RuleKind.CONSENT
    snapshot = Tally.from_json(decision.tally)
    stored = await tally_of(proposal)
    assert (snapshot.weights, snapshot.counts) == (stored.weights, stored.counts)
    assert (snapshot.eligible_count, snapshot.weights["agree"], snapshot.verdict) == (
        2,
        1,
        S.ACCEPTED,
    )
    # Teo's own voice was the last one awaited under consent: deciding gave it.
    assert snapshot.reason == TallyReason("tally.consent.decider_last")
    cited = await DecisionCitation.filter(decision_id=decision.id).values_list(
        "argument_id", flat=True
    )
    assert sorted(cited) == sorted([reason.id, risk.id])
    [event] = await world.events_since(before)
    assert (event.type, event.actor_id, event.created_at) == (
        EventType.PROPOSAL_ACCEPTED,
        world.id("teo"),
        T0,
    )
    payload = orjson.loads(event.payload)
    assert payload["statement"] == "Worth a two-week test."
    assert payload["cited_arguments"] == sorted([reason.id, risk.id])
    assert payload["from"] == "open"
    assert payload["tally"]["verdict"] == "accepted"
    assert payload["tally"]["weights"] == snapshot.weights


async def test_citing_an_argument_of_another_proposal_is_refused(world: World) -> None:
    proposal = await opened(world, participants={"teo": DECIDER})
    other = await opened(world)
    foreign = await debate.add_argument(
        await world.viewer("ana"), other.id, stance=Stance.FOR, body="Elsewhere."
    )
    before = await world.last_seq()

    for cited in ([foreign.id], [10**9]):
        with pytest.raises(ValidationFailed) as refused:
            await proposals.decide_proposal(
                await world.viewer("teo"),
                proposal.id,
                outcome=S.ACCEPTED,
                statement="Decided.",
                cited_argument_ids=cited,
            )
        assert refused.value.field == "citedArguments"

    assert (await Proposal.get(id=proposal.id)).state == S.OPEN
    assert await world.events_since(before) == []


@pytest.mark.parametrize("outcome", [S.OPEN, S.WITHDRAWN, S.ABANDONED, S.DRAFT])
async def test_a_decision_is_accepted_or_rejected(world: World, outcome: S) -> None:
    proposal = await opened(world, participants={"teo": DECIDER})
    with pytest.raises(ValidationFailed):
        await decide(world, "teo", proposal, outcome)


async def test_a_closed_proposals_tally_is_frozen(world: World) -> None:
    local = await build_world()
    proposal = await opened(local, rule=RuleKind.MAJORITY)
    await position(local, "mara", proposal, PositionStance.AGREE)
    await position(local, "ana", proposal, PositionStance.AGREE)
    await decide(local, "admin", proposal, S.ACCEPTED)
    frozen = (await Proposal.get(id=proposal.id)).tally

    await organisations.add_member(
        await local.viewer("admin"), local.organisation.id, email="late@example.org", name="Late"
    )

    assert (await Proposal.get(id=proposal.id)).tally == frozen
    assert (await Decision.get(proposal_id=proposal.id)).tally == frozen


# --- each rule, through the services -------------------------------------------------------------


async def test_consent_is_blocked_by_a_required_voice(world: World) -> None:
    proposal = await opened(world, participants={"teo": DECIDER, "ext": REQUIRED, "ana": CONSULTED})
    await position(world, "ext", proposal, PositionStance.BLOCK)

    await assert_refused(world, "teo", proposal, S.ACCEPTED)
    await assert_refused(world, "admin", proposal, S.ACCEPTED)
    assert (await tally_of(proposal)).blocked_by == (world.id("ext"),)

    assert (await decide(world, "teo", proposal, S.REJECTED)).state == S.REJECTED


async def test_under_consent_only_a_voice_whose_block_counts_may_block(world: World) -> None:
    proposal = await opened(world, participants={"teo": DECIDER, "ana": CONSULTED})
    for person in ("ana", "mara"):  # consulted, and not even eligible
        with pytest.raises(Forbidden, match="only the required voices"):
            await position(world, person, proposal, PositionStance.BLOCK)
    await position(world, "ana", proposal, PositionStance.DISAGREE)

    await assert_refused(world, "teo", proposal, S.REJECTED)
    assert (await decide(world, "teo", proposal, S.ACCEPTED)).state == S.ACCEPTED


async def test_consent_waits_for_required_voices_before_a_decider_may_accept(
    world: World,
) -> None:
    proposal = await opened(world, participants={"teo": DECIDER, "ext": REQUIRED})

    await assert_refused(world, "teo", proposal, S.ACCEPTED)
    await position(world, "ext", proposal, PositionStance.AGREE)
    assert (await decide(world, "teo", proposal, S.ACCEPTED)).state == S.ACCEPTED


async def test_with_nobody_named_any_member_who_may_vote_can_block(world: World) -> None:
    proposal = await opened(world)  # consent, no participants: the audience votes
    await position(world, "ana", proposal, PositionStance.BLOCK)

    tally = await tally_of(proposal)
    assert tally.blocked_by == (world.id("ana"),)
    assert tally.verdict is S.REJECTED


async def test_majority_weighs_members_and_needs_its_quorum(world: World) -> None:
    # Everyone who may write is eligible: admin 1, mara 2, ana 1, teo 1, ext 1 (olga observes).
    proposal = await opened(world, rule=RuleKind.MAJORITY, threshold=0.6, quorum=0.5)
    assert (await tally_of(proposal)).eligible_weight == 6

    await position(world, "mara", proposal, PositionStance.AGREE)
    await assert_refused(world, "admin", proposal, S.ACCEPTED)
    await assert_refused(world, "admin", proposal, S.REJECTED)

    await position(world, "ana", proposal, PositionStance.DISAGREE)  # 3 of 6: quorum, 2/3 agree
    await assert_refused(world, "admin", proposal, S.REJECTED)
    await position(world, "teo", proposal, PositionStance.BLOCK)  # 2/4 agree < 60 %
    await assert_refused(world, "admin", proposal, S.ACCEPTED)
    await position(world, "ext", proposal, PositionStance.AGREE)  # 3/5 = 60 %

    tally = await tally_of(proposal)
    assert (tally.participated_weight, tally.agree_share, tally.verdict) == (5, 0.6, S.ACCEPTED)
    assert (await decide(world, "admin", proposal, S.ACCEPTED)).state == S.ACCEPTED


async def test_unanimity_waits_for_every_eligible_voter(world: World) -> None:
    proposal = await opened(
        world, rule=RuleKind.UNANIMITY, participants={"teo": DECIDER, "ana": CONSULTED}
    )
    await position(world, "teo", proposal, PositionStance.AGREE)
    await position(world, "mara", proposal, PositionStance.DISAGREE)  # not a voting participant

    await assert_refused(world, "teo", proposal, S.ACCEPTED)
    await assert_refused(world, "teo", proposal, S.REJECTED)
    assert (await tally_of(proposal)).silent_voters == (world.id("ana"),)

    await position(world, "ana", proposal, PositionStance.ABSTAIN)
    assert (await decide(world, "teo", proposal, S.ACCEPTED)).state == S.ACCEPTED


async def test_unanimity_is_rejected_by_one_voice_against(world: World) -> None:
    proposal = await opened(
        world, rule=RuleKind.UNANIMITY, participants={"teo": DECIDER, "ana": CONSULTED}
    )
    await position(world, "ana", proposal, PositionStance.DISAGREE)
    await assert_refused(world, "teo", proposal, S.ACCEPTED)
    assert (await decide(world, "teo", proposal, S.REJECTED)).state == S.REJECTED


@pytest.mark.parametrize("outcome", [S.ACCEPTED, S.REJECTED])
async def test_deciders_choose_either_outcome_under_the_decider_rule(
    world: World, outcome: S
) -> None:
    proposal = await opened(world, rule=RuleKind.DECIDER, participants={"teo": DECIDER})
    await position(world, "ana", proposal, PositionStance.BLOCK)
    assert (await decide(world, "teo", proposal, outcome)).state == outcome


# --- who is eligible -----------------------------------------------------------------------------


async def test_the_voting_participants_are_the_electorate_when_named(world: World) -> None:
    proposal = await opened(
        world,
        participants={"teo": DECIDER, "ext": REQUIRED, "ana": CONSULTED, "admin": INFORMED},
    )
    await position(world, "mara", proposal, PositionStance.AGREE)

    tally = await tally_of(proposal)

    assert tally.eligible_count == 3
    assert set(tally.silent_voters) == {world.id(p) for p in ("teo", "ext", "ana")}
    assert set(tally.missing_voices) == {world.id("teo"), world.id("ext")}
    assert tally.counts["agree"] == 1
    assert tally.weights["agree"] == 0


async def test_without_voting_participants_the_audience_votes(world: World) -> None:
    everyone = await opened(world)
    in_marketing = await opened(
        world, visibility=Visibility.UNIT, unit="marketing", participants={"teo": INFORMED}
    )
    private = await opened(world, visibility=Visibility.PARTICIPANTS)

    assert set((await tally_of(everyone)).silent_voters) == {
        world.id(p) for p in ("admin", "mara", "ana", "teo", "ext")
    }
    # Members of marketing and below, heads of marketing and above; informed teo only follows.
    assert set((await tally_of(in_marketing)).silent_voters) == {
        world.id(p) for p in ("admin", "mara", "ana", "ext")
    }
    assert (await tally_of(private)).silent_voters == (world.id("mara"),)


async def test_a_member_of_weight_zero_is_a_voice_that_weighs_nothing() -> None:
    people = {**DEFAULT_PEOPLE, "ana": (Role.MEMBER, "analitica", 0)}
    world = await build_world(people=people)
    proposal = await opened(world, participants={"mara": CONSULTED, "ana": CONSULTED})

    await position(world, "ana", proposal, PositionStance.DISAGREE)

    tally = await tally_of(proposal)
    assert (tally.eligible_count, tally.eligible_weight) == (2, 2)
    assert (tally.voices["disagree"], tally.weights["disagree"]) == (1, 0)


async def test_a_required_voice_of_weight_zero_blocks_under_consent() -> None:
    people = {**DEFAULT_PEOPLE, "ana": (Role.MEMBER, "analitica", 0)}
    world = await build_world(people=people)
    proposal = await opened(world, participants={"teo": DECIDER, "ana": REQUIRED})

    await position(world, "ana", proposal, PositionStance.BLOCK)

    await assert_refused(world, "teo", proposal, S.ACCEPTED)
    assert (await tally_of(proposal)).blocked_by == (world.id("ana"),)


async def test_the_last_decider_of_an_open_decider_proposal_stays() -> None:
    world = await build_world()
    proposal = await opened(world, rule=RuleKind.DECIDER, participants={"teo": DECIDER})
    admin = await world.viewer("admin")  # deciders of an open proposal are an admin's to change

    for role in (None, CONSULTED):
        with pytest.raises(ValidationFailed) as refused:
            await proposals.set_participant(admin, proposal.id, world.id("teo"), role)
        assert refused.value.field == "participants"

    await proposals.set_participant(admin, proposal.id, world.id("ana"), DECIDER)
    await proposals.set_participant(admin, proposal.id, world.id("teo"), None)
    assert not await Participant.exists(proposal_id=proposal.id, user_id=world.id("teo"))


# --- the tally follows changes to who may vote ---------------------------------------------------


async def test_membership_and_unit_changes_refresh_open_tallies() -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    proposal = await opened(
        world, "ana", visibility=Visibility.UNIT, unit="analitica", rule=RuleKind.MAJORITY
    )

    async def electorate() -> set[int]:
        return set((await tally_of(proposal)).silent_voters)

    ids = world.id
    # analitica (ana, ext) and the heads above it (mara of marketing, admin of direccion).
    assert await electorate() == {ids("ana"), ids("ext"), ids("mara"), ids("admin")}

    newcomer = await organisations.add_member(
        admin,
        world.organisation.id,
        email="nuevo@example.org",
        name="Nuevo",
        unit_id=world.units["analitica"].id,
        weight=4,
    )
    assert newcomer.user_id in await electorate()
    assert (await tally_of(proposal)).eligible_weight == 1 + 1 + 2 + 1 + 4

    await organisations.update_member(admin, newcomer.id, organisations.MembershipChanges(weight=1))
    assert (await tally_of(proposal)).eligible_weight == 6

    ext = await world.membership("ext")
    await organisations.update_member(
        admin, ext.id, organisations.MembershipChanges(role=Role.OBSERVER)
    )
    assert ids("ext") not in await electorate()

    await organisations.update_member(
        admin, newcomer.id, organisations.MembershipChanges(remove_from_unit=True)
    )
    assert newcomer.user_id not in await electorate()

    # Moving analitica under tecnologia: teo (its head) sees it now, mara no longer does.
    await organisations.update_unit(
        admin,
        world.units["analitica"].id,
        organisations.UnitChanges(parent_id=world.units["tecnologia"].id),
    )
    assert await electorate() == {ids("ana"), ids("teo"), ids("admin")}

    await organisations.update_unit(
        admin, world.units["tecnologia"].id, organisations.UnitChanges(remove_head=True)
    )
    assert await electorate() == {ids("ana"), ids("admin")}
    await position(world, "ana", proposal, PositionStance.AGREE)
    assert (await tally_of(proposal)).verdict == S.ACCEPTED

"""What a passed deadline means: positions stop (until the author or an admin extends it), consent
accepts what nobody blocked in time, and a verdict reached after the deadline's escalation is
still acted on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actas.api import clock
from actas.api.domain.errors import InvalidTransition
from actas.api.domain.vocabulary import (
    ParticipantRole,
    PositionStance,
    ProposalState,
    RuleKind,
)
from actas.api.models import Decision, Proposal
from actas.api.services import debate, organisations, proposals
from actas.api.settings import Settings
from tests.api.receivers import fresh_era
from tests.api.test_schedule import DAY, HOUR, debate_until, speak, tick, world_in

DECIDER, REQUIRED = ParticipantRole.DECIDER, ParticipantRole.REQUIRED
AGREE = PositionStance.AGREE


async def test_no_position_is_taken_after_the_deadline_until_it_is_extended(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 2 * DAY
    proposal = await debate_until(
        world, era, deadline, participants={"teo": DECIDER}, rule=RuleKind.DECIDER
    )

    with pytest.raises(InvalidTransition, match="The deadline passed"):
        await speak(world, "teo", proposal, deadline, AGREE)
    with clock.frozen_at(deadline + HOUR):
        await proposals.update_proposal(
            await world.viewer("mara"),
            proposal.id,
            proposals.ProposalChanges(deadline=deadline + 2 * DAY),
        )
    await speak(world, "teo", proposal, deadline + 2 * HOUR, AGREE)


async def test_consent_accepts_at_the_deadline_what_nobody_blocked_in_time(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 3 * DAY
    proposal = await debate_until(
        world,
        era,
        deadline,
        participants={"teo": DECIDER, "ana": REQUIRED, "ext": REQUIRED},
        rule=RuleKind.CONSENT,
    )
    await speak(world, "ana", proposal, era + DAY, AGREE)  # ext and teo stay silent

    with clock.frozen_at(era + DAY), pytest.raises(InvalidTransition, match="cannot be accepted"):
        await proposals.decide_proposal(
            await world.viewer("admin"), proposal.id, outcome=ProposalState.ACCEPTED, statement="."
        )
    assert await tick(deadline) == {"decided at deadline": 1}
    decision = await Decision.get(proposal_id=proposal.id)
    assert decision.outcome == ProposalState.ACCEPTED


async def test_a_verdict_reached_after_the_deadline_escalated_is_acted_on(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 3 * DAY
    proposal = await debate_until(
        world,
        era,
        deadline,
        participants={"teo": REQUIRED, "ana": REQUIRED, "ext": REQUIRED},
        rule=RuleKind.MAJORITY,
        quorum=0.6,
    )
    await speak(world, "teo", proposal, era + DAY, AGREE)
    assert await tick(deadline) == {"escalated at deadline": 1}
    assert await tick(deadline + HOUR) == {}

    # Teo's weight grows to 10 of 12: his position alone now makes the quorum, and the verdict.
    with clock.frozen_at(deadline + 2 * HOUR):
        await organisations.update_member(
            await world.viewer("admin"),
            (await world.membership("teo")).id,
            organisations.MembershipChanges(weight=10),
        )

    assert await tick(deadline + 3 * HOUR) == {"decided at deadline": 1}
    assert await tick(deadline + 4 * HOUR) == {}
    assert (await Proposal.get(id=proposal.id)).state == ProposalState.ACCEPTED
    with pytest.raises(InvalidTransition):
        await debate.take_position(
            await world.viewer("teo"), proposal.id, stance=AGREE, reason="Again."
        )


@pytest.mark.parametrize("later", [timedelta(0), timedelta(days=1)])
async def test_the_deadline_passing_is_what_closes_positions(
    database: Settings, later: timedelta
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 2 * DAY
    proposal = await debate_until(world, era, deadline, rule=RuleKind.MAJORITY)
    await speak(world, "ana", proposal, deadline - timedelta(seconds=1), AGREE)
    with pytest.raises(InvalidTransition):
        await speak(world, "teo", proposal, deadline + later, AGREE)

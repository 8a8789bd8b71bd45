from actas.api.domain.vocabulary import PositionStance, ProposalState, Stance
from actas.api.services import debate, proposals
from tests.factories import build_world, opened


async def test_a_proposal_can_be_debated_and_decided() -> None:
    world = await build_world()
    proposal = await opened(world)
    ana = await world.viewer("ana")
    argument = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body="Good idea")
    await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE)
    decided = await proposals.decide_proposal(
        await world.viewer("admin"),
        proposal.id,
        outcome=ProposalState.ACCEPTED,
        statement="Nobody objected.",
        cited_argument_ids=[argument.id],
    )
    assert decided.state == ProposalState.ACCEPTED

"""The debate: threaded arguments with their history, and one current position per member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from actas.api import clock
from actas.api.domain.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.vocabulary import ParticipantRole, PositionStance, ProposalState, Stance
from actas.api.domain.vocabulary import TokenScope as Scope
from actas.api.models import Argument, ArgumentRevision, Position, PositionChange
from actas.api.services import debate, proposals
from actas.api.settings import Settings
from tests.factories import World, build_world, draft, opened

T0 = datetime(2031, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def world(database: Settings) -> World:
    return await build_world()


# --- arguments -----------------------------------------------------------------------------------


async def test_threads_go_to_any_depth_and_record_the_version_answered(world: World) -> None:
    proposal = await opened(world)
    ana, teo, mara = [await world.viewer(p) for p in ("ana", "teo", "mara")]
    before = await world.last_seq()

    root = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body="Fewer clicks.")
    await proposals.revise_proposal(
        mara, proposal.id, expected_version=1, change_note="Scope.", body="Only mobile."
    )
    chain = [root]
    for depth in range(1, 8):
        chain.append(
            await debate.add_argument(
                teo if depth % 2 else ana,
                proposal.id,
                stance=Stance.QUESTION,
                body=f"Reply at depth {depth}",
                parent_id=chain[-1].id,
            )
        )

    stored = {a.id: a for a in await Argument.filter(proposal_id=proposal.id)}
    assert [stored[a.id].parent_id for a in chain] == [None, *(a.id for a in chain[:-1])]
    assert stored[root.id].proposal_version == 1
    assert {stored[a.id].proposal_version for a in chain[1:]} == {2}
    events = [e for e in await world.events_since(before) if e.type == EventType.ARGUMENT_ADDED]
    assert len(events) == 8
    assert orjson.loads(events[-1].payload) == {
        "argument": chain[-1].id,
        "parent": chain[-2].id,
        "stance": "question",
        "body": "Reply at depth 7",
        "proposal_version": 2,
    }
    assert events[-1].actor_id == world.id("teo")


async def test_a_reply_to_an_argument_of_another_proposal_is_refused(world: World) -> None:
    first, second = await opened(world), await opened(world)
    ana = await world.viewer("ana")
    elsewhere = await debate.add_argument(ana, first.id, stance=Stance.FOR, body="Here.")
    before = await world.last_seq()

    for parent in (elsewhere.id, 10**9):
        with pytest.raises(ValidationFailed) as refused:
            await debate.add_argument(
                ana, second.id, stance=Stance.AGAINST, body="There.", parent_id=parent
            )
        assert refused.value.field == "parent"

    assert not await Argument.exists(proposal_id=second.id)
    assert await world.events_since(before) == []


@pytest.mark.parametrize("body", ["", "   "])
async def test_an_argument_says_something(world: World, body: str) -> None:
    proposal = await opened(world)
    with pytest.raises(ValidationFailed):
        await debate.add_argument(
            await world.viewer("ana"), proposal.id, stance=Stance.FOR, body=body
        )


async def test_arguments_wait_for_the_proposal_to_open(world: World) -> None:
    proposal = await draft(world, participants={"ana": ParticipantRole.CONSULTED})
    with pytest.raises(InvalidTransition):
        await debate.add_argument(
            await world.viewer("ana"), proposal.id, stance=Stance.FOR, body="Early."
        )


async def test_informed_participants_argue_but_observers_and_read_only_tokens_do_not(
    world: World,
) -> None:
    proposal = await opened(
        world, participants={"teo": ParticipantRole.INFORMED, "olga": ParticipantRole.INFORMED}
    )
    await debate.add_argument(
        await world.viewer("teo"), proposal.id, stance=Stance.COMMENT, body="Noted."
    )
    for viewer in (await world.viewer("olga"), await world.viewer("ana", Scope.READ)):
        with pytest.raises(Forbidden):
            await debate.add_argument(viewer, proposal.id, stance=Stance.COMMENT, body="Hm.")
    assert await Argument.filter(proposal_id=proposal.id).count() == 1


async def test_edits_keep_every_earlier_text(world: World) -> None:
    proposal = await opened(world)
    ana = await world.viewer("ana")
    with clock.frozen_at(T0):
        argument = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body="One.")
    with clock.frozen_at(T0 + timedelta(hours=1)):
        await debate.edit_argument(ana, argument.id, body="Two.")
    before = await world.last_seq()
    with clock.frozen_at(T0 + timedelta(hours=2)):
        edited = await debate.edit_argument(ana, argument.id, body="Two.", stance=Stance.AGAINST)

    stored = await Argument.get(id=argument.id)
    assert (stored.body, stored.stance, stored.revision) == ("Two.", Stance.AGAINST, 3)
    assert stored.edited_at == T0 + timedelta(hours=2)
    assert edited.revision == 3
    revisions = await ArgumentRevision.filter(argument_id=argument.id).order_by("revision")
    assert [(r.revision, r.body, r.stance, r.created_at) for r in revisions] == [
        (1, "One.", Stance.FOR, T0),
        (2, "Two.", Stance.FOR, T0 + timedelta(hours=1)),
    ]
    [event] = await world.events_since(before)
    assert event.type == EventType.ARGUMENT_EDITED
    assert orjson.loads(event.payload) == {
        "argument": argument.id,
        "revision": 3,
        "stance": "against",
        "body": "Two.",
    }


async def test_an_edit_that_changes_nothing_is_refused(world: World) -> None:
    proposal = await opened(world)
    ana = await world.viewer("ana")
    argument = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body="Same.")
    with pytest.raises(ValidationFailed, match="changes nothing"):
        await debate.edit_argument(ana, argument.id, body=" Same. ", stance=Stance.FOR)
    assert not await ArgumentRevision.exists(argument_id=argument.id)


@pytest.mark.parametrize("who", ["mara", "admin", "teo"])
async def test_only_its_author_edits_an_argument(world: World, who: str) -> None:
    proposal = await opened(world)
    argument = await debate.add_argument(
        await world.viewer("ana"), proposal.id, stance=Stance.FOR, body="Mine."
    )
    before = await world.last_seq()

    with pytest.raises(Forbidden):
        await debate.edit_argument(await world.viewer(who), argument.id, body="Yours now.")

    assert (await Argument.get(id=argument.id)).body == "Mine."
    assert await world.events_since(before) == []


async def test_editing_a_missing_argument_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await debate.edit_argument(await world.viewer("ana"), 10**9, body="?")


# --- positions -----------------------------------------------------------------------------------


async def test_one_current_position_per_member_and_every_change_kept(world: World) -> None:
    proposal = await opened(world)
    ana = await world.viewer("ana")
    before = await world.last_seq()

    await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE)
    await proposals.revise_proposal(
        await world.viewer("mara"), proposal.id, expected_version=1, change_note="n", body="v2"
    )
    await debate.take_position(
        ana, proposal.id, stance=PositionStance.BLOCK, reason="  Breaks the returns flow. "
    )
    await debate.take_position(ana, proposal.id, stance=PositionStance.ABSTAIN)

    [position] = await Position.filter(proposal_id=proposal.id)
    assert (position.user_id, position.stance, position.reason, position.proposal_version) == (
        world.id("ana"),
        PositionStance.ABSTAIN,
        "",
        2,
    )
    changes = await PositionChange.filter(proposal_id=proposal.id).order_by("id")
    assert [(c.stance, c.reason, c.proposal_version) for c in changes] == [
        (PositionStance.AGREE, "", 1),
        (PositionStance.BLOCK, "Breaks the returns flow.", 2),
        (PositionStance.ABSTAIN, "", 2),
    ]
    taken = [e for e in await world.events_since(before) if e.type == EventType.POSITION_TAKEN]
    assert [orjson.loads(e.payload) for e in taken] == [
        {"stance": "agree", "reason": "", "proposal_version": 1},
        {"stance": "block", "reason": "Breaks the returns flow.", "proposal_version": 2},
        {"stance": "abstain", "reason": "", "proposal_version": 2},
    ]
    assert {e.actor_id for e in taken} == {world.id("ana")}


@pytest.mark.parametrize("stance", [PositionStance.DISAGREE, PositionStance.BLOCK])
async def test_an_objection_needs_a_reason(world: World, stance: PositionStance) -> None:
    proposal = await opened(world)
    before = await world.last_seq()
    with pytest.raises(ValidationFailed) as refused:
        await debate.take_position(
            await world.viewer("ana"), proposal.id, stance=stance, reason=" "
        )
    assert refused.value.field == "reason"
    assert not await PositionChange.exists(proposal_id=proposal.id)
    assert await world.events_since(before) == []


@pytest.mark.parametrize(
    ("who", "scope", "participants"),
    [
        ("teo", Scope.WRITE, {"teo": ParticipantRole.INFORMED}),
        ("olga", Scope.WRITE, {}),
        ("olga", Scope.WRITE, {"olga": ParticipantRole.INFORMED}),
        ("ana", Scope.READ, {}),
    ],
    ids=["informed participant", "observer", "informed observer", "read-only token"],
)
async def test_who_takes_no_position(
    world: World, who: str, scope: Scope, participants: dict[str, ParticipantRole]
) -> None:
    proposal = await opened(world, participants=participants)
    before = await world.last_seq()
    with pytest.raises(Forbidden):
        await debate.take_position(
            await world.viewer(who, scope), proposal.id, stance=PositionStance.AGREE
        )
    assert not await Position.exists(proposal_id=proposal.id)
    assert await world.events_since(before) == []


@pytest.mark.parametrize("state", [ProposalState.DRAFT, ProposalState.WITHDRAWN])
async def test_positions_are_taken_only_while_open(world: World, state: ProposalState) -> None:
    proposal = await draft(world, participants={"ana": ParticipantRole.CONSULTED})
    if state is ProposalState.WITHDRAWN:
        await proposals.withdraw_proposal(await world.viewer("mara"), proposal.id, "Never mind.")
    with pytest.raises(InvalidTransition):
        await debate.take_position(
            await world.viewer("ana"), proposal.id, stance=PositionStance.AGREE
        )

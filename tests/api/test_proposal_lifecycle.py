"""The lifecycle through the services: who may take each action, and closed proposals are final."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from actas.api.domain.errors import DomainError, Forbidden, InvalidTransition, NotFound
from actas.api.domain.events import EventType
from actas.api.domain.vocabulary import (
    LinkKind,
    ParticipantRole,
    PositionStance,
    ProposalState,
    RuleKind,
    Stance,
    TokenScope,
)
from actas.api.models import Argument, Decision, Proposal
from actas.api.services import debate, proposals
from actas.api.settings import Settings
from tests.factories import World, build_world, draft, opened

S = ProposalState
DECIDER, INFORMED = ParticipantRole.DECIDER, ParticipantRole.INFORMED


@pytest.fixture(scope="module")
async def world(database: Settings) -> World:
    return await build_world()


async def _proposal(
    world: World, start: S, rule: RuleKind, admin_informed: bool, decider_spoke: bool = False
) -> Proposal:
    """mara's proposal with teo as decider and olga (an observer) informed, in ``start``."""
    participants = {"teo": DECIDER, "olga": INFORMED}
    if admin_informed:
        participants["admin"] = INFORMED
    if start is S.DRAFT:
        return await draft(world, participants=participants, rule=rule)
    proposal = await opened(world, participants=participants, rule=rule)
    if decider_spoke:
        teo = await world.viewer("teo")
        await debate.take_position(teo, proposal.id, stance=PositionStance.AGREE)
    return proposal


async def _act(world: World, proposal: Proposal, who: str, action: str, scope: TokenScope) -> None:
    viewer = await world.viewer(who, scope)
    if action == "open":
        await proposals.open_proposal(viewer, proposal.id)
    elif action == "withdraw":
        await proposals.withdraw_proposal(viewer, proposal.id, "Not needed any more.")
    elif action == "abandon":
        await proposals.abandon_proposal(viewer, proposal.id, "Nobody pursues it.")
    else:
        outcome = S.ACCEPTED if action == "accept" else S.REJECTED
        await proposals.decide_proposal(
            viewer, proposal.id, outcome=outcome, statement="Decided after the debate."
        )


@dataclass(frozen=True)
class Case:
    who: str
    action: str
    start: S
    rule: RuleKind
    expected: type[DomainError] | None  # None: allowed
    admin_informed: bool = False
    decider_spoke: bool = False  # teo agreed before the action

    def __str__(self) -> str:
        outcome = self.expected.__name__ if self.expected else "allowed"
        return f"{self.who}-{self.action}-{self.start}-{self.rule}-{outcome}"


C, D = RuleKind.CONSENT, RuleKind.DECIDER
CASES = [
    # Opening a draft: its author, or an admin who can see it. Drafts are hidden from the rest.
    Case("mara", "open", S.DRAFT, C, None),
    Case("admin", "open", S.DRAFT, C, None, admin_informed=True),
    Case("admin", "open", S.DRAFT, C, NotFound),
    Case("teo", "open", S.DRAFT, C, Forbidden),
    Case("ana", "open", S.DRAFT, C, NotFound),
    Case("olga", "open", S.DRAFT, C, Forbidden),
    # Withdrawing: the author only, from a draft or while open.
    Case("mara", "withdraw", S.DRAFT, C, None),
    Case("mara", "withdraw", S.OPEN, C, None),
    Case("teo", "withdraw", S.DRAFT, C, Forbidden),
    Case("teo", "withdraw", S.OPEN, C, Forbidden),
    Case("admin", "withdraw", S.DRAFT, C, Forbidden, admin_informed=True),
    Case("admin", "withdraw", S.OPEN, C, Forbidden),
    Case("ana", "withdraw", S.OPEN, C, Forbidden),
    Case("olga", "withdraw", S.OPEN, C, Forbidden),
    # Abandoning an open proposal: a decider or an admin.
    Case("teo", "abandon", S.OPEN, C, None),
    Case("admin", "abandon", S.OPEN, C, None),
    Case("admin", "abandon", S.OPEN, D, None),
    Case("mara", "abandon", S.OPEN, C, Forbidden),
    Case("ana", "abandon", S.OPEN, C, Forbidden),
    Case("olga", "abandon", S.OPEN, C, Forbidden),
    Case("mara", "abandon", S.DRAFT, C, InvalidTransition),
    # Deciding: a decider, or an admin unless the rule is ``decider``.
    Case("teo", "accept", S.OPEN, C, None),
    Case("admin", "accept", S.OPEN, C, None, decider_spoke=True),
    Case("admin", "accept", S.OPEN, C, InvalidTransition),  # consent still awaits teo's voice
    Case("teo", "accept", S.OPEN, D, None),
    Case("teo", "reject", S.OPEN, D, None),
    Case("admin", "accept", S.OPEN, D, Forbidden),
    Case("admin", "reject", S.OPEN, D, Forbidden),
    Case("mara", "accept", S.OPEN, C, Forbidden),
    Case("mara", "reject", S.OPEN, D, Forbidden),
    Case("ana", "accept", S.OPEN, C, Forbidden),
    Case("olga", "accept", S.OPEN, C, Forbidden),
    Case("mara", "accept", S.DRAFT, D, InvalidTransition),
]
CLOSING_EVENT = {
    "open": EventType.PROPOSAL_OPENED,
    "withdraw": EventType.PROPOSAL_WITHDRAWN,
    "abandon": EventType.PROPOSAL_ABANDONED,
    "accept": EventType.PROPOSAL_ACCEPTED,
    "reject": EventType.PROPOSAL_REJECTED,
}
TARGET = {
    "open": S.OPEN,
    "withdraw": S.WITHDRAWN,
    "abandon": S.ABANDONED,
    "accept": S.ACCEPTED,
    "reject": S.REJECTED,
}


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_who_may_take_each_action(world: World, case: Case) -> None:
    proposal = await _proposal(
        world, case.start, case.rule, case.admin_informed, case.decider_spoke
    )
    before = await world.last_seq()

    if case.expected is not None:
        with pytest.raises(case.expected):
            await _act(world, proposal, case.who, case.action, TokenScope.WRITE)
        assert (await Proposal.get(id=proposal.id)).state == case.start
        assert await world.events_since(before) == []
        return

    await _act(world, proposal, case.who, case.action, TokenScope.WRITE)

    stored = await Proposal.get(id=proposal.id)
    assert stored.state == TARGET[case.action]
    [event] = await world.events_since(before)
    assert event.type == CLOSING_EVENT[case.action]
    assert (event.proposal_id, event.actor_id) == (proposal.id, world.id(case.who))
    if case.action != "open":
        decision = await Decision.get(proposal_id=proposal.id)
        assert (decision.outcome, decision.decided_by_id) == (stored.state, world.id(case.who))
        assert stored.closed_at == decision.decided_at


@pytest.mark.parametrize("case", [c for c in CASES if c.expected is None], ids=str)
async def test_a_read_only_token_takes_no_action(world: World, case: Case) -> None:
    proposal = await _proposal(
        world, case.start, case.rule, case.admin_informed, case.decider_spoke
    )
    before = await world.last_seq()

    with pytest.raises(Forbidden, match="read-only"):
        await _act(world, proposal, case.who, case.action, TokenScope.READ)

    assert (await Proposal.get(id=proposal.id)).state == case.start
    assert await world.events_since(before) == []


async def test_opening_records_the_time_and_an_optional_reason(world: World) -> None:
    proposal = await draft(world)
    before = await world.last_seq()

    opened_proposal = await proposals.open_proposal(
        await world.viewer("mara"), proposal.id, reason="  Ready for comments. "
    )

    assert opened_proposal.opened_at is not None
    [event] = await world.events_since(before)
    assert '"reason":"Ready for comments."' in event.payload


async def test_a_decider_rule_proposal_cannot_open_without_a_decider(world: World) -> None:
    proposal = await draft(
        world, rule=RuleKind.DECIDER, participants={"ana": ParticipantRole.CONSULTED}
    )

    with pytest.raises(DomainError, match="at least one decider"):
        await proposals.open_proposal(await world.viewer("mara"), proposal.id)
    assert (await Proposal.get(id=proposal.id)).state == S.DRAFT


@pytest.mark.parametrize("action", ["withdraw", "abandon", "accept", "reject"])
@pytest.mark.parametrize("reason", ["", "   "])
async def test_closing_without_a_reason_is_refused(world: World, action: str, reason: str) -> None:
    proposal = await _proposal(world, S.OPEN, D, admin_informed=False)
    who = "mara" if action == "withdraw" else "teo"
    viewer = await world.viewer(who)
    before = await world.last_seq()

    with pytest.raises(DomainError) as refused:
        if action == "withdraw":
            await proposals.withdraw_proposal(viewer, proposal.id, reason)
        elif action == "abandon":
            await proposals.abandon_proposal(viewer, proposal.id, reason)
        else:
            outcome = S.ACCEPTED if action == "accept" else S.REJECTED
            await proposals.decide_proposal(viewer, proposal.id, outcome=outcome, statement=reason)

    assert refused.value.code == "validation"
    assert (await Proposal.get(id=proposal.id)).state == S.OPEN
    assert await world.events_since(before) == []


# --- decided proposals are final -----------------------------------------------------------------


@dataclass
class Closed:
    proposal: Proposal
    argument: Argument


@pytest.fixture(scope="module")
async def closed(world: World) -> dict[S, Closed]:
    """One proposal per closed state, each with an argument by ana and her position."""

    async def accept(p: Proposal) -> Proposal:
        return await proposals.decide_proposal(
            await world.viewer("teo"), p.id, outcome=S.ACCEPTED, statement="No objection."
        )

    async def reject(p: Proposal) -> Proposal:
        teo = await world.viewer("teo")
        await debate.take_position(teo, p.id, stance=PositionStance.BLOCK, reason="Too risky.")
        return await proposals.decide_proposal(teo, p.id, outcome=S.REJECTED, statement="Blocked.")

    async def withdraw(p: Proposal) -> Proposal:
        return await proposals.withdraw_proposal(await world.viewer("mara"), p.id, "Rethinking.")

    async def abandon(p: Proposal) -> Proposal:
        return await proposals.abandon_proposal(await world.viewer("admin"), p.id, "Stalled.")

    ending: dict[S, Callable[[Proposal], Awaitable[Proposal]]] = {
        S.ACCEPTED: accept,
        S.REJECTED: reject,
        S.WITHDRAWN: withdraw,
        S.ABANDONED: abandon,
    }
    result = {}
    for state, end in ending.items():
        proposal = await opened(world, participants={"teo": DECIDER})
        ana = await world.viewer("ana")
        argument = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body="Yes.")
        await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE)
        result[state] = Closed(await end(proposal), argument)
    return result


Operation = Callable[[World, Closed], Awaitable[object]]


async def _revise(w: World, c: Closed) -> object:
    return await proposals.revise_proposal(
        await w.viewer("mara"), c.proposal.id, expected_version=1, change_note="n", body="New."
    )


async def _update(w: World, c: Closed) -> object:
    changes = proposals.ProposalChanges(tags=["late"])
    return await proposals.update_proposal(await w.viewer("mara"), c.proposal.id, changes)


async def _add_participant(w: World, c: Closed) -> object:
    return await proposals.set_participant(
        await w.viewer("mara"), c.proposal.id, w.id("ana"), ParticipantRole.CONSULTED
    )


async def _remove_participant(w: World, c: Closed) -> object:
    return await proposals.set_participant(await w.viewer("mara"), c.proposal.id, w.id("teo"), None)


async def _argue(w: World, c: Closed) -> object:
    return await debate.add_argument(
        await w.viewer("ana"), c.proposal.id, stance=Stance.AGAINST, body="Too late?"
    )


async def _reply(w: World, c: Closed) -> object:
    return await debate.add_argument(
        await w.viewer("teo"),
        c.proposal.id,
        stance=Stance.QUESTION,
        body="Why?",
        parent_id=c.argument.id,
    )


async def _edit_argument(w: World, c: Closed) -> object:
    return await debate.edit_argument(await w.viewer("ana"), c.argument.id, body="Rewritten.")


async def _take_position(w: World, c: Closed) -> object:
    return await debate.take_position(
        await w.viewer("ana"), c.proposal.id, stance=PositionStance.DISAGREE, reason="Changed."
    )


async def _open(w: World, c: Closed) -> object:
    return await proposals.open_proposal(await w.viewer("mara"), c.proposal.id)


async def _withdraw(w: World, c: Closed) -> object:
    return await proposals.withdraw_proposal(await w.viewer("mara"), c.proposal.id, "Again.")


async def _abandon(w: World, c: Closed) -> object:
    return await proposals.abandon_proposal(await w.viewer("admin"), c.proposal.id, "Again.")


async def _accept(w: World, c: Closed) -> object:
    return await proposals.decide_proposal(
        await w.viewer("teo"), c.proposal.id, outcome=S.ACCEPTED, statement="Again."
    )


async def _reject(w: World, c: Closed) -> object:
    return await proposals.decide_proposal(
        await w.viewer("teo"), c.proposal.id, outcome=S.REJECTED, statement="Again."
    )


async def _link(w: World, c: Closed) -> object:
    target = await opened(w, "ana")
    return await proposals.link_proposals(
        await w.viewer("mara"), c.proposal.id, target.id, LinkKind.RELATED
    )


MUTATIONS: dict[str, Operation] = {
    "revise": _revise,
    "update": _update,
    "add participant": _add_participant,
    "remove participant": _remove_participant,
    "argue": _argue,
    "reply": _reply,
    "edit argument": _edit_argument,
    "take position": _take_position,
    "open": _open,
    "withdraw": _withdraw,
    "abandon": _abandon,
    "accept": _accept,
    "reject": _reject,
    "link from it": _link,
}


@pytest.mark.parametrize("operation", list(MUTATIONS))
@pytest.mark.parametrize("state", [S.ACCEPTED, S.REJECTED, S.WITHDRAWN, S.ABANDONED])
async def test_a_closed_proposal_refuses_every_change(
    world: World, closed: dict[S, Closed], state: S, operation: str
) -> None:
    subject = closed[state]
    before_proposal = await Proposal.get(id=subject.proposal.id).values()
    before = await world.last_seq()
    if operation == "link from it":
        before += 2  # drafting and opening the link's target

    with pytest.raises(InvalidTransition) as refused:
        await MUTATIONS[operation](world, subject)

    assert refused.value.state == state.value
    assert await Proposal.get(id=subject.proposal.id).values() == before_proposal
    assert await world.events_since(before) == []


async def test_a_new_proposal_may_link_to_a_decided_one(
    world: World, closed: dict[S, Closed]
) -> None:
    successor = await draft(world, "ana")
    before = await world.last_seq()

    link = await proposals.link_proposals(
        await world.viewer("ana"),
        successor.id,
        closed[S.ACCEPTED].proposal.id,
        LinkKind.SUPERSEDES,
    )

    assert (link.source_id, link.target_id) == (successor.id, closed[S.ACCEPTED].proposal.id)
    [event] = await world.events_since(before)
    assert event.type == EventType.PROPOSAL_LINKED
    assert event.proposal_id == successor.id

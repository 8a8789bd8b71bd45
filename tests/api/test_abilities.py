"""What a person may do on a proposal is one answer: for any role, part on the proposal, state,
rule, positions, deadline and token, ``abilities_of`` says an action is allowed exactly when its
service accepts it, on fresh data (one proposal per action, arranged the same way)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actas.api import clock
from actas.api.domain.abilities import NOTHING, Ability, ProposalAbilities
from actas.api.domain.errors import DomainError, Forbidden, InvalidTransition
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import (
    LinkKind,
    OutcomeVerdict,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
    Stance,
    TokenScope,
    Visibility,
)
from actas.api.models import Argument, Proposal
from actas.api.services import debate, follow_through, organisations, proposals
from actas.api.services.abilities import abilities_of
from tests.api.receivers import fresh_era
from tests.factories import World, build_world, draft

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
PEOPLE = {
    "viewer": (Role.MEMBER, None, 1),
    "mara": (Role.MEMBER, None, 1),
    "dec": (Role.MEMBER, None, 1),
    "bystander": (Role.MEMBER, None, 1),
}


@dataclass(frozen=True)
class Scene:
    role: Role  # the viewer's in the organisation
    authors: bool  # the viewer wrote the proposal (mara did otherwise)
    part: ParticipantRole | None  # the viewer's on the proposal
    state: ProposalState
    rule: RuleKind
    decider_named: bool  # dec is a decider
    stances: tuple[PositionStance | None, PositionStance | None]  # mara's and dec's
    deadline_passed: bool
    scope: TokenScope
    owns_follow_up: bool  # on an accepted proposal
    reviewed: bool  # an accepted proposal's outcome is recorded


@st.composite
def scenes(draw: st.DrawFn) -> Scene:
    role = draw(st.sampled_from([Role.MEMBER, Role.MEMBER, Role.ADMIN, Role.OBSERVER]))
    parts = [None, ParticipantRole.INFORMED]
    if role is not Role.OBSERVER:  # an observer holds no voice, and writes nothing
        parts += [ParticipantRole.CONSULTED, ParticipantRole.REQUIRED, ParticipantRole.DECIDER]
    # Mostly drafts and open proposals: a closed one allows little (which a few examples show).
    state = draw(st.sampled_from([*ProposalState, ProposalState.DRAFT, *[ProposalState.OPEN] * 3]))
    rule = draw(st.sampled_from(list(RuleKind)))
    if state in (ProposalState.ACCEPTED, ProposalState.REJECTED):
        rule = RuleKind.DECIDER  # how dec closes it; a closed proposal's rule changes nothing
    part = draw(st.sampled_from(parts))
    named = draw(st.booleans()) or (rule is RuleKind.DECIDER and state is not ProposalState.DRAFT)
    stance = st.sampled_from([None, *PositionStance])
    return Scene(
        role=role,
        authors=role is not Role.OBSERVER and draw(st.booleans()),
        part=part,
        state=state,
        rule=rule,
        decider_named=named,
        stances=(draw(stance), draw(stance)),
        deadline_passed=draw(st.booleans()),
        scope=draw(st.sampled_from([TokenScope.WRITE] * 3 + [TokenScope.READ])),
        owns_follow_up=draw(st.booleans()),
        reviewed=draw(st.booleans()),
    )


def _scene(**given: Any) -> Scene:
    plain = Scene(
        role=Role.MEMBER,
        authors=False,
        part=None,
        state=ProposalState.OPEN,
        rule=RuleKind.CONSENT,
        decider_named=True,
        stances=(None, None),
        deadline_passed=False,
        scope=TokenScope.WRITE,
        owns_follow_up=False,
        reviewed=False,
    )
    return replace(plain, **given)


async def arrange(world: World, scene: Scene, era: datetime) -> Proposal:
    """The scene's proposal, as people bring it there through the services."""
    author = "viewer" if scene.authors else "mara"
    parts = {"viewer": scene.part} if scene.part else {}
    if scene.decider_named:
        parts["dec"] = ParticipantRole.DECIDER
    with clock.frozen_at(era):
        proposal = await draft(
            world, author, participants=parts, rule=scene.rule, deadline=era + DAY
        )
        if scene.state is ProposalState.DRAFT:
            return await Proposal.get(id=proposal.id)
        await proposals.open_proposal(await world.viewer(author), proposal.id)
        await debate.add_argument(
            await world.viewer("mara"), proposal.id, stance=Stance.FOR, body="Worth it."
        )
        for person, stance in zip(("mara", "dec"), scene.stances, strict=True):
            if stance is None:
                continue
            with suppress(DomainError):  # a block that would not count
                await debate.take_position(
                    await world.viewer(person), proposal.id, stance=stance, reason="Because."
                )
        await _close(world, scene, author, proposal)
    return await Proposal.get(id=proposal.id)


async def _close(world: World, scene: Scene, author: str, proposal: Proposal) -> None:
    admin, dec = await world.viewer("admin"), await world.viewer("dec")
    if scene.state is ProposalState.WITHDRAWN:
        await proposals.withdraw_proposal(await world.viewer(author), proposal.id, "Not now.")
    elif scene.state is ProposalState.ABANDONED:
        await proposals.abandon_proposal(admin, proposal.id, "Overtaken.")
    elif scene.state in (ProposalState.ACCEPTED, ProposalState.REJECTED):
        await proposals.decide_proposal(dec, proposal.id, outcome=scene.state, statement="So.")
    if scene.state is not ProposalState.ACCEPTED:
        return
    if scene.owns_follow_up:
        await follow_through.add_follow_up(
            admin, proposal.id, title="Roll out", owner_id=world.id("viewer"), due=date(2040, 1, 1)
        )
    if scene.reviewed:
        await follow_through.record_outcome(
            admin, proposal.id, observed="3%", verdict=OutcomeVerdict.MET
        )


Act = Callable[[World, Viewer, Proposal], Awaitable[object]]


async def _reply(world: World, viewer: Viewer, proposal: Proposal) -> object:
    answered = await Argument.filter(proposal_id=proposal.id).first()
    return await debate.add_argument(
        viewer, proposal.id, stance=Stance.AGAINST, body="No.", parent_id=answered and answered.id
    )


async def _link(world: World, viewer: Viewer, proposal: Proposal) -> object:
    with clock.frozen_at(clock.now() - 3 * DAY):  # before the deadlines of the scene
        other = await draft(world, "admin", visibility=Visibility.ORGANISATION)
        await proposals.open_proposal(await world.viewer("admin"), other.id)
    return await proposals.link_proposals(viewer, proposal.id, other.id, kind=LinkKind.RELATED)


ACTS: dict[Ability, Act] = {
    Ability.ARGUE: lambda w, v, p: debate.add_argument(v, p.id, stance=Stance.FOR, body="Yes."),
    Ability.REPLY: _reply,
    Ability.TAKE_POSITION: lambda w, v, p: debate.take_position(
        v, p.id, stance=PositionStance.AGREE
    ),
    Ability.BLOCK: lambda w, v, p: debate.take_position(
        v, p.id, stance=PositionStance.BLOCK, reason="Too risky."
    ),
    Ability.EDIT: lambda w, v, p: proposals.update_proposal(
        v, p.id, proposals.ProposalChanges(tags=["changed"])
    ),
    Ability.REVISE: lambda w, v, p: proposals.revise_proposal(
        v, p.id, expected_version=p.version, change_note="Clearer.", body="A new body."
    ),
    Ability.CHANGE_PARTICIPANTS: lambda w, v, p: proposals.set_participant(
        v, p.id, w.id("bystander"), ParticipantRole.INFORMED
    ),
    Ability.LINK: _link,
    Ability.OPEN: lambda w, v, p: proposals.open_proposal(v, p.id),
    Ability.WITHDRAW: lambda w, v, p: proposals.withdraw_proposal(v, p.id, "Not now."),
    Ability.ABANDON: lambda w, v, p: proposals.abandon_proposal(v, p.id, "Overtaken."),
    Ability.ACCEPT: lambda w, v, p: proposals.decide_proposal(
        v, p.id, outcome=ProposalState.ACCEPTED, statement="Go."
    ),
    Ability.REJECT: lambda w, v, p: proposals.decide_proposal(
        v, p.id, outcome=ProposalState.REJECTED, statement="No."
    ),
    Ability.ADD_FOLLOW_UP: lambda w, v, p: follow_through.add_follow_up(
        v, p.id, title="Measure", owner_id=p.author_id, due=date(2040, 1, 1)
    ),
    Ability.RECORD_OUTCOME: lambda w, v, p: follow_through.record_outcome(
        v, p.id, observed="2%", verdict=OutcomeVerdict.PARTLY
    ),
}


async def succeeds(act: Act, world: World, viewer: Viewer, proposal: Proposal) -> bool:
    try:
        await act(world, viewer, proposal)
    except DomainError:
        return False
    return True


def test_every_ability_is_a_field_and_has_a_service_to_agree_with() -> None:
    assert [f.name for f in fields(ProposalAbilities)] == [a.value for a in Ability]
    assert set(ACTS) == set(Ability)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenes())
# Situations where the rarer abilities hold, always tried: deciding, opening, following through.
@example(_scene(part=ParticipantRole.DECIDER, state=ProposalState.OPEN, rule=RuleKind.DECIDER))
@example(_scene(role=Role.ADMIN, authors=True, state=ProposalState.DRAFT, rule=RuleKind.DECIDER))
@example(_scene(role=Role.ADMIN, state=ProposalState.ACCEPTED, rule=RuleKind.DECIDER))
async def test_each_ability_is_allowed_exactly_when_its_service_accepts(scene: Scene) -> None:
    era = fresh_era()
    world = await build_world(people=PEOPLE, units=())
    await _set_role(world, scene.role)
    arranged = {ability: await arrange(world, scene, era) for ability in Ability}
    at = era + (2 * DAY if scene.deadline_passed else HOUR)
    viewer = await world.viewer("viewer", scene.scope)

    with clock.frozen_at(at):
        said = await abilities_of(viewer, list(arranged.values()))
        done = {
            ability: await succeeds(ACTS[ability], world, viewer, proposal)
            for ability, proposal in arranged.items()
        }

    told = {ability: said[proposal.id].allows(ability) for ability, proposal in arranged.items()}
    assert told == done


async def _set_role(world: World, role: Role) -> None:
    if role is not Role.MEMBER:
        await organisations.update_member(
            await world.viewer("admin"),
            (await world.membership("viewer")).id,
            organisations.MembershipChanges(role=role),
        )


# --- plain examples -------------------------------------------------------------------------------


@pytest.fixture
async def world() -> World:
    people = {**PEOPLE, "olga": (Role.OBSERVER, None, 1)}
    return await build_world(people=people, units=())


async def can(world: World, person: str, proposal: Proposal, **scope: TokenScope) -> set[str]:
    viewer = await world.viewer(person, **scope)
    said = (await abilities_of(viewer, [await Proposal.get(id=proposal.id)]))[proposal.id]
    return {ability.value for ability in Ability if said.allows(ability)}


async def test_an_observer_can_do_nothing_even_as_an_informed_participant(world: World) -> None:
    proposal = await _open(world, participants={"olga": ParticipantRole.INFORMED})
    assert await can(world, "olga", proposal) == set()
    with pytest.raises(Forbidden, match="Observers can read but not write"):
        await debate.add_argument(
            await world.viewer("olga"), proposal.id, stance=Stance.FOR, body="Hi"
        )


async def test_a_read_only_token_can_do_nothing(world: World) -> None:
    proposal = await _open(world)
    assert await can(world, "mara", proposal, scope=TokenScope.READ) == set()


async def test_an_informed_participant_argues_but_takes_no_position(world: World) -> None:
    proposal = await _open(world, participants={"viewer": ParticipantRole.INFORMED})
    assert await can(world, "viewer", proposal) == {"argue", "reply"}
    with pytest.raises(Forbidden, match="Informed participants follow the debate"):
        await debate.take_position(
            await world.viewer("viewer"), proposal.id, stance=PositionStance.AGREE
        )


async def test_after_the_deadline_nobody_takes_a_position(world: World) -> None:
    era = fresh_era()
    with clock.frozen_at(era):
        proposal = await _open(world, deadline=era + DAY)
    with clock.frozen_at(era + 2 * DAY):
        for person in ("admin", "mara", "viewer", "dec"):
            allowed = await can(world, person, proposal)
            assert {"argue", "reply"} <= allowed
            assert not allowed & {"take_position", "block"}
        with pytest.raises(InvalidTransition, match="positions are closed"):
            await debate.take_position(
                await world.viewer("viewer"), proposal.id, stance=PositionStance.AGREE
            )


async def test_a_decider_accepts_when_the_rule_allows(world: World) -> None:
    deciders = {"dec": ParticipantRole.DECIDER}
    proposal = await _open(world, participants=deciders, rule=RuleKind.DECIDER)
    assert {"accept", "reject", "abandon"} <= await can(world, "dec", proposal)
    # Under the decider rule an admin does not decide; the author only withdraws.
    assert not {"accept", "reject"} & await can(world, "admin", proposal)
    assert not {"accept", "reject", "abandon"} & await can(world, "mara", proposal)

    voices = {"dec": ParticipantRole.DECIDER, "viewer": ParticipantRole.REQUIRED}
    for rule in (RuleKind.UNANIMITY, RuleKind.CONSENT):
        waiting = await _open(world, participants=voices, rule=rule)
        assert not {"accept", "reject"} & await can(world, "dec", waiting)  # a voice is awaited
        await debate.take_position(
            await world.viewer("viewer"), waiting.id, stance=PositionStance.AGREE
        )
        if rule is RuleKind.UNANIMITY:
            assert not {"accept", "reject"} & await can(world, "dec", waiting)  # dec's own
            await debate.take_position(
                await world.viewer("dec"), waiting.id, stance=PositionStance.AGREE
            )
        # Under consent, deciding is the decider's consent: theirs was the last voice awaited.
        assert {"accept", "reject"} & await can(world, "dec", waiting) == {"accept"}


async def test_under_consent_only_the_required_voices_may_block(world: World) -> None:
    parts = {"dec": ParticipantRole.DECIDER, "viewer": ParticipantRole.CONSULTED}
    proposal = await _open(world, participants=parts, rule=RuleKind.CONSENT)
    assert "block" in await can(world, "dec", proposal)
    viewer = await can(world, "viewer", proposal)
    assert "take_position" in viewer and "block" not in viewer


async def test_someone_who_cannot_see_a_proposal_may_do_nothing_on_it(world: World) -> None:
    hidden = await draft(world, "mara")  # a draft is its author's and participants' alone
    assert (await abilities_of(await world.viewer("viewer"), [hidden]))[hidden.id] is NOTHING
    assert await can(world, "mara", hidden) >= {"edit", "revise", "open", "withdraw"}


async def _open(world: World, **kwargs: object) -> Proposal:
    proposal = await draft(world, "mara", **kwargs)  # type: ignore[arg-type]
    await proposals.open_proposal(await world.viewer("mara"), proposal.id)
    return await Proposal.get(id=proposal.id)

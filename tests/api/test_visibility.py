"""Who sees what. The rule exists twice, ``can_see_proposal`` (Python) and ``visible_proposals``
(SQL); generated organisations check that both agree with each other and with the rule as the
issue states it. Hidden things must look exactly like missing ones."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actas.api.domain.errors import NotFound
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import can_see_proposal, unit_audience, visible_proposals
from actas.api.domain.vocabulary import ParticipantRole, ProposalState, Role, RuleKind, Visibility
from actas.api.models import Proposal
from actas.api.services import organisations, proposals
from actas.api.services.access import load_viewer, proposal_audiences
from actas.api.settings import Settings
from tests.factories import World, build_world, draft, opened, person, unique

# --- the generated organisations -----------------------------------------------------------------

STATES = [ProposalState.DRAFT, ProposalState.OPEN, ProposalState.WITHDRAWN, ProposalState.ACCEPTED]


@dataclass(frozen=True)
class ProposalPlan:
    author: int  # person index; 0 is the organisation's creator
    visibility: Visibility
    unit: int | None
    participants: dict[int, ParticipantRole]
    state: ProposalState


@dataclass(frozen=True)
class OrganisationPlan:
    parents: list[int | None]  # unit i's parent is an earlier unit, or None
    people: list[tuple[Role, int | None]]  # (role, unit) of persons 1…; person 0 is the creator
    heads: list[int | None]  # per unit: the person heading it
    proposals: list[ProposalPlan]
    guests: list[tuple[int, Role]] = field(default_factory=list)  # people of the first org


@st.composite
def organisation_plans(draw: st.DrawFn, guests: int = 0) -> OrganisationPlan:
    unit_count = draw(st.integers(0, 6))
    parents = [
        draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None for i in range(unit_count)
    ]
    units = st.one_of(st.none(), st.integers(0, unit_count - 1)) if unit_count else st.none()
    roles = st.sampled_from([Role.MEMBER, Role.MEMBER, Role.OBSERVER, Role.ADMIN])
    people = draw(st.lists(st.tuples(roles, units), min_size=1, max_size=6))
    everyone = len(people) + 1
    heads = [draw(st.one_of(st.none(), st.integers(0, everyone - 1))) for _ in range(unit_count)]
    writers = [0] + [i + 1 for i, (role, _) in enumerate(people) if role is not Role.OBSERVER]
    plans = []
    for _ in range(draw(st.integers(1, 7))):
        visibility = draw(st.sampled_from(list(Visibility)))
        unit = draw(units)
        if visibility is Visibility.UNIT and unit is None:
            visibility = Visibility.ORGANISATION
        chosen = draw(st.lists(st.integers(0, everyone - 1), max_size=3, unique=True))
        participants = {
            p: ParticipantRole.INFORMED
            if p and people[p - 1][0] is Role.OBSERVER
            else draw(st.sampled_from(list(ParticipantRole)))
            for p in chosen
        }
        plans.append(
            ProposalPlan(
                author=draw(st.sampled_from(writers)),
                visibility=visibility,
                unit=unit,
                participants=participants,
                state=draw(st.sampled_from(STATES)),
            )
        )
    shared = draw(st.lists(st.integers(1, guests), unique=True, max_size=2)) if guests else []
    return OrganisationPlan(parents, people, heads, plans, [(g, draw(roles)) for g in shared])


@dataclass
class Built:
    organisation_id: int
    people: list[int]  # user ids by person index
    units: list[int]
    proposals: list[tuple[int, ProposalPlan]]  # (proposal id, plan)
    member_units: dict[int, int | None]  # user id → unit index


async def build(plan: OrganisationPlan, guests: list[int] | None = None) -> Built:
    """Carry out ``plan`` through the services, as its members would."""
    creator = await person("creator")
    creator_viewer = await load_viewer(creator.id)
    organisation = await organisations.create_organisation(
        creator_viewer, slug=unique("gen"), name="Generated", default_rule=RuleKind.CONSENT
    )
    org = organisation.id
    admin = await load_viewer(creator.id)
    units: list[int] = []
    for i, parent in enumerate(plan.parents):
        unit = await organisations.create_unit(
            admin, org, name=f"U{i}", parent_id=None if parent is None else units[parent]
        )
        units.append(unit.id)
    people = [creator.id]
    member_units: dict[int, int | None] = {creator.id: None}
    for i, (role, unit_index) in enumerate(plan.people):
        membership = await organisations.add_member(
            admin,
            org,
            email=f"{unique(f'p{i}')}@example.org",
            name=f"Person {i}",
            role=role,
            unit_id=None if unit_index is None else units[unit_index],
        )
        people.append(membership.user_id)
        member_units[membership.user_id] = unit_index
    for guest_index, role in plan.guests:
        assert guests is not None
        user = await _email_of(guests[guest_index])
        await organisations.add_member(admin, org, email=user, role=role)
        member_units[guests[guest_index]] = None
    for unit_index, head in enumerate(plan.heads):
        if head is not None:
            await organisations.update_unit(
                admin, units[unit_index], organisations.UnitChanges(head_id=people[head])
            )
    built = []
    for p in plan.proposals:
        author = await load_viewer(people[p.author])
        participants = {people[i]: role for i, role in p.participants.items()}
        rule = RuleKind.CONSENT
        if p.state is ProposalState.ACCEPTED:
            participants[people[p.author]] = ParticipantRole.DECIDER
            rule = RuleKind.DECIDER
        proposal = await proposals.draft_proposal(
            author,
            org,
            proposals.ProposalDraft(
                title="Generated",
                summary="A generated proposal.",
                body="",
                unit_id=None if p.unit is None else units[p.unit],
                visibility=p.visibility,
                rule=rule,
                participants=participants,
            ),
        )
        if p.state is not ProposalState.DRAFT:
            await proposals.open_proposal(author, proposal.id)
        if p.state is ProposalState.WITHDRAWN:
            await proposals.withdraw_proposal(author, proposal.id, "Generated.")
        if p.state is ProposalState.ACCEPTED:
            await proposals.decide_proposal(
                author, proposal.id, outcome=ProposalState.ACCEPTED, statement="Generated."
            )
        final = ProposalPlan(p.author, p.visibility, p.unit, dict(p.participants), p.state)
        if p.state is ProposalState.ACCEPTED:
            final.participants[p.author] = ParticipantRole.DECIDER
        built.append((proposal.id, final))
    return Built(org, people, units, built, member_units)


async def _email_of(user_id: int) -> str:
    from actas.api.models import User

    return (await User.get(id=user_id)).email


def issue_rule(built: Built, plan: OrganisationPlan, user_id: int, proposal: ProposalPlan) -> bool:
    """The visibility rule as the issue words it, computed from the plan alone."""
    if user_id not in built.member_units:
        return False
    person_of = {uid: i for i, uid in enumerate(built.people)}
    involved = {built.people[i] for i in proposal.participants} | {built.people[proposal.author]}
    if user_id in involved:
        return True
    if proposal.state is ProposalState.DRAFT:
        return False
    if proposal.visibility is Visibility.ORGANISATION:
        return True
    if proposal.visibility is Visibility.PARTICIPANTS:
        return False

    def lineage(unit: int | None) -> list[int]:
        chain = []
        while unit is not None:
            chain.append(unit)
            unit = plan.parents[unit]
        return chain

    owner = proposal.unit
    belongs_below = owner in lineage(built.member_units[user_id])
    me = person_of.get(user_id)
    heads_above = me is not None and any(plan.heads[u] == me for u in lineage(owner))
    return belongs_below or heads_above


@settings(
    max_examples=12,
    deadline=None,
    # The only function-scoped fixture is conftest's autouse hook that opens the session's
    # database; it holds no per-example state.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
async def test_python_and_sql_visibility_agree_on_generated_organisations(
    database: Settings, data: st.DataObject
) -> None:
    first_plan = data.draw(organisation_plans(), label="first organisation")
    first = await build(first_plan)
    second_plan = data.draw(
        organisation_plans(guests=len(first_plan.people)), label="second organisation"
    )
    second = await build(second_plan, guests=first.people)
    outsider = (await person("outsider")).id
    worlds = [(first, first_plan), (second, second_plan)]
    all_proposals = {pid: (b, plan, p) for b, plan in worlds for pid, p in b.proposals}
    stored = await Proposal.filter(id__in=list(all_proposals))
    audiences = await proposal_audiences(stored)
    viewers = {*first.people, *second.people, outsider}

    for user_id in sorted(viewers):
        viewer = await load_viewer(user_id)
        by_sql = set(
            await visible_proposals(viewer)
            .filter(id__in=list(all_proposals))
            .values_list("id", flat=True)
        )
        by_python = {
            pid
            for pid, audience in audiences.items()
            if can_see_proposal(user_id, viewer.member_of(audience.organisation_id), audience)
        }
        by_issue = {
            pid for pid, (b, plan, p) in all_proposals.items() if issue_rule(b, plan, user_id, p)
        }
        assert by_sql == by_python == by_issue, f"viewer {user_id}"
        for b, _ in worlds:
            in_one = set(
                await visible_proposals(viewer, b.organisation_id)
                .filter(id__in=list(all_proposals))
                .values_list("id", flat=True)
            )
            assert in_one == {pid for pid in by_sql if all_proposals[pid][0] is b}


def test_unit_audience_is_own_lineage_plus_headed_subtrees() -> None:
    #      1
    #    2   3
    #    4     5
    tree = UnitTree({1: None, 2: 1, 3: 1, 4: 2, 5: 3})
    assert unit_audience(4, [], tree) == {4, 2, 1}
    assert unit_audience(None, [3], tree) == {3, 5}
    assert unit_audience(2, [3], tree) == {2, 1, 3, 5}
    assert unit_audience(None, [], tree) == frozenset()


# --- drafts and hidden things --------------------------------------------------------------------


@pytest.fixture(scope="module")
async def world(database: Settings) -> World:
    return await build_world()


async def test_a_draft_is_seen_by_its_author_and_participants_only(world: World) -> None:
    proposal = await draft(world, participants={"teo": ParticipantRole.INFORMED})
    seen_by = set()
    for name in world.users:
        viewer = await world.viewer(name)
        if await visible_proposals(viewer).filter(id=proposal.id).exists():
            seen_by.add(name)
    assert seen_by == {"mara", "teo"}


async def test_a_draft_withdrawn_without_opening_stays_private(world: World) -> None:
    proposal = await draft(world, participants={"teo": ParticipantRole.INFORMED})
    await proposals.withdraw_proposal(await world.viewer("mara"), proposal.id, "Not now.")

    seen_by = set()
    for name in world.users:
        if await visible_proposals(await world.viewer(name)).filter(id=proposal.id).exists():
            seen_by.add(name)
    assert seen_by == {"mara", "teo"}


async def test_once_open_the_organisation_sees_it(world: World) -> None:
    proposal = await opened(world)
    for name in world.users:
        assert await visible_proposals(await world.viewer(name)).filter(id=proposal.id).exists()


def _shape(error: BaseException, key: object) -> tuple[type, str, str]:
    assert isinstance(error, NotFound)
    return type(error), error.code, str(error).replace(str(key), "<key>")


async def _refusal(call: Awaitable[object]) -> BaseException:
    try:
        await call
    except Exception as error:
        return error
    raise AssertionError("the call succeeded")


MISSING = 2_000_000_000


async def test_a_hidden_proposal_looks_exactly_like_a_missing_one(world: World) -> None:
    from actas.api.domain.vocabulary import LinkKind, PositionStance, Stance
    from actas.api.services import debate

    hidden = await draft(world, "ana")
    other_world = await build_world(people={}, units=())
    foreign = await opened(other_world, "admin")
    mara = await world.viewer("mara")
    own = await opened(world)
    operations = {
        "open": lambda pid: proposals.open_proposal(mara, pid),
        "update": lambda pid: proposals.update_proposal(
            mara, pid, proposals.ProposalChanges(tags=["x"])
        ),
        "revise": lambda pid: proposals.revise_proposal(
            mara, pid, expected_version=1, change_note="n", body="b"
        ),
        "participant": lambda pid: proposals.set_participant(
            mara, pid, world.id("teo"), ParticipantRole.CONSULTED
        ),
        "withdraw": lambda pid: proposals.withdraw_proposal(mara, pid, "r"),
        "abandon": lambda pid: proposals.abandon_proposal(mara, pid, "r"),
        "decide": lambda pid: proposals.decide_proposal(
            mara, pid, outcome=ProposalState.ACCEPTED, statement="s"
        ),
        "link from": lambda pid: proposals.link_proposals(mara, pid, own.id, LinkKind.RELATED),
        "link to": lambda pid: proposals.link_proposals(mara, own.id, pid, LinkKind.RELATED),
        "argue": lambda pid: debate.add_argument(mara, pid, stance=Stance.FOR, body="b"),
        "position": lambda pid: debate.take_position(mara, pid, stance=PositionStance.AGREE),
    }
    for name, operation in operations.items():
        missing = _shape(await _refusal(operation(MISSING)), MISSING)
        assert _shape(await _refusal(operation(hidden.id)), hidden.id) == missing, name
        assert _shape(await _refusal(operation(foreign.id)), foreign.id) == missing, name


async def test_a_hidden_argument_looks_exactly_like_a_missing_one(world: World) -> None:
    from actas.api.domain.vocabulary import Stance
    from actas.api.services import debate

    private = await opened(world, "ana", visibility=Visibility.PARTICIPANTS)
    argument = await debate.add_argument(
        await world.viewer("ana"), private.id, stance=Stance.FOR, body="Just us."
    )
    mara = await world.viewer("mara")

    missing = _shape(await _refusal(debate.edit_argument(mara, MISSING, body="x")), MISSING)
    hidden = await _refusal(debate.edit_argument(mara, argument.id, body="x"))

    assert _shape(hidden, argument.id) == missing
    assert str(private.id) not in str(hidden)


async def test_hidden_units_memberships_and_organisations_look_missing(world: World) -> None:
    other = await build_world()
    admin = await world.viewer("admin")
    other_unit = other.units["marketing"].id
    other_membership = (await other.membership("mara")).id
    checks = [
        (
            lambda key: organisations.update_unit(admin, key, organisations.UnitChanges(name="X")),
            other_unit,
        ),
        (
            lambda key: organisations.update_member(
                admin, key, organisations.MembershipChanges(title="X")
            ),
            other_membership,
        ),
        (
            lambda key: organisations.update_organisation(
                admin, key, organisations.OrganisationChanges(name="X")
            ),
            other.organisation.id,
        ),
        (lambda key: organisations.create_unit(admin, key, name="X"), other.organisation.id),
        (
            lambda key: organisations.add_member(admin, key, email="x@example.org", name="X"),
            other.organisation.id,
        ),
        (
            lambda key: proposals.draft_proposal(
                admin, key, proposals.ProposalDraft(title="T", summary="S", body="")
            ),
            other.organisation.id,
        ),
    ]
    for operation, hidden_key in checks:
        missing = _shape(await _refusal(operation(MISSING)), MISSING)
        assert _shape(await _refusal(operation(hidden_key)), hidden_key) == missing

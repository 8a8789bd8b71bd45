"""Organisations: their settings, the unit tree, members by email, and the roles they hold."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from actas.api.domain.errors import Forbidden, ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.vocabulary import (
    Language,
    ParticipantRole,
    ProposalState,
    Role,
    RuleKind,
    TokenScope,
)
from actas.api.models import Event, Membership, Organisation, Participant, Unit, User
from actas.api.services import organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.settings import Settings
from tests.factories import World, build_world, draft, opened, person, unique

UnitChanges, MembershipChanges = organisations.UnitChanges, organisations.MembershipChanges


@pytest.fixture(scope="module")
async def world(database: Settings) -> World:
    return await build_world()


# --- the organisation ----------------------------------------------------------------------------


async def test_the_creator_is_the_first_admin(database: Settings) -> None:
    founder = await person("founder")
    slug = unique("acme")

    organisation = await organisations.create_organisation(
        await load_viewer(founder.id),
        slug=f"  {slug.upper()} ",
        name="Acme",
        language=Language.EN,
        default_rule=RuleKind.MAJORITY,
        majority_threshold=0.66,
        quorum=0.4,
    )

    assert organisation.slug == slug
    [membership] = await Membership.filter(organisation_id=organisation.id)
    assert (membership.user_id, membership.role) == (founder.id, Role.ADMIN)
    events = await Event.filter(organisation_id=organisation.id).order_by("seq")
    assert [e.type for e in events] == [EventType.ORGANISATION_CREATED, EventType.MEMBER_ADDED]
    assert orjson.loads(events[0].payload) == {
        "slug": slug,
        "name": "Acme",
        "language": "en",
        "default_rule": "majority",
        "majority_threshold": 0.66,
        "quorum": 0.4,
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"slug": "a"}, "slug"),
        ({"slug": "9lives"}, "slug"),
        ({"slug": "double--hyphen"}, "slug"),
        ({"slug": "x" * 41}, "slug"),
        ({"name": " "}, "name"),
        ({"majority_threshold": 0.0}, "threshold"),
        ({"quorum": 1.5}, "quorum"),
    ],
)
async def test_a_bad_organisation_is_refused(
    database: Settings, fields: dict[str, Any], field: str
) -> None:
    founder = await person("founder")
    arguments: dict[str, Any] = {"slug": unique("org"), "name": "Org", **fields}
    with pytest.raises(ValidationFailed) as refused:
        await organisations.create_organisation(await load_viewer(founder.id), **arguments)
    assert refused.value.field == field
    assert not await Membership.exists(user_id=founder.id)


async def test_a_read_only_token_creates_no_organisation(database: Settings) -> None:
    founder = await person("founder")
    with pytest.raises(Forbidden, match="read-only"):
        await organisations.create_organisation(
            await load_viewer(founder.id, TokenScope.READ), slug=unique("ro"), name="Read only"
        )
    assert not await Membership.exists(user_id=founder.id)


async def test_a_slug_is_taken_once(world: World) -> None:
    founder = await person("founder")
    with pytest.raises(ValidationFailed, match="taken"):
        await organisations.create_organisation(
            await load_viewer(founder.id), slug=world.organisation.slug, name="Copy"
        )


@pytest.mark.parametrize(
    ("who", "scope"),
    [("mara", TokenScope.WRITE), ("olga", TokenScope.WRITE), ("admin", TokenScope.READ)],
)
async def test_only_an_admin_with_a_write_token_manages_the_organisation(
    world: World, who: str, scope: TokenScope
) -> None:
    viewer = await world.viewer(who, scope)
    before = await world.last_seq()
    attempts = [
        organisations.update_organisation(
            viewer, world.organisation.id, organisations.OrganisationChanges(name="Mine")
        ),
        organisations.create_unit(viewer, world.organisation.id, name="Mine"),
        organisations.update_unit(viewer, world.units["marketing"].id, UnitChanges(name="Mine")),
        organisations.add_member(
            viewer, world.organisation.id, email=f"{unique('x')}@example.org", name="X"
        ),
        organisations.update_member(
            viewer, (await world.membership("ana")).id, MembershipChanges(role=Role.ADMIN)
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden):
            await attempt
    assert await world.events_since(before) == []
    assert (await Organisation.get(id=world.organisation.id)).name == "Test organisation"


# --- the unit tree -------------------------------------------------------------------------------


async def test_an_admin_sets_when_the_silent_are_reminded_and_escalated(
    database: Settings,
) -> None:
    world = await build_world(people={}, units=())
    admin = await world.viewer("admin")

    await organisations.update_organisation(
        admin,
        world.organisation.id,
        organisations.OrganisationChanges(reminder_hours=[24, 72, 24], escalation_hours=12),
    )

    stored = await Organisation.get(id=world.organisation.id)
    assert (stored.reminder_hours, stored.escalation_hours) == ("72,24", 12)
    event = await Event.filter(organisation_id=stored.id).order_by("-seq").first()
    assert event is not None and event.type == EventType.ORGANISATION_UPDATED
    assert orjson.loads(event.payload) == {"reminder_hours": "72,24", "escalation_hours": 12}
    for bad in (
        organisations.OrganisationChanges(reminder_hours=[-1]),
        organisations.OrganisationChanges(reminder_hours=[1, 2, 3, 4, 5, 6]),
        organisations.OrganisationChanges(escalation_hours=24 * 31),
    ):
        with pytest.raises(ValidationFailed):
            await organisations.update_organisation(admin, world.organisation.id, bad)


async def test_sibling_units_have_different_names(database: Settings) -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    org, units = world.organisation.id, world.units

    with pytest.raises(ValidationFailed, match="already a unit") as refused:
        await organisations.create_unit(
            admin, org, name="Analitica", parent_id=units["marketing"].id
        )
    assert refused.value.field == "name"
    with pytest.raises(ValidationFailed, match="already a unit"):
        await organisations.create_unit(admin, org, name="Direccion")  # a second root of that name
    with pytest.raises(ValidationFailed, match="already a unit"):
        await organisations.update_unit(
            admin, units["tecnologia"].id, UnitChanges(name="Marketing")
        )
    with pytest.raises(ValidationFailed, match="already a unit"):
        await organisations.update_unit(
            admin,
            units["analitica"].id,
            UnitChanges(parent_id=units["direccion"].id, name="Marketing"),
        )

    # The same name elsewhere in the tree is fine.
    cousin = await organisations.create_unit(
        admin, org, name="Analitica", parent_id=units["tecnologia"].id
    )
    assert cousin.parent_id == units["tecnologia"].id


@pytest.mark.parametrize("under", ["analitica", "marketing"])
async def test_a_unit_cannot_be_placed_under_itself_or_below_itself(
    database: Settings, under: str
) -> None:
    world = await build_world()
    before = await world.last_seq()

    with pytest.raises(ValidationFailed, match="under itself") as refused:
        await organisations.update_unit(
            await world.viewer("admin"),
            world.units["marketing"].id,
            UnitChanges(parent_id=world.units[under].id),
        )

    assert refused.value.field == "parent"
    assert (await Unit.get(id=world.units["marketing"].id)).parent_id == world.units["direccion"].id
    assert await world.events_since(before) == []


async def test_a_unit_moves_within_the_tree_and_to_the_top(database: Settings) -> None:
    world = await build_world()
    admin = await world.viewer("admin")

    moved = await organisations.update_unit(
        admin, world.units["analitica"].id, UnitChanges(parent_id=world.units["tecnologia"].id)
    )
    assert moved.parent_id == world.units["tecnologia"].id
    top = await organisations.update_unit(
        admin, world.units["analitica"].id, UnitChanges(move_to_top=True)
    )
    assert top.parent_id is None
    assert (await Unit.get(id=world.units["analitica"].id)).parent_id is None


async def test_a_unit_head_is_a_member_and_can_be_removed(database: Settings) -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    stranger = await person("stranger")

    with pytest.raises(ValidationFailed) as refused:
        await organisations.update_unit(
            admin, world.units["analitica"].id, UnitChanges(head_id=stranger.id)
        )
    assert refused.value.field == "head"

    unit = await organisations.update_unit(
        admin, world.units["marketing"].id, UnitChanges(remove_head=True)
    )
    assert unit.head_id is None


async def test_a_parent_unit_is_in_the_same_organisation(world: World) -> None:
    other = await build_world(people={}, units=(("raiz", None, None),))
    with pytest.raises(ValidationFailed) as refused:
        await organisations.create_unit(
            await world.viewer("admin"),
            world.organisation.id,
            name="Annex",
            parent_id=other.units["raiz"].id,
        )
    assert refused.value.field == "parent"


# --- members -------------------------------------------------------------------------------------


async def test_a_new_email_becomes_a_new_user_and_a_known_one_is_reused(world: World) -> None:
    admin = await world.viewer("admin")
    address = f"{unique('Nueva')}@Example.org"

    membership = await organisations.add_member(
        admin, world.organisation.id, email=f"  {address} ", name="Nueva Persona", title="Analyst"
    )

    user = await User.get(id=membership.user_id)
    assert (user.email, user.name) == (address.lower(), "Nueva Persona")
    other = await build_world(people={}, units=())
    again = await organisations.add_member(
        await other.viewer("admin"), other.organisation.id, email=address.upper()
    )
    assert again.user_id == user.id
    assert await User.filter(email=address.lower()).count() == 1


async def test_a_new_email_needs_a_name(world: World) -> None:
    address = f"{unique('nameless')}@example.org"
    with pytest.raises(ValidationFailed) as refused:
        await organisations.add_member(
            await world.viewer("admin"), world.organisation.id, email=address
        )
    assert refused.value.field == "name"
    assert not await User.exists(email=address)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "two@@example.org"}, "email"),
        ({"weight": -1}, "weight"),
        ({"weight": 1001}, "weight"),
        ({"title": "x" * 201}, "title"),
    ],
)
async def test_a_bad_member_is_refused(world: World, fields: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"email": f"{unique('m')}@example.org", "name": "M", **fields}
    before = await world.last_seq()
    with pytest.raises(ValidationFailed) as refused:
        await organisations.add_member(
            await world.viewer("admin"), world.organisation.id, **arguments
        )
    assert refused.value.field == field
    assert await world.events_since(before) == []


async def test_a_member_is_added_once(world: World) -> None:
    with pytest.raises(ValidationFailed, match="already a member"):
        await organisations.add_member(
            await world.viewer("admin"), world.organisation.id, email=world.users["ana"].email
        )


async def test_an_organisation_keeps_at_least_one_admin(database: Settings) -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    mine = await world.membership("admin")

    for role in (Role.MEMBER, Role.OBSERVER):
        with pytest.raises(ValidationFailed, match="at least one admin"):
            await organisations.update_member(admin, mine.id, MembershipChanges(role=role))

    ana = await world.membership("ana")
    await organisations.update_member(admin, ana.id, MembershipChanges(role=Role.ADMIN))
    stepped_down = await organisations.update_member(
        admin, mine.id, MembershipChanges(role=Role.MEMBER)
    )
    assert stepped_down.role == Role.MEMBER
    with pytest.raises(ValidationFailed, match="at least one admin"):
        await organisations.update_member(
            await world.viewer("ana"), ana.id, MembershipChanges(role=Role.MEMBER)
        )


async def test_member_changes_are_validated(world: World) -> None:
    other = await build_world(people={}, units=(("raiz", None, None),))
    ana = await world.membership("ana")
    with pytest.raises(ValidationFailed) as refused:
        await organisations.update_member(
            await world.viewer("admin"), ana.id, MembershipChanges(unit_id=other.units["raiz"].id)
        )
    assert refused.value.field == "unit"
    with pytest.raises(ValidationFailed) as refused:
        await organisations.update_member(
            await world.viewer("admin"), ana.id, MembershipChanges(weight=5000)
        )
    assert refused.value.field == "weight"


# --- observers hold no voice ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [ParticipantRole.DECIDER, ParticipantRole.REQUIRED, ParticipantRole.CONSULTED]
)
async def test_an_observer_is_never_a_voting_participant(
    world: World, role: ParticipantRole
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await draft(world, participants={"olga": role})
    assert refused.value.field == "participants"

    proposal = await opened(world)
    with pytest.raises(ValidationFailed):  # an admin, who may name deciders of an open proposal
        await proposals.set_participant(
            await world.viewer("admin"), proposal.id, world.id("olga"), role
        )
    assert not await Participant.exists(proposal_id=proposal.id)


async def test_an_observer_may_be_kept_informed(world: World) -> None:
    proposal = await opened(world, participants={"olga": ParticipantRole.INFORMED})
    assert await Participant.get(proposal_id=proposal.id, user_id=world.id("olga"))


async def test_a_voting_participant_is_not_made_an_observer(database: Settings) -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    proposal = await opened(world, participants={"teo": ParticipantRole.DECIDER})
    teo = await world.membership("teo")
    before = await world.last_seq()

    with pytest.raises(ValidationFailed) as refused:
        await organisations.update_member(admin, teo.id, MembershipChanges(role=Role.OBSERVER))
    assert refused.value.field == "role"
    assert (await Membership.get(id=teo.id)).role == Role.MEMBER
    assert await world.events_since(before) == []

    # Once the proposal is decided, teo's role on it is history and no longer in the way.
    await proposals.decide_proposal(
        await world.viewer("teo"), proposal.id, outcome=ProposalState.ACCEPTED, statement="Done."
    )
    demoted = await organisations.update_member(
        admin, teo.id, MembershipChanges(role=Role.OBSERVER)
    )
    assert demoted.role == Role.OBSERVER

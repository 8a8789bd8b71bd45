"""Arrange helpers: organisations, people and proposals built through the real services."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import ParticipantRole, Role, RuleKind, TokenScope, Visibility
from actas.api.models import Event, Membership, Organisation, Proposal, Unit, User
from actas.api.services import organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.services.users import find_or_create_user


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@dataclass
class World:
    """One organisation with named people and units."""

    organisation: Organisation
    users: dict[str, User] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)

    async def viewer(self, person: str, scope: TokenScope = TokenScope.WRITE) -> Viewer:
        return await load_viewer(self.users[person].id, scope)

    def id(self, person: str) -> int:
        return self.users[person].id

    async def membership(self, person: str) -> Membership:
        return await Membership.get(organisation_id=self.organisation.id, user_id=self.id(person))

    async def last_seq(self) -> int:
        """The sequence number of the organisation's latest event (0 before any)."""
        head = await Event.filter(organisation_id=self.organisation.id).order_by("-seq").first()
        return head.seq if head else 0

    async def events_since(self, seq: int) -> list[Event]:
        """The organisation's events recorded after ``seq``, in order."""
        return (
            await Event.filter(organisation_id=self.organisation.id, seq__gt=seq)
            .order_by("seq")
            .all()
        )


# (name, parent, head)
DEFAULT_UNITS: tuple[tuple[str, str | None, str | None], ...] = (
    ("direccion", None, "admin"),
    ("marketing", "direccion", "mara"),
    ("analitica", "marketing", None),
    ("tecnologia", "direccion", "teo"),
)
# person: (role, unit, weight)
DEFAULT_PEOPLE: dict[str, tuple[Role, str | None, int]] = {
    "mara": (Role.MEMBER, "marketing", 2),
    "ana": (Role.MEMBER, "analitica", 1),
    "teo": (Role.MEMBER, "tecnologia", 1),
    "olga": (Role.OBSERVER, "direccion", 1),
    "ext": (Role.MEMBER, "analitica", 1),
}


async def person(name: str) -> User:
    return await find_or_create_user(f"{unique(name)}@example.org", name=name.title())


async def build_world(
    people: Mapping[str, tuple[Role, str | None, int]] = DEFAULT_PEOPLE,
    units: tuple[tuple[str, str | None, str | None], ...] = DEFAULT_UNITS,
    default_rule: RuleKind = RuleKind.CONSENT,
) -> World:
    """An organisation created by ``admin`` (who sits in the top unit), with ``people``."""
    admin = await person("admin")
    organisation = await organisations.create_organisation(
        await load_viewer(admin.id),
        slug=unique("org"),
        name="Test organisation",
        default_rule=default_rule,
    )
    world = World(organisation, users={"admin": admin})
    admin_viewer = await world.viewer("admin")
    for name, parent, _head in units:
        world.units[name] = await organisations.create_unit(
            admin_viewer,
            organisation.id,
            name=name.title(),
            parent_id=world.units[parent].id if parent else None,
        )
    for name, (role, unit, weight) in people.items():
        membership = await organisations.add_member(
            admin_viewer,
            organisation.id,
            email=f"{unique(name)}@example.org",
            name=name.title(),
            role=role,
            unit_id=world.units[unit].id if unit else None,
            weight=weight,
            external=name.startswith("ext"),
        )
        world.users[name] = await User.get(id=membership.user_id)
    if "direccion" in world.units:
        admin_membership = await Membership.get(organisation_id=organisation.id, user_id=admin.id)
        await organisations.update_member(
            admin_viewer,
            admin_membership.id,
            organisations.MembershipChanges(unit_id=world.units["direccion"].id),
        )
    for name, _parent, head in units:
        if head:
            await organisations.update_unit(
                admin_viewer,
                world.units[name].id,
                organisations.UnitChanges(head_id=world.id(head)),
            )
    return world


async def draft(
    world: World,
    author: str = "mara",
    *,
    participants: Mapping[str, ParticipantRole] | None = None,
    visibility: Visibility = Visibility.ORGANISATION,
    unit: str | None = None,
    **fields: Any,
) -> Proposal:
    return await proposals.draft_proposal(
        await world.viewer(author),
        world.organisation.id,
        proposals.ProposalDraft(
            title=fields.pop("title", "Run an A/B test on the checkout"),
            summary=fields.pop("summary", "Test a one-page checkout against the current one."),
            body=fields.pop("body", "We expect fewer abandoned carts."),
            visibility=visibility,
            unit_id=world.units[unit].id if unit else None,
            participants={world.id(p): r for p, r in (participants or {}).items()},
            **fields,
        ),
    )


async def opened(world: World, author: str = "mara", **kwargs: Any) -> Proposal:
    proposal = await draft(world, author, **kwargs)
    return await proposals.open_proposal(await world.viewer(author), proposal.id)

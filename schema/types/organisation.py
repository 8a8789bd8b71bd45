"""Organisations, their unit tree and their members."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from actas.api import models
from actas.api.domain import vocabulary
from actas.api.domain.threads import depth_first
from actas.api.domain.vocabulary import EmailMode
from actas.api.services import invitations
from actas.api.services.metrics import organisation_metrics
from actas.api.services.search import ProposalFilter, find_proposals, visible_events
from actas.api.services.themes import organisation_themes
from actas.schema.context import Info
from actas.schema.ids import optional_database_id
from actas.schema.pagination import Connection, page_of
from actas.schema.types.absence import AbsenceNode
from actas.schema.types.enums import Language, ProposalState, Role, RuleKind
from actas.schema.types.follow_through import MetricsNode, WebhookNode
from actas.schema.types.invitation import InvitationNode
from actas.schema.types.people import UserNode
from actas.schema.types.record import EventNode
from actas.schema.types.themes import MAX_THEMES, Theme, check_first

if TYPE_CHECKING:
    from actas.schema.types.proposal import ProposalNode

ProposalRef = Annotated["ProposalNode", strawberry.lazy("actas.schema.types.proposal")]


@strawberry.type(name="Organisation")
class OrganisationNode(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    language: Language
    default_rule: RuleKind
    majority_threshold: float
    quorum: float
    reminder_hours: list[int] = strawberry.field(
        description="Hours before a deadline when silent voices are reminded."
    )
    escalation_hours: int = strawberry.field(
        description="Hours before a deadline when their unit's heads are alerted."
    )
    created_at: datetime

    @classmethod
    def from_model(cls, organisation: models.Organisation) -> OrganisationNode:
        return cls(
            id=organisation.id,
            slug=organisation.slug,
            name=organisation.name,
            language=vocabulary.Language(organisation.language),
            default_rule=vocabulary.RuleKind(organisation.default_rule),
            majority_threshold=organisation.majority_threshold,
            quorum=organisation.quorum,
            reminder_hours=[int(h) for h in organisation.reminder_hours.split(",") if h],
            escalation_hours=organisation.escalation_hours,
            created_at=organisation.created_at,
        )

    @strawberry.field(description="Every unit, depth first: each unit follows its parent.")
    async def units(self, info: Info) -> list[UnitNode]:
        units = await info.context.loaders.units.load(self.id)
        return [UnitNode.from_model(u, depth) for u, depth in _tree(units)]

    @strawberry.field(description="The members, optionally of one unit (not its sub-units).")
    async def members(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        unit: relay.GlobalID | None = None,
    ) -> Connection[MembershipNode]:
        query = models.Membership.filter(organisation_id=self.id)
        if unit is not None:
            query = query.filter(unit_id=optional_database_id(unit, "Unit"))
        return await page_of(
            query,
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            convert=MembershipNode.from_model,
        )

    @strawberry.field(description="Invitations sent from here, newest first (admins only).")
    async def invitations(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[InvitationNode]:
        return await page_of(
            invitations.sent_by(info.context.viewer, self.id).select_related(
                "invitee", "organisation"
            ),
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            newest_first=True,
            convert=InvitationNode.from_model,
        )

    @strawberry.field(description="Your membership here.")
    async def viewer_membership(self, info: Info) -> MembershipNode | None:
        scope = info.context.viewer.member_of(self.id)
        if scope is None:
            return None
        membership = await info.context.loaders.membership.load(scope.membership_id)
        return MembershipNode.from_model(membership) if membership else None

    @strawberry.field(description="Proposals you may see, newest first.")
    async def proposals(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        states: list[ProposalState] | None = None,
        unit: relay.GlobalID | None = None,
        tag: str | None = None,
        participant: relay.GlobalID | None = None,
        text: str | None = None,
        proposed_after: datetime | None = None,
        proposed_before: datetime | None = None,
    ) -> Connection[ProposalRef]:
        from actas.schema.types.proposal import ProposalNode

        wanted = ProposalFilter(
            states=[vocabulary.ProposalState(s) for s in states or ()],
            unit_id=optional_database_id(unit, "Unit"),
            tag=tag,
            participant_id=optional_database_id(participant, "User"),
            text=text,
            proposed_after=proposed_after,
            proposed_before=proposed_before,
        )
        query = find_proposals(info.context.viewer, self.id, wanted).select_related(
            "organisation", "author", "decision"
        )
        return await page_of(
            query,
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            newest_first=True,
            convert=ProposalNode.from_model,
        )

    @strawberry.field(
        description="The organisation's record, newest first: its own changes (members, units, "
        "settings) and those of the proposals you may see."
    )
    async def events(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[EventNode]:
        return await page_of(
            visible_events(info.context.viewer, self.id),
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            newest_first=True,
            convert=EventNode.from_model,
        )

    @strawberry.field(
        description="What keeps coming back: the recurring topics of the proposals you may see "
        "(in a unit, with a tag, proposed since a moment), most proposals first. Counted again "
        "after each change here."
    )
    async def themes(
        self,
        info: Info,
        unit: relay.GlobalID | None = None,
        tag: str | None = None,
        since: datetime | None = None,
        first: int = 10,
    ) -> list[Theme]:
        check_first(first, MAX_THEMES)
        wanted = ProposalFilter(
            unit_id=optional_database_id(unit, "Unit"), tag=tag, proposed_after=since
        )
        found = await organisation_themes(info.context.viewer, self.id, wanted, first=first)
        return [Theme.of(theme) for theme in found]

    @strawberry.field(
        description="How decisions flow here (or in a unit and below), over what you may see."
    )
    async def metrics(self, info: Info, unit: relay.GlobalID | None = None) -> MetricsNode:
        metrics = await organisation_metrics(
            info.context.viewer, self.id, optional_database_id(unit, "Unit")
        )
        return MetricsNode.from_metrics(metrics)

    @strawberry.field(description="The organisation's webhooks (admins only; empty otherwise).")
    async def webhooks(self, info: Info) -> list[WebhookNode]:
        member = info.context.viewer.member_of(self.id)
        if member is None or not member.is_admin:
            return []
        rows = await models.Webhook.filter(organisation_id=self.id).order_by("id")
        return [WebhookNode.from_model(w) for w in rows]


@strawberry.type(name="Unit")
class UnitNode(relay.Node):
    id: relay.NodeID[int]
    name: str
    depth: int
    organisation_id: strawberry.Private[int]
    parent_id: strawberry.Private[int | None]
    head_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, unit: models.Unit, depth: int) -> UnitNode:
        return cls(
            id=unit.id,
            name=unit.name,
            depth=depth,
            organisation_id=unit.organisation_id,
            parent_id=unit.parent_id,
            head_id=unit.head_id,
        )

    @strawberry.field
    async def parent(self, info: Info) -> UnitNode | None:
        return await _unit(info, self.organisation_id, self.parent_id)

    @strawberry.field
    async def children(self, info: Info) -> list[UnitNode]:
        units = await info.context.loaders.units.load(self.organisation_id)
        return [UnitNode.from_model(u, self.depth + 1) for u in units if u.parent_id == self.id]

    @strawberry.field(description="The member who heads the unit (alerted when its people stall).")
    async def head(self, info: Info) -> UserNode | None:
        if self.head_id is None:
            return None
        user = await info.context.loaders.user.load(self.head_id)
        return UserNode.from_model(user) if user else None


async def _unit(info: Info, organisation_id: int, unit_id: int | None) -> UnitNode | None:
    """A unit with its depth, from its organisation's (cached) unit tree."""
    if unit_id is None:
        return None
    units = await info.context.loaders.units.load(organisation_id)
    for unit, depth in _tree(units):
        if unit.id == unit_id:
            return UnitNode.from_model(unit, depth)
    return None


def _tree(units: list[models.Unit]) -> list[tuple[models.Unit, int]]:
    return depth_first(units, key=lambda u: u.id, parent=lambda u: u.parent_id)


@strawberry.type(name="Membership")
class MembershipNode(relay.Node):
    id: relay.NodeID[int]
    title: str
    role: Role
    external: bool = strawberry.field(description="A consultant inside a client organisation.")
    weight: int
    created_at: datetime
    organisation_id: strawberry.Private[int]
    user_id: strawberry.Private[int]
    unit_id: strawberry.Private[int | None]
    email: strawberry.Private[EmailMode]

    @classmethod
    def from_model(cls, membership: models.Membership) -> MembershipNode:
        return cls(
            id=membership.id,
            title=membership.title,
            role=vocabulary.Role(membership.role),
            external=membership.external,
            weight=membership.weight,
            created_at=membership.created_at,
            organisation_id=membership.organisation_id,
            user_id=membership.user_id,
            unit_id=membership.unit_id,
            email=EmailMode(membership.email_mode),
        )

    @strawberry.field
    async def user(self, info: Info) -> UserNode:
        user = await info.context.loaders.user.load(self.user_id)
        assert user is not None
        return UserNode.from_model(user)

    @strawberry.field
    async def unit(self, info: Info) -> UnitNode | None:
        return await _unit(info, self.organisation_id, self.unit_id)

    @strawberry.field(
        description="Their absence now, or else the next one recorded (null: none coming)."
    )
    async def absence(self, info: Info) -> AbsenceNode | None:
        found = await info.context.loaders.absences.load((self.organisation_id, self.user_id))
        return AbsenceNode.of(found[0], self.organisation_id) if found else None

    @strawberry.field(description="How this member wants email (shown to the member only).")
    def email_mode(self, info: Info) -> EmailMode | None:
        return self.email if self.user_id == info.context.viewer.user_id else None

    @strawberry.field
    async def organisation(self, info: Info) -> OrganisationNode:
        organisation = await info.context.loaders.organisation.load(self.organisation_id)
        assert organisation is not None
        return OrganisationNode.from_model(organisation)

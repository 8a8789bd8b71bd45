"""Organisations, units and memberships."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from actas.api.domain import vocabulary
from actas.api.services import invitations, organisations
from actas.schema.context import Info
from actas.schema.errors import returns_errors
from actas.schema.ids import database_id, optional_database_id
from actas.schema.mutations.results import (
    Errors,
    MembershipResult,
    OrganisationResult,
    UnitResult,
    membership_result,
    organisation_result,
    unit_result,
)
from actas.schema.types.enums import Language, Role, RuleKind
from actas.schema.types.invitation import InvitationNode, InvitationSent, invitation_node

InviteMemberResult = Annotated[InvitationSent | Errors, strawberry.union("InviteMemberResult")]
InvitationResult = Annotated[InvitationNode | Errors, strawberry.union("InvitationResult")]
SENT = "Invitation sent: they become a member once they accept it (within 14 days)."


@strawberry.input
class CreateOrganisationInput:
    slug: str = strawberry.field(description="Lowercase; also the prefix of references (ACME-42).")
    name: str
    language: Language = vocabulary.Language.ES
    default_rule: RuleKind = vocabulary.RuleKind.CONSENT
    majority_threshold: float = 0.5
    quorum: float = 0.5


@strawberry.input
class UpdateOrganisationInput:
    organisation: relay.GlobalID
    name: str | None = None
    language: Language | None = None
    default_rule: RuleKind | None = None
    majority_threshold: float | None = None
    quorum: float | None = None
    reminder_hours: list[int] | None = strawberry.field(
        default=None, description="Hours before a deadline when silent voices are reminded."
    )
    escalation_hours: int | None = strawberry.field(
        default=None, description="Hours before a deadline when their heads are alerted (0: at it)."
    )


@strawberry.input
class CreateUnitInput:
    organisation: relay.GlobalID
    name: str
    parent: relay.GlobalID | None = None
    head: relay.GlobalID | None = strawberry.field(default=None, description="A member (User id).")


@strawberry.input
class UpdateUnitInput:
    unit: relay.GlobalID
    name: str | None = None
    parent: relay.GlobalID | None = None
    move_to_top: bool = False
    head: relay.GlobalID | None = None
    remove_head: bool = False


@strawberry.input
class InviteMemberInput:
    organisation: relay.GlobalID
    email: str
    name: str | None = strawberry.field(
        default=None,
        description="Used only if the address has no account yet; never shown before they accept.",
    )
    language: Language | None = None
    unit: relay.GlobalID | None = None
    title: str = ""
    role: Role = vocabulary.Role.MEMBER
    external: bool = False
    weight: int = 1


@strawberry.input
class AcceptInvitationInput:
    invitation: relay.GlobalID


@strawberry.input
class DeclineInvitationInput:
    invitation: relay.GlobalID


@strawberry.input
class RevokeInvitationInput:
    invitation: relay.GlobalID


@strawberry.input
class UpdateMemberInput:
    membership: relay.GlobalID
    unit: relay.GlobalID | None = None
    remove_from_unit: bool = False
    title: str | None = None
    role: Role | None = None
    external: bool | None = None
    weight: int | None = None


@strawberry.type
class OrganisationMutations:
    @strawberry.mutation(description="A new organisation; you become its first admin.")
    @returns_errors
    async def create_organisation(
        self, info: Info, input: CreateOrganisationInput
    ) -> OrganisationResult:
        organisation = await organisations.create_organisation(
            info.context.viewer,
            slug=input.slug,
            name=input.name,
            language=vocabulary.Language(input.language),
            default_rule=vocabulary.RuleKind(input.default_rule),
            majority_threshold=input.majority_threshold,
            quorum=input.quorum,
            creators=info.context.settings.organisation_creators,
        )
        return await organisation_result(info, organisation.id)

    @strawberry.mutation
    @returns_errors
    async def update_organisation(
        self, info: Info, input: UpdateOrganisationInput
    ) -> OrganisationResult:
        organisation_id = database_id(input.organisation, "Organisation")
        await organisations.update_organisation(
            info.context.viewer,
            organisation_id,
            organisations.OrganisationChanges(
                name=input.name,
                language=input.language,
                default_rule=input.default_rule,
                majority_threshold=input.majority_threshold,
                quorum=input.quorum,
                reminder_hours=input.reminder_hours,
                escalation_hours=input.escalation_hours,
            ),
        )
        return await organisation_result(info, organisation_id)

    @strawberry.mutation
    @returns_errors
    async def create_unit(self, info: Info, input: CreateUnitInput) -> UnitResult:
        organisation_id = database_id(input.organisation, "Organisation")
        unit = await organisations.create_unit(
            info.context.viewer,
            organisation_id,
            name=input.name,
            parent_id=optional_database_id(input.parent, "Unit"),
            head_id=optional_database_id(input.head, "User"),
        )
        return await unit_result(info, organisation_id, unit.id)

    @strawberry.mutation
    @returns_errors
    async def update_unit(self, info: Info, input: UpdateUnitInput) -> UnitResult:
        unit = await organisations.update_unit(
            info.context.viewer,
            database_id(input.unit, "Unit"),
            organisations.UnitChanges(
                name=input.name,
                parent_id=optional_database_id(input.parent, "Unit"),
                move_to_top=input.move_to_top,
                head_id=optional_database_id(input.head, "User"),
                remove_head=input.remove_head,
            ),
        )
        return await unit_result(info, unit.organisation_id, unit.id)

    @strawberry.mutation(
        description="Invite a person by email (admins). They become a member when they accept; "
        "the answer is the same for any address."
    )
    @returns_errors
    async def invite_member(self, info: Info, input: InviteMemberInput) -> InviteMemberResult:
        address = await invitations.invite_member(
            info.context.viewer,
            database_id(input.organisation, "Organisation"),
            email=input.email,
            name=input.name,
            language=input.language,
            terms=organisations.MembershipTerms(
                unit_id=optional_database_id(input.unit, "Unit"),
                title=input.title,
                role=vocabulary.Role(input.role),
                external=input.external,
                weight=input.weight,
            ),
        )
        return InvitationSent(email=address, message=SENT)

    @strawberry.mutation(description="Join on an invitation of yours; accepting again is safe.")
    @returns_errors
    async def accept_invitation(self, info: Info, input: AcceptInvitationInput) -> MembershipResult:
        membership = await invitations.accept_invitation(
            info.context.viewer, database_id(input.invitation, "Invitation")
        )
        return await membership_result(info, membership.id)

    @strawberry.mutation(description="Decline an invitation of yours.")
    @returns_errors
    async def decline_invitation(
        self, info: Info, input: DeclineInvitationInput
    ) -> InvitationResult:
        invitation = await invitations.decline_invitation(
            info.context.viewer, database_id(input.invitation, "Invitation")
        )
        return await invitation_node(invitation.id)

    @strawberry.mutation(description="Withdraw an invitation not yet answered (admins).")
    @returns_errors
    async def revoke_invitation(self, info: Info, input: RevokeInvitationInput) -> InvitationResult:
        invitation = await invitations.revoke_invitation(
            info.context.viewer, database_id(input.invitation, "Invitation")
        )
        return await invitation_node(invitation.id)

    @strawberry.mutation
    @returns_errors
    async def update_member(self, info: Info, input: UpdateMemberInput) -> MembershipResult:
        membership = await organisations.update_member(
            info.context.viewer,
            database_id(input.membership, "Membership"),
            organisations.MembershipChanges(
                unit_id=optional_database_id(input.unit, "Unit"),
                remove_from_unit=input.remove_from_unit,
                title=input.title,
                role=input.role,
                external=input.external,
                weight=input.weight,
            ),
        )
        return await membership_result(info, membership.id)

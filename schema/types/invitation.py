"""Invitations to join an organisation, as the invitee and the organisation's admins see them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from actas.api import clock, models
from actas.api.domain.membership import InvitationState, invitation_state
from actas.api.domain.vocabulary import Role as RoleKind
from actas.schema.context import Info
from actas.schema.types.enums import Role
from actas.schema.types.people import UserNode

strawberry.enum(InvitationState, description="Where an invitation stands.")


@strawberry.type(
    name="Invitation",
    description="A membership offered to a person by email; it becomes one when they accept. "
    "Seen by the invitee and the organisation's admins; it never shows the invitee's name.",
)
class InvitationNode(relay.Node):
    id: relay.NodeID[int]
    email: str = strawberry.field(description="The address invited.")
    role: Role
    title: str
    external: bool
    weight: int
    state: InvitationState
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    organisation_name: str = strawberry.field(description="Whom you would join.")
    organisation_slug: str
    invited_by_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, invitation: models.Invitation) -> InvitationNode:
        """From an invitation fetched with its invitee and organisation."""
        return cls(
            id=invitation.id,
            email=invitation.invitee.email,
            role=RoleKind(invitation.role),
            title=invitation.title,
            external=invitation.external,
            weight=invitation.weight,
            state=invitation_state(
                InvitationState(invitation.state), invitation.expires_at, clock.now()
            ),
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
            answered_at=invitation.answered_at,
            organisation_name=invitation.organisation.name,
            organisation_slug=invitation.organisation.slug,
            invited_by_id=invitation.invited_by_id,
        )

    @strawberry.field(description="The admin who invited.")
    async def invited_by(self, info: Info) -> UserNode:
        user = await info.context.loaders.user.load(self.invited_by_id)
        assert user is not None
        return UserNode.from_model(user)


@strawberry.type(
    description="The invitation is on its way. The same answer whether or not the address has "
    "an account, or is already a member or invited: nothing here tells which."
)
class InvitationSent:
    email: str
    message: str


async def invitation_node(invitation_id: int) -> InvitationNode:
    invitation = await models.Invitation.get(id=invitation_id).select_related(
        "invitee", "organisation"
    )
    return InvitationNode.from_model(invitation)

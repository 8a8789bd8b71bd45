"""Invitations to join an organisation: a membership offered, not yet accepted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.membership import InvitationState
from actas.api.domain.vocabulary import Role
from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.organisations import Membership, Organisation, Unit
    from actas.api.models.people import User


class Invitation(Model):
    """The terms of the membership an admin offers, kept until the invitee answers.

    ``state`` is stored as pending, accepted, declined or revoked; a pending invitation past
    ``expires_at`` has expired (see ``membership.invitation_state``).
    """

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="invitations", on_delete=RESTRICT
    )
    organisation_id: int
    invitee: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="invitations", on_delete=RESTRICT
    )
    invitee_id: int
    invited_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="invitations_sent", on_delete=RESTRICT
    )
    invited_by_id: int
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="invitations", null=True, on_delete=RESTRICT
    )
    unit_id: int | None
    title = fields.CharField(max_length=200, default="")
    role = fields.CharEnumField(Role, max_length=8, default=Role.MEMBER)
    external = fields.BooleanField(default=False)
    weight = fields.IntField(default=1)
    state = fields.CharEnumField(InvitationState, max_length=8, default=InvitationState.PENDING)
    membership: fields.ForeignKeyNullableRelation[Membership] = fields.ForeignKeyField(
        "models.Membership", related_name="invitations", null=True, on_delete=RESTRICT
    )
    membership_id: int | None
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invitation"
        indexes = (("invitee_id", "state"), ("organisation_id", "state"))

"""The debate: arguments, their earlier texts, positions and every change of position."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.vocabulary import CastBy, PositionStance, Stance
from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.organisations import Organisation
    from actas.api.models.people import User
    from actas.api.models.proposals import Proposal


class Argument(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="arguments", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="arguments", on_delete=RESTRICT
    )
    proposal_id: int
    parent: fields.ForeignKeyNullableRelation[Argument] = fields.ForeignKeyField(
        "models.Argument", related_name="replies", null=True, on_delete=RESTRICT
    )
    parent_id: int | None
    stance = fields.CharEnumField(Stance, max_length=8)
    body = fields.TextField()
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="arguments", on_delete=RESTRICT
    )
    author_id: int
    proposal_version = fields.IntField()
    revision = fields.IntField(default=1)
    created_at = fields.DatetimeField()
    edited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "argument"
        indexes = (("proposal_id", "id"),)


class ArgumentRevision(Model):
    """An earlier text of an argument, kept when its author edits it."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="argument_revisions", on_delete=RESTRICT
    )
    organisation_id: int
    argument: fields.ForeignKeyRelation[Argument] = fields.ForeignKeyField(
        "models.Argument", related_name="revisions", on_delete=RESTRICT
    )
    argument_id: int
    revision = fields.IntField()
    stance = fields.CharEnumField(Stance, max_length=8)
    body = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "argument_revision"
        unique_together = (("argument", "revision"),)


class Position(Model):
    """A member's current position on a proposal (every change is kept in PositionChange)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="positions", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="positions", on_delete=RESTRICT
    )
    proposal_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="positions", on_delete=RESTRICT
    )
    user_id: int
    stance = fields.CharEnumField(PositionStance, max_length=8)
    reason = fields.TextField()
    proposal_version = fields.IntField()
    # Who took it when not the member: their delegate while away, or a proxy with its note.
    cast_by = fields.CharEnumField(CastBy, max_length=8, default=CastBy.MEMBER)
    caster: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="positions_cast", null=True, on_delete=RESTRICT
    )
    caster_id: int | None
    note = fields.TextField(default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "position"
        unique_together = (("proposal", "user"),)


class PositionChange(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="position_changes", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="position_changes", on_delete=RESTRICT
    )
    proposal_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="position_changes", on_delete=RESTRICT
    )
    user_id: int
    stance = fields.CharEnumField(PositionStance, max_length=8)
    reason = fields.TextField()
    proposal_version = fields.IntField()
    cast_by = fields.CharEnumField(CastBy, max_length=8, default=CastBy.MEMBER)
    caster: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="position_changes_cast", null=True, on_delete=RESTRICT
    )
    caster_id: int | None
    note = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "position_change"
        indexes = (("proposal_id", "user_id"),)

"""Organisations, their unit tree and their members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.vocabulary import EmailMode, Language, Role, RuleKind
from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.people import User


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=200)
    language = fields.CharEnumField(Language, max_length=2, default=Language.ES)
    default_rule = fields.CharEnumField(RuleKind, max_length=10, default=RuleKind.CONSENT)
    majority_threshold = fields.FloatField(default=0.5)
    quorum = fields.FloatField(default=0.5)
    # Hours before a deadline when silent voices are reminded, and when their head is alerted.
    reminder_hours = fields.CharField(max_length=50, default="48,24")
    escalation_hours = fields.IntField(default=24)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "organisation"


class Unit(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="units", on_delete=RESTRICT
    )
    organisation_id: int
    parent: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="children", null=True, on_delete=RESTRICT
    )
    parent_id: int | None
    name = fields.CharField(max_length=200)
    head: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="headed_units", null=True, on_delete=RESTRICT
    )
    head_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "unit"
        indexes = (("organisation_id",),)


class Membership(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="memberships", on_delete=RESTRICT
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="memberships", on_delete=RESTRICT
    )
    user_id: int
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="memberships", null=True, on_delete=RESTRICT
    )
    unit_id: int | None
    title = fields.CharField(max_length=200, default="")
    role = fields.CharEnumField(Role, max_length=8, default=Role.MEMBER)
    external = fields.BooleanField(default=False)
    weight = fields.IntField(default=1)
    email_mode = fields.CharEnumField(EmailMode, max_length=9, default=EmailMode.IMMEDIATE)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "membership"
        unique_together = (("organisation", "user"),)
        indexes = (("user_id",),)

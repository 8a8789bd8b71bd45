"""Absences and the delegates who speak for absent members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.vocabulary import AbsenceSource, DelegationScope
from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.organisations import Organisation, Unit
    from actas.api.models.people import User
    from actas.api.models.proposals import Proposal


class Absence(Model):
    """A member away from ``starts_at`` until ``ends_at`` (ending early moves ``ends_at``):
    recorded, or inferred from an automatic reply (``domain.inferred_absences``), whose
    ``recorded_by`` is the member (their mailbox said so)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="absences", on_delete=RESTRICT
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="absences", on_delete=RESTRICT
    )
    user_id: int
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    note = fields.TextField(default="")
    source = fields.CharEnumField(AbsenceSource, max_length=12, default=AbsenceSource.RECORDED)
    until_stated = fields.BooleanField(default=True)  # an automatic reply may give no date
    recorded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="absences_recorded", on_delete=RESTRICT
    )
    recorded_by_id: int
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "absence"
        indexes = (("organisation_id", "ends_at"), ("user_id", "ends_at"))


class Delegation(Model):
    """While its absence lasts, ``delegate`` speaks for the absent member within ``scope``."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="delegations", on_delete=RESTRICT
    )
    organisation_id: int
    absence: fields.ForeignKeyRelation[Absence] = fields.ForeignKeyField(
        "models.Absence", related_name="delegations", on_delete=RESTRICT
    )
    absence_id: int
    delegate: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="delegations", on_delete=RESTRICT
    )
    delegate_id: int
    scope = fields.CharEnumField(DelegationScope, max_length=12)
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="delegations", null=True, on_delete=RESTRICT
    )
    unit_id: int | None
    proposal: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="delegations", null=True, on_delete=RESTRICT
    )
    proposal_id: int | None

    class Meta:
        table = "delegation"

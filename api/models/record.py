"""The record: the append-only, hash-chained event log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.organisations import Organisation
    from actas.api.models.people import User
    from actas.api.models.proposals import Proposal


class Event(Model):
    """The record, append-only and hash-chained per organisation.

    Database triggers refuse UPDATE and DELETE. ``payload`` is canonical JSON text, so the hash
    never depends on how a database re-serialises JSON.
    """

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="events", on_delete=RESTRICT
    )
    organisation_id: int
    seq = fields.IntField()
    proposal: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="events", null=True, on_delete=RESTRICT
    )
    proposal_id: int | None
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="events", null=True, on_delete=RESTRICT
    )
    actor_id: int | None
    type = fields.CharField(max_length=40)
    payload = fields.TextField()
    created_at = fields.DatetimeField()
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "event"
        unique_together = (("organisation", "seq"),)
        indexes = (("proposal_id", "seq"),)

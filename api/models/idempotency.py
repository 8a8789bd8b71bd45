"""Idempotency keys: the stored answer of a mutation request sent with ``Idempotency-Key``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.people import User


class IdempotencyKey(Model):
    """A key a user sent with a mutation, the request it came with and the answer given.

    Written in the transaction of the change itself, so a key exists exactly when its change
    does. Global like users: a key belongs to the person, whichever token or organisation.
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="idempotency_keys", on_delete=RESTRICT
    )
    user_id: int
    key = fields.CharField(max_length=255)
    request_hash = fields.CharField(max_length=64)  # SHA-256 of the canonical request
    status_code = fields.IntField()
    content_type = fields.CharField(max_length=100)
    response = fields.TextField()
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "idempotency_key"
        unique_together = (("user", "key"),)

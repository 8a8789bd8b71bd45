"""People and their API tokens (global: one person may belong to several organisations)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.vocabulary import Language, TokenScope
from actas.api.models.base import RESTRICT


class User(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, unique=True)
    language = fields.CharEnumField(Language, max_length=2, default=Language.ES)
    # Runs the instance: may create organisations where only admins may (set with `actas user`).
    instance_admin = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "user"


class ApiToken(Model):
    """A bearer token, of which only the SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=RESTRICT
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    scope = fields.CharEnumField(TokenScope, max_length=5)
    label = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
        indexes = (("user_id",),)

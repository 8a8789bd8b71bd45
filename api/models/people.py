"""People, their API tokens and their reply addresses (global: one person may belong to several
organisations)."""

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
    # Personal links carry the number current when they were signed: raising it revokes them all.
    link_generation = fields.IntField(default=0)
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


class ReplyAddress(Model):
    """The key of one email's ``reply+<key>@`` address, stored only as a SHA-256 like a token:
    whose it is, and what a reply to it answers (a proposal, and the argument the email was
    about). One per delivery, so resending an email reuses its address."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    delivery_key = fields.CharField(max_length=200, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reply_addresses", on_delete=RESTRICT
    )
    user_id: int
    organisation_id = fields.IntField()
    proposal_id = fields.IntField()
    argument_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "reply_address"
        indexes = (("user_id",),)


class ProcessedMessage(Model):
    """An inbound email already handled, by its Message-ID: one message is processed once."""

    id = fields.IntField(primary_key=True)
    message_id = fields.CharField(max_length=255, unique=True)
    outcome = fields.CharField(max_length=40)
    user_id = fields.IntField(null=True)
    received_at = fields.DatetimeField()

    class Meta:
        table = "processed_message"

"""People and their API tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from actas.api import models
from actas.api.domain import vocabulary
from actas.api.services.debates import Person
from actas.schema.types.enums import Language, TokenScope


@strawberry.type(
    name="User", description="A person; the same person may be in several organisations."
)
class UserNode(relay.Node):
    id: relay.NodeID[int]
    name: str
    email: str
    language: Language

    @classmethod
    def from_model(cls, user: models.User | Person) -> UserNode:
        return cls(
            id=user.id,
            name=user.name,
            email=user.email,
            language=vocabulary.Language(user.language),
        )


@strawberry.type(
    name="ApiToken", description="One of your API tokens (the secret is never shown again)."
)
class ApiTokenNode(relay.Node):
    id: relay.NodeID[int]
    label: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, token: models.ApiToken) -> ApiTokenNode:
        return cls(
            id=token.id,
            label=token.label,
            scope=vocabulary.TokenScope(token.scope),
            created_at=token.created_at,
            expires_at=token.expires_at,
            revoked_at=token.revoked_at,
        )


@strawberry.type(description="A new token and its secret, shown this once.")
class CreatedToken:
    token: ApiTokenNode
    secret: str


@strawberry.type(
    description="Every personal link and reply address in emails sent to you so far has "
    "stopped working; emails sent from now on carry fresh ones."
)
class PersonalLinksRevoked:
    revoked: bool = True

"""Your API tokens, and the personal links in your emails."""

from __future__ import annotations

import strawberry
from strawberry import relay

from actas.api.domain import vocabulary
from actas.api.domain.permissions import ensure_write_scope
from actas.api.services import tokens
from actas.api.services.personal_links import revoke_links
from actas.schema.context import Info
from actas.schema.errors import returns_errors
from actas.schema.ids import database_id
from actas.schema.mutations.results import CreatedTokenResult, RevokeLinksResult, TokenResult
from actas.schema.types.enums import TokenScope
from actas.schema.types.people import ApiTokenNode, CreatedToken, PersonalLinksRevoked


@strawberry.input
class CreateTokenInput:
    scope: TokenScope = vocabulary.TokenScope.READ
    label: str = ""
    days: int = strawberry.field(default=90, description="1 to 366.")


@strawberry.input
class RevokeTokenInput:
    token: relay.GlobalID


@strawberry.type
class TokenMutations:
    @strawberry.mutation(description="A new token for you; its secret is shown only in this reply.")
    @returns_errors
    async def create_token(self, info: Info, input: CreateTokenInput) -> CreatedTokenResult:
        issued = await tokens.issue_own_token(
            info.context.viewer, scope=input.scope, days=input.days, label=input.label
        )
        return CreatedToken(token=ApiTokenNode.from_model(issued.token), secret=issued.secret)

    @strawberry.mutation
    @returns_errors
    async def revoke_token(self, info: Info, input: RevokeTokenInput) -> TokenResult:
        token = await tokens.revoke_own_token(
            info.context.viewer, database_id(input.token, "ApiToken")
        )
        return ApiTokenNode.from_model(token)

    @strawberry.mutation(
        description="Stop every personal link and reply address in the emails you were sent "
        "(say, after forwarding one by mistake); your API tokens keep working."
    )
    @returns_errors
    async def revoke_personal_links(self, info: Info) -> RevokeLinksResult:
        ensure_write_scope(info.context.viewer)
        await revoke_links(info.context.viewer.user_id)
        return PersonalLinksRevoked()

"""The debate: arguments and positions."""

from __future__ import annotations

import strawberry
from strawberry import relay

from actas.api.services import debate
from actas.schema.context import Info
from actas.schema.errors import returns_errors
from actas.schema.ids import database_id, optional_database_id
from actas.schema.mutations.results import (
    ArgumentResult,
    PositionResult,
    argument_result,
    position_result,
)
from actas.schema.types.enums import PositionStance, Stance


@strawberry.input
class AddArgumentInput:
    proposal: relay.GlobalID
    stance: Stance
    body: str = strawberry.field(description="Markdown.")
    reply_to: relay.GlobalID | None = strawberry.field(default=None, description="An argument.")


@strawberry.input
class EditArgumentInput:
    argument: relay.GlobalID
    body: str
    stance: Stance | None = None


@strawberry.input
class TakePositionInput:
    proposal: relay.GlobalID
    stance: PositionStance
    reason: str = strawberry.field(default="", description="Required to disagree or block.")
    on_behalf_of: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Take this member's position instead of your own: as their delegate while "
        "they are away, or as an admin or decider recording what they said (with a `note`). "
        "Their own position always replaces it, and can't be replaced by anyone else.",
    )
    note: str = strawberry.field(
        default="", description="Where the member said it: required for a proxy's position."
    )


@strawberry.type
class DebateMutations:
    @strawberry.mutation(description="Argue on an open proposal, or reply to an argument.")
    @returns_errors
    async def add_argument(self, info: Info, input: AddArgumentInput) -> ArgumentResult:
        argument = await debate.add_argument(
            info.context.viewer,
            database_id(input.proposal, "Proposal"),
            stance=input.stance,
            body=input.body,
            parent_id=optional_database_id(input.reply_to, "Argument"),
        )
        return await argument_result(info, argument.id)

    @strawberry.mutation(description="Correct your argument; its earlier text is kept.")
    @returns_errors
    async def edit_argument(self, info: Info, input: EditArgumentInput) -> ArgumentResult:
        argument = await debate.edit_argument(
            info.context.viewer,
            database_id(input.argument, "Argument"),
            body=input.body,
            stance=input.stance,
        )
        return await argument_result(info, argument.id)

    @strawberry.mutation(description="Take or change your position; every change is kept.")
    @returns_errors
    async def take_position(self, info: Info, input: TakePositionInput) -> PositionResult:
        position = await debate.take_position(
            info.context.viewer,
            database_id(input.proposal, "Proposal"),
            stance=input.stance,
            reason=input.reason,
            on_behalf_of=database_id(input.on_behalf_of, "User") if input.on_behalf_of else None,
            note=input.note,
        )
        return await position_result(info, position.id)

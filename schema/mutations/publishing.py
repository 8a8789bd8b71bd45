"""Publishing: marking proposals for archives built for the public."""

from __future__ import annotations

import strawberry
from strawberry import relay

from actas.api.services import publishing
from actas.schema.context import Info
from actas.schema.errors import returns_errors
from actas.schema.ids import database_id
from actas.schema.mutations.results import ProposalResult, proposal_result


@strawberry.input
class SetPublishableInput:
    proposal: relay.GlobalID
    publishable: bool


@strawberry.type
class PublishingMutations:
    @strawberry.mutation(
        description="Include (or not) a proposal visible to the whole organisation in archives "
        "built for the public, once it is closed. Admins only; closed proposals too."
    )
    @returns_errors
    async def set_publishable(self, info: Info, input: SetPublishableInput) -> ProposalResult:
        proposal = await publishing.set_publishable(
            info.context.viewer,
            database_id(input.proposal, "Proposal"),
            publishable=input.publishable,
        )
        return await proposal_result(info, proposal.id)

"""Mutation results: the changed object, re-read with the viewer's fresh visibility, or an error."""

from __future__ import annotations

from typing import Annotated

import strawberry

from actas.api.domain.errors import NotFound
from actas.schema.context import Info, refresh_viewer
from actas.schema.errors import (
    ForbiddenError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from actas.schema.types.debate import ArgumentNode, PositionNode, argument_nodes
from actas.schema.types.organisation import MembershipNode, OrganisationNode, UnitNode, _unit
from actas.schema.types.people import ApiTokenNode, CreatedToken, PersonalLinksRevoked
from actas.schema.types.proposal import ProposalNode

Errors = (
    ValidationError | NotFoundError | ForbiddenError | InvalidTransitionError | VersionConflictError
)

OrganisationResult = Annotated[OrganisationNode | Errors, strawberry.union("OrganisationResult")]
UnitResult = Annotated[UnitNode | Errors, strawberry.union("UnitResult")]
MembershipResult = Annotated[MembershipNode | Errors, strawberry.union("MembershipResult")]
ProposalResult = Annotated[ProposalNode | Errors, strawberry.union("ProposalResult")]
ArgumentResult = Annotated[ArgumentNode | Errors, strawberry.union("ArgumentResult")]
PositionResult = Annotated[PositionNode | Errors, strawberry.union("PositionResult")]
TokenResult = Annotated[ApiTokenNode | Errors, strawberry.union("TokenResult")]
CreatedTokenResult = Annotated[CreatedToken | Errors, strawberry.union("CreatedTokenResult")]
RevokeLinksResult = Annotated[
    PersonalLinksRevoked | Errors, strawberry.union("RevokePersonalLinksResult")
]


async def organisation_result(info: Info, organisation_id: int) -> OrganisationNode:
    await refresh_viewer(info)
    organisation = await info.context.loaders.organisation.load(organisation_id)
    if organisation is None:
        raise NotFound("organisation", organisation_id)
    return OrganisationNode.from_model(organisation)


async def unit_result(info: Info, organisation_id: int, unit_id: int) -> UnitNode:
    await refresh_viewer(info)
    unit = await _unit(info, organisation_id, unit_id)
    if unit is None:
        raise NotFound("unit", unit_id)
    return unit


async def membership_result(info: Info, membership_id: int) -> MembershipNode:
    await refresh_viewer(info)
    membership = await info.context.loaders.membership.load(membership_id)
    if membership is None:
        raise NotFound("membership", membership_id)
    return MembershipNode.from_model(membership)


async def proposal_result(info: Info, proposal_id: int) -> ProposalNode:
    await refresh_viewer(info)
    proposal = await info.context.loaders.proposal.load(proposal_id)
    if proposal is None:  # e.g. an author who removed themselves from a participants-only draft
        raise NotFound("proposal", proposal_id)
    return ProposalNode.from_model(proposal)


async def argument_result(info: Info, argument_id: int) -> ArgumentNode:
    await refresh_viewer(info)
    nodes = await argument_nodes(info, [argument_id])
    if not nodes:
        raise NotFound("argument", argument_id)
    return nodes[0]


async def position_result(info: Info, position_id: int) -> PositionNode:
    await refresh_viewer(info)
    position = await info.context.loaders.position.load(position_id)
    if position is None:
        raise NotFound("position", position_id)
    return PositionNode.from_row(position)

"""The debate: threaded arguments and members' positions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from actas.api.domain import vocabulary
from actas.api.services.debates import ArgumentRow, PositionRow
from actas.schema.context import Info
from actas.schema.ids import global_id
from actas.schema.types.enums import CastBy, PositionStance, Stance
from actas.schema.types.people import UserNode

if TYPE_CHECKING:
    from actas.schema.types.proposal import ProposalNode

ProposalRef = Annotated["ProposalNode", strawberry.lazy("actas.schema.types.proposal")]


@strawberry.type(name="Argument")
class ArgumentNode(relay.Node):
    id: relay.NodeID[int]
    stance: Stance
    body: str = strawberry.field(description="Markdown.")
    depth: int = strawberry.field(description="0 for a top-level argument, 1 for a reply, ...")
    author: UserNode
    proposal_version: int = strawberry.field(description="The proposal version it answers.")
    revision: int = strawberry.field(description="1, plus one per edit.")
    created_at: datetime
    edited_at: datetime | None
    proposal_id: strawberry.Private[int]
    parent_key: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, argument: ArgumentRow, depth: int) -> ArgumentNode:
        return cls(
            id=argument.id,
            stance=argument.stance,
            body=argument.body,
            depth=depth,
            author=UserNode.from_model(argument.author),
            proposal_version=argument.proposal_version,
            revision=argument.revision,
            created_at=argument.created_at,
            edited_at=argument.edited_at,
            proposal_id=argument.proposal_id,
            parent_key=argument.parent_id,
        )

    @strawberry.field(description="The argument this one replies to.")
    def parent_id(self) -> relay.GlobalID | None:
        return None if self.parent_key is None else global_id("Argument", self.parent_key)

    @strawberry.field
    async def parent(self, info: Info) -> ArgumentNode | None:
        if self.parent_key is None:
            return None
        nodes = await argument_nodes(info, [self.parent_key])
        return nodes[0] if nodes else None

    @strawberry.field
    async def proposal(self, info: Info) -> ProposalRef:
        from actas.schema.types.proposal import ProposalNode

        proposal = await info.context.loaders.proposal.load(self.proposal_id)
        assert proposal is not None  # the argument itself was only reachable through it
        return ProposalNode.from_model(proposal)

    @strawberry.field(description="Earlier texts, oldest first.")
    async def revisions(self, info: Info) -> list[ArgumentRevision]:
        rows = await info.context.loaders.argument_revisions.load(self.id)
        return [
            ArgumentRevision(
                revision=r.revision,
                stance=vocabulary.Stance(r.stance),
                body=r.body,
                created_at=r.created_at,
            )
            for r in rows
        ]


async def argument_nodes(
    info: Info, ids: Sequence[int], *, of_proposal: int | None = None
) -> list[ArgumentNode]:
    """The visible arguments among ``ids``, in order, with their depth in their thread.
    ``of_proposal``: the proposal they all belong to, when the caller knows it. Its debate,
    which the depths need anyway, is then read first and primes them, so they are not read
    again by id (which they were whenever they were asked for before the debate was read)."""
    if of_proposal is not None:
        await info.context.loaders.arguments.load(of_proposal)
    rows = [row for row in await info.context.loaders.argument.load_many(list(ids)) if row]
    threads = await info.context.loaders.arguments.load_many(sorted({r.proposal_id for r in rows}))
    depths = {argument.id: depth for thread in threads for argument, depth in thread}
    return [ArgumentNode.from_row(row, depths.get(row.id, 0)) for row in rows]


@strawberry.type(description="An earlier text of an argument.")
class ArgumentRevision:
    revision: int
    stance: Stance
    body: str
    created_at: datetime


@strawberry.type(name="Position")
class PositionNode(relay.Node):
    id: relay.NodeID[int]
    stance: PositionStance
    reason: str
    user: UserNode
    proposal_version: int = strawberry.field(description="The proposal version it was taken on.")
    created_at: datetime
    updated_at: datetime
    cast_as: CastBy = strawberry.field(
        description="MEMBER when the member took it; DELEGATE when their delegate did while "
        "they were away; PROXY when an admin or decider recorded what they said (see `note`)."
    )
    note: str = strawberry.field(
        description="Said by whoever took it for the member: a proxy's (required: where the "
        "member said it) or a delegate's (optional)."
    )
    proposal_id: strawberry.Private[int]
    user_id: strawberry.Private[int]
    caster_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, position: PositionRow) -> PositionNode:
        return cls(
            id=position.id,
            stance=position.stance,
            reason=position.reason,
            user=UserNode.from_model(position.user),
            proposal_version=position.proposal_version,
            created_at=position.created_at,
            updated_at=position.updated_at,
            cast_as=CastBy(position.cast_by),
            note=position.note,
            proposal_id=position.proposal_id,
            user_id=position.user_id,
            caster_id=position.caster_id,
        )

    @strawberry.field(description="Who took it: the member, or their delegate or a proxy.")
    async def cast_by(self, info: Info) -> UserNode:
        if self.caster_id is None:
            return self.user
        caster = await info.context.loaders.user.load(self.caster_id)
        assert caster is not None
        return UserNode.from_model(caster)

    @strawberry.field(
        description="The member it was taken for, when someone else took it (null: their own)."
    )
    def on_behalf_of(self) -> UserNode | None:
        return None if self.caster_id is None else self.user

    @strawberry.field(description="Every position this member took here, oldest first.")
    async def history(self, info: Info) -> list[PositionChange]:
        rows = await info.context.loaders.position_history.load(
            (self.proposal_id, int(self.user.id))
        )
        return [
            PositionChange(
                stance=vocabulary.PositionStance(r.stance),
                reason=r.reason,
                proposal_version=r.proposal_version,
                created_at=r.created_at,
                cast_as=CastBy(r.cast_by),
                note=r.note,
            )
            for r in rows
        ]


@strawberry.type(description="A position as it was taken at one moment.")
class PositionChange:
    stance: PositionStance
    reason: str
    proposal_version: int
    created_at: datetime
    cast_as: CastBy = strawberry.field(description="Who took it then (see `Position.castAs`).")
    note: str = strawberry.field(description="A proxy's note.")

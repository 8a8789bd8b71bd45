"""The debate: threaded arguments and members' positions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from actas.api import models
from actas.api.domain import vocabulary
from actas.schema.context import Info
from actas.schema.ids import global_id
from actas.schema.types.enums import PositionStance, Stance
from actas.schema.types.people import UserNode
from strawberry import relay

if TYPE_CHECKING:
    from actas.schema.types.proposal import ProposalNode

ProposalRef = Annotated["ProposalNode", strawberry.lazy("actas.schema.types.proposal")]


@strawberry.type(name="Argument")
class ArgumentNode(relay.Node):
    id: relay.NodeID[int]
    stance: Stance
    body: str = strawberry.field(description="Markdown.")
    proposal_version: int = strawberry.field(description="The proposal version it answers.")
    revision: int = strawberry.field(description="1, plus one per edit.")
    created_at: datetime
    edited_at: datetime | None
    proposal_id: strawberry.Private[int]
    author_id: strawberry.Private[int]
    parent_key: strawberry.Private[int | None]
    thread_depth: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, argument: models.Argument, depth: int | None = None) -> ArgumentNode:
        return cls(
            id=argument.id,
            stance=vocabulary.Stance(argument.stance),
            body=argument.body,
            proposal_version=argument.proposal_version,
            revision=argument.revision,
            created_at=argument.created_at,
            edited_at=argument.edited_at,
            proposal_id=argument.proposal_id,
            author_id=argument.author_id,
            parent_key=argument.parent_id,
            thread_depth=depth,
        )

    @strawberry.field(description="The argument this one replies to.")
    def parent_id(self) -> relay.GlobalID | None:
        return None if self.parent_key is None else global_id("Argument", self.parent_key)

    @strawberry.field(description="0 for a top-level argument, 1 for a reply, and so on.")
    async def depth(self, info: Info) -> int:
        if self.thread_depth is not None:
            return self.thread_depth
        thread = await info.context.loaders.arguments.load(self.proposal_id)
        return next((depth for argument, depth in thread if argument.id == self.id), 0)

    @strawberry.field
    async def author(self, info: Info) -> UserNode:
        user = await info.context.loaders.user.load(self.author_id)
        assert user is not None
        return UserNode.from_model(user)

    @strawberry.field
    async def parent(self, info: Info) -> ArgumentNode | None:
        if self.parent_key is None:
            return None
        parent = await info.context.loaders.argument.load(self.parent_key)
        return ArgumentNode.from_model(parent) if parent else None

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
    proposal_version: int = strawberry.field(description="The proposal version it was taken on.")
    created_at: datetime
    updated_at: datetime
    proposal_id: strawberry.Private[int]
    user_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, position: models.Position) -> PositionNode:
        return cls(
            id=position.id,
            stance=vocabulary.PositionStance(position.stance),
            reason=position.reason,
            proposal_version=position.proposal_version,
            created_at=position.created_at,
            updated_at=position.updated_at,
            proposal_id=position.proposal_id,
            user_id=position.user_id,
        )

    @strawberry.field
    async def user(self, info: Info) -> UserNode:
        user = await info.context.loaders.user.load(self.user_id)
        assert user is not None
        return UserNode.from_model(user)

    @strawberry.field(description="Every position this member took here, oldest first.")
    async def history(self, info: Info) -> list[PositionChange]:
        rows = await info.context.loaders.position_history.load((self.proposal_id, self.user_id))
        return [
            PositionChange(
                stance=vocabulary.PositionStance(r.stance),
                reason=r.reason,
                proposal_version=r.proposal_version,
                created_at=r.created_at,
            )
            for r in rows
        ]


@strawberry.type(description="A position as it was taken at one moment.")
class PositionChange:
    stance: PositionStance
    reason: str
    proposal_version: int
    created_at: datetime

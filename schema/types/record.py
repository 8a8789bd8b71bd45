"""The record: events of the hash-chained, append-only log."""

from __future__ import annotations

from datetime import datetime

import orjson
import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from actas.api import models
from actas.api.domain.payload_references import with_references
from actas.api.domain.redaction import proposals_named, redacted
from actas.schema.context import Info
from actas.schema.types.people import UserNode


@strawberry.type(name="Event", description="One change, as recorded in the organisation's chain.")
class EventNode(relay.Node):
    id: relay.NodeID[int]
    seq: int = strawberry.field(description="Position in the organisation's chain.")
    type: str
    created_at: datetime
    hash: str
    prev_hash: str
    payload_text: strawberry.Private[str]
    actor_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, event: models.Event) -> EventNode:
        return cls(
            id=event.id,
            seq=event.seq,
            type=event.type,
            created_at=event.created_at,
            hash=event.hash,
            prev_hash=event.prev_hash,
            payload_text=event.payload,
            actor_id=event.actor_id,
        )

    @strawberry.field(
        description="What changed, as recorded, with every record it names (people, arguments, "
        "units, memberships, follow-ups…) given by its global id; another proposal it names is "
        "left out when you may not see it."
    )
    async def payload(self, info: Info) -> JSON:
        recorded = orjson.loads(self.payload_text)
        named = proposals_named(self.type, recorded)
        visible: set[int] = set()
        if named:  # else still redacted: a webhook's URL
            # The proposal loader sees only what the viewer may see, and batches every event's
            # lookups of the page into one query.
            found = await info.context.loaders.proposal.load_many(named)
            visible = {proposal.id for proposal in found if proposal is not None}
        readable = redacted(self.type, recorded, visible, shown_as=_proposal_global_id)
        return JSON(with_references(self.type, readable, _global_id))

    @strawberry.field(description="Who made the change.")
    async def actor(self, info: Info) -> UserNode | None:
        if self.actor_id is None:
            return None
        user = await info.context.loaders.user.load(self.actor_id)
        return UserNode.from_model(user) if user else None


def _proposal_global_id(proposal_id: int) -> str:
    return _global_id("Proposal", proposal_id)


def _global_id(type_name: str, key: int) -> str:
    return str(relay.GlobalID(type_name=type_name, node_id=str(key)))

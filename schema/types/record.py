"""The record: events of the hash-chained, append-only log."""

from __future__ import annotations

from datetime import datetime

import orjson
import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from actas.api import models
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

    @strawberry.field(description="What changed, as recorded.")
    def payload(self) -> JSON:
        data: JSON = orjson.loads(self.payload_text)
        return data

    @strawberry.field(description="Who made the change.")
    async def actor(self, info: Info) -> UserNode | None:
        if self.actor_id is None:
            return None
        user = await info.context.loaders.user.load(self.actor_id)
        return UserNode.from_model(user) if user else None

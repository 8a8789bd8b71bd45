"""Live updates over the graphql-transport-ws protocol.

Each update is read back through the viewer's visibility at the moment it arrives (the viewer is
reloaded, so losing access to a proposal ends its subscription as if it did not exist).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from strawberry import relay

from actas.api.domain.errors import NotFound
from actas.api.services import inbox, live, tokens
from actas.api.services.access import load_viewer
from actas.schema.context import Info
from actas.schema.ids import database_id
from actas.schema.loaders import Loaders
from actas.schema.types.follow_through import NotificationNode
from actas.schema.types.record import EventNode

BATCH = 50  # updates sent after one visibility check, at most


async def _arrived(queue: asyncio.Queue[int]) -> list[int]:
    """The next ids to send: whatever has queued up while the last ones were sent, up to a batch
    (under load, one visibility check and one read serve many arrivals instead of one each)."""
    arrived = [await queue.get()]
    while not queue.empty() and len(arrived) < BATCH:
        arrived.append(queue.get_nowait())
    return arrived


async def _refreshed(info: Info) -> Loaders | None:
    """The viewer read again, as they are now; None once the socket's token was revoked or
    expired (the subscription then ends)."""
    token_id = info.context.token_id
    if token_id is not None and not await tokens.still_valid(token_id):
        return None
    viewer = await load_viewer(info.context.viewer.user_id, info.context.viewer.scope)
    info.context.viewer = viewer
    info.context.loaders = Loaders(viewer)
    return info.context.loaders


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every new event of a proposal you may see, as it happens."
    )
    async def proposal_events(
        self, info: Info, proposal: relay.GlobalID
    ) -> AsyncGenerator[EventNode, None]:
        proposal_id = database_id(proposal, "Proposal")
        if await info.context.loaders.proposal.load(proposal_id) is None:
            raise NotFound("proposal", str(proposal))
        async with live.hub.subscribe(f"proposal:{proposal_id}") as arrivals:
            while True:
                event_ids = await _arrived(arrivals)
                loaders = await _refreshed(info)
                if loaders is None or await loaders.proposal.load(proposal_id) is None:
                    return  # no longer visible (or the token is gone): the subscription ends
                for event in await loaders.event.load_many(event_ids):
                    if event is not None:
                        yield EventNode.from_model(event)

    @strawberry.subscription(description="Your notifications, as they are written.")
    async def notifications(self, info: Info) -> AsyncGenerator[NotificationNode, None]:
        async with live.hub.subscribe(f"user:{info.context.viewer.user_id}") as arrivals:
            while True:
                notification_ids = await _arrived(arrivals)
                loaders = await _refreshed(info)
                if loaders is None:
                    return  # the token was revoked or has expired
                found = (
                    await inbox.notifications(info.context.viewer)
                    .filter(id__in=notification_ids)
                    .order_by("id")
                )
                await loaders.event.load_many([n.event_id for n in found])  # one read for all
                for notification in found:
                    yield NotificationNode.from_model(notification)

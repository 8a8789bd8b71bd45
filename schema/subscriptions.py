"""Live updates over the graphql-transport-ws protocol.

Each update is read back through the viewer's visibility at the moment it arrives (the viewer is
reloaded, so losing access to a proposal ends its subscription as if it did not exist).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from strawberry import relay

from actas.api.domain.errors import Forbidden, NotFound
from actas.api.services import inbox, live, tokens
from actas.api.services.access import load_viewer
from actas.schema.context import Info
from actas.schema.ids import database_id
from actas.schema.loaders import Loaders
from actas.schema.types.follow_through import NotificationNode
from actas.schema.types.record import EventNode

BATCH = 50  # updates sent after one visibility check, at most
QUIET = 60.0  # seconds a quiet subscription waits before checking its token again


async def _arrived(queue: asyncio.Queue[int]) -> list[int]:
    """The next ids to send: whatever has queued up while the last ones were sent, up to a batch
    (under load, one visibility check and one read serve many arrivals instead of one each);
    nothing after a quiet minute, so the caller checks the token even when nothing happens."""
    try:
        arrived = [await asyncio.wait_for(queue.get(), QUIET)]
    except TimeoutError:
        return []
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


async def _still_allowed(info: Info) -> Loaders:
    """The viewer as they are now, for a subscription about to start on a socket whose token
    may have been revoked or expired since it connected."""
    loaders = await _refreshed(info)
    if loaders is None:
        raise Forbidden("The token of this connection was revoked or has expired.")
    return loaders


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every new event of a proposal you may see, as it happens."
    )
    async def proposal_events(
        self, info: Info, proposal: relay.GlobalID
    ) -> AsyncGenerator[EventNode, None]:
        proposal_id = database_id(proposal, "Proposal")
        if await (await _still_allowed(info)).proposal.load(proposal_id) is None:
            raise NotFound("proposal", str(proposal))
        async with live.hub.subscribe(f"proposal:{proposal_id}") as arrivals:
            while True:
                event_ids = await _arrived(arrivals)
                now = await _refreshed(info)
                if now is None or await now.proposal.load(proposal_id) is None:
                    return  # no longer visible (or the token is gone): the subscription ends
                if not event_ids:
                    continue  # a quiet minute: only the checks above
                for event in await now.event.load_many(event_ids):
                    if event is not None:
                        yield EventNode.from_model(event)

    @strawberry.subscription(description="Your notifications, as they are written.")
    async def notifications(self, info: Info) -> AsyncGenerator[NotificationNode, None]:
        await _still_allowed(info)
        async with live.hub.subscribe(f"user:{info.context.viewer.user_id}") as arrivals:
            while True:
                notification_ids = await _arrived(arrivals)
                loaders = await _refreshed(info)
                if loaders is None:
                    return  # the token was revoked or has expired
                if not notification_ids:
                    continue  # a quiet minute: only the check above
                found = (
                    await inbox.notifications(info.context.viewer)
                    .filter(id__in=notification_ids)
                    .order_by("id")
                )
                await loaders.event.load_many([n.event_id for n in found])  # one read for all
                for notification in found:
                    yield NotificationNode.from_model(notification)

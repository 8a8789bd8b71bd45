"""Leases on outbox deliveries: claimed for a while, renewed while being sent, released unsent.

A worker claims due deliveries with a lease (``ACTAS_DELIVERY_LEASE``). While it sends, it renews
the lease of what it still holds, so a slow receiver never makes another worker send the same
message; only a worker that is gone (killed, frozen, cut off from the database) lets its leases
run out, and then another worker sends again (at least once). A worker that stops gracefully
releases what it claimed and did not start, so nothing waits for a lease to run out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from actas.api import clock
from actas.api.db import is_postgres, write_transaction
from actas.api.domain.vocabulary import DeliveryStatus
from actas.api.models import Delivery

log = logging.getLogger("actas.worker")

# Renew when a third of the lease has passed: two renewals may fail before it runs out.
RENEWALS_PER_LEASE = 3

_CLAIM = """
UPDATE delivery SET claimed_until = {lease}
WHERE id IN (
    SELECT id FROM delivery
    WHERE status = 'pending' AND next_attempt_at <= {now}
      AND (claimed_until IS NULL OR claimed_until < {now})
    ORDER BY id LIMIT {limit} {lock}
)
RETURNING id
"""


async def claim_due(limit: int, lease: timedelta) -> list[int]:
    """Claim up to ``limit`` due deliveries that nobody holds, in one atomic UPDATE."""
    now = clock.now()
    async with write_transaction(None) as transaction:
        if is_postgres():
            sql = _CLAIM.format(
                lease="$1", now="$2", limit=int(limit), lock="FOR UPDATE SKIP LOCKED"
            )
        else:
            # Numbered, because ``now`` appears twice (plain ``?`` binds by position).
            sql = _CLAIM.format(lease="?1", now="?2", limit=int(limit), lock="")
        # Not ``execute_query``: on PostgreSQL it runs an UPDATE without fetching, so RETURNING
        # would come back empty and the claimed rows would never be sent.
        rows = await transaction.execute_query_dict(sql, [now + lease, now])
    return sorted(int(row["id"]) for row in rows)


async def renew(held: set[int], lease: timedelta) -> None:
    """Extend the live leases of what this worker still holds (a lapsed one may be another's)."""
    if not held:
        return
    now = clock.now()
    async with write_transaction(None):
        await Delivery.filter(
            id__in=sorted(held), status=DeliveryStatus.PENDING, claimed_until__gte=now
        ).update(claimed_until=now + lease)


async def release(unsent: set[int]) -> None:
    """Give back claimed deliveries this worker will not send, due at once for another."""
    if not unsent:
        return
    async with write_transaction(None):
        await Delivery.filter(id__in=sorted(unsent), status=DeliveryStatus.PENDING).update(
            claimed_until=None
        )


@contextlib.asynccontextmanager
async def kept_alive(held: set[int], lease: timedelta) -> AsyncIterator[None]:
    """Renew the leases of ``held`` (which the block shrinks as it records) until the block ends."""

    async def keep_renewing() -> None:
        while True:
            await asyncio.sleep(lease.total_seconds() / RENEWALS_PER_LEASE)
            try:
                await renew(held, lease)
            except Exception:  # the next renewal may succeed before the lease runs out
                log.warning("Could not renew the leases of %d deliveries.", len(held))

    renewing = asyncio.create_task(keep_renewing())
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing

"""Each person's budget of cost points per hour, as GitHub's GraphQL API counts it.

The budget is the user's, shared by all their tokens: anyone may create tokens, so a budget per
token would be no limit at all. A fixed hourly window per user (the ``limits`` package): every
query spends its points; one that would overdraw the budget is refused and spends nothing. The
counters live where ``ACTAS_RATE_LIMIT_STORAGE`` says: ``memory://`` keeps them in the process
(one worker), Redis shares them between every worker and server. Keys carry a digest of the
database URL, so two deployments (or two test runs) sharing one Redis never spend each other's
budgets.

If the storage cannot be reached, queries go on unmetered and each failure is logged: the cost
limit and the time limit still bound every query, and an outage of Redis should not become one
of the API.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from limits import RateLimitItemPerHour
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string

from actas.api.settings import Settings

log = logging.getLogger("actas.ratelimit")
REDIS_TIMEOUTS = {"connect_timeout": 0.5, "stream_timeout": 0.5}  # seconds


@dataclass(frozen=True)
class Spending:
    """The answer to one request's spending: whether it may run, and the budget after it."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # epoch seconds when the window ends and the budget is whole again
    cost: int

    @property
    def retry_after(self) -> int:
        """Whole seconds until the window resets (what ``Retry-After`` says)."""
        return max(1, math.ceil(self.reset_at - time.time()))

    @property
    def reset_at_iso(self) -> str:
        return datetime.fromtimestamp(self.reset_at, UTC).isoformat(timespec="seconds")


class TokenBudgets:
    def __init__(self, settings: Settings) -> None:
        self.hourly = RateLimitItemPerHour(settings.rate_limit, namespace="actas")
        self.storage_url = settings.rate_limit_storage
        # An unreachable Redis must cost a request half a second at most, not the OS's timeout.
        timeouts = {} if self.storage_url.startswith("memory") else REDIS_TIMEOUTS
        storage = storage_from_string(f"async+{settings.rate_limit_storage}", **timeouts)
        self.limiter = FixedWindowRateLimiter(storage)
        self.deployment = hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]

    async def spend(self, user_id: int, points: int) -> Spending | None:
        """Spend ``points`` of the user's budget if it holds them; None if the storage failed.
        Two round trips: read the window, then spend (concurrent requests may overdraw it by
        one query's points)."""
        key = (self.deployment, f"user:{user_id}")
        try:
            before = await self.limiter.get_window_stats(self.hourly, *key)
            allowed = before.remaining >= points
            if allowed:
                await self.limiter.hit(self.hourly, *key, cost=points)
        except Exception as error:  # any storage failure: serve unmetered, say so once per query
            log.warning("Rate limit storage %s unavailable: %s", self.storage_url, error)
            return None
        fresh = before.remaining == self.hourly.amount  # no window yet: this spending opens one
        return Spending(
            allowed=allowed,
            limit=self.hourly.amount,
            remaining=before.remaining - points if allowed else before.remaining,
            reset_at=time.time() + self.hourly.get_expiry() if fresh else before.reset_time,
            cost=points,
        )

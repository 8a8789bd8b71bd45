"""Sending the outbox: claim due deliveries, send them, record every attempt, retry with backoff.

Delivery is at least once: a worker claims a batch with a lease (``leases.py``: renewed while it
sends), sends, and records the result. If it dies in between (or is cut off for longer than its
lease), the lease runs out and another worker sends again; receivers recognise the repeat by the
delivery key (webhook header ``X-Actas-Delivery``, email ``Message-ID``), and the first result
recorded stands. Two workers never hold the same live lease: claiming is one atomic UPDATE
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's write lock serialises claims).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

import httpx
import orjson

from actas.api import clock
from actas.api.db import write_transaction
from actas.api.domain.addresses import AllowList
from actas.api.domain.vocabulary import (
    DeliveryChannel,
    DeliveryStatus,
)
from actas.api.models import (
    Delivery,
    DeliveryAttempt,
    Webhook,
)
from actas.api.services import mail, outbound
from actas.api.services.leases import claim_due, kept_alive, release
from actas.api.services.letters import letters_for, no_longer_wanted
from actas.api.services.unseen import no_longer_seen
from actas.api.settings import DEFAULT_DELIVERY_LEASE, Settings

LEASE = timedelta(seconds=DEFAULT_DELIVERY_LEASE)  # unless ACTAS_DELIVERY_LEASE says otherwise
SEND_AT_ONCE = 8


@dataclass(frozen=True)
class RoundReport:
    sent: int = 0
    failed: int = 0  # attempts that failed (the delivery will be retried or given up)
    skipped: int = 0  # done without sending: no address, or no longer wanted

    def __add__(self, other: RoundReport) -> RoundReport:
        return RoundReport(
            self.sent + other.sent, self.failed + other.failed, self.skipped + other.skipped
        )

    def __str__(self) -> str:
        return f"sent {self.sent}, failed {self.failed}, not needed {self.skipped}"


SENT, FAILED, SKIPPED = "sent", "failed", "skipped"


async def deliver_due(
    settings: Settings, *, limit: int = 100, stop: asyncio.Event | None = None
) -> RoundReport:
    """One round: claim what is due, send it, record each attempt. Once ``stop`` is set, what
    is being sent is finished and recorded, and the rest is released for another worker."""
    lease = timedelta(seconds=settings.delivery_lease)
    ids = await claim_due(limit, lease)
    if not ids:
        return RoundReport()
    deliveries = await Delivery.filter(id__in=ids).order_by("id")
    emails = [d for d in deliveries if d.channel == DeliveryChannel.EMAIL]
    unwanted = {**await no_longer_wanted(emails), **await no_longer_seen(deliveries)}
    letters = await letters_for(settings, [d for d in emails if d.id not in unwanted])
    hooks = {
        h.id: h
        for h in await Webhook.filter(id__in=[d.webhook_id for d in deliveries if d.webhook_id])
    }
    gate = asyncio.Semaphore(SEND_AT_ONCE)
    # One HTTP client for the round's webhook calls: building one loads the CA certificates,
    # which costs more than a call to a nearby receiver.
    http = outbound.webhook_client() if hooks else None

    async def send(delivery: Delivery) -> tuple[str, str]:
        """What became of the delivery (sent, failed or skipped), and the detail to log."""
        try:
            if delivery.channel == DeliveryChannel.EMAIL:
                if delivery.id in unwanted:
                    return SKIPPED, unwanted[delivery.id]
                letter = letters.get(delivery.id)
                if letter is None:
                    return SKIPPED, "nothing to send: the recipient has no email"
                await mail.send(letter, settings.mail)
                return SENT, "accepted by the SMTP server"
            if delivery.id in unwanted:
                return SKIPPED, unwanted[delivery.id]
            assert delivery.webhook_id is not None and http is not None
            hook = hooks[delivery.webhook_id]
            accepted, detail = await _post(http, hook, delivery, settings.webhook_allow)
            return (SENT if accepted else FAILED), detail
        except Exception as error:  # any failure of the channel is retried
            return FAILED, f"{type(error).__name__}: {error}"[:500]

    held = set(ids)  # claimed and not yet recorded: their leases are renewed
    unstarted = set(ids)

    async def attempt(delivery: Delivery) -> str | None:
        async with gate:
            if stop is not None and stop.is_set():
                return None  # stopping: left unstarted, released below
            unstarted.discard(delivery.id)
            outcome, detail = await send(delivery)
        # Recorded at once, not after the whole batch: a slow send must not keep the others'
        # results unrecorded until their leases run out.
        recorded = await _record(settings, delivery, outcome, detail)
        held.discard(delivery.id)
        return outcome if recorded else None

    try:
        async with kept_alive(held, lease):
            results = await asyncio.gather(*(attempt(d) for d in deliveries))
    finally:
        if http is not None:
            await http.aclose()
        await release(unstarted)
    return RoundReport(
        sent=results.count(SENT), failed=results.count(FAILED), skipped=results.count(SKIPPED)
    )


async def _record(settings: Settings, delivery: Delivery, outcome: str, detail: str) -> bool:
    """Log the attempt (``outcome`` is SENT, SKIPPED or FAILED) and set what comes next. False,
    and nothing written, when this worker's lease ran out and another worker has recorded an
    attempt since: theirs stands. A skipped delivery is done with, like a sent one, but keeps its
    own status: the log must not say "sent" for a message nobody received."""
    at = clock.now()
    number = delivery.attempts + 1
    succeeded = outcome != FAILED
    if outcome == SKIPPED:
        status, next_at = DeliveryStatus.SKIPPED, delivery.next_attempt_at
    elif succeeded:
        status, next_at = DeliveryStatus.SENT, delivery.next_attempt_at
    elif number >= settings.max_attempts:
        status, next_at = DeliveryStatus.FAILED, delivery.next_attempt_at
    else:
        status, next_at = DeliveryStatus.PENDING, at + backoff(settings, number)
    async with write_transaction(None):
        recorded = await Delivery.filter(
            id=delivery.id, attempts=delivery.attempts, status=DeliveryStatus.PENDING
        ).update(
            status=status,
            attempts=number,
            next_attempt_at=next_at,
            claimed_until=None,
            sent_at=at if outcome == SENT else None,
            last_error="" if succeeded else detail,
        )
        if not recorded:
            return False
        await DeliveryAttempt.create(
            organisation_id=delivery.organisation_id,
            delivery_id=delivery.id,
            number=number,
            succeeded=succeeded,
            detail=detail,
            at=at,
        )
    return True


def backoff(settings: Settings, attempts: int) -> timedelta:
    """Wait before retry ``attempts + 1``: the base, doubling, at most six hours."""
    return timedelta(seconds=min(settings.retry_base * 2 ** (attempts - 1), 6 * 3600))


# Webhooks ---------------------------------------------------------------------------------------


def signature(secret: str, body: bytes) -> str:
    """GitHub-style: ``sha256=`` and the hex HMAC-SHA256 of the body under the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _post(
    client: httpx.AsyncClient, hook: Webhook, delivery: Delivery, allowed: AllowList
) -> tuple[bool, str]:
    """Call the webhook if its address passes the policy now (its name may point elsewhere since
    it was registered), at the address checked. The detail logged is coarse: an admin reads the
    log, and it must not tell which internal hosts and ports answer."""
    body = delivery.payload.encode()
    event_type = orjson.loads(body)["event"]["type"]
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "actas-webhook",
        "X-Actas-Delivery": delivery.key,
        "X-Actas-Event": event_type,
        "X-Actas-Signature-256": signature(hook.secret, body),
    }
    try:
        target = await outbound.check_target(hook.url, allowed)
        status = await outbound.post(client, target, content=body, headers=headers)
    except outbound.CallFailed as failure:  # refused by the policy, or no answer
        return False, failure.logged
    return 200 <= status < 300, f"HTTP {status}"

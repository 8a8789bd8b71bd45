"""Reading the record back: walking every organisation's hash chain (``actas verify``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from actas.api.domain.events import BrokenLink, ChainedEvent, ChainVerifier, StoredEvent
from actas.api.models import Event, Organisation

BATCH = 5_000
COLUMNS = (
    "organisation_id",
    "seq",
    "proposal_id",
    "actor_id",
    "type",
    "payload",
    "created_at",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class ChainReport:
    organisation_slug: str
    events: int
    broken: BrokenLink | None


async def verify_chains() -> list[ChainReport]:
    """Every organisation's chain, each walked to its end or to its first broken link."""
    reports = []
    for organisation_id, slug in await Organisation.all().order_by("id").values_list("id", "slug"):
        verifier = ChainVerifier()
        broken = None
        async for stored in _events(organisation_id):
            broken = verifier.check(stored)
            if broken:
                break
        reports.append(ChainReport(slug, verifier.checked, broken))
    return reports


async def _events(organisation_id: int) -> AsyncIterator[StoredEvent]:
    after = 0
    while True:
        rows = (
            await Event.filter(organisation_id=organisation_id, seq__gt=after)
            .order_by("seq")
            .limit(BATCH)
            .values(*COLUMNS)
        )
        for row in rows:
            yield StoredEvent(
                ChainedEvent(
                    organisation_id=row["organisation_id"],
                    seq=row["seq"],
                    proposal_id=row["proposal_id"],
                    actor_id=row["actor_id"],
                    type=row["type"],
                    payload=row["payload"],
                    created_at=row["created_at"],
                    prev_hash=row["prev_hash"],
                ),
                row["hash"],
            )
        if len(rows) < BATCH:
            return
        after = rows[-1]["seq"]

"""Every change is one transaction that also appends its events to the organisation's chain.

What a change sets off (notifications and the outbox, live updates) is no concern of recording:
features register their handlers (``services/__init__.py`` wires them), run with the change's
events inside its transaction, or after it commits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from actas.api import clock
from actas.api.db import insert_rows, write_transaction
from actas.api.domain.events import GENESIS_HASH, chain
from actas.api.domain.payloads import Payload
from actas.api.models import Event

InTransaction = Callable[[Sequence[Event]], Awaitable[object]]
AfterCommit = Callable[[Sequence[Event]], None]
_in_transaction: list[InTransaction] = []
_after_commit: list[AfterCommit] = []


def on_change(*handlers: InTransaction) -> None:
    """Run ``handlers``, in order, with each change's events inside its transaction: what they
    write commits with the change or not at all."""
    _in_transaction.extend(h for h in handlers if h not in _in_transaction)


def after_commit(*handlers: AfterCommit) -> None:
    """Run ``handlers`` with each change's events once it has committed."""
    _after_commit.extend(h for h in handlers if h not in _after_commit)


class Change:
    """The work of one transaction: when it happens, who does it, and what it records."""

    def __init__(self, organisation_id: int | None, actor_id: int | None, at: datetime) -> None:
        self.organisation_id = organisation_id
        self.actor_id = actor_id
        self.at = at
        self._pending: list[tuple[int | None, int | None, str, Mapping[str, Any], datetime]] = []

    def record(self, payload: Payload, *, proposal_id: int | None = None) -> None:
        """Append an event of ``payload``'s type (built by its constructor in ``payloads``)."""
        recorded = (proposal_id, self.actor_id, payload.event_type.value, payload.to_payload())
        self._pending.append((*recorded, self.at))

    async def _append_events(self) -> list[Event]:
        if not self._pending:
            return []
        if self.organisation_id is None:
            raise RuntimeError("A change recorded events without an organisation.")
        head = (
            await Event.filter(organisation_id=self.organisation_id)
            .order_by("-seq")
            .first()
            .values("seq", "hash")
        )
        linked = chain(
            organisation_id=self.organisation_id,
            head_seq=head["seq"] if head else 0,
            head_hash=head["hash"] if head else GENESIS_HASH,
            pending=self._pending,
        )
        rows = [
            {
                "organisation_id": e.event.organisation_id,
                "seq": e.event.seq,
                "proposal_id": e.event.proposal_id,
                "actor_id": e.event.actor_id,
                "type": e.event.type,
                "payload": e.event.payload,
                "created_at": e.event.created_at,
                "prev_hash": e.event.prev_hash,
                "hash": e.hash,
            }
            for e in linked
        ]
        ids = {r["seq"]: r["id"] for r in await insert_rows(Event, rows, returning=("id", "seq"))}
        self._pending.clear()
        # Appended, never saved again: the handlers read them as recorded.
        return [Event(id=ids[row["seq"]], **row) for row in rows]


@asynccontextmanager
async def change(organisation_id: int | None, actor_id: int | None) -> AsyncIterator[Change]:
    """Run the block as one all-or-nothing write to ``organisation_id``, then append what it
    recorded. A new organisation passes ``None`` and sets ``organisation_id`` once created."""
    async with write_transaction(organisation_id):
        work = Change(organisation_id, actor_id, clock.now())
        yield work
        events = await work._append_events()
        for handler in _in_transaction:
            await handler(events)
    for done in _after_commit:
        done(events)

"""Idempotency keys (Stripe's semantics): the same key gets the same answer, and runs once.

A client sends ``Idempotency-Key: <key>`` with a mutation request. The whole request then runs as
one transaction that also stores its answer under the key, so the change and its answer are
committed together or not at all:

- a repeat with the same key and the same request gets the stored answer, and nothing runs again
  (whether the first answer was lost on the way, or the client simply retried);
- a request that fails (any GraphQL error, a lost database) rolls back whole: no change and no
  key, so the retry runs it afresh, once;
- the same key with a different request is refused;
- keys are the user's (whichever token sends them) and expire after ``KEY_LIFETIME``.

Requests with one key are serialised: SQLite's write lock does it, PostgreSQL an advisory lock
on the key, so a retry sent while the first attempt is still running waits for its answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import orjson

from actas.api import clock
from actas.api.db import is_postgres, write_transaction
from actas.api.domain.errors import DomainError, ValidationFailed
from actas.api.models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class KeyReused(DomainError):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used with a different request: "
            "send a new key for a new request."
        )


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as it was given."""

    status_code: int
    content_type: str
    body: bytes


def valid_key(raw: str) -> str:
    """A key is 1-255 visible ASCII characters (a UUID v4 is the usual choice)."""
    key = raw.strip()
    if not 0 < len(key) <= MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
        raise ValidationFailed(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters.",
            field="Idempotency-Key",
        )
    return key


def fingerprint(request: Mapping[str, object]) -> str:
    """The same request however its JSON was laid out: query, variables and operation name."""
    wanted = {name: request.get(name) for name in ("query", "variables", "operationName")}
    return hashlib.sha256(orjson.dumps(wanted, option=orjson.OPT_SORT_KEYS)).hexdigest()


class Claim:
    """A key held for one transaction: its stored answer, or the right to store one."""

    def __init__(self, user_id: int, key: str, request_hash: str, stored: Answer | None) -> None:
        self.user_id, self.key, self.request_hash = user_id, key, request_hash
        self.stored = stored

    async def store(self, answer: Answer) -> None:
        now = clock.now()
        await IdempotencyKey.create(
            user_id=self.user_id,
            key=self.key,
            request_hash=self.request_hash,
            status_code=answer.status_code,
            content_type=answer.content_type,
            response=answer.body.decode(),
            created_at=now,
            expires_at=now + KEY_LIFETIME,
        )


@asynccontextmanager
async def claimed(user_id: int, key: str, request_hash: str) -> AsyncIterator[Claim]:
    """Run the block as one write transaction that holds ``key``; raises ``KeyReused``."""
    async with write_transaction(None) as transaction:
        if is_postgres():
            await transaction.execute_query(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                [f"idempotency:{user_id}:{key}"],
            )
        yield Claim(user_id, key, request_hash, await _stored(user_id, key, request_hash))


async def _stored(user_id: int, key: str, request_hash: str) -> Answer | None:
    row = await IdempotencyKey.filter(user_id=user_id, key=key).first()
    if row is not None and row.expires_at <= clock.now():
        await row.delete()  # expired: the key is free again
        return None
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise KeyReused()
    return Answer(row.status_code, row.content_type, row.response.encode())


async def purge_expired() -> int:
    """Forget expired keys (the worker does it each round); how many were forgotten."""
    async with write_transaction(None):
        deleted: int = await IdempotencyKey.filter(expires_at__lte=clock.now()).delete()
    return deleted

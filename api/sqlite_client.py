"""A Tortoise SQLite engine whose write transactions take the write lock up front.

Tortoise's own SQLite client opens plain deferred transactions (``BEGIN``). With several
processes writing, a deferred transaction that read first and then tries to write fails with
"database is locked" instead of waiting. ``BEGIN IMMEDIATE`` queues on the busy timeout instead.
Selected in ``db.tortoise_config`` as the engine ``actas.api.sqlite_client``.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient

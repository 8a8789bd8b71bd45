"""A Tortoise SQLite engine whose write transactions take the write lock up front.

Tortoise's own SQLite client opens plain deferred transactions (``BEGIN``). With several
processes writing, a deferred transaction that read first and then tries to write fails with
"database is locked" instead of waiting. ``BEGIN IMMEDIATE`` queues on the busy timeout instead.
Selected in ``db.tortoise_config`` as the engine ``actas.api.sqlite_client``.
"""

from __future__ import annotations

import asyncio
import sqlite3

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

_ABANDONED: set[asyncio.Task[None]] = set()  # rollbacks under way, kept from the collector


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ReleasingTransactionContext(SqliteTransactionContext):
    """Tortoise keeps its connection lock, and leaves a BEGIN queued in aiosqlite's thread, when
    BEGIN fails or its task is cancelled (a request stopped by the time limit while waiting for
    the write lock): every later write of the process would wait forever, and the database
    would stay write-locked for other processes once that BEGIN went through."""

    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            task = asyncio.get_running_loop().create_task(self._abandon())
            _ABANDONED.add(task)
            task.add_done_callback(_ABANDONED.discard)
            raise
        client: TransactionalDBClient = self.connection
        return client

    async def _abandon(self) -> None:
        """Roll back what the interrupted BEGIN opens (queued after it), then unlock."""
        try:
            if self.connection._connection is not None:
                await self.connection._connection.rollback()
        finally:
            self._trxlock.release()


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return ReleasingTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient

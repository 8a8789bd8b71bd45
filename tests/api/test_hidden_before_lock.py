"""A change aimed at a hidden proposal is refused before it waits for the organisation's write
lock: while another writer holds that lock, a hidden id answers "not found" at once, exactly
like a missing one, instead of queueing behind the writers (whose wait would tell it exists)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from actas.api.db import is_postgres
from actas.api.domain.errors import NotFound
from actas.api.domain.vocabulary import Stance, Visibility
from actas.api.services import debate
from actas.api.settings import Settings
from tests.factories import build_world, opened


@asynccontextmanager
async def organisation_locked(settings: Settings, organisation_id: int) -> AsyncIterator[None]:
    """Another connection holds the organisation's write lock the way a writer does."""
    url = settings.database_url
    if is_postgres():
        other = await asyncpg.connect(url.split("?")[0].replace("postgres://", "postgresql://"))
        writing = other.transaction()
        await writing.start()
        await other.execute("SELECT id FROM organisation WHERE id = $1 FOR UPDATE", organisation_id)
        try:
            yield
        finally:
            await writing.rollback()
            await other.close()
    else:
        other_file = sqlite3.connect(url.removeprefix("sqlite://"), isolation_level=None)
        other_file.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other_file.execute("ROLLBACK")
            other_file.close()


async def test_a_hidden_proposal_is_not_found_without_waiting_for_the_lock(
    database: Settings,
) -> None:
    world = await build_world()
    hidden = await opened(world, visibility=Visibility.PARTICIPANTS)  # mara's; ana sees nothing
    ana = await world.viewer("ana")

    async with organisation_locked(database, world.organisation.id):
        for proposal_id in (hidden.id, hidden.id + 10_000_000):  # hidden, and missing
            with pytest.raises(NotFound):
                await debate.add_argument(ana, proposal_id, stance=Stance.FOR, body="Hello?")

"""Test set-up: a real database, migrated once per run.

SQLite by default (a file in pytest's temporary folder). With ``ACTAS_DATABASE_URL`` pointing at
PostgreSQL, the run creates its own scratch database beside it and drops it afterwards. Tests
never clean up: each builds its own organisation, so they also exercise tenant isolation.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from actas.api import db
from actas.api.settings import Settings, load_settings


def _scratch_postgres_url(url: str) -> tuple[str, str, str]:
    """(admin URL, scratch URL, scratch name) beside the database ``url`` names."""
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    name = f"actas_test_{uuid.uuid4().hex[:12]}"
    # The admin connection is asyncpg's own: without Tortoise's pool options (``?maxsize=…``).
    return urlunsplit(parts._replace(query="")), urlunsplit(parts._replace(path=f"/{name}")), name


@pytest.fixture(scope="session")
async def database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Settings]:
    url = os.environ.get("ACTAS_DATABASE_URL", "")
    scratch: tuple[str, str] | None = None
    if url.startswith(("postgres://", "postgresql://")):
        admin_url, url, name = _scratch_postgres_url(url)
        admin = await asyncpg.connect(admin_url)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        scratch = (admin_url, name)
    else:
        url = f"sqlite://{tmp_path_factory.mktemp('db') / 'actas-test.sqlite3'}"
    # The engine without the extra; tests/api/test_similar_embeddings.py asks for the other.
    settings = load_settings({"ACTAS_DATABASE_URL": url, "ACTAS_SIMILAR_ENGINE": "fulltext"})
    await db.migrate(settings)
    await db.open_database(settings)
    try:
        yield settings
    finally:
        await db.close_database()
        if scratch:
            admin = await asyncpg.connect(scratch[0])
            await admin.execute(f'DROP DATABASE "{scratch[1]}" WITH (FORCE)')
            await admin.close()


@pytest.fixture(autouse=True)
def _database_for_async_tests(request: pytest.FixtureRequest) -> None:
    """Every async test gets the database; pure-domain tests stay database-free."""
    if request.node.get_closest_marker("asyncio") or _is_async(request):
        request.getfixturevalue("database")


def _is_async(request: pytest.FixtureRequest) -> bool:
    import inspect

    function = getattr(request.node, "function", None)
    return function is not None and inspect.iscoroutinefunction(function)

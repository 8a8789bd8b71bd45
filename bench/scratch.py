"""A database for a benchmark run: SQLite in a temporary folder, or, when ``ACTAS_DATABASE_URL``
names PostgreSQL, a scratch database beside it that is dropped afterwards. Migrated either way."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from actas.api import db
from actas.api.settings import Settings, load_settings


@asynccontextmanager
async def scratch_database() -> AsyncIterator[Settings]:
    url = os.environ.get("ACTAS_DATABASE_URL", "")
    scratch = None
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
        name = f"actas_bench_{uuid.uuid4().hex[:8]}"
        scratch = (urlunsplit(parts._replace(query="")), name)  # asyncpg: no pool options
        await _admin(scratch[0], f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        url = f"sqlite://{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    settings = load_settings({"ACTAS_DATABASE_URL": url})
    try:
        await db.migrate(settings)
        yield settings
    finally:
        if scratch:
            await _admin(scratch[0], f'DROP DATABASE "{scratch[1]}" WITH (FORCE)')


async def _admin(url: str, sql: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")

"""The database: Tortoise configuration, opening and closing, migrations and write transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api.migrate import migrate as run_migrations
from tortoise.migrations.executor import MigrationExecutor
from tortoise.transactions import in_transaction

from actas.api.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 10_000
APPS = {
    "models": {
        "models": ["actas.api.models"],
        "default_connection": "default",
        "migrations": "actas.api.migrations",
    }
}


def tortoise_config(database_url: str) -> dict[str, Any]:
    """Tortoise's configuration for a database URL (``sqlite://path`` or ``postgres://…``)."""
    connection = expand_db_url(database_url)
    if database_url.startswith("sqlite://"):
        connection["engine"] = "actas.api.sqlite_client"
        connection["credentials"].update(
            journal_mode="WAL", busy_timeout=SQLITE_BUSY_TIMEOUT_MS, synchronous="NORMAL"
        )
    return {"connections": {"default": connection}, "apps": APPS, "use_tz": True, "timezone": "UTC"}


def postgres_connection_args(database_url: str) -> dict[str, Any]:
    """Where a single asyncpg connection (outside Tortoise's pool) reaches the database: the
    URL's server, user and database, without Tortoise's pool options (``?maxsize=20``), which
    asyncpg would send to the server as unknown settings."""
    credentials = expand_db_url(database_url)["credentials"]
    wanted = ("host", "port", "user", "password", "database", "ssl")
    return {key: credentials[key] for key in wanted if credentials.get(key) is not None}


async def open_database(settings: Settings) -> None:
    # Global, so every task sees it: ASGI servers run the lifespan and each request in
    # different tasks, and Tortoise's context otherwise lives in the opening task only.
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def migrate(settings: Settings) -> None:
    """Apply every migration not yet applied (``actas db migrate``)."""
    try:
        await run_migrations(config=tortoise_config(settings.database_url))
    finally:
        await Tortoise.close_connections()


class MigrationsPending(RuntimeError):
    """The database is behind the code: run ``actas db migrate``."""


async def ensure_migrated() -> None:
    """Refuse to serve a database whose schema is behind the code (the app never migrates it)."""
    # First a plain query: Tortoise reads "no migrations applied" from any failure to read its
    # table, so an unreachable database would otherwise pass for an empty one.
    await connection().execute_query("SELECT 1")
    plan = await MigrationExecutor(connection(), APPS).plan(None)
    if plan:
        names = ", ".join(step.migration.name for step in plan)
        raise MigrationsPending(f"The database needs migrating ({names}): run `actas db migrate`.")


@asynccontextmanager
async def open_migrated(settings: Settings) -> AsyncIterator[None]:
    """Migrate, then open the database for the duration of the block."""
    await migrate(settings)
    await open_database(settings)
    try:
        yield
    finally:
        await close_database()


def connection() -> BaseDBAsyncClient:
    client: BaseDBAsyncClient = connections.get("default")
    return client


def is_postgres() -> bool:
    return connection().capabilities.dialect == "postgres"


@asynccontextmanager
async def write_transaction(organisation_id: int | None) -> AsyncIterator[BaseDBAsyncClient]:
    """One all-or-nothing write. Writes to one organisation are serialised: SQLite takes the
    database write lock at BEGIN; PostgreSQL locks the organisation's row, so the checks a service
    makes still hold when it writes, and the organisation's event chain never forks."""
    async with in_transaction() as transaction:
        if organisation_id is not None and transaction.capabilities.dialect == "postgres":
            await transaction.execute_query(
                "SELECT id FROM organisation WHERE id = $1 FOR UPDATE", [organisation_id]
            )
        yield transaction


# For Tortoise's own developer CLI (`tortoise makemigrations`), found through pyproject.toml.
TORTOISE_ORM = tortoise_config("sqlite://actas.sqlite3")

"""The database: Tortoise configuration, opening and closing, migrations and write transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Model, Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api.migrate import migrate as run_migrations
from tortoise.migrations.executor import MigrationExecutor
from tortoise.queryset import AwaitableQuery
from tortoise.transactions import in_transaction

from actas.api.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_MMAP_BYTES = 256 * 2**20
INSERT_CHUNK = 1_000  # rows per statement: within both databases' limits on parameters
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
            journal_mode="WAL",
            busy_timeout=SQLITE_BUSY_TIMEOUT_MS,
            synchronous="NORMAL",
            # Reads through memory-mapped pages rather than a copy per read: the search index's
            # scans spent more time in the kernel than in SQLite without it.
            mmap_size=SQLITE_MMAP_BYTES,
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
    from actas.api.services import similar  # services import this module

    similar.use(similar.Engine(settings.similar_engine))


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


async def insert_rows(
    model: type[Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: Sequence[str] = (),
    client: BaseDBAsyncClient | None = None,
) -> list[dict[str, Any]]:
    """Insert ``rows`` (field name → value; a field left out takes its default) in one statement
    per ``INSERT_CHUNK`` rows, and return the ``returning`` fields of every row, in no particular
    order (so include what tells them apart). For the fan-out of one change, where
    ``bulk_create`` would build a model per row and still not say which ids the rows got.
    ``client``: another than the current connection (a migration's)."""
    if not rows:
        return []
    client = client or connection()
    meta = model._meta
    names = [n for n in meta.fields_db_projection if n not in meta.generated_db_fields]
    fields = [meta.fields_map[n] for n in names]
    columns = ", ".join(f'"{meta.fields_db_projection[n]}"' for n in names)
    answer = ", ".join(f'"{meta.fields_db_projection[n]}"' for n in returning)
    answer = f" RETURNING {answer}" if returning else ""
    postgres = client.capabilities.dialect == "postgres"
    returned: list[dict[str, Any]] = []
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        values = [
            field.to_db_value(row[name] if name in row else _default(field), model)
            for row in chunk
            for name, field in zip(names, fields, strict=True)
        ]
        width = len(names)
        tuples = ", ".join(
            "("
            + ", ".join(f"${r * width + c + 1}" if postgres else "?" for c in range(width))
            + ")"
            for r in range(len(chunk))
        )
        sql = f'INSERT INTO "{meta.db_table}" ({columns}) VALUES {tuples}{answer}'
        returned += await client.execute_query_dict(sql, values)
    return returned


def parameterized(query: AwaitableQuery[Any]) -> tuple[str, list[Any]]:
    """A query's SQL with its placeholders, and their values in order: for a statement of our
    own that takes it as a subquery (its placeholders come first)."""
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, parameters = query.query.get_parameterized_sql()
    return sql, list(parameters)


def placeholders(client: BaseDBAsyncClient, sql: str) -> str:
    """A statement's ``?`` placeholders as its database takes them (PostgreSQL's ``$1``, ``$2``…),
    for SQL of our own run on a given client (a migration's)."""
    if client.capabilities.dialect != "postgres":
        return sql
    parts = sql.split("?")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))


def _default(field: Any) -> Any:
    if field.default is None and not field.null:
        raise ValueError(f"{field.model_field_name} needs a value")
    return field.default() if callable(field.default) else field.default


# For Tortoise's own developer CLI (`tortoise makemigrations`), found through pyproject.toml.
TORTOISE_ORM = tortoise_config("sqlite://actas.sqlite3")

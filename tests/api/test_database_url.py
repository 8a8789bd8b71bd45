"""The database URL: Tortoise's pool options ride along without confusing asyncpg."""

from __future__ import annotations

from actas.api.db import postgres_connection_args


def test_a_single_connection_takes_the_server_user_and_database_but_not_pool_options() -> None:
    args = postgres_connection_args("postgres://ana:secret@db.example:6543/actas?maxsize=20")
    assert args == {
        "host": "db.example",
        "port": 6543,
        "user": "ana",
        "password": "secret",
        "database": "actas",
    }


def test_a_url_without_password_or_port_uses_the_defaults() -> None:
    assert postgres_connection_args("postgres://postgres@127.0.0.1/test") == {
        "host": "127.0.0.1",
        "port": 5432,
        "user": "postgres",
        "database": "test",
    }

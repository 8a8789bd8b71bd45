"""Talking to the API as a client would: real HTTP requests to the ASGI app, real bearer tokens.

``Api`` wraps an ``httpx.AsyncClient`` on the app. ``run`` is for requests expected to succeed
(it fails the test on any GraphQL error); ``errors`` for requests expected to fail as a whole;
``post`` gives the raw response. ``QueryLog`` counts the SQL statements Tortoise sends.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
from starlette.types import ASGIApp
from strawberry import relay

from actas.api.domain.vocabulary import TokenScope
from actas.api.services.tokens import issue_token
from actas.api.settings import Settings, load_settings
from tests.factories import World

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

Data = dict[str, Any]


def gid(type_name: str, key: int) -> str:
    """The global id a client sees for a stored row."""
    return str(relay.GlobalID(type_name=type_name, node_id=str(key)))


def db_id(global_id: str) -> int:
    """The database id inside a global id the API returned."""
    return int(relay.GlobalID.from_id(global_id).node_id)


async def token(world: World, person: str, scope: TokenScope = TokenScope.WRITE) -> str:
    """A real API token for one of the world's people."""
    return await token_for(world.id(person), scope)


async def token_for(user_id: int, scope: TokenScope = TokenScope.WRITE) -> str:
    issued = await issue_token(user_id, scope=scope, days=1, label="test")
    return issued.secret


def production_settings(database: Settings, **environ: str) -> Settings:
    """Production mode on the test database, with more ``ACTAS_*`` settings if given."""
    return load_settings(
        {
            "ACTAS_ENV": "production",
            "ACTAS_DATABASE_URL": database.database_url,
            "ACTAS_SECRET_KEY": "a production secret key of the test suite, 32+ chars",
            **environ,
        }
    )


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    @classmethod
    def on(cls, app: ASGIApp) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://actas")

    async def post(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None,
        accept: str = JSON,
        path: str = "/graphql",
    ) -> httpx.Response:
        headers = {"Accept": accept}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = dict(variables)
        return await self.client.post(path, json=body, headers=headers)

    async def body(
        self, query: str, variables: Mapping[str, Any] | None = None, *, token: str
    ) -> Data:
        """The JSON answer of a request that reached GraphQL, less its ``extensions``: the
        query's cost and the token's budget, which changes with every request (the tests of
        limits read them from ``post``)."""
        response = await self.post(query, variables, token=token)
        assert response.status_code == 200, response.text
        body: Data = response.json()
        body.pop("extensions", None)
        return body

    async def run(
        self, query: str, variables: Mapping[str, Any] | None = None, *, token: str
    ) -> Data:
        """The data of a request that must succeed without any error."""
        body = await self.body(query, variables, token=token)
        assert "errors" not in body, body["errors"]
        data: Data = body["data"]
        return data

    async def errors(
        self, query: str, variables: Mapping[str, Any] | None = None, *, token: str
    ) -> list[str]:
        """The error messages of a request that must fail."""
        body = await self.body(query, variables, token=token)
        assert body.get("errors"), f"expected errors, got {body}"
        return [error["message"] for error in body["errors"]]

    async def mutate(
        self, query: str, variables: Mapping[str, Any] | None = None, *, token: str
    ) -> Data:
        """The one result of a one-field mutation (its object or its typed error)."""
        data = await self.run(query, variables, token=token)
        (result,) = data.values()
        assert isinstance(result, dict), data
        return result


class QueryLog(logging.Handler):
    """The SQL statements Tortoise sends while it is attached (it logs each one at DEBUG)."""

    SQL = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "BEGIN", "COMMIT", "ROLLBACK")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().upper().startswith(self.SQL):
            self.statements.append(message)

    @classmethod
    @contextmanager
    def capture(cls) -> Iterator[QueryLog]:
        logger = logging.getLogger("tortoise.db_client")
        log = cls()
        level = logger.level
        logger.addHandler(log)
        logger.setLevel(logging.DEBUG)
        try:
            yield log
        finally:
            logger.removeHandler(log)
            logger.setLevel(level)

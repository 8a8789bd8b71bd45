"""Fixtures for the GraphQL API tests: the app as it is served, in development and production
mode, reached over HTTP through httpx's ASGI transport. The session's database is already open,
so the app's lifespan is not run."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from actas.api.settings import Settings
from actas.schema.http import ActasGraphQL
from tests.schema.client import Api, production_settings


@pytest.fixture(scope="session")
def development_app(database: Settings) -> ActasGraphQL:
    return ActasGraphQL(database)


@pytest.fixture(scope="session")
def production_app(database: Settings) -> ActasGraphQL:
    return ActasGraphQL(production_settings(database))


@pytest.fixture
async def api(development_app: ActasGraphQL) -> AsyncIterator[Api]:
    async with Api.on(development_app) as client:
        yield Api(client)


@pytest.fixture
async def production_api(production_app: ActasGraphQL) -> AsyncIterator[Api]:
    async with Api.on(production_app) as client:
        yield Api(client)

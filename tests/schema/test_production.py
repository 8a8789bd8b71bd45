"""Production mode (``ACTAS_ENV=production``) closes what helps a developer and helps a prober
too: introspection, the GraphiQL page, queries over GET, schema suggestions in errors, and CORS
for any origin not configured. Development mode keeps them, which each test checks alongside."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from actas.api.app import create_app
from actas.api.settings import Settings
from tests.factories import build_world
from tests.schema.client import Api, production_settings, token

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Proposal") { fields { name } } }'


@pytest.fixture
async def secret() -> str:
    return await token(await build_world(), "ana")


async def test_introspection_is_refused_in_production(
    api: Api, production_api: Api, secret: str
) -> None:
    assert await api.run(INTROSPECTION, token=secret) == {
        "__schema": {"queryType": {"name": "Query"}}
    }
    for query, field in [(INTROSPECTION, "__schema"), (TYPE, "__type")]:
        errors = await production_api.errors(query, token=secret)
        assert errors[0] == (
            "GraphQL introspection has been disabled, but the requested query contained the "
            f"field '{field}'."
        )
        assert all("introspection has been disabled" in message for message in errors)
    # What a client needs to match a union member is not introspection.
    assert await production_api.run("{ viewer { __typename } }", token=secret) == {
        "viewer": {"__typename": "Viewer"}
    }


async def test_validation_errors_suggest_nothing_in_production(
    api: Api, production_api: Api, secret: str
) -> None:
    typo = "{ viewer { usr { id } } }"

    development = await api.errors(typo, token=secret)
    production = await production_api.errors(typo, token=secret)

    assert development == ["Cannot query field 'usr' on type 'Viewer'. Did you mean 'user'?"]
    assert production == ["Cannot query field 'usr' on type 'Viewer'."]


async def test_an_argument_typo_suggests_nothing_in_production(
    production_api: Api, secret: str
) -> None:
    errors = await production_api.errors('{ proposal(referenc: "A-1") { id } }', token=secret)

    assert errors[0] == "Unknown argument 'referenc' on field 'Query.proposal'."
    assert not [message for message in errors if "Did you mean" in message]


async def test_the_graphiql_page_is_served_in_development_only(
    api: Api, production_api: Api, secret: str
) -> None:
    html = {"Accept": "text/html"}

    development = await api.client.get("/graphql", headers=html)
    anonymous = await production_api.client.get("/graphql", headers=html)
    signed_in = await production_api.client.get(
        "/graphql", headers={**html, "Authorization": f"Bearer {secret}"}
    )

    assert development.status_code == 200
    assert development.headers["content-type"].startswith("text/html")
    assert "graphiql" in development.text.lower()
    assert anonymous.status_code == 401
    assert signed_in.status_code == 404
    for refused in (anonymous, signed_in):
        assert not refused.headers["content-type"].startswith("text/html")
        assert "graphiql" not in refused.text.lower()


async def test_queries_over_get_are_refused_in_production(
    api: Api, production_api: Api, secret: str
) -> None:
    auth = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    params = {"query": "{ viewer { user { name } } }"}

    development = await api.client.get("/graphql", params=params, headers=auth)
    production = await production_api.client.get("/graphql", params=params, headers=auth)

    assert development.status_code == 200
    assert development.json()["data"] == {"viewer": {"user": {"name": "Ana"}}}
    assert (production.status_code, production.text) == (
        400,
        "queries are not allowed when using GET",
    )


async def test_mutations_over_get_are_refused_even_in_development(api: Api, secret: str) -> None:
    response = await api.client.get(
        "/graphql",
        params={"query": 'mutation { createToken(input: {label: "csrf"}) { __typename } }'},
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert (response.status_code, response.text) == (
        400,
        "mutations are not allowed when using GET",
    )


# --- CORS ----------------------------------------------------------------------------------------

ALLOWED = "https://app.example"


@pytest.fixture
async def served(database: Settings) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """The whole application (with its CORS middleware) in production, without and with an
    allowed origin. The session's database is already open, so no lifespan is run."""
    apps = {
        "default": create_app(production_settings(database)),
        "configured": create_app(production_settings(database, ACTAS_CORS_ORIGINS=ALLOWED)),
    }
    clients = {name: Api.on(app) for name, app in apps.items()}
    try:
        yield clients
    finally:
        for client in clients.values():
            await client.aclose()


async def preflight(client: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await client.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


async def test_production_allows_no_cross_origin_requests_by_default(
    served: dict[str, httpx.AsyncClient],
) -> None:
    response = await preflight(served["default"], ALLOWED)

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_configured_origin_passes_the_preflight_and_no_other_does(
    served: dict[str, httpx.AsyncClient], secret: str
) -> None:
    allowed = await preflight(served["configured"], ALLOWED)
    other = await preflight(served["configured"], "https://evil.example")
    request = await served["configured"].post(
        "/graphql",
        json={"query": "{ viewer { user { name } } }"},
        headers={"Origin": ALLOWED, "Authorization": f"Bearer {secret}"},
    )
    foreign = await served["configured"].post(
        "/graphql",
        json={"query": "{ viewer { user { name } } }"},
        headers={"Origin": "https://evil.example", "Authorization": f"Bearer {secret}"},
    )

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers
    assert request.headers["access-control-allow-origin"] == ALLOWED
    assert request.json()["data"] == {"viewer": {"user": {"name": "Ana"}}}
    assert "access-control-allow-origin" not in foreign.headers


async def test_the_application_answers_health_checks_without_a_token(
    served: dict[str, httpx.AsyncClient],
) -> None:
    response = await served["default"].get("/healthz")

    assert (response.status_code, response.text) == (200, "ok")

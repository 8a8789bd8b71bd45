"""GraphQL over HTTP: a client that accepts ``application/graphql-response+json`` gets that media
type and 4xx for a request that could not be executed; a classic ``application/json`` client gets
200 with the errors in the body."""

from __future__ import annotations

import pytest

from tests.factories import build_world
from tests.schema.client import GRAPHQL_RESPONSE, JSON, Api, token

SYNTAX_ERROR = "{ viewer { user { name }"
VALIDATION_ERROR = "{ viewer { nobody } }"


@pytest.fixture
async def secret() -> str:
    return await token(await build_world(), "ana")


@pytest.mark.parametrize("query", [SYNTAX_ERROR, VALIDATION_ERROR])
async def test_a_request_that_cannot_run_is_a_400_for_graphql_response_clients(
    api: Api, secret: str, query: str
) -> None:
    response = await api.post(query, token=secret, accept=GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body or body["data"] is None
    assert len(body["errors"]) == 1


@pytest.mark.parametrize("query", [SYNTAX_ERROR, VALIDATION_ERROR])
async def test_a_request_that_cannot_run_is_a_200_with_errors_for_json_clients(
    api: Api, secret: str, query: str
) -> None:
    response = await api.post(query, token=secret, accept=JSON)

    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert len(response.json()["errors"]) == 1


async def test_a_successful_request_is_a_200_in_the_media_type_asked_for(
    api: Api, secret: str
) -> None:
    query = "{ viewer { user { name } } }"

    modern = await api.post(query, token=secret, accept=GRAPHQL_RESPONSE)
    classic = await api.post(query, token=secret, accept=JSON)
    either = await api.post(query, token=secret, accept=f"{GRAPHQL_RESPONSE}, {JSON};q=0.9")

    for response, media_type in [
        (modern, GRAPHQL_RESPONSE),
        (classic, JSON),
        (either, GRAPHQL_RESPONSE),
    ]:
        assert response.status_code == 200
        assert response.headers["content-type"] == media_type
        assert response.json()["data"] == {"viewer": {"user": {"name": "Ana"}}}


async def test_an_error_in_one_field_of_a_running_request_is_a_200_with_the_rest_of_the_data(
    api: Api, secret: str
) -> None:
    response = await api.post(
        '{ viewer { user { name } } search(text: "x", after: "bad") { nodes { __typename } } }',
        token=secret,
        accept=GRAPHQL_RESPONSE,
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert body["errors"][0]["path"] == ["search"]
    assert body["data"] is None  # `search` is non-null, so the error reaches the root


async def test_a_limit_refusal_is_a_400_for_graphql_response_clients(api: Api, secret: str) -> None:
    aliases = "{ " + " ".join(f"a{i}: viewer {{ user {{ id }} }}" for i in range(16)) + " }"

    response = await api.post(aliases, token=secret, accept=GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "16 aliases found. Allowed: 15"


async def test_a_body_that_is_not_json_is_a_400(api: Api, secret: str) -> None:
    response = await api.client.post(
        "/graphql",
        content=b"{ viewer { user { name } } }",
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )

    assert response.status_code == 400

"""Marking proposals publishable: admins only, organisation-wide proposals only, closed ones
too, recorded in the event log, and reachable through GraphQL."""

from __future__ import annotations

import httpx
import pytest
from strawberry import relay

from actas.api.domain.errors import Forbidden, ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.vocabulary import TokenScope, Visibility
from actas.api.models import Proposal
from actas.api.services import publishing
from actas.api.services.tokens import issue_token
from actas.api.settings import Settings
from actas.schema.http import ActasGraphQL
from tests.archive.worlds import _closed
from tests.factories import build_world


async def test_an_admin_marks_a_closed_decision_publishable_and_it_is_recorded() -> None:
    world = await build_world()
    decided = await _closed(world, "closed one")
    before = await world.last_seq()

    marked = await publishing.set_publishable(
        await world.viewer("admin"), decided.id, publishable=True
    )
    again = await publishing.set_publishable(
        await world.viewer("admin"), decided.id, publishable=True
    )

    assert marked.publishable and again.publishable
    assert (await Proposal.get(id=decided.id)).publishable
    events = await world.events_since(before)
    assert [(e.type, e.payload) for e in events] == [
        (EventType.PROPOSAL_PUBLISHABLE.value, '{"publishable":true}')
    ]


async def test_only_admins_may_publish() -> None:
    world = await build_world()
    decided = await _closed(world, "closed one")
    with pytest.raises(Forbidden):
        await publishing.set_publishable(await world.viewer("mara"), decided.id, publishable=True)


async def test_a_proposal_restricted_to_a_unit_can_never_be_published() -> None:
    world = await build_world()
    restricted = await _closed(world, "unit one", visibility=Visibility.UNIT, unit="marketing")
    with pytest.raises(ValidationFailed):
        await publishing.set_publishable(
            await world.viewer("admin"), restricted.id, publishable=True
        )


async def test_the_mutation_marks_it_through_the_api(database: Settings) -> None:
    world = await build_world()
    decided = await _closed(world, "closed one")
    secret = (
        await issue_token(world.id("admin"), scope=TokenScope.WRITE, days=1, label="test")
    ).secret
    proposal_id = str(relay.GlobalID(type_name="Proposal", node_id=str(decided.id)))
    query = """mutation($id: ID!) { setPublishable(input: {proposal: $id, publishable: true}) {
        ... on Proposal { reference publishable } ... on Error { message } } }"""
    transport = httpx.ASGITransport(app=ActasGraphQL(database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": {"id": proposal_id}},
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert response.json()["data"]["setPublishable"]["publishable"] is True

"""The event history never names a proposal its reader may not see: linking a visible proposal
to a unit-only one shows an outsider the link without its target, on every path that shows the
event (the proposal's events, the organisation's record, ``node``), and those who may see the
target get it as a global id, never a database number."""

from __future__ import annotations

import orjson
import pytest

from actas.api.domain.vocabulary import LinkKind, Visibility
from actas.api.models import Event, Proposal
from actas.api.services import proposals
from actas.api.settings import Settings
from tests.factories import World, build_world, opened
from tests.schema.client import Api, Data, QueryLog, gid, token

LINKED = "proposal.linked"


@pytest.fixture(scope="module")
async def world(database: Settings) -> World:
    return await build_world()


def reference(world: World, proposal: Proposal) -> str:
    return f"{world.organisation.slug.upper()}-{proposal.number}"


async def linked_pair(world: World) -> tuple[Proposal, Proposal]:
    """Teo links a proposal every member sees to one only his unit (tecnologia) sees."""
    source = await opened(world, "teo", title="Move the build servers")
    target = await opened(
        world, "teo", title="Replace the VPN vendor", visibility=Visibility.UNIT, unit="tecnologia"
    )
    await proposals.link_proposals(
        await world.viewer("teo"), source.id, target.id, LinkKind.RELATED
    )
    return source, target


async def proposal_events(api: Api, world: World, person: str, proposal: Proposal) -> list[Data]:
    data = await api.run(
        """query($ref: String!) { proposal(reference: $ref) {
            events(first: 50) { nodes { id type payload } } } }""",
        {"ref": reference(world, proposal)},
        token=await token(world, person),
    )
    nodes: list[Data] = data["proposal"]["events"]["nodes"]
    return nodes


async def link_payload(api: Api, world: World, person: str, proposal: Proposal) -> Data:
    [link] = [e for e in await proposal_events(api, world, person, proposal) if e["type"] == LINKED]
    payload: Data = link["payload"]
    return payload


async def test_an_outsider_sees_the_link_without_its_hidden_target(api: Api, world: World) -> None:
    source, target = await linked_pair(world)

    assert await link_payload(api, world, "mara", source) == {"kind": "related"}
    assert await link_payload(api, world, "teo", source) == {
        "kind": "related",
        "target": gid("Proposal", target.id),
    }
    # What is stored (and hashed in the chain) is unchanged.
    stored = await Event.get(proposal_id=source.id, type=LINKED)
    assert orjson.loads(stored.payload) == {"target": target.id, "kind": "related"}


async def test_no_path_to_the_event_shows_the_hidden_target(api: Api, world: World) -> None:
    source, target = await linked_pair(world)
    mara = await token(world, "mara")
    [link] = [e for e in await proposal_events(api, world, "mara", source) if e["type"] == LINKED]

    by_node = await api.run(
        "query($id: ID!) { node(id: $id) { ... on Event { payload } } }",
        {"id": link["id"]},
        token=mara,
    )
    record = await api.run(
        """query($slug: String!) { organisation(slug: $slug) {
            events(first: 100) { nodes { type payload } } } }""",
        {"slug": world.organisation.slug},
        token=mara,
    )

    assert by_node["node"]["payload"] == {"kind": "related"}
    payloads = [e["payload"] for e in record["organisation"]["events"]["nodes"]]
    assert {"kind": "related"} in payloads
    shown = orjson.dumps([by_node, record]).decode()
    assert gid("Proposal", target.id) not in shown
    assert f'"target":{target.id}' not in shown


async def test_a_visible_target_is_a_global_id_that_node_resolves(api: Api, world: World) -> None:
    source = await opened(world, "teo")
    target = await opened(world, "mara", title="Retire the old checkout")
    await proposals.link_proposals(
        await world.viewer("teo"), source.id, target.id, LinkKind.SUPERSEDES
    )

    payload = await link_payload(api, world, "ana", source)

    assert payload == {"kind": "supersedes", "target": gid("Proposal", target.id)}
    found = await api.run(
        "query($id: ID!) { node(id: $id) { ... on Proposal { title } } }",
        {"id": payload["target"]},
        token=await token(world, "ana"),
    )
    assert found["node"] == {"title": "Retire the old checkout"}


async def test_the_targets_of_a_page_of_events_are_looked_up_together(
    api: Api, world: World
) -> None:
    """No query per event: a history with five links costs what one with a single link costs."""
    teo = await world.viewer("teo")
    few, many = await opened(world, "teo"), await opened(world, "teo")
    await proposals.link_proposals(teo, few.id, (await opened(world, "teo")).id, LinkKind.RELATED)
    for _ in range(5):
        await proposals.link_proposals(
            teo, many.id, (await opened(world, "teo")).id, LinkKind.RELATED
        )

    counts = []
    for proposal in (few, many):
        with QueryLog.capture() as log:
            await proposal_events(api, world, "mara", proposal)
        counts.append(len(log.statements))

    assert counts[0] == counts[1]

"""An event's payload names every record by its global id, as the rest of the API does: a
frontend can resolve each with ``node(id:)`` and never sees a database number."""

from __future__ import annotations

import dataclasses
from typing import Any

from actas.api.domain import payloads
from actas.api.domain.events import EventType
from actas.api.domain.payload_references import REFERENCES
from actas.api.domain.vocabulary import ParticipantRole, PositionStance, Stance
from actas.api.services import debate, proposals
from tests.factories import build_world, opened
from tests.schema.client import Api, gid, token
from tests.schema.stories import reference

EVENTS = """query($r: String!) {
  proposal(reference: $r) { events(first: 100) { nodes { type payload } } }
}"""


async def test_payloads_name_people_arguments_and_units_by_global_id(api: Api) -> None:
    world = await build_world()
    admin, ana = await world.viewer("admin"), await world.viewer("ana")
    proposal = await opened(world, unit="marketing", participants={"teo": ParticipantRole.DECIDER})
    await proposals.set_participant(admin, proposal.id, world.id("ana"), ParticipantRole.REQUIRED)
    first = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body="Yes.")
    reply = await debate.add_argument(
        admin, proposal.id, stance=Stance.COMMENT, body="Why?", parent_id=first.id
    )
    await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE)

    data = await api.run(EVENTS, {"r": reference(world, proposal)}, token=await token(world, "teo"))
    payload: dict[str, dict[str, Any]] = {
        e["type"]: e["payload"] for e in data["proposal"]["events"]["nodes"]
    }

    drafted = payload[EventType.PROPOSAL_DRAFTED]
    assert drafted["unit"] == gid("Unit", world.units["marketing"].id)
    assert drafted["participants"] == {gid("User", world.id("teo")): "decider"}
    participant = payload[EventType.PARTICIPANT_SET]
    assert participant["user"] == gid("User", world.id("ana"))
    assert participant["deciders"] == [gid("User", world.id("teo"))]
    added = payload[EventType.ARGUMENT_ADDED]  # the latest one: the reply
    assert (added["argument"], added["parent"]) == (
        gid("Argument", reply.id),
        gid("Argument", first.id),
    )
    for key in ("argument", "parent"):
        resolved = await api.run(
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": added[key]},
            token=await token(world, "teo"),
        )
        assert resolved["node"] == {"id": added[key]}


def test_every_referenced_key_belongs_to_its_event_types_shape() -> None:
    for event_type, keys in REFERENCES.items():
        shape = payloads.SHAPES[event_type]
        stored = {f.metadata.get("key", f.name) for f in dataclasses.fields(shape)}
        assert set(keys) <= stored, event_type

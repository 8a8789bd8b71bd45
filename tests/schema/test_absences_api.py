"""Absences and delegation through GraphQL, as a frontend written from the schema uses them."""

from __future__ import annotations

from datetime import timedelta

from actas.api import clock
from actas.api.domain.vocabulary import ParticipantRole
from actas.api.services import inferred_absences, recording
from tests.factories import build_world, opened
from tests.schema.client import Api, gid, token
from tests.schema.stories import reference

ERROR = "... on Error { __typename message }"
RECORD = (
    """mutation($input: RecordAbsenceInput!) { recordAbsence(input: $input) {
  __typename ... on Absence { id until: endsAt note user { name }
    delegations { scope delegate { name } } }
  """
    + ERROR
    + " } }"
)
TAKE = (
    """mutation($input: TakePositionInput!) { takePosition(input: $input) {
  __typename ... on Position { castAs note user { name } castBy { name } onBehalfOf { name } }
  """
    + ERROR
    + " } }"
)
PROPOSAL = """query($r: String!) { proposal(reference: $r) {
  awayVoices { until user { name } delegate { name } skippedDelegate { name } }
  positions { nodes { stance castAs castBy { name } onBehalfOf { name } history { castAs } } }
} }"""
MINE = """{ viewer { absences { id note delegations { delegate { name } } } } }"""
END = """mutation($a: ID!) { endAbsence(absence: $a) { __typename ... on Absence { endsAt } } }"""


async def test_away_with_a_delegate_who_then_speaks_for_her_and_everyone_sees_how(api: Api) -> None:
    world = await build_world()
    proposal = await opened(
        world, participants={"ana": ParticipantRole.REQUIRED, "teo": ParticipantRole.REQUIRED}
    )
    ana, teo, mara = [await token(world, p) for p in ("ana", "teo", "mara")]
    until = (clock.now() + timedelta(days=10)).isoformat()

    recorded = await api.mutate(
        RECORD,
        {
            "input": {
                "organisation": gid("Organisation", world.organisation.id),
                "terms": {
                    "until": until,
                    "note": "Vacaciones",
                    "delegations": [{"delegate": gid("User", world.id("teo"))}],
                },
            }
        },
        token=ana,
    )
    assert recorded["__typename"] == "Absence", recorded
    assert recorded["delegations"] == [{"scope": "ORGANISATION", "delegate": {"name": "Teo"}}]

    ref = reference(world, proposal)
    shown = await api.run(PROPOSAL, {"r": ref}, token=mara)
    assert shown["proposal"]["awayVoices"] == [
        {
            "until": shown["proposal"]["awayVoices"][0]["until"],
            "user": {"name": "Ana"},
            "delegate": {"name": "Teo"},
            "skippedDelegate": None,
        }
    ]

    taken = await api.mutate(
        TAKE,
        {
            "input": {
                "proposal": gid("Proposal", proposal.id),
                "stance": "AGREE",
                "onBehalfOf": gid("User", world.id("ana")),
            }
        },
        token=teo,
    )
    assert taken == {
        "__typename": "Position",
        "castAs": "DELEGATE",
        "note": "",
        "user": {"name": "Ana"},
        "castBy": {"name": "Teo"},
        "onBehalfOf": {"name": "Ana"},
    }

    refused = await api.mutate(
        TAKE,
        {
            "input": {
                "proposal": gid("Proposal", proposal.id),
                "stance": "AGREE",
                "onBehalfOf": gid("User", world.id("teo")),
            }
        },
        token=mara,
    )
    assert refused["__typename"] == "ForbiddenError"

    positions = (await api.run(PROPOSAL, {"r": ref}, token=mara))["proposal"]["positions"]["nodes"]
    assert positions == [
        {
            "stance": "AGREE",
            "castAs": "DELEGATE",
            "castBy": {"name": "Teo"},
            "onBehalfOf": {"name": "Ana"},
            "history": [{"castAs": "DELEGATE"}],
        }
    ]

    [mine] = (await api.run(MINE, token=ana))["viewer"]["absences"]
    assert mine["note"] == "Vacaciones"
    ended = await api.mutate(END, {"a": mine["id"]}, token=ana)
    assert ended["__typename"] == "Absence"
    assert (await api.run(MINE, token=ana))["viewer"]["absences"] == []
    assert (await api.run(PROPOSAL, {"r": ref}, token=mara))["proposal"]["awayVoices"] == []


async def test_a_member_cannot_record_someone_elses_absence(api: Api) -> None:
    world = await build_world()
    teo = await token(world, "teo")

    refused = await api.mutate(
        RECORD,
        {
            "input": {
                "organisation": gid("Organisation", world.organisation.id),
                "user": gid("User", world.id("ana")),
                "terms": {"until": (clock.now() + timedelta(days=3)).isoformat()},
            }
        },
        token=teo,
    )

    assert refused["__typename"] == "ForbiddenError"


PROBABLE = """query($r: String!, $org: ID!) {
  proposal(reference: $r) {
    awayVoices { probable untilStated user { name } delegate { name } }
    events(first: 100) { nodes { type } }
  }
  node(id: $org) { ... on Organisation { events(first: 100) { nodes { type } } } }
}"""


async def test_probably_away_is_shown_to_her_her_head_the_author_and_admins_only(
    api: Api,
) -> None:
    world = await build_world()
    proposal = await opened(
        world,
        author="teo",
        participants={"ana": ParticipantRole.REQUIRED},
        deadline=clock.now() + timedelta(days=5),
    )
    async with recording.change(world.organisation.id, None) as work:
        await inferred_absences.infer_from_auto_reply(work, world.id("ana"), "Out of office.")
    variables = {"r": reference(world, proposal), "org": gid("Organisation", world.organisation.id)}
    alert = "proposal.voice_probably_away"

    for reader in ("ana", "mara", "teo", "admin"):  # she, her head, the author, an admin
        shown = await api.run(PROBABLE, variables, token=await token(world, reader))
        assert shown["proposal"]["awayVoices"] == [
            {"probable": True, "untilStated": False, "user": {"name": "Ana"}, "delegate": None}
        ], reader
        assert alert in {e["type"] for e in shown["proposal"]["events"]["nodes"]}, reader
    ext = await api.run(PROBABLE, variables, token=await token(world, "ext"))
    assert ext["proposal"]["awayVoices"] == []
    assert alert not in {e["type"] for e in ext["proposal"]["events"]["nodes"]}
    assert alert not in {e["type"] for e in ext["node"]["events"]["nodes"]}
    membership = """query($org: ID!) { node(id: $org) { ... on Organisation {
      members(first: 50) { nodes { user { name } absence { source untilStated } } } } } }"""
    seen = {
        m["user"]["name"]: m["absence"]
        for m in (
            await api.run(membership, {"org": variables["org"]}, token=await token(world, "ext"))
        )["node"]["members"]["nodes"]
    }
    assert seen["Ana"] is None  # not her head: another member sees no probable absence
    by_head = await api.run(membership, {"org": variables["org"]}, token=await token(world, "mara"))
    [ana] = [m for m in by_head["node"]["members"]["nodes"] if m["user"]["name"] == "Ana"]
    assert ana["absence"] == {"source": "AUTO_REPLY", "untilStated": False}

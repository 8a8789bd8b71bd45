"""A hidden proposal looks exactly like a missing one, through every path of the API.

Two people must not see two proposals of the organisation Acme: Ana, a member of Acme outside
the audience (the first proposal is visible to the Tecnologia unit, the second to its
participants), and an outsider, a member of another organisation. For each path (a reference,
``node``, ``nodes``, lists, search, links, every mutation) the JSON answer about the hidden item
is compared with the answer about an item that does not exist: they differ at most by the id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from actas.api.domain.vocabulary import (
    LinkKind,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Stance,
    Visibility,
)
from actas.api.models import Event, Notification, Position, Proposal, ProposalVersion
from actas.api.services import debate, follow_through, proposals, webhooks
from tests.factories import World, build_world, opened
from tests.schema.client import Api, Data, gid, token

MISSING = 2**31 - 1  # an id no row has
DUE = date(2099, 1, 1)


@dataclass
class Hidden:
    """One hidden proposal and the ids of what hangs from it."""

    proposal: Proposal
    argument: int
    version: int
    position: int
    event: int
    follow_up: int
    notification: int  # Teo's, about it


@dataclass
class Scene:
    acme: World
    other: World
    word: str
    hidden: dict[str, Hidden]  # "unit", "participants"
    public: Proposal  # visible to all of Acme, linked to both hidden proposals
    tokens: dict[str, str]  # "ana", "outsider", "teo", "admin"
    own: dict[str, Proposal]  # an open proposal each of Ana and the outsider may change

    def reference(self, number: int) -> str:
        return f"{self.acme.organisation.slug.upper()}-{number}"


async def hidden_proposal(world: World, word: str, visibility: Visibility) -> Hidden:
    """Teo's proposal, revised, argued on, positioned, accepted and followed up, visible to
    Tecnologia or to Teo and the admin only."""
    teo = await world.viewer("teo")
    proposal = await opened(
        world,
        "teo",
        title=f"Secret {word} plan",
        visibility=visibility,
        unit="tecnologia" if visibility is Visibility.UNIT else None,
        participants={"teo": ParticipantRole.CONSULTED, "admin": ParticipantRole.DECIDER}
        if visibility is Visibility.PARTICIPANTS
        else None,
    )
    await proposals.revise_proposal(
        teo, proposal.id, expected_version=1, change_note="Sharper.", summary=f"The {word} summary"
    )
    argument = await debate.add_argument(
        teo, proposal.id, stance=Stance.FOR, body=f"The {word} argument"
    )
    await debate.take_position(teo, proposal.id, stance=PositionStance.AGREE)
    admin = await world.viewer("admin")
    await proposals.decide_proposal(
        admin, proposal.id, outcome=ProposalState.ACCEPTED, statement="Agreed."
    )
    follow_up = await follow_through.add_follow_up(
        admin, proposal.id, title=f"The {word} follow-up", owner_id=world.id("teo"), due=DUE
    )
    version = await ProposalVersion.get(proposal_id=proposal.id, number=2)
    position = await Position.get(proposal_id=proposal.id, user_id=world.id("teo"))
    event = await Event.filter(proposal_id=proposal.id).order_by("-seq").first()
    told = await Notification.filter(proposal_id=proposal.id, user_id=world.id("teo")).first()
    assert event is not None
    assert told is not None
    return Hidden(proposal, argument.id, version.id, position.id, event.id, follow_up.id, told.id)


async def scene() -> Scene:
    acme = await build_world()
    other = await build_world()
    word = f"quokka{acme.organisation.id}"
    hidden = {
        "unit": await hidden_proposal(acme, word, Visibility.UNIT),
        "participants": await hidden_proposal(acme, word, Visibility.PARTICIPANTS),
    }
    public = await opened(
        acme, "mara", title=f"Public {word} plan", participants={"teo": ParticipantRole.CONSULTED}
    )
    # The admin heads the top unit and decides the participants' proposal, so sees both.
    for kind in KINDS:
        await proposals.link_proposals(
            await acme.viewer("admin"), public.id, hidden[kind].proposal.id, LinkKind.RELATED
        )
    tokens = {
        "ana": await token(acme, "ana"),
        "teo": await token(acme, "teo"),
        "admin": await token(acme, "admin"),
        "outsider": await token(other, "mara"),
    }
    own = {
        "ana": await opened(acme, "ana", title="Ana's own"),
        "outsider": await opened(other, "mara", title="The outsider's own"),
    }
    return Scene(acme, other, word, hidden, public, tokens, own)


def without_id(body: Any, *ids: int) -> Any:
    """The answer with the given ids (in messages) and their global ids replaced by a marker."""
    text = repr(body)
    for key in ids:
        text = re.sub(rf"\b{key}\b", "#", text)
    return text


PROPOSAL_BY_REFERENCE = "query($r: String!) { proposal(reference: $r) { id title } }"
NODE = "query($id: ID!) { node(id: $id) { __typename ... on Node { id } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Node { id } } }"

VIEWERS = ["ana", "outsider"]
KINDS = ["unit", "participants"]


@pytest.fixture
async def world() -> Scene:
    return await scene()


async def test_the_audience_does_see_the_hidden_proposals(api: Api, world: Scene) -> None:
    """The control: the proposals are hidden from some, not missing."""
    for kind, who in [(k, w) for k in KINDS for w in ("admin", "teo")]:
        hidden = world.hidden[kind]
        data = await api.run(
            PROPOSAL_BY_REFERENCE,
            {"r": world.reference(hidden.proposal.number)},
            token=world.tokens[who],
        )
        assert data["proposal"]["id"] == gid("Proposal", hidden.proposal.id)
        for type_name, key in [
            ("Argument", hidden.argument),
            ("ProposalVersion", hidden.version),
            ("Position", hidden.position),
            ("Event", hidden.event),
            ("FollowUp", hidden.follow_up),
        ]:
            found = await api.run(NODE, {"id": gid(type_name, key)}, token=world.tokens[who])
            assert found["node"] == {"__typename": type_name, "id": gid(type_name, key)}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a_hidden_proposal_by_reference_is_null_like_a_missing_one(
    api: Api, world: Scene, viewer: str, kind: str
) -> None:
    hidden = world.hidden[kind].proposal

    seen = await api.body(
        PROPOSAL_BY_REFERENCE, {"r": world.reference(hidden.number)}, token=world.tokens[viewer]
    )
    missing = await api.body(
        PROPOSAL_BY_REFERENCE, {"r": world.reference(99_999)}, token=world.tokens[viewer]
    )

    assert seen == missing == {"data": {"proposal": None}}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
async def test_everything_of_a_hidden_proposal_is_null_by_node_like_a_missing_one(
    api: Api, world: Scene, viewer: str, kind: str
) -> None:
    hidden = world.hidden[kind]
    ids = [
        ("Proposal", hidden.proposal.id),
        ("Argument", hidden.argument),
        ("ProposalVersion", hidden.version),
        ("Position", hidden.position),
        ("Event", hidden.event),
        ("FollowUp", hidden.follow_up),
        ("Notification", hidden.notification),
    ]

    for type_name, key in ids:
        seen = await api.body(NODE, {"id": gid(type_name, key)}, token=world.tokens[viewer])
        missing = await api.body(NODE, {"id": gid(type_name, MISSING)}, token=world.tokens[viewer])
        assert seen == missing == {"data": {"node": None}}, type_name
    together = await api.body(
        NODES, {"ids": [gid(t, k) for t, k in ids]}, token=world.tokens[viewer]
    )
    assert together == {"data": {"nodes": [None] * len(ids)}}


async def test_an_outsider_sees_nothing_of_the_organisation_itself(api: Api, world: Scene) -> None:
    acme = world.acme
    organisation_event = await Event.filter(
        organisation_id=acme.organisation.id, proposal_id=None
    ).first()
    assert organisation_event is not None
    hook = await webhooks.create_webhook(
        await acme.viewer("admin"), acme.organisation.id, url="https://hooks.example"
    )
    ids = [
        ("Organisation", acme.organisation.id),
        ("Unit", acme.units["tecnologia"].id),
        ("Membership", (await acme.membership("ana")).id),
        ("User", acme.id("ana")),
        ("Event", organisation_event.id),
        ("Webhook", hook.webhook.id),
    ]
    outsider = world.tokens["outsider"]

    for type_name, key in ids:
        seen = await api.body(NODE, {"id": gid(type_name, key)}, token=outsider)
        missing = await api.body(NODE, {"id": gid(type_name, MISSING)}, token=outsider)
        assert seen == missing == {"data": {"node": None}}, type_name
    update = "updateWebhook(input: {webhook: $id, active: false})"
    seen = await attempt(api, update, {}, gid("Webhook", hook.webhook.id), outsider)
    missing = await attempt(api, update, {}, gid("Webhook", MISSING), outsider)
    assert without_id(seen, hook.webhook.id) == without_id(missing, MISSING)
    assert seen["data"]["updateWebhook"]["__typename"] == "NotFoundError"
    by_slug = "query($slug: String!) { organisation(slug: $slug) { id } }"
    seen = await api.body(by_slug, {"slug": acme.organisation.slug}, token=outsider)
    missing = await api.body(by_slug, {"slug": "no-such-organisation"}, token=outsider)
    assert seen == missing == {"data": {"organisation": None}}


LIST = """query($slug: String!, $text: String, $participant: ID) {
  organisation(slug: $slug) {
    proposals(first: 100, text: $text, participant: $participant) { nodes { title } }
  }
}"""
SEARCH = """query($text: String!) {
  search(text: $text, first: 100) { nodes { proposal { title } arguments { body } } }
}"""
LINKS = "query($r: String!) { proposal(reference: $r) { links { kind proposal { title } } } }"


async def test_hidden_proposals_are_absent_from_a_members_lists(api: Api, world: Scene) -> None:
    ana = world.tokens["ana"]
    slug = world.acme.organisation.slug

    everything = await api.run(LIST, {"slug": slug}, token=ana)
    by_word = await api.run(LIST, {"slug": slug, "text": world.word}, token=ana)
    by_teo = await api.run(
        LIST, {"slug": slug, "participant": gid("User", world.acme.id("teo"))}, token=ana
    )
    teo_sees = await api.run(LIST, {"slug": slug, "text": world.word}, token=world.tokens["teo"])

    public = f"Public {world.word} plan"
    assert [n["title"] for n in everything["organisation"]["proposals"]["nodes"]] == [
        "Ana's own",
        public,
    ]
    assert by_word["organisation"]["proposals"]["nodes"] == [{"title": public}]
    assert by_teo["organisation"]["proposals"]["nodes"] == [{"title": public}]
    assert [n["title"] for n in teo_sees["organisation"]["proposals"]["nodes"]] == [
        public,
        f"Secret {world.word} plan",
        f"Secret {world.word} plan",
    ]


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_hidden_proposals_and_their_arguments_are_absent_from_search(
    api: Api, world: Scene, viewer: str
) -> None:
    found = await api.run(SEARCH, {"text": world.word}, token=world.tokens[viewer])
    by_argument = await api.run(
        SEARCH, {"text": f"the {world.word} argument"}, token=world.tokens[viewer]
    )
    teo_finds = await api.run(
        SEARCH, {"text": f"the {world.word} argument"}, token=world.tokens["teo"]
    )

    public = (
        []
        if viewer == "outsider"
        else [{"proposal": {"title": f"Public {world.word} plan"}, "arguments": []}]
    )
    assert found["search"]["nodes"] == public
    assert by_argument["search"]["nodes"] == []
    assert [hit["arguments"] for hit in teo_finds["search"]["nodes"]] == [
        [{"body": f"The {world.word} argument"}]
    ] * 2


async def test_links_to_hidden_proposals_are_left_out(api: Api, world: Scene) -> None:
    reference = world.reference(world.public.number)

    ana = await api.run(LINKS, {"r": reference}, token=world.tokens["ana"])
    teo = await api.run(LINKS, {"r": reference}, token=world.tokens["teo"])

    assert ana == {"proposal": {"links": []}}
    assert [link["kind"] for link in teo["proposal"]["links"]] == ["RELATED", "RELATED"]


# --- mutations -----------------------------------------------------------------------------------

RESULT = "{ __typename ... on Error { message code } ... on ValidationError { field } }"


def on_proposal(scene: Scene, viewer: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Mutations naming a proposal ``$id`` that would otherwise be valid for its audience."""
    mine = gid("Proposal", scene.own[viewer].id)
    return {
        "updateProposal": ('updateProposal(input: {proposal: $id, tags: ["x"]})', {}),
        "reviseProposal": (
            'reviseProposal(input: {proposal: $id, expectedVersion: 2, changeNote: "n", '
            'title: "t"})',
            {},
        ),
        "setParticipant": (
            "setParticipant(input: {proposal: $id, user: $other, role: CONSULTED})",
            {"other": gid("User", scene.acme.id("ana"))},
        ),
        "openProposal": ("openProposal(input: {proposal: $id})", {}),
        "withdrawProposal": ('withdrawProposal(input: {proposal: $id, reason: "r"})', {}),
        "abandonProposal": ('abandonProposal(input: {proposal: $id, reason: "r"})', {}),
        "decideProposal": (
            'decideProposal(input: {proposal: $id, outcome: ACCEPTED, statement: "s"})',
            {},
        ),
        "linkProposals as source": (
            "linkProposals(input: {proposal: $id, target: $other, kind: RELATED})",
            {"other": mine},
        ),
        "linkProposals as target": (
            "linkProposals(input: {proposal: $other, target: $id, kind: SUPERSEDES})",
            {"other": mine},
        ),
        "addArgument": ('addArgument(input: {proposal: $id, stance: FOR, body: "b"})', {}),
        "takePosition": ("takePosition(input: {proposal: $id, stance: AGREE})", {}),
        "followProposal": ("followProposal(input: {proposal: $id})", {}),
        "addFollowUp": (
            'addFollowUp(input: {proposal: $id, title: "t", owner: $other, due: "2099-01-01"})',
            {"other": gid("User", scene.acme.id("ana"))},
        ),
        "recordOutcome": (
            'recordOutcome(input: {proposal: $id, observed: "o", verdict: MET})',
            {},
        ),
    }


def on_argument(scene: Scene, viewer: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Mutations naming an argument ``$id``."""
    mine = gid("Proposal", scene.own[viewer].id)
    return {
        "editArgument": ('editArgument(input: {argument: $id, body: "b"})', {}),
        "addArgument in reply": (
            'addArgument(input: {proposal: $other, stance: FOR, body: "b", replyTo: $id})',
            {"other": mine},
        ),
    }


async def attempt(api: Api, call: str, variables: dict[str, Any], key: str, secret: str) -> Data:
    declared = "$id: ID!" + (", $other: ID!" if "other" in variables else "")
    return await api.body(
        f"mutation({declared}) {{ {call} {RESULT} }}", {**variables, "id": key}, token=secret
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
async def test_every_mutation_on_a_hidden_proposal_fails_like_on_a_missing_one(
    api: Api, world: Scene, viewer: str, kind: str
) -> None:
    hidden = world.hidden[kind]
    secret = world.tokens[viewer]
    events_before = await Event.filter(organisation_id=world.acme.organisation.id).count()
    typenames: dict[str, str] = {}

    for name, (call, variables) in on_proposal(world, viewer).items():
        seen = await attempt(api, call, variables, gid("Proposal", hidden.proposal.id), secret)
        missing = await attempt(api, call, variables, gid("Proposal", MISSING), secret)
        assert without_id(seen, hidden.proposal.id) == without_id(missing, MISSING), name
        (result,) = seen["data"].values()
        typenames[name] = result["__typename"]
    for name, (call, variables) in on_argument(world, viewer).items():
        seen = await attempt(api, call, variables, gid("Argument", hidden.argument), secret)
        missing = await attempt(api, call, variables, gid("Argument", MISSING), secret)
        assert without_id(seen, hidden.argument) == without_id(missing, MISSING), name
        (result,) = seen["data"].values()
        typenames[name] = result["__typename"]
    follow_up = 'updateFollowUp(input: {followUp: $id, status: DONE, note: "n"})'
    seen = await attempt(api, follow_up, {}, gid("FollowUp", hidden.follow_up), secret)
    missing = await attempt(api, follow_up, {}, gid("FollowUp", MISSING), secret)
    assert without_id(seen, hidden.follow_up) == without_id(missing, MISSING), "updateFollowUp"
    typenames["updateFollowUp"] = seen["data"]["updateFollowUp"]["__typename"]

    assert typenames == {
        **dict.fromkeys(on_proposal(world, viewer), "NotFoundError"),
        "editArgument": "NotFoundError",
        "addArgument in reply": "ValidationError",
        "updateFollowUp": "NotFoundError",
    }
    assert await Event.filter(organisation_id=world.acme.organisation.id).count() == events_before


async def test_a_missing_proposal_error_says_so_plainly(api: Api, world: Scene) -> None:
    result = await api.mutate(
        f'mutation($id: ID!) {{ addArgument(input: {{proposal: $id, stance: FOR, body: "b"}}) '
        f"{RESULT} }}",
        {"id": gid("Proposal", world.hidden["unit"].proposal.id)},
        token=world.tokens["ana"],
    )

    assert result == {
        "__typename": "NotFoundError",
        "message": f"No proposal {world.hidden['unit'].proposal.id} found.",
        "code": "not_found",
    }

"""``Proposal.viewerCan``: the forms' one answer to "what may I do here?", through the API. It says
what the mutations then do, costs a fixed number of queries for any number of proposals, and
adds nothing to a query's price (an object of booleans is not a connection)."""

from __future__ import annotations

from typing import Any

from actas.api.domain.vocabulary import ParticipantRole, ProposalState, RuleKind, TokenScope
from actas.api.services import proposals
from tests.factories import World, build_world, draft, opened
from tests.schema.client import Api, QueryLog, gid, token
from tests.schema.stories import reference

EVERY_ABILITY = """viewerCan {
  argue reply takePosition block edit revise changeParticipants link
  open withdraw abandon accept reject addFollowUp recordOutcome
}"""
CAN = f"""query($r: String!) {{ proposal(reference: $r) {{ {EVERY_ABILITY} }} }}"""
LIST = """query($slug: String!) {{ organisation(slug: $slug) {{
  proposals(first: 50) {{ nodes {{ reference state {viewer_can} }} }}
}} }}"""
ERROR = "... on Error { message }"


async def viewer_can(api: Api, secret: str, proposal_reference: str) -> dict[str, bool]:
    data = await api.run(CAN, {"r": proposal_reference}, token=secret)
    can: dict[str, bool] = data["proposal"]["viewerCan"]
    return can


async def mutate(api: Api, secret: str, name: str, input: dict[str, Any]) -> bool:
    """Whether the mutation succeeded (its result is not one of the typed errors)."""
    result = await api.mutate(
        f"mutation($input: {name[0].upper()}{name[1:]}Input!) "
        f"{{ {name}(input: $input) {{ __typename {ERROR} }} }}",
        {"input": input},
        token=secret,
    )
    return "message" not in result


async def test_what_viewer_can_says_is_what_the_mutations_do(api: Api) -> None:
    world = await build_world()
    parts = {
        "admin": ParticipantRole.DECIDER,
        "ana": ParticipantRole.INFORMED,
        "teo": ParticipantRole.CONSULTED,
        "olga": ParticipantRole.INFORMED,
    }
    proposal = await opened(world, "mara", participants=parts, rule=RuleKind.CONSENT)
    ref, pid = reference(world, proposal), gid("Proposal", proposal.id)
    secrets = {
        "admin (decider)": await token(world, "admin"),
        "ana (informed)": await token(world, "ana"),
        "teo (consulted)": await token(world, "teo"),
        "olga (observer)": await token(world, "olga"),
        "mara (read-only token)": await token(world, "mara", TokenScope.READ),
    }
    argue = {"proposal": pid, "stance": "FOR", "body": "Yes."}
    agree = {"proposal": pid, "stance": "AGREE"}
    block = {"proposal": pid, "stance": "BLOCK", "reason": "Too risky."}

    said, done = {}, {}
    for who, secret in secrets.items():
        can = await viewer_can(api, secret, ref)
        said[who] = (can["argue"], can["takePosition"], can["block"])
        done[who] = (
            await mutate(api, secret, "addArgument", argue),
            await mutate(api, secret, "takePosition", agree),
            await mutate(api, secret, "takePosition", block),
        )

    assert said == done
    assert said == {
        "admin (decider)": (True, True, True),
        "ana (informed)": (True, False, False),
        "teo (consulted)": (True, True, False),  # under consent only required voices block
        "olga (observer)": (False, False, False),
        "mara (read-only token)": (False, False, False),
    }


async def test_the_author_of_a_draft_may_shape_and_open_it_and_nobody_decides_it(
    api: Api,
) -> None:
    world = await build_world()
    proposal = await draft(world, "mara", participants={"admin": ParticipantRole.DECIDER})
    can = await viewer_can(api, await token(world, "mara"), reference(world, proposal))
    assert {name for name, allowed in can.items() if allowed} == {
        "edit",
        "revise",
        "changeParticipants",
        "link",
        "open",
        "withdraw",
    }


async def test_a_list_of_50_proposals_asks_what_the_viewer_can_in_as_many_queries_as_5(
    api: Api,
) -> None:
    with_can, without = {}, {}
    for size in (5, 50):
        world = await build_world()
        await _every_kind_of_proposal(world, size)
        secret = await token(world, "admin")
        slug = {"slug": world.organisation.slug}
        with QueryLog.capture() as log:
            data = await api.run(LIST.format(viewer_can=EVERY_ABILITY), slug, token=secret)
        nodes = data["organisation"]["proposals"]["nodes"]
        assert len(nodes) == size
        assert {n["state"] for n in nodes} == {"DRAFT", "OPEN", "ACCEPTED"}
        assert any(n["viewerCan"]["addFollowUp"] for n in nodes)
        assert any(n["viewerCan"]["block"] for n in nodes)
        with_can[size] = log.statements
        with QueryLog.capture() as log:
            await api.run(LIST.format(viewer_can=""), slug, token=secret)
        without[size] = log.statements

    assert len(with_can[50]) == len(with_can[5]), "\n".join(with_can[50])
    # The proposals again (the list does not prime the loader), their participants, who votes
    # on the open ones under consent (participants, positions, absences, memberships, units)
    # and, on the accepted ones, the viewer's follow-ups and the outcome reviews.
    assert len(with_can[50]) - len(without[50]) <= 9, "\n".join(with_can[50])


async def test_viewer_can_adds_nothing_to_the_price_of_a_query(api: Api) -> None:
    world = await build_world()
    await opened(world, "mara")
    secret = await token(world, "admin")
    slug = {"slug": world.organisation.slug}

    async def price(query: str) -> int:
        response = await api.post(query, slug, token=secret)
        requested: int = response.json()["extensions"]["cost"]["requested"]
        return requested

    assert await price(LIST.format(viewer_can=EVERY_ABILITY)) == await price(
        LIST.format(viewer_can="")
    )


async def _every_kind_of_proposal(world: World, size: int) -> None:
    """Drafts, open proposals under consent (admin decides) and accepted ones, in turn."""
    admin = await world.viewer("admin")
    deciders = {"admin": ParticipantRole.DECIDER}
    for i in range(size):
        kind = i % 3
        if kind == 0:
            await draft(world, "admin", title=f"Draft {i}")
            continue
        rule = RuleKind.CONSENT if kind == 1 else RuleKind.DECIDER
        proposal = await opened(world, "mara", participants=deciders, rule=rule, title=f"P{i}")
        if kind == 2:
            await proposals.decide_proposal(
                admin, proposal.id, outcome=ProposalState.ACCEPTED, statement="Go."
            )

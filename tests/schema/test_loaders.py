"""DataLoaders: the number of SQL queries a request makes does not grow with the data it shows.

Tortoise logs every statement it sends; ``QueryLog`` counts them for one request at a time. The
counts include authenticating the token and loading the viewer, which are the same for every
request; a trivial request (``BASELINE``) measures them.
"""

from __future__ import annotations

from actas.api.domain.vocabulary import ParticipantRole, Stance
from actas.api.services import debate, proposals
from tests.factories import World, build_world, opened
from tests.schema.client import Api, Data, QueryLog, token
from tests.schema.stories import reference, with_arguments

BASELINE = "{ viewer { user { id } } }"
PAGE = """query($reference: String!, $after: String) {
  proposal(reference: $reference) {
    reference title summary body version state deadline
    author { name }
    unit { name }
    tags
    versions { number title changeNote author { name } }
    participants { role user { name } }
    first: arguments(first: 100) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id parentId depth stance body createdAt author { id name } } }
    }
    rest: arguments(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id parentId depth stance body createdAt author { id name } } }
    }
    positions { nodes { stance reason user { name } history { stance reason } } }
    tally { verdict reason counts { agree abstain disagree block } missingVoices { name } }
    decision { outcome statement decidedBy { name } citedArguments { id body author { name } } }
  }
}"""


async def statements(api: Api, query: str, variables: Data, secret: str) -> list[str]:
    with QueryLog.capture() as log:
        await api.run(query, variables, token=secret)
    return log.statements


async def page_queries(api: Api, world: World, reference_: str) -> tuple[list[str], Data]:
    """The SQL statements of one proposal page request (with the second page of arguments)."""
    secret = await token(world, "ana")
    first = await api.run(PAGE, {"reference": reference_}, token=secret)
    after = first["proposal"]["first"]["pageInfo"]["endCursor"]
    with QueryLog.capture() as log:
        page = await api.run(PAGE, {"reference": reference_, "after": after}, token=secret)
    return log.statements, page["proposal"]


async def test_the_proposal_page_costs_the_same_queries_for_10_and_200_arguments(
    api: Api,
) -> None:
    world = await build_world()
    small = await with_arguments(world, 10)
    large = await with_arguments(world, 200)

    small_sql, small_page = await page_queries(api, world, reference(world, small))
    large_sql, large_page = await page_queries(api, world, reference(world, large))
    baseline = await statements(api, BASELINE, {}, await token(world, "ana"))

    shown = len(large_page["first"]["edges"]) + len(large_page["rest"]["edges"])
    assert (len(small_page["first"]["edges"]), len(small_page["rest"]["edges"])) == (10, 0)
    assert shown == 200
    assert max(edge["node"]["depth"] for edge in large_page["rest"]["edges"]) == 7
    assert len(large_page["positions"]["nodes"]) == 3
    assert len(large_page["decision"]["citedArguments"]) == 2
    assert len(large_sql) == len(small_sql), "\n".join(large_sql)
    # Beyond the baseline, at most one query per relation the page shows: the proposal, tags,
    # versions, participants, arguments with authors, positions with users, other people,
    # citations and position histories.
    assert len(large_sql) - len(baseline) <= 9, "\n".join(large_sql)


async def test_a_list_of_proposals_costs_the_same_queries_for_5_and_20_proposals(
    api: Api,
) -> None:
    query = """query($slug: String!) { organisation(slug: $slug) {
        proposals(first: 20) { nodes {
          reference title state author { name } unit { name } tags
          tally { verdict counts { agree } missingVoices { name } }
          decision { outcome }
          participants { role user { name } }
        } }
    } }"""
    counts: dict[int, list[str]] = {}
    for size in (5, 20):
        world = await build_world()
        for i in range(size):
            proposal = await opened(
                world,
                ["mara", "ana", "teo"][i % 3],
                title=f"Proposal {i}",
                unit=["marketing", "analitica", None][i % 3],
                tags=[f"tag{i}", "common"],
                participants={"admin": ParticipantRole.DECIDER},
            )
            await debate.add_argument(
                await world.viewer("admin"), proposal.id, stance=Stance.FOR, body="Yes"
            )
        await proposals.update_proposal(
            await world.viewer("admin"), proposal.id, proposals.ProposalChanges(tags=["last"])
        )
        secret = await token(world, "admin")
        with QueryLog.capture() as log:
            data = await api.run(query, {"slug": world.organisation.slug}, token=secret)
        nodes = data["organisation"]["proposals"]["nodes"]
        assert len(nodes) == size
        assert nodes[0]["tags"] == ["last"]
        counts[size] = log.statements

    assert len(counts[20]) == len(counts[5]), "\n".join(counts[20])

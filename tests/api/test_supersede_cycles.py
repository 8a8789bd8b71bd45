"""Supersede links never close a circle, of any length: every chain of replacements ends."""

from __future__ import annotations

import itertools

import pytest

from actas.api.domain.errors import ValidationFailed
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import LinkKind
from actas.api.models import Proposal, ProposalLink
from actas.api.services import proposals
from actas.api.settings import Settings
from tests.factories import World, build_world, draft, opened


@pytest.fixture(scope="module")
async def world(database: Settings) -> World:
    return await build_world()


async def supersede(world: World, newer: Proposal, older: Proposal, by: str = "mara") -> None:
    await proposals.link_proposals(await world.viewer(by), newer.id, older.id, LinkKind.SUPERSEDES)


async def relate(world: World, source: Proposal, target: Proposal) -> None:
    await proposals.link_proposals(
        await world.viewer("mara"), source.id, target.id, LinkKind.RELATED
    )


def reference(world: World, proposal: Proposal) -> str:
    return format_reference(world.organisation.slug, proposal.number)


async def supersede_links(*among: Proposal) -> int:
    ids = [proposal.id for proposal in among]
    return await ProposalLink.filter(source_id__in=ids, kind=LinkKind.SUPERSEDES).count()


async def test_a_three_proposal_circle_is_refused_naming_the_chain(world: World) -> None:
    a, b, c = [await opened(world) for _ in range(3)]
    await supersede(world, a, b)
    await supersede(world, b, c)

    with pytest.raises(ValidationFailed) as refused:
        await supersede(world, c, a)

    assert refused.value.field == "target"
    chain = " supersedes ".join(reference(world, p) for p in (c, a, b, c))
    assert chain in str(refused.value)
    assert await supersede_links(a, b, c) == 2


async def test_a_five_proposal_circle_is_refused(world: World) -> None:
    chain = [await opened(world) for _ in range(5)]
    for newer, older in itertools.pairwise(chain):
        await supersede(world, newer, older)

    with pytest.raises(ValidationFailed, match="circle"):
        await supersede(world, chain[-1], chain[0])

    assert await supersede_links(*chain) == 4


async def test_two_proposals_still_cannot_supersede_each_other(world: World) -> None:
    old, new = await opened(world), await opened(world)
    await supersede(world, new, old)

    with pytest.raises(ValidationFailed, match="supersede each other"):
        await supersede(world, old, new)


async def test_chains_that_meet_without_a_circle_are_accepted(world: World) -> None:
    # top replaces left and right, both replace base; newest replaces top and, directly, base.
    top, left, right, base, newest = [await opened(world) for _ in range(5)]
    for newer, older in [
        (top, left),
        (top, right),
        (left, base),
        (right, base),
        (newest, top),
        (newest, base),
    ]:
        await supersede(world, newer, older)

    assert await supersede_links(top, left, right, base, newest) == 6


async def test_related_links_never_count_towards_a_circle(world: World) -> None:
    a, b, c = [await opened(world) for _ in range(3)]
    await relate(world, b, a)
    await relate(world, c, b)
    await supersede(world, a, b)
    await supersede(world, b, c)

    await relate(world, c, a)

    assert await ProposalLink.filter(source_id=c.id).count() == 2


async def test_the_chain_does_not_name_a_proposal_the_linker_cannot_see(world: World) -> None:
    a = await opened(world)
    hidden = await draft(world, "ana", title="Ana's unpublished draft")
    b = await opened(world, "ana")
    await supersede(world, hidden, a, by="ana")
    await supersede(world, b, hidden, by="ana")

    with pytest.raises(ValidationFailed) as refused:
        await supersede(world, a, b)

    message = str(refused.value)
    named = f"{reference(world, a)} supersedes {reference(world, b)} supersedes a proposal"
    assert named in message
    assert reference(world, hidden) not in message

"""Concurrent writers lose nothing: every argument and position change is stored once, and the
organisation's event chain stays whole (no forked or skipped sequence numbers)."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Awaitable
from pathlib import Path

from actas.api.domain.errors import ValidationFailed, VersionConflict
from actas.api.domain.events import GENESIS_HASH
from actas.api.domain.rules import Tally
from actas.api.domain.vocabulary import PositionStance, RuleKind, Stance
from actas.api.models import (
    Argument,
    Event,
    Position,
    PositionChange,
    Proposal,
    ProposalVersion,
    User,
)
from actas.api.services import debate, organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.services.ledger import verify_chains
from actas.api.settings import Settings
from tests.factories import World, build_world, opened, unique

WRITER = Path(__file__).with_name("concurrent_writer.py")


async def crowd(size: int) -> tuple[World, list[int]]:
    """An organisation with ``size`` more members, all in no unit."""
    world = await build_world(people={}, units=())
    admin = await world.viewer("admin")
    members = []
    for i in range(size):
        membership = await organisations.add_member(
            admin, world.organisation.id, email=f"{unique(f'c{i}')}@example.org", name=f"C{i}"
        )
        members.append(membership.user_id)
    return world, members


async def write_at_once(
    database: Settings, proposal_id: int, groups: list[list[int]], rounds: int, *, tag: str
) -> None:
    """One ``concurrent_writer.py`` process per group of users (tagged ``{tag}{n}``), all started
    once every one has opened the database; each must end cleanly, never "locked"."""
    runs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(WRITER),
            database.database_url,
            str(proposal_id),
            f"{tag}{n}",
            str(rounds),
            *map(str, group),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for n, group in enumerate(groups)
    ]
    for run in runs:  # every writer has opened the database …
        assert run.stdout is not None
        assert await run.stdout.readline() == b"ready\n"
    # … before any of them starts writing.
    results = await asyncio.gather(*(run.communicate(b"go\n") for run in runs))
    for run, (_, stderr) in zip(runs, results, strict=True):
        assert run.returncode == 0, stderr.decode()
        assert b"locked" not in stderr


async def assert_chain_is_whole(world: World, expected_events: int) -> None:
    events = await Event.filter(organisation_id=world.organisation.id).order_by("seq")
    assert len(events) == expected_events
    assert [e.seq for e in events] == list(range(1, expected_events + 1))
    assert [e.prev_hash for e in events] == [GENESIS_HASH] + [e.hash for e in events[:-1]]
    [report] = [r for r in await verify_chains() if r.organisation_slug == world.organisation.slug]
    assert (report.events, report.broken) == (expected_events, None)


async def test_concurrent_arguments_and_positions_in_one_process(database: Settings) -> None:
    world, members = await crowd(20)
    proposal = await opened(world, "admin", rule=RuleKind.MAJORITY)
    before = await world.last_seq()
    viewers = [await load_viewer(user) for user in members]
    calls: list[Awaitable[object]] = []
    for viewer in viewers:
        calls.append(
            debate.add_argument(
                viewer, proposal.id, stance=Stance.FOR, body=f"Argument of {viewer.user_id}"
            )
        )
        calls.append(debate.take_position(viewer, proposal.id, stance=PositionStance.AGREE))
        calls.append(
            debate.take_position(viewer, proposal.id, stance=PositionStance.DISAGREE, reason="No.")
        )

    await asyncio.gather(*calls)

    bodies = Counter(await Argument.filter(proposal_id=proposal.id).values_list("body", flat=True))
    assert bodies == Counter(f"Argument of {user}" for user in members)
    changes = (
        await PositionChange.filter(proposal_id=proposal.id)
        .order_by("id")
        .values_list("user_id", "stance")
    )
    assert Counter(user for user, _ in changes) == dict.fromkeys(members, 2)
    last_change = {user: stance for user, stance in changes}
    current = dict(await Position.filter(proposal_id=proposal.id).values_list("user_id", "stance"))
    assert current == last_change
    tally = Tally.from_json((await Proposal.get(id=proposal.id)).tally)
    assert tally.participated_weight == len(members)
    assert tally.weights["agree"] + tally.weights["disagree"] == len(members)
    assert tally.weights["agree"] == sum(1 for s in current.values() if s == PositionStance.AGREE)
    await assert_chain_is_whole(world, before + len(calls))


async def test_concurrent_writers_in_several_processes(database: Settings) -> None:
    processes, users_each, rounds = 4, 4, 6
    world, members = await crowd(processes * users_each)
    proposal = await opened(world, "admin")
    before = await world.last_seq()
    groups = [members[i * users_each : (i + 1) * users_each] for i in range(processes)]

    await write_at_once(database, proposal.id, groups, rounds, tag="p")

    bodies = Counter(await Argument.filter(proposal_id=proposal.id).values_list("body", flat=True))
    assert bodies == Counter(
        f"p{n} user {user} round {r}"
        for n, group in enumerate(groups)
        for user in group
        for r in range(rounds)
    )
    changes = Counter(
        await PositionChange.filter(proposal_id=proposal.id).values_list("user_id", flat=True)
    )
    assert changes == dict.fromkeys(members, rounds)
    assert await Position.filter(proposal_id=proposal.id).count() == len(members)
    await assert_chain_is_whole(world, before + 2 * rounds * len(members))


async def test_concurrent_revisions_of_one_version_keep_exactly_one(database: Settings) -> None:
    world = await build_world()
    proposal = await opened(world)
    editors = [await world.viewer(p) for p in ("mara", "admin", "mara", "admin", "mara")]
    before = await world.last_seq()

    results = await asyncio.gather(
        *(
            proposals.revise_proposal(
                editor,
                proposal.id,
                expected_version=1,
                change_note=f"Edit {n}",
                body=f"Body {n}",
            )
            for n, editor in enumerate(editors)
        ),
        return_exceptions=True,
    )

    conflicts = [r for r in results if isinstance(r, VersionConflict)]
    [winner] = [r for r in results if isinstance(r, Proposal)]
    assert len(conflicts) == len(editors) - 1
    assert {(c.expected, c.current) for c in conflicts} == {(1, 2)}
    stored = await Proposal.get(id=proposal.id)
    assert (stored.version, stored.body) == (2, winner.body)
    versions = await ProposalVersion.filter(proposal_id=proposal.id).order_by("number")
    assert [(v.number, v.body) for v in versions] == [(1, proposal.body), (2, winner.body)]
    await assert_chain_is_whole(world, before + 1)


async def test_one_new_person_added_to_two_organisations_at_once_is_one_user(
    database: Settings,
) -> None:
    first, second = await build_world(), await build_world()
    email = f"{unique('newcomer')}@example.org"

    admins = [await world.viewer("admin") for world in (first, second)]

    memberships = await asyncio.gather(
        *(
            organisations.add_member(admin, world.organisation.id, email=email, name="Newcomer")
            for admin, world in zip(admins, (first, second), strict=True)
        )
    )

    assert memberships[0].user_id == memberships[1].user_id
    assert await User.filter(email=email).count() == 1


async def test_two_organisations_claiming_one_slug_at_once_leave_one(database: Settings) -> None:
    world = await build_world()
    viewer = await world.viewer("admin")
    slug = unique("race")

    results = await asyncio.gather(
        *(organisations.create_organisation(viewer, slug=slug, name="Race") for _ in range(4)),
        return_exceptions=True,
    )

    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(created) == 1
    assert all(isinstance(r, ValidationFailed) and r.field == "slug" for r in refused)

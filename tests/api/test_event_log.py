"""The record: every change appends its events in its own transaction, a failed change leaves no
trace, the database refuses to alter the log, and the hash chain exposes any tampering."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import asyncpg
import orjson
import pytest
from tortoise.exceptions import BaseORMException
from tortoise.transactions import in_transaction

from actas.api import clock
from actas.api.db import connection, is_postgres
from actas.api.domain.errors import InvalidTransition, ValidationFailed
from actas.api.domain.events import (
    GENESIS_HASH,
    BrokenLink,
    ChainedEvent,
    EventType,
    StoredEvent,
    chain,
    first_broken_link,
)
from actas.api.domain.vocabulary import (
    LinkKind,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
    Stance,
)
from actas.api.models import (
    Argument,
    Decision,
    Event,
    Membership,
    Position,
    PositionChange,
    Proposal,
    ProposalVersion,
    User,
)
from actas.api.services import debate, organisations, proposals
from actas.api.services.ledger import verify_chains
from actas.api.settings import Settings
from tests.factories import World, build_world, draft, opened

T0 = datetime(2032, 1, 10, 10, 0, tzinfo=UTC)
E = EventType
APPEND_ONLY = importlib.import_module("actas.api.migrations.0002_append_only_events")
# How each driver reports a statement the trigger refused (asyncpg's errors pass through Tortoise).
REFUSED = (BaseORMException, asyncpg.PostgresError)


async def chain_report(world: World) -> tuple[int, BrokenLink | None]:
    [report] = [r for r in await verify_chains() if r.organisation_slug == world.organisation.slug]
    return report.events, report.broken


async def assert_chain_is_whole(world: World) -> None:
    events = await Event.filter(organisation_id=world.organisation.id).order_by("seq")
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.prev_hash for e in events] == [GENESIS_HASH] + [e.hash for e in events[:-1]]
    assert await chain_report(world) == (len(events), None)


# --- what each service records -------------------------------------------------------------------


async def test_building_an_organisation_records_each_step(database: Settings) -> None:
    with clock.frozen_at(T0):
        world = await build_world()

    events = await world.events_since(0)
    assert [e.type for e in events] == [
        E.ORGANISATION_CREATED,
        E.MEMBER_ADDED,  # the creator, as its first admin
        *[E.UNIT_CREATED] * 4,
        *[E.MEMBER_ADDED] * 5,
        E.MEMBER_UPDATED,  # the creator moves into the top unit
        *[E.UNIT_UPDATED] * 3,  # heads
    ]
    assert {e.actor_id for e in events} == {world.id("admin")}
    assert {e.created_at for e in events} == {T0}
    assert {e.proposal_id for e in events} == {None}
    created = orjson.loads(events[0].payload)
    assert created["slug"] == world.organisation.slug
    assert created["default_rule"] == "consent"
    first_admin = orjson.loads(events[1].payload)
    assert (first_admin["user"], first_admin["role"]) == (world.id("admin"), "admin")
    olga = orjson.loads(events[9].payload)
    assert (olga["user"], olga["role"], olga["unit"], olga["weight"]) == (
        world.id("olga"),
        "observer",
        world.units["direccion"].id,
        1,
    )
    assert orjson.loads(events[-1].payload) == {
        "unit": world.units["tecnologia"].id,
        "name": "Tecnologia",
        "parent": world.units["direccion"].id,
        "head": world.id("teo"),
    }
    await assert_chain_is_whole(world)


async def test_a_proposals_life_is_recorded_event_by_event(database: Settings) -> None:
    world = await build_world()
    mara, ana, teo = [await world.viewer(p) for p in ("mara", "ana", "teo")]
    before = await world.last_seq()

    with clock.frozen_at(T0):
        proposal = await draft(world, participants={"ana": ParticipantRole.CONSULTED})
        await proposals.set_participant(mara, proposal.id, world.id("teo"), ParticipantRole.DECIDER)
        await proposals.open_proposal(mara, proposal.id)
        await proposals.revise_proposal(
            mara, proposal.id, expected_version=1, change_note="n", body="Better."
        )
        argument = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body="Good.")
        await debate.edit_argument(ana, argument.id, body="Very good.")
        await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE)
        await proposals.update_proposal(
            mara, proposal.id, proposals.ProposalChanges(deadline=T0 + timedelta(days=2))
        )
        other = await opened(world, "ana")
        await proposals.link_proposals(mara, proposal.id, other.id, LinkKind.RELATED)
        await proposals.decide_proposal(
            teo, proposal.id, outcome=ProposalState.ACCEPTED, statement="Agreed."
        )

    events = await world.events_since(before)
    assert [(e.type, e.actor_id, e.proposal_id) for e in events] == [
        (E.PROPOSAL_DRAFTED, world.id("mara"), proposal.id),
        (E.PARTICIPANT_SET, world.id("mara"), proposal.id),
        (E.PROPOSAL_OPENED, world.id("mara"), proposal.id),
        (E.PROPOSAL_REVISED, world.id("mara"), proposal.id),
        (E.ARGUMENT_ADDED, world.id("ana"), proposal.id),
        (E.ARGUMENT_EDITED, world.id("ana"), proposal.id),
        (E.POSITION_TAKEN, world.id("ana"), proposal.id),
        (E.PROPOSAL_UPDATED, world.id("mara"), proposal.id),
        (E.PROPOSAL_DRAFTED, world.id("ana"), other.id),
        (E.PROPOSAL_OPENED, world.id("ana"), other.id),
        (E.PROPOSAL_LINKED, world.id("mara"), proposal.id),
        (E.PROPOSAL_ACCEPTED, world.id("teo"), proposal.id),
    ]
    assert {e.created_at for e in events} == {T0}
    assert orjson.loads(events[10].payload) == {"target": other.id, "kind": "related"}
    await assert_chain_is_whole(world)


async def test_organisation_changes_record_only_what_changed(database: Settings) -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    before = await world.last_seq()

    await organisations.update_organisation(
        admin,
        world.organisation.id,
        organisations.OrganisationChanges(
            name="Test organisation", default_rule=RuleKind.MAJORITY, quorum=0.6
        ),
    )
    await organisations.update_organisation(
        admin, world.organisation.id, organisations.OrganisationChanges(quorum=0.6)
    )
    membership = await world.membership("ana")
    await organisations.update_member(
        admin, membership.id, organisations.MembershipChanges(title="Analyst", weight=3)
    )
    await organisations.update_member(
        admin, membership.id, organisations.MembershipChanges(weight=3)
    )
    await organisations.update_unit(
        admin, world.units["analitica"].id, organisations.UnitChanges(name="Analitica")
    )

    events = await world.events_since(before)
    assert [(e.type, orjson.loads(e.payload)) for e in events] == [
        (E.ORGANISATION_UPDATED, {"default_rule": "majority", "quorum": 0.6}),
        (
            E.MEMBER_UPDATED,
            {
                "membership": membership.id,
                "user": world.id("ana"),
                "unit": world.units["analitica"].id,
                "title": "Analyst",
                "role": "member",
                "external": False,
                "weight": 3,
            },
        ),
    ]


# --- all or nothing ------------------------------------------------------------------------------


async def _footprint(world: World, proposal: Proposal) -> dict[str, object]:
    org = world.organisation.id
    return {
        "proposal": await Proposal.get(id=proposal.id).values(),
        "decisions": await Decision.filter(organisation_id=org).count(),
        "versions": await ProposalVersion.filter(organisation_id=org).count(),
        "arguments": await Argument.filter(organisation_id=org).count(),
        "positions": await Position.filter(organisation_id=org).values(),
        "changes": await PositionChange.filter(organisation_id=org).count(),
        "events": await Event.filter(organisation_id=org).count(),
    }


async def test_a_decision_the_rule_refuses_writes_nothing(database: Settings) -> None:
    world = await build_world()
    proposal = await opened(world, rule=RuleKind.MAJORITY, quorum=1.0)
    argument = await debate.add_argument(
        await world.viewer("ana"), proposal.id, stance=Stance.FOR, body="Yes."
    )
    await debate.take_position(await world.viewer("ana"), proposal.id, stance=PositionStance.AGREE)
    before = await _footprint(world, proposal)

    # The service gets far: the proposal is visible, the admin may decide, the statement is fine,
    # the tally is recomputed inside the transaction; only then the rule says no.
    with pytest.raises(InvalidTransition, match="Quorum not reached"):
        await proposals.decide_proposal(
            await world.viewer("admin"),
            proposal.id,
            outcome=ProposalState.ACCEPTED,
            statement="Enough of this.",
            cited_argument_ids=[argument.id],
        )

    assert await _footprint(world, proposal) == before
    await assert_chain_is_whole(world)


async def test_a_member_added_with_a_bad_unit_leaves_no_new_user_behind(
    database: Settings,
) -> None:
    world, other = await build_world(), await build_world(people={}, units=())
    other_unit = await organisations.create_unit(
        await other.viewer("admin"), other.organisation.id, name="Elsewhere"
    )
    before = await world.last_seq()

    # The new user is created inside the transaction before the unit is found to be foreign.
    with pytest.raises(ValidationFailed) as refused:
        await organisations.add_member(
            await world.viewer("admin"),
            world.organisation.id,
            email="first.timer@example.org",
            name="First Timer",
            unit_id=other_unit.id,
        )

    assert refused.value.field == "unit"
    assert not await User.exists(email="first.timer@example.org")
    assert await world.events_since(before) == []


async def test_the_last_admin_cannot_step_down(database: Settings) -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    mine = await world.membership("admin")
    before = await world.last_seq()

    with pytest.raises(ValidationFailed, match="at least one admin"):
        await organisations.update_member(
            admin, mine.id, organisations.MembershipChanges(role=Role.MEMBER, title="Former")
        )

    assert (await Membership.get(id=mine.id)).title == ""
    assert await world.events_since(before) == []


# --- append-only ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE event SET payload = '{{}}' WHERE organisation_id = {org} AND seq = 1",
        "UPDATE event SET created_at = created_at WHERE organisation_id = {org}",
        "DELETE FROM event WHERE organisation_id = {org} AND seq = {last}",
        "TRUNCATE event",
    ],
)
async def test_the_database_refuses_to_change_or_remove_events(
    database: Settings, statement: str
) -> None:
    if statement.startswith("TRUNCATE") and not is_postgres():
        statement = "DELETE FROM event"  # how SQLite empties a table (no TRUNCATE there)
    world = await build_world(people={}, units=())
    events = await Event.filter(organisation_id=world.organisation.id).order_by("seq").values()

    sql = statement.format(org=world.organisation.id, last=len(events))
    # PostgreSQL may refuse TRUNCATE for the notifications' foreign key before the trigger runs.
    with pytest.raises(REFUSED, match=r"append-only|foreign key"):
        await connection().execute_query(sql)

    assert await Event.filter(organisation_id=world.organisation.id).order_by("seq").values() == (
        events
    )


# --- the hash chain ------------------------------------------------------------------------------


class Rollback(Exception):
    """Raised to undo a transaction on purpose."""


async def test_tampering_with_an_event_breaks_the_chain_at_that_event(database: Settings) -> None:
    world = await build_world()
    proposal = await opened(world)
    await debate.add_argument(await world.viewer("ana"), proposal.id, stance=Stance.FOR, body="x")
    total = await world.last_seq()
    target = await Event.get(organisation_id=world.organisation.id, type=E.PROPOSAL_DRAFTED)
    assert await chain_report(world) == (total, None)
    if is_postgres():
        drop, restore = APPEND_ONLY.POSTGRES_UNDO[1], APPEND_ONLY.POSTGRES[1]
    else:
        drop, restore = APPEND_ONLY.SQLITE_UNDO[0], APPEND_ONLY.SQLITE[0]

    # All inside one transaction that is rolled back: the trigger is back and the tampered row
    # restored whatever happens, and no other organisation is touched.
    with pytest.raises(Rollback):
        async with in_transaction() as transaction:
            await transaction.execute_query(drop)
            await transaction.execute_query(
                'UPDATE event SET payload = \'{"title":"Something else"}\' '
                f"WHERE organisation_id = {world.organisation.id} AND seq = {target.seq}"
            )
            await transaction.execute_query(restore)
            events, broken = await chain_report(world)
            assert broken is not None
            assert (broken.seq, broken.problem) == (target.seq, "content does not match its hash")
            assert events == target.seq
            raise Rollback

    assert await chain_report(world) == (total, None)
    with pytest.raises(REFUSED, match="append-only"):
        await connection().execute_query(
            f"UPDATE event SET payload = '{{}}' WHERE id = {target.id}"
        )


def _events(count: int) -> list[StoredEvent]:
    return chain(
        organisation_id=1,
        head_seq=0,
        head_hash=GENESIS_HASH,
        pending=[(None, 1, "test", {"n": n}, T0) for n in range(count)],
    )


def test_a_whole_chain_has_no_broken_link() -> None:
    assert first_broken_link(_events(5)) is None
    assert first_broken_link([]) is None


def test_a_missing_event_is_reported_where_it_should_be() -> None:
    events = _events(5)
    broken = first_broken_link(events[:2] + events[3:])
    assert broken is not None
    assert (broken.seq, broken.problem) == (3, "missing (found 4 next)")


def test_reordered_events_are_reported() -> None:
    events = _events(4)
    broken = first_broken_link([events[0], events[2], events[1], events[3]])
    assert broken is not None and broken.seq == 2


def test_an_event_rechained_after_tampering_breaks_the_next_link() -> None:
    events = _events(4)
    forged_event = ChainedEvent(
        **{**events[1].event.__dict__, "payload": '{"n":"forged"}'}  # a forger recomputes the hash
    )
    forged = [events[0], StoredEvent(forged_event, forged_event.compute_hash()), *events[2:]]
    broken = first_broken_link(forged)
    assert broken is not None
    assert (broken.seq, broken.problem) == (3, "does not follow the previous event")


def test_the_hash_covers_every_stored_column() -> None:
    [stored] = _events(1)
    event = stored.event
    for change in (
        {"organisation_id": 2},
        {"seq": 2},
        {"proposal_id": 9},
        {"actor_id": 2},
        {"type": "other"},
        {"payload": '{"n":1}'},
        {"created_at": T0 + timedelta(microseconds=1)},
        {"prev_hash": "f" * 64},
    ):
        assert ChainedEvent(**{**event.__dict__, **change}).compute_hash() != stored.hash, change

"""The demo organisation: loaded through the services, complete, threaded, decided, recorded in
time order, verifiable, and loaded only once.

The demo's slug is fixed, so it is loaded once per run; other tests' organisations share the
database, so every query here is scoped to the demo organisation.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from actas.api import clock
from actas.api.demo import data
from actas.api.demo.load import DemoLoadFailed, DemoSummary, load_demo
from actas.api.domain.vocabulary import LinkKind, ParticipantRole, ProposalState, Role
from actas.api.models import (
    Argument,
    ArgumentRevision,
    Decision,
    DecisionCitation,
    Event,
    Membership,
    Organisation,
    Participant,
    Position,
    PositionChange,
    Proposal,
    ProposalLink,
    ProposalVersion,
    Unit,
    User,
)
from actas.api.services.ledger import verify_chains
from actas.api.settings import Settings


@pytest.fixture(scope="session")
async def demo(database: Settings) -> DemoSummary:
    return await load_demo()


@pytest.fixture
async def organisation(demo: DemoSummary) -> Organisation:
    return await Organisation.get(slug=demo.organisation_slug)


def steps(kind: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(proposal, step) for every step of ``kind`` in the demo data."""
    return [(p, step) for p in data.PROPOSALS for step in p["steps"] if kind in step]


async def test_every_state_is_present_with_the_counts_of_the_data(
    demo: DemoSummary, organisation: Organisation
) -> None:
    expected = Counter(ProposalState(p["state"]) for p in data.PROPOSALS)
    stored = Counter(
        ProposalState(row["state"])
        for row in await Proposal.filter(organisation=organisation).values("state")
    )

    assert set(expected) == set(ProposalState)
    assert stored == expected
    assert demo.proposals_by_state == {state: expected[state] for state in ProposalState}
    assert demo.proposals == len(data.PROPOSALS)
    assert demo.people == len(data.PEOPLE)
    assert demo.units == len(data.UNITS)
    assert demo.arguments == len(steps("argue"))
    assert demo.positions == await Position.filter(organisation=organisation).count()
    assert await PositionChange.filter(organisation=organisation).count() == len(steps("position"))


async def test_the_people_and_the_unit_tree_are_those_of_the_data(
    organisation: Organisation,
) -> None:
    members = {
        row["user__email"]: row
        for row in await Membership.filter(organisation=organisation).values(
            "user__email", "role", "external", "weight", "title", "unit__name"
        )
    }
    units = {
        row["name"]: row
        for row in await Unit.filter(organisation=organisation).values(
            "name", "parent__name", "head__email"
        )
    }
    unit_names = {unit["key"]: unit["name"] for unit in data.UNITS}
    emails = {person["key"]: person["email"] for person in data.PEOPLE}

    for person in data.PEOPLE:
        member = members[person["email"]]
        assert (member["role"], member["external"], member["weight"], member["title"]) == (
            Role(person["role"]),
            person["external"],
            person["weight"],
            person["title"],
        )
        assert member["unit__name"] == unit_names[person["unit"]]
    for unit in data.UNITS:
        stored = units[unit["name"]]
        assert stored["parent__name"] == (unit_names[unit["parent"]] if unit["parent"] else None)
        assert stored["head__email"] == emails[unit["head"]]


async def test_the_token_goes_to_an_admin_who_decides(
    demo: DemoSummary, organisation: Organisation
) -> None:
    membership = await Membership.get(organisation=organisation, user_id=demo.token_user_id)

    assert membership.role == Role.ADMIN
    assert await Participant.exists(
        organisation=organisation, user_id=demo.token_user_id, role=ParticipantRole.DECIDER
    )


async def test_arguments_are_threaded(organisation: Organisation) -> None:
    parents = dict(await Argument.filter(organisation=organisation).values_list("id", "parent_id"))

    def depth(argument: int) -> int:
        parent = parents[argument]
        return 1 if parent is None else 1 + depth(parent)

    depths = Counter(depth(argument) for argument in parents)
    assert max(depths) >= 3
    assert depths[1] < len(parents)  # some arguments are replies


async def test_revisions_and_edits_keep_the_earlier_texts(organisation: Organisation) -> None:
    revisions = Counter(p["title"] for p, _ in steps("revise"))
    versions = await ProposalVersion.filter(organisation=organisation).values_list(
        "proposal_id", "number", "title"
    )
    first_titles = {proposal: title for proposal, number, title in versions if number == 1}
    stored = Counter(first_titles[proposal] for proposal, _, _ in versions)

    assert len(revisions) >= 8
    assert stored == {p["title"]: 1 + revisions[p["title"]] for p in data.PROPOSALS}
    assert await ArgumentRevision.filter(organisation=organisation).count() == len(steps("edit"))


async def test_decisions_say_why_and_cite_arguments_of_their_proposal(
    organisation: Organisation,
) -> None:
    decisions = await Decision.filter(organisation=organisation).values(
        "id", "outcome", "proposal_id", "statement"
    )
    citations = await DecisionCitation.filter(organisation=organisation).values(
        "decision_id", "argument__proposal_id"
    )
    cited = Counter(row["decision_id"] for row in citations)
    closed = [p for p in data.PROPOSALS if ProposalState(p["state"]).is_closed]

    assert len(decisions) == len(closed)
    assert all(row["statement"] for row in decisions)
    by_id = {row["id"]: row for row in decisions}
    assert all(
        row["argument__proposal_id"] == by_id[row["decision_id"]]["proposal_id"]
        for row in citations
    )
    outcomes = [
        row
        for row in decisions
        if row["outcome"] in (ProposalState.ACCEPTED, ProposalState.REJECTED)
    ]
    assert outcomes and all(cited[row["id"]] > 0 for row in outcomes)
    expected_citations = sum(len(p["close"].get("cites", ())) for p in closed)
    assert len(citations) == expected_citations


async def test_links_are_recorded(organisation: Organisation) -> None:
    key_by_title = {p["title"]: p["key"] for p in data.PROPOSALS}
    key_of = {
        proposal: key_by_title[title]
        for proposal, title in await ProposalVersion.filter(
            organisation=organisation, number=1
        ).values_list("proposal_id", "title")
    }
    links = await ProposalLink.filter(organisation=organisation).values(
        "source_id", "target_id", "kind"
    )
    stored = {
        (LinkKind(row["kind"]), key_of[row["source_id"]], key_of[row["target_id"]]) for row in links
    }

    supersedes = {
        (LinkKind.SUPERSEDES, p["key"], p["supersedes"])
        for p in data.PROPOSALS
        if p.get("supersedes")
    }
    related = {
        frozenset((p["key"], other)) for p in data.PROPOSALS for other in p.get("related", ())
    }
    assert len(links) == len(supersedes) + len(related)
    assert {link for link in stored if link[0] is LinkKind.SUPERSEDES} == supersedes
    # Either may be the source of a related link: it is made from the newer proposal.
    assert {frozenset(link[1:]) for link in stored if link[0] is LinkKind.RELATED} == related


async def test_the_record_follows_time(organisation: Organisation) -> None:
    events = (
        await Event.filter(organisation=organisation)
        .order_by("seq")
        .values("seq", "type", "created_at")
    )
    times = [event["created_at"] for event in events]
    proposals = (
        await Proposal.filter(organisation=organisation)
        .order_by("number")
        .values("created_at", "opened_at", "closed_at")
    )

    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "organisation.created"
    assert times == sorted(times)
    assert times[-1] <= clock.now()
    assert times[-1] - times[0] > timedelta(days=max(p["start_days_ago"] for p in data.PROPOSALS))
    for row in proposals:
        moments = [row["created_at"], row["opened_at"], row["closed_at"]]
        present = [moment for moment in moments if moment is not None]
        assert present == sorted(present)


async def test_the_record_verifies(organisation: Organisation) -> None:
    reports = {report.organisation_slug: report for report in await verify_chains()}

    demo = reports[organisation.slug]
    assert demo.broken is None
    assert demo.events == await Event.filter(organisation=organisation).count()


async def test_loading_again_changes_nothing(demo: DemoSummary, organisation: Organisation) -> None:
    async def snapshot() -> tuple[int, ...]:
        return (
            await Organisation.filter(slug=demo.organisation_slug).count(),
            await User.all().count(),
            await Event.filter(organisation=organisation).count(),
            await Proposal.filter(organisation=organisation).count(),
            await Argument.filter(organisation=organisation).count(),
        )

    before = await snapshot()
    again = await load_demo()

    assert not again.loaded_now
    assert again == DemoSummary(**{**demo.__dict__, "loaded_now": False})
    assert await snapshot() == before


async def test_a_refused_action_names_itself_and_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = {**data.PROPOSALS[0], "author": "fernando"}  # an observer cannot propose
    monkeypatch.setattr(data, "ORGANISATION", {**data.ORGANISATION, "slug": "brisa-broken"})
    monkeypatch.setattr(data, "PROPOSALS", [broken])

    with pytest.raises(DemoLoadFailed, match=f"proposal {broken['key']}: draft") as failed:
        await load_demo()

    assert failed.value.error.code == "forbidden"
    assert not await Organisation.exists(slug="brisa-broken")

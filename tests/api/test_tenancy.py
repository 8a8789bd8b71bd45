"""Tenant isolation: nobody reads or writes anything of an organisation they do not belong to,
not even with ids guessed from another organisation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from actas.api.domain.errors import DomainError, NotFound, ValidationFailed
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import (
    LinkKind,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    Stance,
)
from actas.api.models import Argument, Event, Proposal
from actas.api.services import debate, organisations, proposals
from actas.api.settings import Settings
from tests.factories import World, build_world, opened


@dataclass
class Tenants:
    a: World
    b: World
    b_proposal: Proposal
    b_argument: Argument
    a_proposal: Proposal


@pytest.fixture(scope="module")
async def tenants(database: Settings) -> Tenants:
    a, b = await build_world(), await build_world()
    b_proposal = await opened(b, participants={"teo": ParticipantRole.DECIDER})
    b_argument = await debate.add_argument(
        await b.viewer("ana"), b_proposal.id, stance=Stance.FOR, body="Inside B."
    )
    return Tenants(a, b, b_proposal, b_argument, await opened(a))


Attempt = Callable[[Viewer, Tenants], Awaitable[object]]

# Everything an admin of A might try against B by id. Each must look like a missing thing.
AGAINST_B: dict[str, Attempt] = {
    "update organisation": lambda v, t: organisations.update_organisation(
        v, t.b.organisation.id, organisations.OrganisationChanges(name="Mine")
    ),
    "create unit": lambda v, t: organisations.create_unit(v, t.b.organisation.id, name="Mine"),
    "update unit": lambda v, t: organisations.update_unit(
        v, t.b.units["marketing"].id, organisations.UnitChanges(name="Mine")
    ),
    "add member": lambda v, t: organisations.add_member(
        v, t.b.organisation.id, email="spy@example.org", name="Spy", role=Role.ADMIN
    ),
    "update member": lambda v, t: _update_b_member(v, t),
    "draft": lambda v, t: proposals.draft_proposal(
        v, t.b.organisation.id, proposals.ProposalDraft(title="T", summary="S", body="")
    ),
    "update proposal": lambda v, t: proposals.update_proposal(
        v, t.b_proposal.id, proposals.ProposalChanges(tags=["mine"])
    ),
    "revise": lambda v, t: proposals.revise_proposal(
        v, t.b_proposal.id, expected_version=1, change_note="n", body="Mine."
    ),
    "set participant": lambda v, t: proposals.set_participant(
        v, t.b_proposal.id, t.a.id("admin"), ParticipantRole.DECIDER
    ),
    "open": lambda v, t: proposals.open_proposal(v, t.b_proposal.id),
    "withdraw": lambda v, t: proposals.withdraw_proposal(v, t.b_proposal.id, "r"),
    "abandon": lambda v, t: proposals.abandon_proposal(v, t.b_proposal.id, "r"),
    "decide": lambda v, t: proposals.decide_proposal(
        v, t.b_proposal.id, outcome=ProposalState.ACCEPTED, statement="s"
    ),
    "link from": lambda v, t: proposals.link_proposals(
        v, t.b_proposal.id, t.a_proposal.id, LinkKind.RELATED
    ),
    "link to": lambda v, t: proposals.link_proposals(
        v, t.a_proposal.id, t.b_proposal.id, LinkKind.SUPERSEDES
    ),
    "argue": lambda v, t: debate.add_argument(v, t.b_proposal.id, stance=Stance.FOR, body="b"),
    "edit argument": lambda v, t: debate.edit_argument(v, t.b_argument.id, body="Mine."),
    "take position": lambda v, t: debate.take_position(
        v, t.b_proposal.id, stance=PositionStance.BLOCK, reason="Mine."
    ),
}


async def _update_b_member(viewer: Viewer, t: Tenants) -> object:
    membership = await t.b.membership("mara")
    return await organisations.update_member(
        viewer, membership.id, organisations.MembershipChanges(role=Role.ADMIN)
    )


@pytest.mark.parametrize("attempt", list(AGAINST_B))
async def test_an_admin_of_one_organisation_finds_nothing_of_another(
    tenants: Tenants, attempt: str
) -> None:
    b_before = await tenants.b.last_seq()
    b_proposal = await Proposal.get(id=tenants.b_proposal.id).values()

    with pytest.raises(NotFound):
        await AGAINST_B[attempt](await tenants.a.viewer("admin"), tenants)

    assert await tenants.b.last_seq() == b_before
    assert await Proposal.get(id=tenants.b_proposal.id).values() == b_proposal


async def test_nothing_of_another_organisation_is_listed(tenants: Tenants) -> None:
    for name in tenants.a.users:
        viewer = await tenants.a.viewer(name)
        seen = await visible_proposals(viewer).values_list("organisation_id", flat=True)
        assert set(seen) <= {tenants.a.organisation.id}
        assert not await visible_proposals(viewer, tenants.b.organisation.id).exists()


# Within A, ids of B's things are not A's to use.
CROSS_REFERENCES: dict[str, Attempt] = {
    "unit under a unit of B": lambda v, t: organisations.create_unit(
        v, t.a.organisation.id, name="Annex", parent_id=t.b.units["marketing"].id
    ),
    "move a unit under a unit of B": lambda v, t: organisations.update_unit(
        v, t.a.units["analitica"].id, organisations.UnitChanges(parent_id=t.b.units["marketing"].id)
    ),
    "head from B": lambda v, t: organisations.create_unit(
        v, t.a.organisation.id, name="Annex", head_id=t.b.id("mara")
    ),
    "member into a unit of B": lambda v, t: organisations.add_member(
        v,
        t.a.organisation.id,
        email="new@example.org",
        name="New",
        unit_id=t.b.units["marketing"].id,
    ),
    "draft in a unit of B": lambda v, t: proposals.draft_proposal(
        v,
        t.a.organisation.id,
        proposals.ProposalDraft(title="T", summary="S", body="", unit_id=t.b.units["marketing"].id),
    ),
    "participant from B": lambda v, t: proposals.set_participant(
        v, t.a_proposal.id, t.b.id("teo"), ParticipantRole.CONSULTED
    ),
    "reply to an argument of B": lambda v, t: debate.add_argument(
        v, t.a_proposal.id, stance=Stance.FOR, body="Re.", parent_id=t.b_argument.id
    ),
    "cite an argument of B": lambda v, t: proposals.decide_proposal(
        v,
        t.a_proposal.id,
        outcome=ProposalState.ACCEPTED,
        statement="s",
        cited_argument_ids=[t.b_argument.id],
    ),
}


@pytest.mark.parametrize("attempt", list(CROSS_REFERENCES))
async def test_ids_of_another_organisation_cannot_be_used_inside_ones_own(
    tenants: Tenants, attempt: str
) -> None:
    a_before, b_before = await tenants.a.last_seq(), await tenants.b.last_seq()

    with pytest.raises(ValidationFailed):
        await CROSS_REFERENCES[attempt](await tenants.a.viewer("admin"), tenants)

    assert await tenants.a.last_seq() == a_before
    assert await tenants.b.last_seq() == b_before


async def test_a_person_in_two_organisations_acts_in_each_by_their_role_there(
    tenants: Tenants,
) -> None:
    # mara of A joins B as an observer: in B she reads but writes nothing.
    await organisations.add_member(
        await tenants.b.viewer("admin"),
        tenants.b.organisation.id,
        email=tenants.a.users["mara"].email,
        role=Role.OBSERVER,
    )
    mara = await tenants.a.viewer("mara")
    assert (
        await visible_proposals(mara, tenants.b.organisation.id)
        .filter(id=tenants.b_proposal.id)
        .exists()
    )

    with pytest.raises(DomainError) as refused:
        await debate.add_argument(mara, tenants.b_proposal.id, stance=Stance.FOR, body="Hi.")
    assert refused.value.code == "forbidden"

    argument = await debate.add_argument(
        mara, tenants.a_proposal.id, stance=Stance.FOR, body="Home."
    )
    event = await Event.get(
        organisation_id=tenants.a.organisation.id,
        type="argument.added",
        payload__contains=f'"argument":{argument.id},',
    )
    assert event.actor_id == tenants.a.id("mara")
    assert not await Event.filter(
        organisation_id=tenants.b.organisation.id,
        actor_id=tenants.a.id("mara"),
        type="argument.added",
    ).exists()

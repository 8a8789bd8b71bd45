"""Turning stored memberships and units into what a person may see (``visibility.MemberScope``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from actas.api.domain.errors import NotFound
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import (
    MemberScope,
    ProposalAudience,
    Viewer,
    audience_of,
    unit_audience,
)
from actas.api.domain.vocabulary import EmailMode, Role, TokenScope
from actas.api.models import Membership, Participant, Proposal, Unit


def member_scopes(
    memberships: Iterable[Mapping[str, Any]], units: Iterable[Mapping[str, Any]]
) -> dict[tuple[int, int], MemberScope]:
    """Scopes by (organisation id, user id) from membership rows and their organisations' units."""
    rows: dict[int, list[Mapping[str, Any]]] = {}
    headed: dict[tuple[int, int], list[int]] = {}
    for unit in units:
        rows.setdefault(unit["organisation_id"], []).append(unit)
        if unit["head_id"] is not None:
            headed.setdefault((unit["organisation_id"], unit["head_id"]), []).append(unit["id"])
    trees = {organisation: UnitTree.of(units) for organisation, units in rows.items()}
    # Members of one unit who head the same units (most head none) share their unit audience:
    # computed once each, not once per member (an organisation has far fewer units than people).
    audiences: dict[tuple[int, int | None, tuple[int, ...]], frozenset[int]] = {}
    scopes: dict[tuple[int, int], MemberScope] = {}
    for row in memberships:
        key = (row["organisation_id"], row["user_id"])
        shared = (row["organisation_id"], row["unit_id"], tuple(headed.get(key, ())))
        if shared not in audiences:
            audiences[shared] = unit_audience(
                row["unit_id"], shared[2], trees.get(row["organisation_id"], UnitTree({}))
            )
        scopes[key] = MemberScope(
            organisation_id=row["organisation_id"],
            membership_id=row["id"],
            role=Role(row["role"]),
            unit_id=row["unit_id"],
            weight=row["weight"],
            unit_audience=audiences[shared],
        )
    return scopes


MEMBERSHIP_COLUMNS = ("id", "organisation_id", "user_id", "unit_id", "role", "weight")
UNIT_COLUMNS = ("id", "organisation_id", "parent_id", "head_id")


async def load_viewer(user_id: int, scope: TokenScope = TokenScope.WRITE) -> Viewer:
    memberships = await Membership.filter(user_id=user_id).values(*MEMBERSHIP_COLUMNS)
    organisation_ids = [row["organisation_id"] for row in memberships]
    units = await Unit.filter(organisation_id__in=organisation_ids).values(*UNIT_COLUMNS)
    scopes = member_scopes(memberships, units)
    return Viewer(
        user_id=user_id,
        memberships={org: member for (org, _), member in scopes.items()},
        scope=scope,
    )


async def organisation_scopes(
    organisation_id: int, users: Iterable[int] | None = None
) -> dict[int, MemberScope]:
    """Every member's scope in one organisation (or only the scopes of ``users``), by user id."""
    return (await organisation_members(organisation_id, users)).scopes


@dataclass(frozen=True)
class Members:
    """Some members of one organisation: what they may see, and who wants each email at once."""

    scopes: dict[int, MemberScope]
    emailed_at_once: set[int]


async def organisation_members(organisation_id: int, users: Iterable[int] | None = None) -> Members:
    """Every member of one organisation (or only ``users``)."""
    query = Membership.filter(organisation_id=organisation_id)
    if users is not None:
        wanted = sorted(set(users))
        if not wanted:
            return Members({}, set())
        query = query.filter(user_id__in=wanted)
    memberships = await query.values(*MEMBERSHIP_COLUMNS, "email_mode")
    units = await Unit.filter(organisation_id=organisation_id).values(*UNIT_COLUMNS)
    return Members(
        scopes={user: member for (_, user), member in member_scopes(memberships, units).items()},
        emailed_at_once={
            m["user_id"] for m in memberships if m["email_mode"] == EmailMode.IMMEDIATE
        },
    )


def require_member(viewer: Viewer, organisation_id: int) -> MemberScope:
    """The viewer's scope in an organisation; outsiders learn nothing, not even that it exists."""
    member = viewer.member_of(organisation_id)
    if member is None:
        raise NotFound("organisation", organisation_id)
    return member


async def proposal_audiences(
    proposals: Iterable[Proposal], participants: Mapping[int, Iterable[int]] | None = None
) -> dict[int, ProposalAudience]:
    """The visibility facts of already loaded proposals (one query for their participants,
    none when the caller has read them: ``participants`` by proposal id)."""
    proposals = list(proposals)
    if participants is None:
        read: dict[int, set[int]] = {p.id: set() for p in proposals}
        rows = await Participant.filter(proposal_id__in=list(read)).values_list(
            "proposal_id", "user_id"
        )
        for proposal_id, user_id in rows:
            read[proposal_id].add(user_id)
        participants = read
    return {p.id: audience_of(p, participants.get(p.id, ())) for p in proposals}

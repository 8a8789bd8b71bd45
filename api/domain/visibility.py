"""Who may see what. Every read path (lists, ``node(id:)``, search, nested fields, the archive,
notifications) goes through this module, so a hidden item looks exactly like a missing one.

A proposal is visible to a member of its organisation who
- wrote it or is one of its participants (a proposal never opened, a draft or a draft withdrawn,
  is visible to nobody else); or
- for ``organisation`` visibility: is any member; or
- for ``unit`` visibility: belongs to the owning unit or a unit below it, or heads the owning
  unit or a unit above it.
Members of other organisations see nothing of it. Everything attached to a proposal (versions,
arguments, positions, decision, links, events) is visible exactly when the proposal is.

The rule exists in two forms that must agree (a test checks they do on generated organisations):
``can_see_proposal`` for one proposal in memory and ``visible_proposals`` for a database query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from actas.api.domain.units import UnitTree
from actas.api.domain.vocabulary import ProposalState, Role, TokenScope, Visibility
from actas.api.models import Participant, Proposal


@dataclass(frozen=True)
class MemberScope:
    """What one membership lets its holder see and do in one organisation."""

    organisation_id: int
    membership_id: int
    role: Role
    unit_id: int | None
    weight: int
    # Units whose ``unit`` proposals this member sees.
    unit_audience: frozenset[int]

    @property
    def can_write(self) -> bool:
        return self.role is not Role.OBSERVER

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class Viewer:
    user_id: int
    memberships: Mapping[int, MemberScope]  # by organisation id
    scope: TokenScope = TokenScope.WRITE

    def member_of(self, organisation_id: int) -> MemberScope | None:
        return self.memberships.get(organisation_id)


@dataclass(frozen=True)
class ProposalAudience:
    """The facts about a proposal that decide who sees it."""

    organisation_id: int
    state: ProposalState
    visibility: Visibility
    unit_id: int | None
    author_id: int
    participant_ids: frozenset[int]
    opened: bool  # ever opened for debate: a draft, even withdrawn, stays private

    def can_see(self, user_id: int, member: MemberScope | None) -> bool:
        """Whether ``user_id``, with ``member`` as their scope in its organisation, sees it."""
        if member is None or member.organisation_id != self.organisation_id:
            return False
        if user_id == self.author_id or user_id in self.participant_ids:
            return True
        if not self.opened:
            return False
        if self.visibility is Visibility.ORGANISATION:
            return True
        if self.visibility is Visibility.UNIT:
            return self.unit_id in member.unit_audience
        return False

    def every_member_sees(self) -> bool:
        """Whether every member sees it, now and after new members join: what may reach
        webhooks, the members' archive and, once marked publishable, the public."""
        return self.opened and self.visibility is Visibility.ORGANISATION


class ProposalRow(Protocol):
    """What the rule reads of a stored proposal (a model instance, or any row like it)."""

    @property
    def organisation_id(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def visibility(self) -> str: ...
    @property
    def unit_id(self) -> int | None: ...
    @property
    def author_id(self) -> int: ...
    @property
    def opened_at(self) -> datetime | None: ...


def audience_of(proposal: ProposalRow, participant_ids: Iterable[int] = ()) -> ProposalAudience:
    """The one way a proposal's visibility facts are built, wherever it was read."""
    return ProposalAudience(
        organisation_id=proposal.organisation_id,
        state=ProposalState(proposal.state),
        visibility=Visibility(proposal.visibility),
        unit_id=proposal.unit_id,
        author_id=proposal.author_id,
        participant_ids=frozenset(participant_ids),
        opened=proposal.opened_at is not None,
    )


def unit_audience(
    unit_id: int | None, headed_unit_ids: Iterable[int], tree: UnitTree
) -> frozenset[int]:
    """Units whose ``unit`` proposals a member sees: their own unit and every unit above it, and
    every unit in the subtree of a unit they head."""
    return frozenset(tree.lineage(unit_id)) | tree.subtree(*headed_unit_ids)


def can_see_proposal(user_id: int, member: MemberScope | None, proposal: ProposalAudience) -> bool:
    return proposal.can_see(user_id, member)


def visible_proposals(viewer: Viewer, organisation_id: int | None = None) -> QuerySet[Proposal]:
    """The proposals ``viewer`` may see, optionally within one organisation, as a query."""
    involved = Q(author_id=viewer.user_id) | Q(
        id__in=Subquery(Participant.filter(user_id=viewer.user_id).values("proposal_id"))
    )
    clauses = []
    for member in viewer.memberships.values():
        if organisation_id is not None and member.organisation_id != organisation_id:
            continue
        published = Q(visibility=Visibility.ORGANISATION) | Q(
            visibility=Visibility.UNIT, unit_id__in=sorted(member.unit_audience) or [0]
        )
        clauses.append(
            Q(organisation_id=member.organisation_id)
            & (involved | (Q(opened_at__isnull=False) & published))
        )
    if not clauses:
        return Proposal.filter(id__in=[])
    return Proposal.filter(Q(*clauses, join_type="OR"))

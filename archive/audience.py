"""Who an archive is for, expressed through the one visibility rule (``domain.visibility``).

An archive for the ``organisation`` audience carries what *every* member may see, now and after
new members join: the archive reads as a member who belongs to no unit, takes part in nothing and
wrote nothing (user id 0, which no user has). Under the rule that member sees exactly the
proposals with ``organisation`` visibility that are not drafts; ``unit`` and ``participants``
proposals never reach them. The ``public`` audience sees the same, narrowed to proposals an admin
marked publishable. Only closed proposals are archived.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise.queryset import QuerySet

from actas.api.domain.visibility import (
    MemberScope,
    ProposalAudience,
    Viewer,
    audience_of,
    visible_proposals,
)
from actas.api.domain.vocabulary import ProposalState, Role, TokenScope
from actas.api.models import Proposal

NOBODY = 0  # no user has this id
CLOSED = [state for state in ProposalState if state.is_closed]


class Audience(StrEnum):
    ORGANISATION = "organisation"
    PUBLIC = "public"


def least_member(organisation_id: int) -> Viewer:
    """A member who sees only what every member sees."""
    scope = MemberScope(
        organisation_id=organisation_id,
        membership_id=0,
        role=Role.OBSERVER,
        unit_id=None,
        weight=0,
        unit_audience=frozenset(),
    )
    return Viewer(user_id=NOBODY, memberships={organisation_id: scope}, scope=TokenScope.READ)


def facts(proposal: Proposal) -> ProposalAudience:
    """What the rule reads of a proposal row. No archive reader is anyone's participant, so
    participants never change the answer."""
    return audience_of(proposal)


def may_read(audience: Audience, proposal: ProposalAudience, *, publishable: bool) -> bool:
    """Whether the archive's audience may read this proposal (closed or not): what every
    member sees, and for the public only what an admin also marked publishable."""
    return proposal.every_member_sees() and (audience is Audience.ORGANISATION or publishable)


def archived_proposals(audience: Audience, organisation_id: int) -> QuerySet[Proposal]:
    """The closed proposals the audience may read, as a query (checked again per proposal with
    ``may_read`` when collected)."""
    query = visible_proposals(least_member(organisation_id), organisation_id).filter(
        state__in=CLOSED
    )
    if audience is Audience.PUBLIC:
        query = query.filter(publishable=True)
    return query

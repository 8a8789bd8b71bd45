"""How decisions flow in an organisation (or a unit and the units below it)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from actas.api import clock
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import FollowUpStatus, ProposalState
from actas.api.models import FollowUp, Unit
from actas.api.services.electorates import load_electorates
from actas.api.services.search import ProposalFilter, find_proposals

DECIDED = (ProposalState.ACCEPTED, ProposalState.REJECTED)


@dataclass(frozen=True)
class PendingVoice:
    user_id: int
    proposals: int


@dataclass(frozen=True)
class Metrics:
    decided: int
    median_hours_to_decision: float | None  # from opening to decision
    required_participation: float | None  # share of required voices that took a position
    open_proposals: int
    open_past_deadline: int
    pending_voices: list[PendingVoice]  # required voices still missing on open proposals
    overdue_follow_ups: int


async def organisation_metrics(
    viewer: Viewer, organisation_id: int, unit_id: int | None = None
) -> Metrics:
    """Over the proposals the viewer may see, optionally those owned by a unit or below it."""
    proposals = await find_proposals(viewer, organisation_id, ProposalFilter()).filter(
        state__in=[*DECIDED, ProposalState.OPEN]
    )
    if unit_id is not None:
        subtree = await _subtree(organisation_id, unit_id)
        proposals = [p for p in proposals if p.unit_id in subtree]
    ids = [p.id for p in proposals]
    electorates = await load_electorates(proposals)
    hours = [
        (p.closed_at - p.opened_at).total_seconds() / 3600
        for p in proposals
        if p.state in DECIDED and p.opened_at is not None and p.closed_at is not None
    ]
    required = sum(len(electorates[p.id].required) for p in proposals)
    heard = required - sum(len(electorates[p.id].silent) for p in proposals)
    now = clock.now()
    open_ = [p for p in proposals if p.state == ProposalState.OPEN]
    pending: dict[int, int] = {}
    for proposal in open_:
        for user in electorates[proposal.id].silent:
            pending[user] = pending.get(user, 0) + 1
    overdue = await FollowUp.filter(
        proposal_id__in=ids, status=FollowUpStatus.OPEN, due__lt=now.date()
    ).count()
    return Metrics(
        decided=len(hours),
        median_hours_to_decision=round(statistics.median(hours), 1) if hours else None,
        required_participation=round(heard / required, 3) if required else None,
        open_proposals=len(open_),
        open_past_deadline=sum(1 for p in open_ if p.deadline and p.deadline < now),
        pending_voices=[
            PendingVoice(user, count)
            for user, count in sorted(pending.items(), key=lambda item: (-item[1], item[0]))
        ],
        overdue_follow_ups=overdue,
    )


async def _subtree(organisation_id: int, unit_id: int) -> frozenset[int]:
    rows = await Unit.filter(organisation_id=organisation_id).values("id", "parent_id")
    return UnitTree.of(rows).subtree(unit_id)

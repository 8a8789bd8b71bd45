"""Keeping each open proposal's stored tally current.

The tally is the electorate's (``domain.electorate``), which depends on positions, participants,
memberships (roles, weights, units) and the unit tree, so every service that changes one of
those calls ``refresh_tallies`` in its transaction. A passed deadline changes what consent
decides, so the deadline step refreshes too. A proposal's tally freezes when it closes: the
decision keeps a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from actas.api import clock
from actas.api.domain import lifecycle
from actas.api.domain.rules import DecisionRule, Tally, as_of
from actas.api.domain.vocabulary import ProposalState, RuleKind
from actas.api.models import Proposal
from actas.api.services.electorates import load_electorates


async def refresh_tallies(organisation_id: int, proposal_ids: Iterable[int] | None = None) -> None:
    """Recompute and store the tally of the given proposals (default: all open ones) that are not
    closed."""
    query = Proposal.filter(organisation_id=organisation_id).exclude(
        state__in=[state for state in ProposalState if state.is_closed]
    )
    if proposal_ids is not None:
        query = query.filter(id__in=list(proposal_ids))
    else:
        query = query.filter(state=ProposalState.OPEN)
    await refresh_tallies_of(await query)


async def refresh_tallies_of(proposals: list[Proposal]) -> None:
    """``refresh_tallies`` for proposals the caller read under the organisation's write lock."""
    proposals = [p for p in proposals if not ProposalState(p.state).is_closed]
    electorates = await load_electorates(proposals)
    now = clock.now()
    for proposal in proposals:
        tally = (
            electorates[proposal.id]
            .tally(rule_of(proposal), deadline_passed=deadline_passed(proposal, now))
            .to_json()
        )
        if tally != proposal.tally:
            await Proposal.filter(id=proposal.id).update(tally=tally)
            proposal.tally = tally


def rule_of(proposal: Proposal) -> DecisionRule:
    return DecisionRule(RuleKind(proposal.rule), proposal.threshold, proposal.quorum)


def deadline_passed(proposal: Proposal, now: datetime) -> bool:
    return lifecycle.deadline_passed(proposal.deadline, now=now)


def tally_as_read(stored: str, *, state: ProposalState, deadline: datetime | None) -> Tally:
    """The stored tally of a proposal as a reader sees it now: an open proposal whose deadline
    has passed shows what the passed deadline decides, before the worker's step acts on it."""
    passed = state is ProposalState.OPEN and lifecycle.deadline_passed(deadline, now=clock.now())
    return as_of(Tally.from_json(stored), deadline_passed=passed)


async def current_tally(proposal: Proposal) -> Tally:
    await refresh_tallies(proposal.organisation_id, [proposal.id])
    await proposal.refresh_from_db(fields=["tally"])
    return Tally.from_json(proposal.tally)

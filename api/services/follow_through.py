"""Following accepted decisions through: follow-up actions and the review of their outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from actas.api.domain import payloads
from actas.api.domain import validation as clean
from actas.api.domain.abilities import Ability, Situation, ensure_able
from actas.api.domain.errors import NotFound, ValidationFailed
from actas.api.domain.permissions import ensure_may_follow_through
from actas.api.domain.visibility import Viewer, can_see_proposal, visible_proposals
from actas.api.domain.vocabulary import FollowUpStatus, OutcomeVerdict
from actas.api.models import FollowUp, OutcomeReview, Proposal
from actas.api.services.access import organisation_scopes, proposal_audiences
from actas.api.services.proposals import proposal_change

MAX_TITLE, MAX_NOTE = 300, 5_000


async def _ensure_owner_may_see(proposal: Proposal, owner_id: int) -> None:
    """An owner who could not see the decision could never be told about their follow-up."""
    scopes = await organisation_scopes(proposal.organisation_id)
    audience = (await proposal_audiences([proposal]))[proposal.id]
    if not can_see_proposal(owner_id, scopes.get(owner_id), audience):
        raise ValidationFailed(
            "The owner must be a member who may see the decision.", field="owner"
        )


async def add_follow_up(
    viewer: Viewer, proposal_id: int, *, title: str, owner_id: int, due: date
) -> FollowUp:
    """An action carrying an accepted decision to its result, owned by one member."""
    title = clean.text(title, field="title", max_length=MAX_TITLE)
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        ensure_able(Ability.ADD_FOLLOW_UP, Situation.of(actor, viewer.scope, proposal, now=work.at))
        await _ensure_owner_may_see(proposal, owner_id)
        follow_up = await FollowUp.create(
            organisation_id=proposal.organisation_id,
            proposal_id=proposal.id,
            title=title,
            owner_id=owner_id,
            due=due,
            created_at=work.at,
            updated_at=work.at,
        )
        work.record(
            payloads.follow_up_added(
                follow_up=follow_up.id, title=title, owner=owner_id, due=due.isoformat()
            ),
            proposal_id=proposal.id,
        )
    return follow_up


@dataclass(frozen=True)
class FollowUpChanges:
    status: FollowUpStatus | None = None
    note: str | None = None
    due: date | None = None
    owner_id: int | None = None


async def update_follow_up(viewer: Viewer, follow_up_id: int, changes: FollowUpChanges) -> FollowUp:
    """Its owner (or whoever may follow the decision through) marks it done or dropped with a
    note, or moves it."""
    found = await FollowUp.get_or_none(id=follow_up_id)
    # One on a proposal hidden from the viewer is hidden too, and not found in the same words.
    if found is None or not await visible_proposals(viewer).filter(id=found.proposal_id).exists():
        raise NotFound("follow-up", follow_up_id)
    async with proposal_change(viewer, found.proposal_id) as (work, proposal, actor):
        follow_up = await FollowUp.get(id=follow_up_id)
        if viewer.user_id != follow_up.owner_id:
            ensure_may_follow_through(actor)
        updates: dict[str, object] = {}
        if changes.status is not None:
            updates["status"] = changes.status
        if changes.note is not None:
            updates["note"] = clean.text(
                changes.note, field="note", max_length=MAX_NOTE, required=False
            )
        if changes.due is not None:
            updates["due"] = changes.due
        if changes.owner_id is not None:
            await _ensure_owner_may_see(proposal, changes.owner_id)
            updates["owner_id"] = changes.owner_id
        if updates.get("status") in (FollowUpStatus.DONE, FollowUpStatus.DROPPED) and not (
            updates.get("note") or follow_up.note
        ):
            raise ValidationFailed(
                "Say what happened: closing a follow-up needs a note.", field="note"
            )
        updates = {k: v for k, v in updates.items() if getattr(follow_up, k) != v}
        if not updates:
            return follow_up
        follow_up.update_from_dict({**updates, "updated_at": work.at})
        await follow_up.save()
        work.record(
            payloads.follow_up_updated(
                follow_up=follow_up.id,
                title=follow_up.title,
                owner=follow_up.owner_id,
                due=follow_up.due.isoformat(),
                status=FollowUpStatus(follow_up.status),
                note=follow_up.note,
            ),
            proposal_id=follow_up.proposal_id,
        )
    return follow_up


async def record_outcome(
    viewer: Viewer,
    proposal_id: int,
    *,
    observed: str,
    verdict: OutcomeVerdict,
    comment: str = "",
) -> OutcomeReview:
    """What the decision achieved on its metric: once, by the author, a follow-up owner, a
    decider or an admin. It becomes part of the decision's record."""
    observed = clean.text(observed, field="observed", max_length=100)
    comment = clean.text(comment, field="comment", max_length=MAX_NOTE, required=False)
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        situation = Situation.of(
            actor,
            viewer.scope,
            proposal,
            now=work.at,
            owns_follow_up=await FollowUp.exists(proposal_id=proposal.id, owner_id=viewer.user_id),
            outcome_recorded=await OutcomeReview.exists(proposal_id=proposal.id),
        )
        ensure_able(Ability.RECORD_OUTCOME, situation)
        review = await OutcomeReview.create(
            organisation_id=proposal.organisation_id,
            proposal_id=proposal.id,
            observed=observed,
            verdict=verdict,
            comment=comment,
            reviewed_by_id=viewer.user_id,
            reviewed_at=work.at,
        )
        work.record(
            payloads.outcome_recorded(
                metric=proposal.impact_metric,
                target=proposal.impact_target,
                observed=observed,
                verdict=verdict,
                comment=comment,
            ),
            proposal_id=proposal.id,
        )
    return review

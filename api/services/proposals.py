"""Proposals: drafting, editing, revising, participants, links and every lifecycle transition."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from actas.api.catalogue import texts_for
from actas.api.domain import payloads
from actas.api.domain import validation as clean
from actas.api.domain.abilities import Ability, Situation, ensure_able
from actas.api.domain.errors import NotFound, ValidationFailed, VersionConflict
from actas.api.domain.lifecycle import OUTCOME_ACTIONS, Action, transition
from actas.api.domain.permissions import (
    ProposalActor,
    ensure_may_change_participant,
    ensure_writer,
)
from actas.api.domain.references import format_reference
from actas.api.domain.rules import DecisionRule, Tally, check_outcome_allowed
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import (
    LinkKind,
    ParticipantRole,
    ProposalState,
    Role,
    RuleKind,
    Visibility,
)
from actas.api.models import (
    Argument,
    Decision,
    DecisionCitation,
    Membership,
    Organisation,
    Participant,
    Position,
    Proposal,
    ProposalLink,
    ProposalTag,
    ProposalVersion,
    Unit,
)
from actas.api.services.access import require_member
from actas.api.services.away_alerts import alert_on_opening
from actas.api.services.recording import Change, change
from actas.api.services.tallies import current_tally, refresh_tallies

MAX_TITLE, MAX_SUMMARY, MAX_NOTE = 300, 2_000, 2_000

# What each way of closing records (the four share one shape).
CLOSING_EVENT = {
    Action.WITHDRAW: payloads.proposal_withdrawn,
    Action.ABANDON: payloads.proposal_abandoned,
    Action.ACCEPT: payloads.proposal_accepted,
    Action.REJECT: payloads.proposal_rejected,
}


@dataclass(frozen=True)
class ProposalDraft:
    title: str
    summary: str
    body: str
    unit_id: int | None = None
    visibility: Visibility = Visibility.ORGANISATION
    impact: clean.Impact = field(default_factory=clean.Impact)
    tags: Sequence[str] = ()
    deadline: datetime | None = None
    rule: RuleKind | None = None
    threshold: float | None = None
    quorum: float | None = None
    participants: Mapping[int, ParticipantRole] = field(default_factory=dict)


async def draft_proposal(viewer: Viewer, organisation_id: int, draft: ProposalDraft) -> Proposal:
    member = require_member(viewer, organisation_id)
    ensure_writer(viewer, member)
    title = clean.text(draft.title, field="title", max_length=MAX_TITLE)
    summary = clean.text(draft.summary, field="summary", max_length=MAX_SUMMARY)
    body = clean.text(draft.body, field="body", max_length=clean.MAX_BODY, required=False)
    impact = draft.impact.cleaned()
    tags = clean.tags(draft.tags)
    async with change(organisation_id, viewer.user_id) as work:
        organisation = await Organisation.get(id=organisation_id)
        rule = DecisionRule(
            draft.rule or RuleKind(organisation.default_rule),
            _first(draft.threshold, organisation.majority_threshold),
            _first(draft.quorum, organisation.quorum),
        )
        await _check_audience(organisation_id, draft.unit_id, draft.visibility)
        await _check_participants(organisation_id, draft.participants)
        deadline = clean.future(draft.deadline, now=work.at, field="deadline")
        number = await _next_number(organisation_id)
        proposal = await Proposal.create(
            organisation_id=organisation_id,
            number=number,
            title=title,
            summary=summary,
            body=body,
            impact_metric=impact.metric,
            impact_baseline=impact.baseline,
            impact_target=impact.target,
            impact_by=impact.by,
            author_id=viewer.user_id,
            unit_id=draft.unit_id,
            visibility=draft.visibility,
            deadline=deadline,
            rule=rule.kind,
            threshold=rule.threshold,
            quorum=rule.quorum,
            created_at=work.at,
            updated_at=work.at,
        )
        await ProposalVersion.create(
            organisation_id=organisation_id,
            proposal=proposal,
            number=1,
            title=title,
            summary=summary,
            body=body,
            change_note=texts_for(organisation.language).gettext("proposal.first_draft"),
            author_id=viewer.user_id,
            created_at=work.at,
        )
        await _save_tags(proposal, tags)
        await Participant.bulk_create(
            [
                Participant(
                    organisation_id=organisation_id,
                    proposal=proposal,
                    user_id=user,
                    role=role,
                    created_at=work.at,
                )
                for user, role in sorted(draft.participants.items())
            ]
        )
        work.record(
            payloads.proposal_drafted(
                reference=format_reference(organisation.slug, number),
                title=title,
                summary=summary,
                body=body,
                metadata=_metadata_payload(proposal, tags),
                participants=draft.participants,
            ),
            proposal_id=proposal.id,
        )
        await refresh_tallies(organisation_id, [proposal.id])
    return proposal


@dataclass(frozen=True)
class ProposalChanges:
    """Metadata changes; ``None`` leaves a field as it is. Unit, visibility and rule change only
    while the proposal is a draft (changing them during the debate would move the goalposts)."""

    unit_id: int | None = None
    clear_unit: bool = False
    visibility: Visibility | None = None
    impact: clean.Impact | None = None
    tags: Sequence[str] | None = None
    deadline: datetime | None = None
    clear_deadline: bool = False
    rule: RuleKind | None = None
    threshold: float | None = None
    quorum: float | None = None


async def update_proposal(viewer: Viewer, proposal_id: int, changes: ProposalChanges) -> Proposal:
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        ensure_able(Ability.EDIT, Situation.of(actor, viewer.scope, proposal, now=work.at))
        unit_id = None if changes.clear_unit else (changes.unit_id or proposal.unit_id)
        visibility = changes.visibility or Visibility(proposal.visibility)
        rule = DecisionRule(
            changes.rule or RuleKind(proposal.rule),
            _first(changes.threshold, proposal.threshold),
            _first(changes.quorum, proposal.quorum),
        )
        updates: dict[str, object] = {
            "unit_id": unit_id,
            "visibility": visibility,
            "rule": rule.kind,
            "threshold": rule.threshold,
            "quorum": rule.quorum,
        }
        if any(getattr(proposal, k) != v for k, v in updates.items()):
            # A client may send the whole form back: only a real change is refused once open.
            if proposal.state != ProposalState.DRAFT:
                raise ValidationFailed(
                    "Unit, visibility and decision rule can only change while the proposal is a "
                    "draft.",
                    field="state",
                )
            await _check_audience(proposal.organisation_id, unit_id, visibility)
        if changes.impact is not None:
            impact = changes.impact.cleaned()
            updates.update(
                impact_metric=impact.metric,
                impact_baseline=impact.baseline,
                impact_target=impact.target,
                impact_by=impact.by,
            )
        if changes.clear_deadline:
            updates["deadline"] = None
        elif changes.deadline is not None:
            updates["deadline"] = clean.future(changes.deadline, now=work.at, field="deadline")
        updates = {k: v for k, v in updates.items() if getattr(proposal, k) != v}
        tags = None if changes.tags is None else clean.tags(changes.tags)
        old_tags = await _tags_of(proposal.id)
        if tags == old_tags:
            tags = None
        if not updates and tags is None:
            return proposal
        proposal.update_from_dict({**updates, "updated_at": work.at})
        await proposal.save()
        if tags is not None:
            await ProposalTag.filter(proposal_id=proposal.id).delete()
            await _save_tags(proposal, tags)
        work.record(
            _metadata_payload(proposal, tags if tags is not None else old_tags),
            proposal_id=proposal.id,
        )
        await refresh_tallies(proposal.organisation_id, [proposal.id])
    return proposal


async def revise_proposal(
    viewer: Viewer,
    proposal_id: int,
    *,
    expected_version: int,
    change_note: str,
    title: str | None = None,
    summary: str | None = None,
    body: str | None = None,
) -> Proposal:
    """A new version of the text. ``expected_version`` is the version the client last saw; if
    someone revised it since, nothing is saved and the client gets a conflict to resolve."""
    note = clean.text(change_note, field="change_note", max_length=MAX_NOTE)
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        ensure_able(Ability.REVISE, Situation.of(actor, viewer.scope, proposal, now=work.at))
        if proposal.version != expected_version:
            raise VersionConflict(expected=expected_version, current=proposal.version)
        text = {
            "title": proposal.title
            if title is None
            else clean.text(title, field="title", max_length=MAX_TITLE),
            "summary": proposal.summary
            if summary is None
            else clean.text(summary, field="summary", max_length=MAX_SUMMARY),
            "body": proposal.body
            if body is None
            else clean.text(body, field="body", max_length=clean.MAX_BODY, required=False),
        }
        if all(getattr(proposal, k) == v for k, v in text.items()):
            raise ValidationFailed("The revision changes nothing.", field="body")
        version = expected_version + 1
        # Conditional on the version read, so no writer can ever overwrite an unseen revision.
        updated = await Proposal.filter(id=proposal.id, version=expected_version).update(
            **text, version=version, updated_at=work.at
        )
        if not updated:
            current = await Proposal.get(id=proposal.id)
            raise VersionConflict(expected=expected_version, current=current.version)
        await ProposalVersion.create(
            organisation_id=proposal.organisation_id,
            proposal_id=proposal.id,
            number=version,
            change_note=note,
            author_id=viewer.user_id,
            created_at=work.at,
            title=text["title"],
            summary=text["summary"],
            body=text["body"],
        )
        work.record(
            payloads.proposal_revised(
                version=version,
                change_note=note,
                title=text["title"],
                summary=text["summary"],
                body=text["body"],
            ),
            proposal_id=proposal.id,
        )
        proposal.update_from_dict({**text, "version": version, "updated_at": work.at})
    return proposal


async def set_participant(
    viewer: Viewer, proposal_id: int, user_id: int, role: ParticipantRole | None
) -> Proposal:
    """Give a member a role on the proposal, change it, or (``None``) remove them."""
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        situation = Situation.of(actor, viewer.scope, proposal, now=work.at)
        ensure_able(Ability.CHANGE_PARTICIPANTS, situation)
        existing = await Participant.get_or_none(proposal_id=proposal.id, user_id=user_id)
        is_open = proposal.state == ProposalState.OPEN
        if is_open:
            ensure_may_change_participant(
                actor,
                user_id=user_id,
                current=ParticipantRole(existing.role) if existing else None,
                new=role,
                has_spoken=await Position.exists(proposal_id=proposal.id, user_id=user_id),
            )
        # On an open proposal the deciders hear of every change to who votes.
        told = await _deciders(proposal.id, but=user_id) if is_open else None
        if (
            existing is not None
            and existing.role == ParticipantRole.DECIDER
            and role is not ParticipantRole.DECIDER
        ):
            await _keep_a_decider(proposal, leaving_user_id=user_id)
        if role is None:
            if existing is None:
                raise NotFound("participant", user_id)
            await existing.delete()
            work.record(
                payloads.participant_removed(user=user_id, deciders=told), proposal_id=proposal.id
            )
        else:
            await _check_participants(proposal.organisation_id, {user_id: role})
            if existing is not None and existing.role == role:
                return proposal
            if existing is None:
                await Participant.create(
                    organisation_id=proposal.organisation_id,
                    proposal_id=proposal.id,
                    user_id=user_id,
                    role=role,
                    created_at=work.at,
                )
            else:
                await Participant.filter(id=existing.id).update(role=role)
            work.record(
                payloads.participant_set(user=user_id, role=role, deciders=told),
                proposal_id=proposal.id,
            )
        await refresh_tallies(proposal.organisation_id, [proposal.id])
    return proposal


async def open_proposal(viewer: Viewer, proposal_id: int, reason: str | None = None) -> Proposal:
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        transition(ProposalState(proposal.state), Action.OPEN, reason)
        named = await Participant.exists(proposal_id=proposal.id, role=ParticipantRole.DECIDER)
        situation = Situation.of(actor, viewer.scope, proposal, now=work.at, has_decider=named)
        ensure_able(Ability.OPEN, situation)
        proposal.state = ProposalState.OPEN
        proposal.opened_at = work.at
        proposal.updated_at = work.at
        await proposal.save(update_fields=["state", "opened_at", "updated_at"])
        work.record(
            payloads.proposal_opened(previous=ProposalState.DRAFT, reason=(reason or "").strip()),
            proposal_id=proposal.id,
        )
        await refresh_tallies(proposal.organisation_id, [proposal.id])
        await alert_on_opening(work, proposal)
    return proposal


async def withdraw_proposal(viewer: Viewer, proposal_id: int, reason: str) -> Proposal:
    return await _close(viewer, proposal_id, Action.WITHDRAW, reason)


async def abandon_proposal(viewer: Viewer, proposal_id: int, reason: str) -> Proposal:
    return await _close(viewer, proposal_id, Action.ABANDON, reason)


async def decide_proposal(
    viewer: Viewer,
    proposal_id: int,
    *,
    outcome: ProposalState,
    statement: str,
    cited_argument_ids: Sequence[int] = (),
) -> Proposal:
    """Record the decision: accepted or rejected, why, and which arguments were decisive."""
    action = OUTCOME_ACTIONS.get(outcome)
    if action is None:
        raise ValidationFailed("A decision is accepted or rejected.", field="outcome")
    return await _close(viewer, proposal_id, action, statement, cited_argument_ids)


async def _close(
    viewer: Viewer,
    proposal_id: int,
    action: Action,
    statement: str,
    cited_argument_ids: Sequence[int] = (),
) -> Proposal:
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        transition(ProposalState(proposal.state), action, statement)
        # The tally is judged by ``close``, on the tally the decision freezes.
        ensure_able(Ability(action), Situation.of(actor, viewer.scope, proposal, now=work.at))
        await close(work, proposal, action, statement, cited_argument_ids)
    return proposal


async def close(
    work: Change,
    proposal: Proposal,
    action: Action,
    statement: str,
    cited_argument_ids: Sequence[int] = (),
) -> Decision:
    """Close ``proposal`` inside ``work`` as the rule allows, recording the decision (decided by
    ``work``'s actor; nobody when the rule decides at the deadline)."""
    previous = ProposalState(proposal.state)
    outcome = transition(previous, action, statement)
    statement = clean.text(statement, field="statement", max_length=clean.MAX_BODY)
    tally = await current_tally(proposal)
    if action in (Action.ACCEPT, Action.REJECT):
        tally = check_outcome_allowed(tally, outcome, decided_by=work.actor_id)
    cited = sorted(set(cited_argument_ids))
    found = await Argument.filter(proposal_id=proposal.id, id__in=cited).count()
    if found != len(cited):
        raise ValidationFailed(
            "A decision can only cite arguments of its own proposal.", field="citedArguments"
        )
    proposal.state = outcome
    proposal.closed_at = proposal.updated_at = work.at
    proposal.tally = tally.to_json()  # frozen as the decision keeps it
    await proposal.save(update_fields=["state", "closed_at", "updated_at", "tally"])
    decision = await Decision.create(
        organisation_id=proposal.organisation_id,
        proposal=proposal,
        outcome=outcome,
        statement=statement,
        decided_by_id=work.actor_id,
        decided_at=work.at,
        rule=proposal.rule,
        tally=tally.to_json(),
    )
    await DecisionCitation.bulk_create(
        [
            DecisionCitation(
                organisation_id=proposal.organisation_id, decision=decision, argument_id=a
            )
            for a in cited
        ]
    )
    closed = CLOSING_EVENT[action](
        previous=previous, statement=statement, cited_arguments=cited, tally=_tally_summary(tally)
    )
    work.record(closed, proposal_id=proposal.id)
    return decision


async def link_proposals(
    viewer: Viewer, source_id: int, target_id: int, kind: LinkKind
) -> ProposalLink:
    """Link ``source`` to another proposal of its organisation: it supersedes it or relates to it.
    Only the source changes, so the target may be closed (a new proposal may supersede a decided
    one)."""
    async with proposal_change(viewer, source_id) as (work, source, actor):
        ensure_able(Ability.LINK, Situation.of(actor, viewer.scope, source, now=work.at))
        target = await visible_proposals(viewer, source.organisation_id).get_or_none(id=target_id)
        if target is None:
            raise NotFound("proposal", target_id)
        if target.id == source.id:
            raise ValidationFailed("A proposal cannot link to itself.", field="target")
        if await ProposalLink.exists(source_id=source.id, target_id=target.id, kind=kind):
            raise ValidationFailed("These proposals are already linked that way.", field="target")
        if kind is LinkKind.SUPERSEDES:
            await _refuse_supersede_cycle(viewer, source, target)
        link = await ProposalLink.create(
            organisation_id=source.organisation_id,
            source=source,
            target=target,
            kind=kind,
            created_by_id=viewer.user_id,
            created_at=work.at,
        )
        work.record(payloads.proposal_linked(target=target.id, kind=kind), proposal_id=source.id)
    return link


async def _refuse_supersede_cycle(viewer: Viewer, source: Proposal, target: Proposal) -> None:
    """``source`` superseding ``target`` must not close a circle of any length: a circle has no
    newest proposal, so "what replaced this?" would never end. One read of the organisation's
    supersede links; the chain is named with the references the viewer may see."""
    links = await ProposalLink.filter(
        organisation_id=source.organisation_id, kind=LinkKind.SUPERSEDES
    ).values_list("source_id", "target_id")
    chain = _supersede_path(links, start=target.id, goal=source.id)
    if chain is None:
        return
    numbers = dict(
        await visible_proposals(viewer, source.organisation_id)
        .filter(id__in=chain)
        .values_list("id", "number")
    )
    slug = (await Organisation.get(id=source.organisation_id)).slug
    names = [
        format_reference(slug, numbers[step]) if step in numbers else "a proposal you cannot see"
        for step in [source.id, *chain]
    ]
    raise ValidationFailed(
        "Proposals cannot supersede each other in a circle: " + " supersedes ".join(names) + ".",
        field="target",
    )


def _supersede_path(links: Sequence[tuple[int, int]], *, start: int, goal: int) -> list[int] | None:
    """The shortest chain ``start`` → … → ``goal`` along supersede links (newer → older), or
    None when there is none. Breadth first, so the chain named in an error is the shortest."""
    superseded: dict[int, list[int]] = {}
    for newer, older in links:
        superseded.setdefault(newer, []).append(older)
    came_from: dict[int, int | None] = {start: None}
    frontier = [start]
    while frontier and goal not in came_from:
        reached = []
        for newer in frontier:
            for older in superseded.get(newer, ()):
                if older not in came_from:
                    came_from[older] = newer
                    reached.append(older)
        frontier = reached
    if goal not in came_from:
        return None
    chain = [goal]
    while (previous := came_from[chain[-1]]) is not None:
        chain.append(previous)
    return chain[::-1]


async def visible_proposal(viewer: Viewer, proposal_id: int) -> Proposal:
    """A proposal the viewer may see; a hidden one is not found, exactly like a missing one."""
    proposal = await visible_proposals(viewer).get_or_none(id=proposal_id)
    if proposal is None:
        raise NotFound("proposal", proposal_id)
    return proposal


@asynccontextmanager
async def proposal_change(
    viewer: Viewer, proposal_id: int
) -> AsyncIterator[tuple[Change, Proposal, ProposalActor]]:
    """One write to a proposal the viewer can see and may write to, with their role on it."""
    # Seen before the organisation's write lock, not only under it: a hidden id must answer as
    # fast as a missing one, never after queueing behind the organisation's writers.
    found = await visible_proposals(viewer).filter(id=proposal_id).first().values("organisation_id")
    if found is None:
        raise NotFound("proposal", proposal_id)
    organisation: int = found["organisation_id"]
    async with change(organisation, viewer.user_id) as work:
        proposal = await visible_proposals(viewer, organisation).get_or_none(id=proposal_id)
        member = viewer.member_of(organisation)
        if proposal is None or member is None:
            raise NotFound("proposal", proposal_id)
        ensure_writer(viewer, member)
        participant = await Participant.get_or_none(proposal_id=proposal_id, user_id=viewer.user_id)
        actor = ProposalActor(
            user_id=viewer.user_id,
            member=member,
            is_author=proposal.author_id == viewer.user_id,
            participant_role=ParticipantRole(participant.role) if participant else None,
        )
        yield work, proposal, actor


async def _deciders(proposal_id: int, *, but: int) -> list[int]:
    rows = await Participant.filter(proposal_id=proposal_id, role=ParticipantRole.DECIDER).values(
        "user_id"
    )
    return sorted(row["user_id"] for row in rows if row["user_id"] != but)


async def _keep_a_decider(proposal: Proposal, *, leaving_user_id: int) -> None:
    """An open proposal under the decider rule must keep someone who can decide it."""
    if proposal.state != ProposalState.OPEN or proposal.rule != RuleKind.DECIDER:
        return
    others = Participant.filter(proposal_id=proposal.id, role=ParticipantRole.DECIDER).exclude(
        user_id=leaving_user_id
    )
    if not await others.exists():
        raise ValidationFailed(
            "This is the last decider of an open proposal under the decider rule: name another "
            "decider first.",
            field="participants",
        )


async def _next_number(organisation_id: int) -> int:
    """Numbers are never reused: proposals are never deleted, and the organisation is locked."""
    last = await Proposal.filter(organisation_id=organisation_id).order_by("-number").first()
    return last.number + 1 if last else 1


async def _check_audience(
    organisation_id: int, unit_id: int | None, visibility: Visibility
) -> None:
    if unit_id is not None and not await Unit.exists(id=unit_id, organisation_id=organisation_id):
        raise ValidationFailed("That unit is not in this organisation.", field="unit")
    if visibility is Visibility.UNIT and unit_id is None:
        raise ValidationFailed("A proposal visible to a unit needs an owning unit.", field="unit")


async def _check_participants(
    organisation_id: int, participants: Mapping[int, ParticipantRole]
) -> None:
    if not participants:
        return
    roles = dict(
        await Membership.filter(
            organisation_id=organisation_id, user_id__in=list(participants)
        ).values_list("user_id", "role")
    )
    for user, role in participants.items():
        if user not in roles:
            raise ValidationFailed("Every participant must be a member.", field="participants")
        if roles[user] == Role.OBSERVER and role is not ParticipantRole.INFORMED:
            raise ValidationFailed(
                "An observer can only be an informed participant.", field="participants"
            )


async def _save_tags(proposal: Proposal, tags: Sequence[str]) -> None:
    await ProposalTag.bulk_create(
        [
            ProposalTag(organisation_id=proposal.organisation_id, proposal=proposal, tag=t)
            for t in tags
        ]
    )


async def _tags_of(proposal_id: int) -> list[str]:
    return sorted(
        row["tag"] for row in await ProposalTag.filter(proposal_id=proposal_id).values("tag")
    )


def _metadata_payload(proposal: Proposal, tags: Sequence[str]) -> payloads.ProposalUpdated:
    return payloads.proposal_updated(
        unit=proposal.unit_id,
        visibility=Visibility(proposal.visibility),
        impact=payloads.Impact(
            metric=proposal.impact_metric,
            baseline=proposal.impact_baseline,
            target=proposal.impact_target,
            by=proposal.impact_by.isoformat() if proposal.impact_by else None,
        ),
        tags=tags,
        deadline=proposal.deadline.isoformat() if proposal.deadline else None,
        rule=payloads.RuleTerms(
            kind=RuleKind(proposal.rule), threshold=proposal.threshold, quorum=proposal.quorum
        ),
    )


def _tally_summary(tally: Tally) -> payloads.TallySummary:
    return payloads.TallySummary(
        weights=tally.weights,
        counts=tally.counts,
        eligible_weight=tally.eligible_weight,
        verdict=tally.verdict,
    )


def _first(value: float | None, default: float) -> float:
    return default if value is None else value

"""From the rows ``collect`` read to the plain data a page shows (``archive.data``).

Arguments are numbered within their proposal in the order they were made and put in thread
order (each reply after what it answers); the frozen tally becomes plain figures; follow-ups and
the outcome review name their people; events become facts for one sentence each, with people by
name and arguments by their number on the page (an update of a follow-up by what it changed).
A position cast for someone names both: the member whose position it is and who cast it (their
delegate, or a proxy with the note saying where the member said it, which is part of the record;
an absence's own note never reaches here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from actas.api.domain.events import EventType
from actas.api.domain.payloads import (
    ArgumentEdited,
    FollowUpAdded,
    FollowUpUpdated,
    OutcomeRecorded,
    ParticipantRemoved,
    ParticipantSet,
    PositionTaken,
    ProposalLinked,
    ProposalPublishable,
    ProposalRevised,
)
from actas.api.domain.redaction import redacted
from actas.api.domain.references import format_reference
from actas.api.domain.rules import Tally as DomainTally
from actas.api.domain.threads import depth_first
from actas.api.domain.vocabulary import CastBy, FollowUpStatus, OutcomeVerdict, ProposalState
from actas.api.models import (
    Decision,
    FollowUp,
    OutcomeReview,
    Participant,
    Proposal,
    ProposalVersion,
)
from actas.api.services import debates
from actas.archive import data


@dataclass
class Context:
    """What a batch of decisions shares: the organisation's slug and units, people's names and
    the references of the linked proposals the audience may read."""

    slug: str
    units: Mapping[int, tuple[str, str]]  # unit id -> (name, path slug)
    names: dict[int, str] = field(default_factory=dict)  # user id -> name
    references: dict[int, str] = field(default_factory=dict)  # proposal id -> reference


@dataclass
class Rows:
    """One closed proposal's rows."""

    proposal: Proposal
    decision: Decision
    cited: set[int]  # argument ids
    versions: list[ProposalVersion]
    arguments: list[debates.ArgumentRow]
    positions: list[debates.PositionRow]
    participants: list[Participant]
    tags: list[str]
    links: list[data.Link]
    follow_ups: list[FollowUp]  # by due date
    review: OutcomeReview | None
    events: list[dict[str, Any]]
    keyphrases: list[data.Keyphrase]  # best first


def decision(context: Context, rows: Rows) -> data.Decision:
    proposal, decided, names = rows.proposal, rows.decision, context.names
    numbers = {row.id: n for n, row in enumerate(rows.arguments, start=1)}
    thread = depth_first(rows.arguments, key=lambda a: a.id, parent=lambda a: a.parent_id)
    tally = DomainTally.from_json(decided.tally)
    unit = context.units.get(proposal.unit_id) if proposal.unit_id else None
    return data.Decision(
        organisation=context.slug,
        reference=format_reference(context.slug, proposal.number),
        number=proposal.number,
        title=proposal.title,
        summary=proposal.summary,
        body=proposal.body,
        outcome=ProposalState(decided.outcome).value,
        unit=unit[0] if unit else None,
        unit_slug=unit[1] if unit else None,
        tags=tuple(rows.tags),
        author=names[proposal.author_id],
        drafted_at=utc(proposal.created_at),
        opened_at=utc(proposal.opened_at) if proposal.opened_at else None,
        decided_at=utc(decided.decided_at),
        decided_by=names[decided.decided_by_id] if decided.decided_by_id else None,
        rule=str(decided.rule),
        threshold=proposal.threshold,
        quorum=proposal.quorum,
        statement=decided.statement,
        impact=data.Impact(
            proposal.impact_metric,
            proposal.impact_baseline,
            proposal.impact_target,
            proposal.impact_by if isinstance(proposal.impact_by, date) else None,
        ),
        tally=data.Tally(
            eligible_count=tally.eligible_count,
            eligible_weight=tally.eligible_weight,
            participated_weight=tally.participated_weight,
            weights=dict(tally.weights),
            counts=dict(tally.counts),
            quorum_reached=tally.quorum_reached,
            agree_share=tally.agree_share,
            verdict=tally.verdict.value if tally.verdict else None,
            reason=tally.reason.as_data(),
            spoke=tally.eligible_count - len(tally.silent_voters),
        ),
        participants=tuple(
            data.Participant(names[p.user_id], str(p.role)) for p in rows.participants
        ),
        versions=tuple(
            data.Version(
                number=v.number,
                title=v.title,
                summary=v.summary,
                body=v.body,
                change_note=v.change_note,
                author=names[v.author_id],
                created_at=utc(v.created_at),
            )
            for v in rows.versions
        ),
        arguments=tuple(
            data.Argument(
                number=numbers[row.id],
                parent=numbers.get(row.parent_id) if row.parent_id else None,
                depth=depth,
                stance=row.stance.value,
                author=row.author.name,
                created_at=utc(row.created_at),
                edited=row.revision > 1,
                proposal_version=row.proposal_version,
                body=row.body,
                cited=row.id in rows.cited,
            )
            for row, depth in thread
        ),
        positions=tuple(position(names, row) for row in rows.positions),
        links=tuple(rows.links),
        follow_ups=tuple(
            data.FollowUp(
                title=f.title,
                owner=names[f.owner_id],
                due=f.due,
                status=FollowUpStatus(f.status).value,
                note=f.note,
            )
            for f in rows.follow_ups
        ),
        outcome_review=outcome_review(names, rows.review) if rows.review else None,
        events=tuple(timeline(context, rows.events, numbers, {li.reference for li in rows.links})),
        keyphrases=tuple(rows.keyphrases),
    )


def position(names: Mapping[int, str], row: debates.PositionRow) -> data.Position:
    """A current position, with who cast it when not the person (and a proxy's note)."""
    return data.Position(
        person=row.user.name,
        stance=row.stance.value,
        reason=row.reason,
        proposal_version=row.proposal_version,
        updated_at=utc(row.updated_at),
        cast_by=row.cast_by.value,
        caster=names[row.caster_id] if row.caster_id else None,
        # A proxy's note is where the member said it: the record of their position. A
        # delegate's optional note is his own word, not the member's: left out, as in the timeline.
        note=row.note if row.cast_by is CastBy.PROXY else "",
    )


def outcome_review(names: Mapping[int, str], review: OutcomeReview) -> data.OutcomeReview:
    return data.OutcomeReview(
        observed=review.observed,
        verdict=OutcomeVerdict(review.verdict).value,
        comment=review.comment,
        reviewed_by=names[review.reviewed_by_id],
        reviewed_at=utc(review.reviewed_at),
    )


def people(rows: Rows) -> frozenset[int]:
    """Ids of the users the decision's page names."""
    found = {rows.proposal.author_id}
    found.update([rows.decision.decided_by_id] if rows.decision.decided_by_id else [])
    found.update(v.author_id for v in rows.versions)
    found.update(p.user_id for p in rows.participants)
    found.update(a.author_id for a in rows.arguments)
    found.update(p.user_id for p in rows.positions)
    found.update(p.caster_id for p in rows.positions if p.caster_id)
    found.update(f.owner_id for f in rows.follow_ups)
    found.update([rows.review.reviewed_by_id] if rows.review else [])
    for event in rows.events:
        found.update([event["actor_id"]] if event["actor_id"] else [])
        found.update(named_in(event))
    return frozenset(found)


def named_in(event: dict[str, Any]) -> list[int]:
    """Ids of the users an event's sentence names besides its actor: a participant, a
    follow-up's owner, or the member a position was cast for."""
    payload = event["payload"]
    if isinstance(payload, ParticipantSet | ParticipantRemoved):
        return [payload.user]
    if isinstance(payload, FollowUpAdded | FollowUpUpdated):
        return [payload.owner]
    if isinstance(payload, PositionTaken) and payload.member is not None:
        return [payload.member]
    return []


def timeline(
    context: Context, events: list[dict[str, Any]], numbers: dict[int, int], linked: set[str]
) -> list[data.Event]:
    """The proposal's events as facts for one sentence each. Arguments are numbered as on the
    page; ``argument.added`` events match arguments in order (each adds one)."""
    added = iter(sorted(numbers.values()))
    names = context.names
    follow_ups: dict[int, FollowUpUpdated] = {}  # each follow-up as its last event left it
    # The linked proposals this page shows: those the audience may read (``redacted`` leaves
    # the others out of a payload, as the API does for its viewer).
    readable_links = {pid for pid, reference in context.references.items() if reference in linked}
    found = []
    for row in events:
        # The typed payload of the events whose sentence needs it (collect.PAYLOAD_TYPES).
        kind, payload = row["type"], row["payload"]
        detail: dict[str, Any] = {}
        if kind == EventType.ARGUMENT_ADDED:
            detail = {"argument": next(added, None)}
        elif isinstance(payload, ArgumentEdited):
            detail = {"argument": numbers.get(payload.argument)}
        elif isinstance(payload, ProposalRevised):
            detail = {"version": payload.version, "note": payload.change_note}
        elif isinstance(payload, ParticipantSet):
            detail = {"person": names.get(payload.user), "role": payload.role.value}
        elif isinstance(payload, ParticipantRemoved):
            detail = {"person": names.get(payload.user)}
        elif isinstance(payload, PositionTaken):
            detail = position_taken(names, payload)
        elif isinstance(payload, ProposalPublishable):
            detail = {"publishable": payload.publishable}
        elif isinstance(payload, FollowUpUpdated):
            before = follow_ups.get(payload.follow_up)
            follow_ups[payload.follow_up] = payload
            detail = {
                "title": payload.title,
                "changed": follow_up_changes(before, payload),
                "status": payload.status.value,
                "owner": names.get(payload.owner),
                "due": payload.due,
            }
        elif isinstance(payload, FollowUpAdded):
            follow_ups[payload.follow_up] = FollowUpUpdated(
                payload.follow_up, payload.title, payload.owner, payload.due
            )
            detail = {"title": payload.title, "owner": names.get(payload.owner), "due": payload.due}
        elif isinstance(payload, OutcomeRecorded):
            detail = {"verdict": payload.verdict.value, "observed": payload.observed}
        elif isinstance(payload, ProposalLinked):
            readable = redacted(
                kind, payload.to_payload(), readable_links, shown_as=context.references.get
            )
            if "target" not in readable:
                continue  # a link to a proposal the audience may not read
            detail = {"kind": payload.kind.value, "reference": readable["target"]}
        found.append(
            data.Event(
                at=utc(row["created_at"]),
                type=kind,
                actor=names.get(row["actor_id"]) if row["actor_id"] else None,
                detail=detail,
            )
        )
    return found


def position_taken(names: Mapping[int, str], payload: PositionTaken) -> dict[str, Any]:
    """A position taken: its stance, and when the actor cast it for someone else, for whom and
    how (as their delegate, or as a proxy with the note saying where they said it)."""
    detail: dict[str, Any] = {"stance": payload.stance.value}
    if payload.member is not None:
        detail["person"] = names.get(payload.member)
        detail["cast_by"] = (payload.cast_by or CastBy.DELEGATE).value
        if payload.cast_by is CastBy.PROXY:
            detail["note"] = payload.note or ""
    return detail


def follow_up_changes(before: FollowUpUpdated | None, after: FollowUpUpdated) -> list[str]:
    """What an update changed of a follow-up: its status, owner or due date, in that order, or
    else its note (a note given with a new status goes with it: the page shows it). Of one not
    seen before, everything changed."""
    if before is None:
        return ["status", "owner", "due"]
    facts = ("status", "owner", "due")
    changed = [key for key in facts if getattr(before, key) != getattr(after, key)]
    if not changed and before.note != after.note:
        changed = ["note"]
    return changed


def utc(moment: datetime | str) -> datetime:
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    return value.astimezone(UTC)

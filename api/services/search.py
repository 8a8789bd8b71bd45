"""Finding proposals: filters and full-text matching over what a viewer may see.

Text matching is case-insensitive substring search over title, summary, body and arguments;
every word of the query must appear somewhere. It runs on both databases without extensions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from actas.api.domain.redaction import PRIVATE_EVENTS, may_read_event
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import ProposalState
from actas.api.models import Argument, Event, Participant, Proposal, ProposalTag

MAX_WORDS = 8


@dataclass(frozen=True)
class ProposalFilter:
    states: Sequence[ProposalState] = ()
    unit_id: int | None = None
    tag: str | None = None
    participant_id: int | None = None
    text: str | None = None


def find_proposals(
    viewer: Viewer, organisation_id: int | None, wanted: ProposalFilter
) -> QuerySet[Proposal]:
    query = visible_proposals(viewer, organisation_id)
    if wanted.states:
        query = query.filter(state__in=list(wanted.states))
    if wanted.unit_id is not None:
        query = query.filter(unit_id=wanted.unit_id)
    if wanted.tag:
        tagged = ProposalTag.filter(tag=wanted.tag.strip().lower()).values("proposal_id")
        query = query.filter(id__in=Subquery(tagged))
    if wanted.participant_id is not None:
        involved = Participant.filter(user_id=wanted.participant_id).values("proposal_id")
        query = query.filter(id__in=Subquery(involved))
    if wanted.text:
        query = query.filter(text_matches(wanted.text))
    return query


def text_matches(text: str) -> Q:
    """Every word appears in the proposal's title, summary or body, or in one of its arguments."""
    words = text.split()[:MAX_WORDS]
    return Q(*(_word_matches(word) for word in words), join_type="AND") if words else Q()


def _word_matches(word: str) -> Q:
    arguments = Argument.filter(body__icontains=word).values("proposal_id")
    return (
        Q(title__icontains=word)
        | Q(summary__icontains=word)
        | Q(body__icontains=word)
        | Q(id__in=Subquery(arguments))
    )


def argument_matches(text: str) -> Q:
    words = text.split()[:MAX_WORDS]
    return Q(*(Q(body__icontains=word) for word in words), join_type="AND") if words else Q()


def visible_events(viewer: Viewer, organisation_id: int) -> QuerySet[Event]:
    """An organisation's events the viewer may read: organisation-level ones, and those of the
    proposals they may see; the private kinds only for admins (the people they name read them
    on the proposal's own record, ``readable_events``)."""
    member = viewer.member_of(organisation_id)
    if member is None:
        return Event.filter(id__in=[])
    proposals = visible_proposals(viewer, organisation_id).values("id")
    events = Event.filter(organisation_id=organisation_id).filter(
        Q(proposal_id__isnull=True) | Q(proposal_id__in=Subquery(proposals))
    )
    return events if member.is_admin else events.exclude(type__in=list(PRIVATE_EVENTS))


def readable_events(viewer: Viewer, events: Iterable[Event]) -> list[Event]:
    """Of events whose proposal (or organisation) the viewer may see, those they may read."""
    return [event for event in events if _may_read(viewer, event)]


def _may_read(viewer: Viewer, event: Event) -> bool:
    member = viewer.member_of(event.organisation_id)
    admin = member is not None and member.is_admin
    return may_read_event(
        event.type, lambda: orjson.loads(event.payload), viewer.user_id, admin=admin
    )

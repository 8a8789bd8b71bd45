"""Finding proposals: filters over what a viewer may see, and full-text search through the
index (``search_index``): every word must appear, stemmed and without accents, in the title,
text or an argument of a proposal; a search ranks what it finds, a list keeps its own order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from actas.api.domain.errors import ValidationFailed
from actas.api.domain.redaction import PRIVATE_EVENTS, may_read_event
from actas.api.domain.text_search import Query, parse_query
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import ProposalState
from actas.api.models import Event, Participant, Proposal, ProposalTag
from actas.api.services import search_index


@dataclass(frozen=True)
class ProposalFilter:
    states: Sequence[ProposalState] = ()
    unit_id: int | None = None
    tag: str | None = None
    participant_id: int | None = None
    text: str | None = None
    proposed_after: datetime | None = None
    proposed_before: datetime | None = None


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
    if wanted.proposed_after is not None:
        query = query.filter(created_at__gte=wanted.proposed_after)
    if wanted.proposed_before is not None:
        query = query.filter(created_at__lt=wanted.proposed_before)
    if wanted.text and (words := parse_query(wanted.text)).words:
        query = query.filter(search_index.matching(words))
    return query


@dataclass(frozen=True)
class Found:
    """A page of a search: the proposals, best first, and whether more follow."""

    proposals: list[Proposal]
    query: Query
    more: bool


async def search_proposals(
    viewer: Viewer,
    organisation_id: int | None,
    text: str,
    wanted: ProposalFilter,
    *,
    first: int,
    skip: int = 0,
) -> Found:
    """The proposals the viewer may see under ``wanted`` that hold every word of ``text``, best
    first: ``first`` of them after the ``skip`` best."""
    query = parse_query(text)
    if not query.words:
        raise ValidationFailed("Search for at least one word.", field="text")
    visible = find_proposals(viewer, organisation_id, wanted)
    page = await search_index.ranked(visible, query, first=first, skip=skip)
    # The organisation only: a hit's node names it (its reference) and its excerpt stems in its
    # language; the author and decision are read by the API's loaders, for every hit at once.
    rows = await Proposal.filter(id__in=page.ids).select_related("organisation")
    by_id = {row.id: row for row in rows}
    return Found([by_id[i] for i in page.ids if i in by_id], query, page.more)


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

"""Reading what an archive's audience may see, as plain data (``archive.data``).

Decisions are read in batches of ``BATCH`` proposals with a fixed number of queries per batch
(arguments and positions through ``services.debates``' raw reads), so memory stays flat and a
10,000-decision archive needs a few hundred queries, not a few per argument. ``shape`` turns
each proposal's rows into the data its page shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from actas.api.domain.events import EventType
from actas.api.domain.payloads import Payload
from actas.api.domain.payloads import read as read_payload
from actas.api.domain.redaction import ABSENCE_EVENTS
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import LinkKind, ProposalState
from actas.api.models import (
    Decision,
    DecisionCitation,
    Event,
    FollowUp,
    Keyphrase,
    OutcomeReview,
    Participant,
    Proposal,
    ProposalLink,
    ProposalTag,
    ProposalVersion,
    Unit,
    User,
)
from actas.api.models import Organisation as OrganisationRow
from actas.api.services import debates
from actas.archive import data, shape
from actas.archive.audience import Audience, archived_proposals, facts, may_read

BATCH = 250
# Events whose payload the timeline needs (the others are described by their type alone, and
# ``argument.added`` payloads, which repeat whole arguments, are matched to arguments by order).
PAYLOAD_TYPES = {
    EventType.PROPOSAL_REVISED,
    EventType.PARTICIPANT_SET,
    EventType.PARTICIPANT_REMOVED,
    EventType.PROPOSAL_LINKED,
    EventType.ARGUMENT_EDITED,
    EventType.POSITION_TAKEN,
    EventType.PROPOSAL_PUBLISHABLE,
    EventType.FOLLOW_UP_ADDED,
    EventType.FOLLOW_UP_UPDATED,
    EventType.OUTCOME_RECORDED,
}
# Events the timeline leaves out: the schedule's reminders, which change nothing on the record.
# They name whom they chased (the silent, their unit's heads, a follow-up's owner), they repeat
# (two reminders and an escalation per deadline, before and after a due date), and what they
# chased shows on the page anyway: the positions, each follow-up's due date and status, the
# outcome review or that it is still due. A deadline that passed without a decision stays: it
# is part of how the decision came about. Absences and what they set off go too (a delegate
# asked in a member's place, a voice away told to their head, probably away or not): who was
# away until when is the members' business (``redaction.ABSENCE_EVENTS``); a position their
# delegate took shows as such.
LEFT_OUT = [
    EventType.DEADLINE_APPROACHING,
    EventType.FOLLOW_UP_DUE,
    EventType.OUTCOME_REVIEW_DUE,
    *sorted(ABSENCE_EVENTS),
]


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


async def organisation(slug: str) -> tuple[int, data.Organisation] | None:
    """The organisation's id and data: its units (with stable path slugs) and chain head."""
    row = await OrganisationRow.get_or_none(slug=slug)
    if row is None:
        return None
    units = await units_of(row.id)
    head = await Event.filter(organisation_id=row.id).order_by("-seq").first().values("seq", "hash")
    return row.id, data.Organisation(
        slug=row.slug,
        name=row.name,
        language=str(row.language),
        units=tuple(data.Unit(name, slug) for name, slug in units.values()),
        chain_head=data.ChainHead(head["seq"], head["hash"]) if head else None,
    )


async def units_of(organisation_id: int) -> dict[int, tuple[str, str]]:
    """Each unit's name and path slug, by id (slugs given in id order, so a slug never moves to
    another unit)."""
    taken: set[str] = set()
    found = {}
    for unit_id, name in (
        await Unit.filter(organisation_id=organisation_id).order_by("id").values_list("id", "name")
    ):
        base = slugify(name) or f"unit-{unit_id}"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        found[unit_id] = (name, slug)
    return found


async def archived_ids(audience: Audience, slug: str) -> list[int]:
    """Ids of the organisation's proposals the archive carries, by number."""
    row = await OrganisationRow.get(slug=slug)
    rows = await archived_proposals(audience, row.id).order_by("number").values_list("id")
    return [int(proposal_id) for (proposal_id,) in rows]


@dataclass(frozen=True, slots=True)
class Read:
    decision: data.Decision
    people: frozenset[int]  # ids of the users its page names


async def decisions(
    audience: Audience, slug: str, ids: Sequence[int] | None = None
) -> AsyncIterator[list[Read]]:
    """The organisation's archived decisions (or those of ``ids``), in batches, by number."""
    row = await OrganisationRow.get(slug=slug)
    if ids is None:
        ids = await archived_ids(audience, slug)
    units = await units_of(row.id)
    for start in range(0, len(ids), BATCH):
        reader = _BatchReader(audience, row.id, shape.Context(slug, units))
        yield await reader.read(ids[start : start + BATCH])


class _BatchReader:
    def __init__(self, audience: Audience, organisation_id: int, context: shape.Context) -> None:
        self.audience = audience
        self.organisation_id = organisation_id
        self.context = context

    async def read(self, ids: Sequence[int]) -> list[Read]:
        proposals = [
            p
            for p in await Proposal.filter(
                id__in=list(ids), organisation_id=self.organisation_id
            ).order_by("number")
            if self._readable(p)
        ]
        ids = [p.id for p in proposals]
        if not ids:
            return []
        decisions = {d.proposal_id: d for d in await Decision.filter(proposal_id__in=ids)}
        cited: dict[int, set[int]] = defaultdict(set)
        for decision_id, argument_id in await DecisionCitation.filter(
            decision_id__in=[d.id for d in decisions.values()]
        ).values_list("decision_id", "argument_id"):
            cited[decision_id].add(argument_id)
        versions = _group(
            await ProposalVersion.filter(proposal_id__in=ids).order_by("number"), "proposal_id"
        )
        arguments = _group(await debates.arguments(proposal_ids=ids), "proposal_id")
        positions = _group(await debates.positions(proposal_ids=ids), "proposal_id")
        participants = _group(
            await Participant.filter(proposal_id__in=ids).order_by("id"), "proposal_id"
        )
        tags: dict[int, list[str]] = defaultdict(list)
        for proposal_id, tag in (
            await ProposalTag.filter(proposal_id__in=ids)
            .order_by("tag")
            .values_list("proposal_id", "tag")
        ):
            tags[proposal_id].append(tag)
        links = await self._links(ids)
        follow_ups = _group(
            await FollowUp.filter(proposal_id__in=ids).order_by("due", "id"), "proposal_id"
        )
        reviews = {r.proposal_id: r for r in await OutcomeReview.filter(proposal_id__in=ids)}
        keyphrases: dict[int, list[data.Keyphrase]] = defaultdict(list)
        for proposal_id, key, phrase in (
            await Keyphrase.filter(proposal_id__in=ids)
            .order_by("proposal_id", "id")  # best first, as they were extracted
            .values_list("proposal_id", "key", "phrase")
        ):
            keyphrases[proposal_id].append(data.Keyphrase(key, phrase))
        events = await self._events(ids)
        await self._load_names(
            [p.author_id for p in proposals]
            + [d.decided_by_id for d in decisions.values() if d.decided_by_id]
            + [v.author_id for vs in versions.values() for v in vs]
            + [p.user_id for ps in participants.values() for p in ps]
            + [p.caster_id for ps in positions.values() for p in ps if p.caster_id]
            + [f.owner_id for fs in follow_ups.values() for f in fs]
            + [r.reviewed_by_id for r in reviews.values()]
            + [e["actor_id"] for es in events.values() for e in es if e["actor_id"]]
            + [person for es in events.values() for e in es for person in shape.named_in(e)]
        )
        read = []
        for p in proposals:
            if p.id not in decisions:
                continue
            rows = shape.Rows(
                proposal=p,
                decision=decisions[p.id],
                cited=cited[decisions[p.id].id],
                versions=versions.get(p.id, []),
                arguments=arguments.get(p.id, []),
                positions=positions.get(p.id, []),
                participants=participants.get(p.id, []),
                tags=tags.get(p.id, []),
                links=links.get(p.id, []),
                follow_ups=follow_ups.get(p.id, []),
                review=reviews.get(p.id),
                events=events.get(p.id, []),
                keyphrases=keyphrases.get(p.id, []),
            )
            read.append(Read(shape.decision(self.context, rows), shape.people(rows)))
        return read

    def _readable(self, proposal: Proposal) -> bool:
        """Defence in depth: the query already selected these; check each with the rule again."""
        return ProposalState(proposal.state).is_closed and may_read(
            self.audience, facts(proposal), publishable=proposal.publishable
        )

    async def _links(self, ids: list[int]) -> dict[int, list[data.Link]]:
        """Links of the batch's proposals to proposals the audience may read (for the public,
        to published ones only); links to anything else are left out entirely."""
        rows = {
            r.id: r
            for r in await ProposalLink.filter(source_id__in=ids)
            + await ProposalLink.filter(target_id__in=ids)
        }
        batch = set(ids)
        others = {r.source_id for r in rows.values()} | {r.target_id for r in rows.values()}
        proposals = {p.id: p for p in await Proposal.filter(id__in=sorted(others))}
        links: dict[int, list[data.Link]] = defaultdict(list)
        for row in sorted(rows.values(), key=lambda r: r.id):
            for this, other_id in ((row.source_id, row.target_id), (row.target_id, row.source_id)):
                other = proposals.get(other_id)
                if this not in batch or other is None:
                    continue
                if not may_read(self.audience, facts(other), publishable=other.publishable):
                    continue
                state = ProposalState(other.state)
                in_archive = state.is_closed and (
                    self.audience is Audience.ORGANISATION or other.publishable
                )
                if self.audience is Audience.PUBLIC and not in_archive:
                    continue
                reference = format_reference(self.context.slug, other.number)
                self.context.references[other.id] = reference
                links[this].append(
                    data.Link(
                        kind=_link_kind(row.kind, outgoing=row.source_id == this),
                        reference=reference,
                        title=other.title,
                        state=state.value,
                        in_archive=in_archive,
                    )
                )
        return links

    async def _events(self, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        rows = (
            await Event.filter(proposal_id__in=ids)
            .exclude(type__in=LEFT_OUT)
            .order_by("seq")
            .values("id", "proposal_id", "type", "created_at", "actor_id")
        )
        wanted = [r["id"] for r in rows if r["type"] in PAYLOAD_TYPES]
        payloads: dict[int, Payload] = {}
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            for event_id, kind, payload in await Event.filter(id__in=chunk).values_list(
                "id", "type", "payload"
            ):
                payloads[event_id] = read_payload(kind, payload)
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            row["payload"] = payloads.get(row["id"])
            grouped[row["proposal_id"]].append(row)
        return grouped

    async def _load_names(self, user_ids: Iterable[int]) -> None:
        names = self.context.names
        missing = sorted(set(user_ids) - set(names))
        if missing:
            names.update(dict(await User.filter(id__in=missing).values_list("id", "name")))


def _link_kind(kind: str, *, outgoing: bool) -> str:
    if kind == LinkKind.RELATED:
        return "related"
    return "supersedes" if outgoing else "superseded_by"


def _group(rows: Iterable[Any], attribute: str) -> Mapping[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped

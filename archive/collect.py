"""Reading what an archive's audience may see, as plain data (``archive.data``).

Decisions are read in batches of ``BATCH`` proposals with a fixed number of queries per batch
(arguments and positions through ``services.debates``' raw reads), so memory stays flat and a
10,000-decision archive needs a few hundred queries, not a few per argument.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson

from actas.api.domain.events import EventType
from actas.api.domain.references import format_reference
from actas.api.domain.rules import Tally as DomainTally
from actas.api.domain.threads import depth_first
from actas.api.domain.visibility import ProposalAudience
from actas.api.domain.vocabulary import LinkKind, ProposalState, Visibility
from actas.api.models import (
    Decision,
    DecisionCitation,
    Event,
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
from actas.archive import data
from actas.archive.audience import Audience, archived_proposals, may_read

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
}


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


async def organisation(slug: str) -> data.Organisation | None:
    """The organisation, its units (with stable path slugs) and its chain head."""
    row = await OrganisationRow.get_or_none(slug=slug)
    if row is None:
        return None
    units = await Unit.filter(organisation_id=row.id).order_by("id").values("id", "name")
    head = await Event.filter(organisation_id=row.id).order_by("-seq").first().values("seq", "hash")
    return data.Organisation(
        slug=row.slug,
        name=row.name,
        language=str(row.language),
        units=tuple(
            data.Unit(u["name"], slug) for u, slug in zip(units, _unit_slugs(units), strict=True)
        ),
        chain_head=data.ChainHead(head["seq"], head["hash"]) if head else None,
    )


def _unit_slugs(units: Sequence[dict[str, Any]]) -> list[str]:
    """A path slug per unit (in id order, so a slug never moves to another unit)."""
    taken: set[str] = set()
    slugs = []
    for unit in units:
        base = slugify(unit["name"]) or f"unit-{unit['id']}"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


async def archived_ids(audience: Audience, slug: str) -> list[int]:
    """Ids of the organisation's proposals the archive carries, by number."""
    row = await OrganisationRow.get(slug=slug)
    rows = await archived_proposals(audience, row.id).order_by("number").values_list("id")
    return [int(proposal_id) for (proposal_id,) in rows]


async def decisions(
    audience: Audience, slug: str, ids: Sequence[int] | None = None
) -> AsyncIterator[list[data.Decision]]:
    """The organisation's archived decisions (or those of ``ids``), in batches, by number."""
    row = await OrganisationRow.get(slug=slug)
    if ids is None:
        ids = await archived_ids(audience, slug)
    units = await Unit.filter(organisation_id=row.id).order_by("id").values("id", "name")
    unit_names = {u["id"]: (u["name"], s) for u, s in zip(units, _unit_slugs(units), strict=True)}
    for start in range(0, len(ids), BATCH):
        reader = _BatchReader(audience, row.id, slug, unit_names)
        yield await reader.read(ids[start : start + BATCH])


class _BatchReader:
    def __init__(
        self,
        audience: Audience,
        organisation_id: int,
        slug: str,
        unit_names: dict[int, tuple[str, str]],
    ) -> None:
        self.audience = audience
        self.organisation_id = organisation_id
        self.slug = slug
        self.unit_names = unit_names
        self.names: dict[int, str] = {}
        self.references: dict[int, str] = {}  # readable linked proposals: id -> reference

    async def read(self, ids: Sequence[int]) -> list[data.Decision]:
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
        events = await self._events(ids)
        await self._load_names(
            [p.author_id for p in proposals]
            + [d.decided_by_id for d in decisions.values() if d.decided_by_id]
            + [v.author_id for vs in versions.values() for v in vs]
            + [p.user_id for ps in participants.values() for p in ps]
            + [e["actor_id"] for es in events.values() for e in es if e["actor_id"]]
            + [
                e["payload"]["user"]
                for es in events.values()
                for e in es
                if e["payload"] and isinstance(e["payload"].get("user"), int)
            ]
        )
        return [
            self._decision(
                p,
                decisions[p.id],
                cited[decisions[p.id].id],
                versions.get(p.id, []),
                arguments.get(p.id, []),
                positions.get(p.id, []),
                participants.get(p.id, []),
                tags.get(p.id, []),
                links.get(p.id, []),
                events.get(p.id, []),
            )
            for p in proposals
            if p.id in decisions
        ]

    def _readable(self, proposal: Proposal) -> bool:
        """Defence in depth: the query already selected these; check each with the rule again."""
        return ProposalState(proposal.state).is_closed and may_read(
            self.audience, _facts(proposal), publishable=proposal.publishable
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
                if not may_read(self.audience, _facts(other), publishable=other.publishable):
                    continue
                state = ProposalState(other.state)
                in_archive = state.is_closed and (
                    self.audience is Audience.ORGANISATION or other.publishable
                )
                if self.audience is Audience.PUBLIC and not in_archive:
                    continue
                reference = format_reference(self.slug, other.number)
                self.references[other.id] = reference
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
            .order_by("seq")
            .values("id", "proposal_id", "type", "created_at", "actor_id")
        )
        wanted = [r["id"] for r in rows if r["type"] in PAYLOAD_TYPES]
        payloads: dict[int, Any] = {}
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            for event_id, payload in await Event.filter(id__in=chunk).values_list("id", "payload"):
                payloads[event_id] = orjson.loads(payload)
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            row["payload"] = payloads.get(row["id"])
            grouped[row["proposal_id"]].append(row)
        return grouped

    async def _load_names(self, user_ids: Iterable[int]) -> None:
        missing = sorted(set(user_ids) - set(self.names))
        if missing:
            self.names.update(dict(await User.filter(id__in=missing).values_list("id", "name")))

    def _decision(
        self,
        proposal: Proposal,
        decision: Decision,
        cited: set[int],
        versions: list[ProposalVersion],
        arguments: list[debates.ArgumentRow],
        positions: list[debates.PositionRow],
        participants: list[Participant],
        tags: list[str],
        links: list[data.Link],
        events: list[dict[str, Any]],
    ) -> data.Decision:
        numbers = {row.id: n for n, row in enumerate(arguments, start=1)}
        thread = depth_first(arguments, key=lambda a: a.id, parent=lambda a: a.parent_id)
        tally = DomainTally.from_json(decision.tally)
        unit = self.unit_names.get(proposal.unit_id) if proposal.unit_id else None
        return data.Decision(
            organisation=self.slug,
            reference=format_reference(self.slug, proposal.number),
            number=proposal.number,
            title=proposal.title,
            summary=proposal.summary,
            body=proposal.body,
            outcome=ProposalState(decision.outcome).value,
            unit=unit[0] if unit else None,
            unit_slug=unit[1] if unit else None,
            tags=tuple(tags),
            author=self.names[proposal.author_id],
            drafted_at=_utc(proposal.created_at),
            opened_at=_utc(proposal.opened_at) if proposal.opened_at else None,
            decided_at=_utc(decision.decided_at),
            decided_by=self.names[decision.decided_by_id] if decision.decided_by_id else None,
            rule=str(decision.rule),
            threshold=proposal.threshold,
            quorum=proposal.quorum,
            statement=decision.statement,
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
                reason=tally.reason,
                spoke=tally.eligible_count - len(tally.silent_voters),
            ),
            participants=tuple(
                data.Participant(self.names[p.user_id], str(p.role)) for p in participants
            ),
            versions=tuple(
                data.Version(
                    number=v.number,
                    title=v.title,
                    summary=v.summary,
                    body=v.body,
                    change_note=v.change_note,
                    author=self.names[v.author_id],
                    created_at=_utc(v.created_at),
                )
                for v in versions
            ),
            arguments=tuple(
                data.Argument(
                    number=numbers[row.id],
                    parent=numbers.get(row.parent_id) if row.parent_id else None,
                    depth=depth,
                    stance=row.stance.value,
                    author=row.author.name,
                    created_at=_utc(row.created_at),
                    edited=row.revision > 1,
                    proposal_version=row.proposal_version,
                    body=row.body,
                    cited=row.id in cited,
                )
                for row, depth in thread
            ),
            positions=tuple(
                data.Position(
                    person=row.user.name,
                    stance=row.stance.value,
                    reason=row.reason,
                    proposal_version=row.proposal_version,
                    updated_at=_utc(row.updated_at),
                )
                for row in positions
            ),
            links=tuple(links),
            events=tuple(self._timeline(events, numbers, {li.reference for li in links})),
        )

    def _timeline(
        self, events: list[dict[str, Any]], numbers: dict[int, int], linked: set[str]
    ) -> list[data.Event]:
        """The proposal's events as facts for one sentence each. Arguments are numbered as on
        the page; ``argument.added`` events match arguments in order (each adds one)."""
        added = iter(sorted(numbers.values()))
        timeline = []
        for row in events:
            kind, payload = row["type"], row["payload"] or {}
            detail: dict[str, Any] = {}
            if kind == EventType.ARGUMENT_ADDED:
                detail = {"argument": next(added, None)}
            elif kind == EventType.ARGUMENT_EDITED:
                detail = {"argument": numbers.get(payload.get("argument", 0))}
            elif kind == EventType.PROPOSAL_REVISED:
                detail = {"version": payload.get("version"), "note": payload.get("change_note")}
            elif kind in (EventType.PARTICIPANT_SET, EventType.PARTICIPANT_REMOVED):
                detail = {"person": self.names.get(payload.get("user", 0)), **_role(payload)}
            elif kind == EventType.POSITION_TAKEN:
                detail = {"stance": payload.get("stance")}
            elif kind == EventType.PROPOSAL_PUBLISHABLE:
                detail = {"publishable": bool(payload.get("publishable"))}
            elif kind == EventType.PROPOSAL_LINKED:
                target = self._reference_of_linked(payload, linked)
                if target is None:
                    continue  # a link to a proposal the audience may not read
                detail = {"kind": payload.get("kind"), "reference": target}
            timeline.append(
                data.Event(
                    at=_utc(row["created_at"]),
                    type=kind,
                    actor=self.names.get(row["actor_id"]) if row["actor_id"] else None,
                    detail=detail,
                )
            )
        return timeline

    def _reference_of_linked(self, payload: dict[str, Any], linked: set[str]) -> str | None:
        target = payload.get("target")
        reference = self.references.get(target) if isinstance(target, int) else None
        return reference if reference in linked else None


def _facts(proposal: Proposal) -> ProposalAudience:
    # The least member (user 0) is nobody's participant, so participants never change the answer.
    return ProposalAudience(
        organisation_id=proposal.organisation_id,
        state=ProposalState(proposal.state),
        visibility=Visibility(proposal.visibility),
        unit_id=proposal.unit_id,
        author_id=proposal.author_id,
        participant_ids=frozenset(),
    )


def _link_kind(kind: str, *, outgoing: bool) -> str:
    if kind == LinkKind.RELATED:
        return "related"
    return "supersedes" if outgoing else "superseded_by"


def _role(payload: dict[str, Any]) -> dict[str, Any]:
    return {"role": payload["role"]} if payload.get("role") else {}


def _group(rows: Iterable[Any], attribute: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


def _utc(moment: datetime | str) -> datetime:
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    return value.astimezone(UTC)

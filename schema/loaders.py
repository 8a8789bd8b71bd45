"""One DataLoader per relation, created per request: no query ever runs inside a loop.

Loaders named after what they return and their key (``proposal`` by id, ``arguments`` by proposal
id) return results in key order. Loaders of things that can be hidden apply ``visibility`` and
return ``None`` for what the viewer may not see; everything attached to a proposal is reached
only through a proposal the viewer could load.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q, Subquery

from actas.api.domain.abilities import NOTHING, ProposalAbilities
from actas.api.domain.references import parse_reference
from actas.api.domain.text_search import parse_query
from actas.api.domain.threads import depth_first
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import DeliveryChannel
from actas.api.models import (
    ArgumentRevision,
    Decision,
    DecisionCitation,
    Delivery,
    DeliveryAttempt,
    Event,
    FollowUp,
    Membership,
    Organisation,
    OutcomeReview,
    Participant,
    PositionChange,
    Proposal,
    ProposalLink,
    ProposalTag,
    ProposalVersion,
    Subscription,
    Unit,
    User,
)
from actas.api.services import debates
from actas.api.services.abilities import abilities_of
from actas.api.services.debates import ArgumentRow, Person, PositionRow
from actas.api.services.search import readable_events
from actas.api.services.search_index import matching_arguments
from actas.schema.absence_loaders import AbsenceLoaders

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def in_key_order(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[V | None]:
    found = {key(row): row for row in rows}
    return [found.get(k) for k in keys]


def grouped(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[list[V]]:
    groups: dict[K, list[V]] = {k: [] for k in keys}
    for row in rows:
        groups[key(row)].append(row)
    return [groups[k] for k in keys]


class _FollowThroughLoaders:
    """Relations of following a decision through (mixed into ``Loaders``)."""

    viewer: Viewer

    async def _follow_ups(self, proposal_ids: Sequence[int]) -> list[list[FollowUp]]:
        rows = await FollowUp.filter(proposal_id__in=proposal_ids).order_by("due", "id")
        return grouped(proposal_ids, rows, _proposal_of)

    async def _outcome_reviews(self, proposal_ids: Sequence[int]) -> list[OutcomeReview | None]:
        rows = await OutcomeReview.filter(proposal_id__in=proposal_ids)
        return in_key_order(proposal_ids, rows, _proposal_of)

    async def _following(self, proposal_ids: Sequence[int]) -> list[bool]:
        rows = await Subscription.filter(
            proposal_id__in=proposal_ids, user_id=self.viewer.user_id, following=True
        ).values("proposal_id")
        following = {row["proposal_id"] for row in rows}
        return [p in following for p in proposal_ids]

    async def _notification_emails(self, notification_ids: Sequence[int]) -> list[Delivery | None]:
        """The email queued for each notification (none when the person was not to be emailed)."""
        rows = await Delivery.filter(
            notification_id__in=notification_ids, channel=DeliveryChannel.EMAIL
        )
        # Every row has a notification (the filter is on it); ``or 0`` only narrows the type.
        return in_key_order(notification_ids, rows, lambda d: d.notification_id or 0)

    async def _delivery_attempts(self, delivery_ids: Sequence[int]) -> list[list[DeliveryAttempt]]:
        rows = await DeliveryAttempt.filter(delivery_id__in=delivery_ids).order_by("number")
        return grouped(delivery_ids, rows, lambda r: r.delivery_id)


class Loaders(_FollowThroughLoaders, AbsenceLoaders):
    def __init__(self, viewer: Viewer) -> None:
        AbsenceLoaders.__init__(self)
        self.viewer = viewer
        self.user = DataLoader[int, User | Person | None](self._users)
        self.organisation = DataLoader[int, Organisation | None](self._organisations)
        self.organisation_by_slug = DataLoader[str, Organisation | None](
            self._organisations_by_slug
        )
        self.units = DataLoader[int, list[Unit]](self._units_of_organisations)
        self.unit = DataLoader[int, Unit | None](self._units)
        self.membership = DataLoader[int, Membership | None](self._memberships)
        self.proposal = DataLoader[int, Proposal | None](self._proposals)
        self.proposal_by_reference = DataLoader[str, Proposal | None](self._proposals_by_reference)
        self.tags = DataLoader[int, list[str]](self._tags)
        self.versions = DataLoader[int, list[ProposalVersion]](self._versions)
        self.participants = DataLoader[int, list[Participant]](self._participants)
        self.arguments = DataLoader[int, list[tuple[ArgumentRow, int]]](self._arguments)
        self.argument = DataLoader[int, ArgumentRow | None](self._argument)
        self.argument_revisions = DataLoader[int, list[ArgumentRevision]](self._argument_revisions)
        self.positions = DataLoader[int, list[PositionRow]](self._positions)
        self.position_history = DataLoader[tuple[int, int], list[PositionChange]](
            self._position_history
        )
        self.decision = DataLoader[int, Decision | None](self._decisions)
        self.citations = DataLoader[int, list[int]](self._citations)
        self.links = DataLoader[int, list[ProposalLink]](self._links)
        self.events = DataLoader[int, list[Event]](self._events)
        self.shared_user = DataLoader[int, User | None](self._shared_users)
        self.version = DataLoader[int, ProposalVersion | None](self._version)
        self.position = DataLoader[int, PositionRow | None](self._position)
        self.event = DataLoader[int, Event | None](self._events_by_id)
        self.follow_ups = DataLoader[int, list[FollowUp]](self._follow_ups)
        self.outcome_review = DataLoader[int, OutcomeReview | None](self._outcome_reviews)
        self.following = DataLoader[int, bool](self._following)
        self.viewer_can = DataLoader[int, ProposalAbilities](self._viewer_can)
        self.notification_email = DataLoader[int, Delivery | None](self._notification_emails)
        self.delivery_attempts = DataLoader[int, list[DeliveryAttempt]](self._delivery_attempts)
        self.matching_arguments = DataLoader[tuple[int, str], list[int]](self._matching_arguments)

    # People and organisations -------------------------------------------------------------

    async def _users(self, ids: Sequence[int]) -> list[User | Person | None]:
        rows: list[User | Person] = list(await User.filter(id__in=ids))
        return in_key_order(ids, rows, lambda u: u.id)

    async def _shared_users(self, ids: Sequence[int]) -> list[User | None]:
        """Users the viewer may look up directly: themselves and members of their organisations."""
        shared = Membership.filter(organisation_id__in=list(self.viewer.memberships)).values(
            "user_id"
        )
        rows = await User.filter(Q(id=self.viewer.user_id) | Q(id__in=Subquery(shared))).filter(
            id__in=ids
        )
        for user in rows:
            self.user.prime(user.id, user)
        return in_key_order(ids, rows, lambda u: u.id)

    async def _organisations(self, ids: Sequence[int]) -> list[Organisation | None]:
        mine = [i for i in ids if self.viewer.member_of(i)]
        return in_key_order(ids, await Organisation.filter(id__in=mine), lambda o: o.id)

    async def _organisations_by_slug(self, slugs: Sequence[str]) -> list[Organisation | None]:
        rows = await Organisation.filter(slug__in=slugs, id__in=list(self.viewer.memberships))
        for organisation in rows:
            self.organisation.prime(organisation.id, organisation)
        return in_key_order(slugs, rows, lambda o: o.slug)

    async def _units_of_organisations(self, organisation_ids: Sequence[int]) -> list[list[Unit]]:
        mine = [i for i in organisation_ids if self.viewer.member_of(i)]
        units = await Unit.filter(organisation_id__in=mine).order_by("id")
        for unit in units:
            self.unit.prime(unit.id, unit)
        return grouped(organisation_ids, units, lambda u: u.organisation_id)

    async def _units(self, ids: Sequence[int]) -> list[Unit | None]:
        rows = await Unit.filter(id__in=ids, organisation_id__in=list(self.viewer.memberships))
        return in_key_order(ids, rows, lambda u: u.id)

    async def _memberships(self, ids: Sequence[int]) -> list[Membership | None]:
        rows = await Membership.filter(
            id__in=ids, organisation_id__in=list(self.viewer.memberships)
        )
        return in_key_order(ids, rows, lambda m: m.id)

    # Proposals ------------------------------------------------------------------------------

    def _remember(self, proposals: Iterable[Proposal]) -> None:
        for proposal in proposals:
            self.proposal.prime(proposal.id, proposal)
            self.user.prime(proposal.author_id, proposal.author)
            self.decision.prime(proposal.id, proposal.decision)

    async def _proposals(self, ids: Sequence[int]) -> list[Proposal | None]:
        rows = await self.visible_proposals().filter(id__in=ids)
        self._remember(rows)
        return in_key_order(ids, rows, lambda p: p.id)

    async def _proposals_by_reference(self, references: Sequence[str]) -> list[Proposal | None]:
        wanted = {key for key in map(parse_reference, references) if key}
        if not wanted:
            return [None] * len(references)
        matches = Q(
            *(Q(organisation__slug=slug, number=number) for slug, number in wanted),
            join_type="OR",
        )
        rows = await self.visible_proposals().filter(matches)
        self._remember(rows)
        found = {(p.organisation.slug, p.number): p for p in rows}
        return [found.get(key) if key else None for key in map(parse_reference, references)]

    def visible_proposals(self) -> Any:
        """The viewer's visible proposals, with what every proposal field needs in one query."""
        return visible_proposals(self.viewer).select_related("organisation", "author", "decision")

    async def _viewer_can(self, proposal_ids: Sequence[int]) -> list[ProposalAbilities]:
        proposals = [p for p in await self.proposal.load_many(proposal_ids) if p]
        abilities = await abilities_of(self.viewer, proposals)
        return [abilities.get(p, NOTHING) for p in proposal_ids]

    async def _tags(self, proposal_ids: Sequence[int]) -> list[list[str]]:
        rows = await ProposalTag.filter(proposal_id__in=proposal_ids).order_by("tag")
        return [[t.tag for t in group] for group in grouped(proposal_ids, rows, _proposal_of)]

    async def _versions(self, proposal_ids: Sequence[int]) -> list[list[ProposalVersion]]:
        rows = await ProposalVersion.filter(proposal_id__in=proposal_ids).order_by("number")
        return grouped(proposal_ids, rows, _proposal_of)

    async def _participants(self, proposal_ids: Sequence[int]) -> list[list[Participant]]:
        rows = await Participant.filter(proposal_id__in=proposal_ids).order_by("id")
        return grouped(proposal_ids, rows, _proposal_of)

    # The debate -----------------------------------------------------------------------------

    async def _arguments(self, proposal_ids: Sequence[int]) -> list[list[tuple[ArgumentRow, int]]]:
        rows = await debates.arguments(proposal_ids=proposal_ids)
        # One priming call per loader, not one per row (a page primes hundreds).
        self.argument.prime_many({argument.id: argument for argument in rows})
        self.user.prime_many({argument.author.id: argument.author for argument in rows})
        return [
            depth_first(group, key=lambda a: a.id, parent=lambda a: a.parent_id)
            for group in grouped(proposal_ids, rows, _proposal_of)
        ]

    async def _argument(self, ids: Sequence[int]) -> list[ArgumentRow | None]:
        rows = await debates.arguments(ids=ids)
        visible = {p.id for p in await self.proposal.load_many([a.proposal_id for a in rows]) if p}
        return in_key_order(ids, [a for a in rows if a.proposal_id in visible], _key)

    async def _argument_revisions(
        self, argument_ids: Sequence[int]
    ) -> list[list[ArgumentRevision]]:
        rows = await ArgumentRevision.filter(argument_id__in=argument_ids).order_by("revision")
        return grouped(argument_ids, rows, lambda r: r.argument_id)

    async def _positions(self, proposal_ids: Sequence[int]) -> list[list[PositionRow]]:
        rows = await debates.positions(proposal_ids=proposal_ids)
        self.user.prime_many({position.user.id: position.user for position in rows})
        return grouped(proposal_ids, rows, _proposal_of)

    async def _position(self, ids: Sequence[int]) -> list[PositionRow | None]:
        rows = await debates.positions(ids=ids)
        visible = {p.id for p in await self.proposal.load_many([r.proposal_id for r in rows]) if p}
        return in_key_order(ids, [r for r in rows if r.proposal_id in visible], _key)

    async def _position_history(
        self, keys: Sequence[tuple[int, int]]
    ) -> list[list[PositionChange]]:
        rows = await PositionChange.filter(
            proposal_id__in=sorted({p for p, _ in keys}), user_id__in=sorted({u for _, u in keys})
        ).order_by("id")
        return grouped(
            keys,
            [r for r in rows if (r.proposal_id, r.user_id) in set(keys)],
            lambda r: (r.proposal_id, r.user_id),
        )

    # The outcome ----------------------------------------------------------------------------

    async def _decisions(self, proposal_ids: Sequence[int]) -> list[Decision | None]:
        rows = await Decision.filter(proposal_id__in=proposal_ids)
        return in_key_order(proposal_ids, rows, _proposal_of)

    async def _citations(self, decision_ids: Sequence[int]) -> list[list[int]]:
        rows = await DecisionCitation.filter(decision_id__in=decision_ids).order_by("argument_id")
        return [
            [c.argument_id for c in group]
            for group in grouped(decision_ids, rows, lambda c: c.decision_id)
        ]

    async def _links(self, proposal_ids: Sequence[int]) -> list[list[ProposalLink]]:
        rows = await ProposalLink.filter(
            Q(source_id__in=proposal_ids) | Q(target_id__in=proposal_ids)
        ).order_by("id")
        groups: dict[int, list[ProposalLink]] = {p: [] for p in proposal_ids}
        for link in rows:
            for end in {link.source_id, link.target_id}:
                if end in groups:
                    groups[end].append(link)
        return [groups[p] for p in proposal_ids]

    async def _version(self, ids: Sequence[int]) -> list[ProposalVersion | None]:
        rows = await ProposalVersion.filter(id__in=ids)
        visible = {p.id for p in await self.proposal.load_many([r.proposal_id for r in rows]) if p}
        return in_key_order(ids, [r for r in rows if r.proposal_id in visible], _key)

    async def _events_by_id(self, ids: Sequence[int]) -> list[Event | None]:
        """Events of visible proposals, or organisation events of the viewer's organisations."""
        rows = await Event.filter(id__in=ids, organisation_id__in=list(self.viewer.memberships))
        attached = [e.proposal_id for e in rows if e.proposal_id is not None]
        visible = {p.id for p in await self.proposal.load_many(attached) if p}
        seen = [e for e in rows if e.proposal_id is None or e.proposal_id in visible]
        return in_key_order(ids, readable_events(self.viewer, seen), _key)

    async def _matching_arguments(self, keys: Sequence[tuple[int, str]]) -> list[list[int]]:
        """Ids of the arguments of each (already visible) proposal that hold a search's words."""
        found: dict[tuple[int, str], list[int]] = {}
        for text in {text for _, text in keys}:  # one search text per request in practice
            ids = [proposal for proposal, t in keys if t == text]
            for proposal, arguments in (await matching_arguments(ids, parse_query(text))).items():
                found[(proposal, text)] = arguments
        return [found[key] for key in keys]

    async def _events(self, proposal_ids: Sequence[int]) -> list[list[Event]]:
        rows = await Event.filter(proposal_id__in=proposal_ids).order_by("id")
        return grouped(proposal_ids, readable_events(self.viewer, rows), _proposal_of)


def _key(row: Any) -> int:
    key: int = row.id
    return key


def _proposal_of(row: Any) -> int:
    proposal_id: int = row.proposal_id
    return proposal_id

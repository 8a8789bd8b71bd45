"""Everything the proposal page shows to one person, read in a fixed handful of queries.

The page (``api/pages``) is for people who arrive from an email: it reads through the same
visibility as the API (``visible_proposals``), the same debate rows as the GraphQL loaders and the
archive (``debates``), the tally as a reader sees it now (``tally_as_read``) and the one answer to
what this person may do here (``abilities``). Six queries whatever the size of the debate: the
holder's membership and units (``personal_links.holder``), then the proposal with its
organisation, its participants (with their memberships), its arguments and its positions (each
joined with the people they name). A proposal that names no voters (every member votes) takes
two more, for the members' scopes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from actas.api import clock
from actas.api.db import connection, is_postgres
from actas.api.domain.abilities import ProposalAbilities, Situation, abilities_in
from actas.api.domain.absences import Absence, away_from
from actas.api.domain.electorate import Electorate, electorate_of, names_its_voters
from actas.api.domain.errors import NotFound
from actas.api.domain.permissions import ProposalActor
from actas.api.domain.references import format_reference, parse_reference
from actas.api.domain.rules import Tally
from actas.api.domain.threads import depth_first
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import MemberScope, Viewer, audience_of, visible_proposals
from actas.api.domain.vocabulary import CastBy, Language, ParticipantRole, ProposalState
from actas.api.models import Membership, Proposal
from actas.api.services.access import MEMBERSHIP_COLUMNS, member_scopes
from actas.api.services.away import absences_at
from actas.api.services.debates import ArgumentRow, PositionRow, arguments, positions
from actas.api.services.electorates import electorates_from
from actas.api.services.personal_links import Holder
from actas.api.services.tallies import tally_as_read


@dataclass(frozen=True)
class ParticipantRow:
    user_id: int
    name: str
    role: ParticipantRole


@dataclass(frozen=True)
class SpokenFor:
    """An absent voter the holder speaks for here, as their delegate."""

    user_id: int
    name: str
    until: datetime
    position: PositionRow | None  # theirs so far (never one they took themselves)


@dataclass(frozen=True)
class ProposalPage:
    viewer: Viewer
    holder_name: str
    proposal: Proposal
    reference: str
    organisation_name: str
    language: Language  # the reader's
    participants: list[ParticipantRow]
    debate: list[tuple[ArgumentRow, int]]  # depth-first, with depth
    positions: list[PositionRow]
    tally: Tally
    electorate: Electorate | None  # an open proposal's
    can: ProposalAbilities
    speaks_for: tuple[SpokenFor, ...] = ()

    @property
    def state(self) -> ProposalState:
        return ProposalState(self.proposal.state)

    @property
    def own_position(self) -> PositionRow | None:
        return next((p for p in self.positions if p.user_id == self.viewer.user_id), None)

    @property
    def spoken(self) -> set[int]:
        return {p.user_id for p in self.positions}

    def argument(self, argument_id: int) -> ArgumentRow | None:
        return next((a for a, _ in self.debate if a.id == argument_id), None)


async def proposal_page(holder: Holder, reference: str) -> ProposalPage:
    """The proposal ``reference`` as the link's holder may see it; NotFound when they may not
    (or it does not exist: the two answer alike)."""
    parsed = parse_reference(reference)
    if parsed is None:
        raise NotFound("proposal", reference)
    slug, number = parsed
    viewer, user_id = holder.viewer, holder.viewer.user_id
    proposal = (
        await visible_proposals(viewer)
        .filter(organisation__slug=slug, number=number)
        .select_related("organisation")
        .first()
    )
    member = viewer.member_of(proposal.organisation_id) if proposal else None
    if proposal is None or member is None:
        raise NotFound("proposal", reference)
    participants, scopes = await _participants(proposal.id, holder)
    debate = await arguments(proposal_ids=[proposal.id])
    said = await positions(proposal_ids=[proposal.id])
    state = ProposalState(proposal.state)
    roles = {p.user_id: p.role for p in participants}
    electorate = None
    if state is ProposalState.OPEN:
        stances = {p.user_id: p.stance for p in said}
        if names_its_voters(roles):  # who votes is among the participants, already read
            audience = audience_of(proposal, roles)
            # The holder may be a delegate: their scope, from their link, says whether they
            # may vote on it; who is away is one more read.
            scopes = {**scopes, user_id: member}
            away = await absences_at([proposal.organisation_id], clock.now())
            scopes |= await _delegates_scopes(
                proposal.organisation_id, away.get(proposal.organisation_id, ()), scopes, holder
            )
            lineage = UnitTree.of(holder.units).lineage(proposal.unit_id)
            electorate = electorate_of(
                audience,
                roles,
                scopes,
                stances,
                away=partial(
                    away_from,
                    away.get(proposal.organisation_id, ()),
                    at=clock.now(),
                    proposal_id=proposal.id,
                    unit_lineage=lineage,
                ),
            )
        else:  # every member may vote: two more queries for their scopes
            electorate = (
                await electorates_from([proposal], {proposal.id: roles}, {proposal.id: stances})
            )[proposal.id]
    actor = ProposalActor(
        user_id=user_id,
        member=member,
        is_author=proposal.author_id == user_id,
        participant_role=roles.get(user_id),
    )
    tally = tally_as_read(proposal.tally, state=state, deadline=proposal.deadline)
    situation = Situation.of(
        actor,
        viewer.scope,
        proposal,
        now=clock.now(),
        has_decider=ParticipantRole.DECIDER in roles.values(),
        tally=tally,
        electorate=electorate,
    )
    return ProposalPage(
        viewer=viewer,
        holder_name=holder.name,
        proposal=proposal,
        reference=format_reference(proposal.organisation.slug, proposal.number),
        organisation_name=proposal.organisation.name,
        language=holder.language,
        participants=participants,
        debate=depth_first(debate, key=lambda a: a.id, parent=lambda a: a.parent_id),
        positions=said,
        tally=tally,
        electorate=electorate,
        can=abilities_in(situation),
        speaks_for=_spoken_for(user_id, electorate, participants, said),
    )


def _spoken_for(
    holder: int,
    electorate: Electorate | None,
    participants: list[ParticipantRow],
    said: list[PositionRow],
) -> tuple[SpokenFor, ...]:
    """Whom the holder may take a position for on this page: those they are the delegate of
    while away (named among the participants), unless they took their position themselves."""
    if electorate is None:
        return ()
    names = {p.user_id: p.name for p in participants}
    positions = {p.user_id: p for p in said}
    return tuple(
        SpokenFor(voice.user_id, names[voice.user_id], voice.until, positions.get(voice.user_id))
        for voice in sorted(electorate.away.values(), key=lambda v: v.user_id)
        if electorate.may_speak_for(holder, voice.user_id)
        and voice.user_id in names
        and (voice.user_id not in positions or positions[voice.user_id].cast_by != CastBy.MEMBER)
    )


# The participants with their names and memberships, in one read (unpacked by position).
_PARTICIPANTS = """
SELECT pa.user_id, pa.role, u.name, m.id, m.organisation_id, m.unit_id, m.role, m.weight
FROM participant pa
JOIN "user" u ON u.id = pa.user_id
LEFT JOIN membership m ON m.user_id = pa.user_id AND m.organisation_id = pa.organisation_id
WHERE pa.proposal_id = {mark}
ORDER BY pa.id
"""


async def _delegates_scopes(
    organisation_id: int,
    absences: Iterable[Absence],
    known: Mapping[int, MemberScope],
    holder: Holder,
) -> dict[int, MemberScope]:
    """The scopes of the delegates of those away whom the page has not read (whether they may
    vote on it decides whether they may speak for them): one query, only when there are any."""
    unknown = sorted({d for a in absences for d in a.delegates} - known.keys())
    if not unknown:
        return {}
    rows = await Membership.filter(organisation_id=organisation_id, user_id__in=unknown).values(
        *MEMBERSHIP_COLUMNS
    )
    return {user: scope for (_, user), scope in member_scopes(rows, holder.units).items()}


async def _participants(
    proposal_id: int, holder: Holder
) -> tuple[list[ParticipantRow], dict[int, MemberScope]]:
    """The proposal's participants, and the scopes of those still members (their votes count
    only then), with the organisation's units the holder's read brought."""
    sql = _PARTICIPANTS.format(mark="$1" if is_postgres() else "?")
    _, rows = await connection().execute_query(sql, [proposal_id])
    participants, memberships = [], []
    for user_id, role, name, membership, organisation, unit, member_role, weight in rows:
        participants.append(ParticipantRow(user_id, name, ParticipantRole(role)))
        if membership is not None:
            memberships.append(
                {
                    "id": membership,
                    "organisation_id": organisation,
                    "user_id": user_id,
                    "unit_id": unit,
                    "role": member_role,
                    "weight": weight,
                }
            )
    scopes = {user: scope for (_, user), scope in member_scopes(memberships, holder.units).items()}
    return participants, scopes

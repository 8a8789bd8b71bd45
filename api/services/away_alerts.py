"""Telling at once of a voice that is away, as a proposal opens or as the absence is recorded:
a silent voice with a delegate has the delegate asked in their place (``DelegateAsked``); a
required voice or decider away through the deadline with nobody to speak for them has their head
told, not at the escalation step, and the author, who can move the deadline or name someone
else (``VoiceAway``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from tortoise.expressions import Subquery

from actas.api.domain import payloads
from actas.api.domain.electorate import Electorate
from actas.api.domain.events import canonical_time
from actas.api.domain.notifications import escalation_head
from actas.api.domain.units import UnitTree
from actas.api.domain.vocabulary import REQUIRED_VOICES, ProposalState
from actas.api.models import Absence, Participant, Proposal, Unit
from actas.api.services.access import UNIT_COLUMNS, organisation_scopes
from actas.api.services.electorates import load_electorates
from actas.api.services.recording import Change


async def alert_on_opening(work: Change, proposal: Proposal) -> None:
    """As ``proposal`` opens: every voice it will miss, away now or from some time before its
    deadline (an absence recorded earlier but starting later has told of no proposal yet)."""
    await _alert(work, [proposal], at=work.at, only=None)
    coming = Absence.filter(
        organisation_id=proposal.organisation_id,
        starts_at__gt=work.at,
        ends_at__gt=work.at,
        user_id__in=Subquery(Participant.filter(proposal_id=proposal.id).values("user_id")),
    )
    if proposal.deadline is not None:
        coming = coming.filter(starts_at__lt=proposal.deadline)
    for user_id, starts_at in await coming.order_by("starts_at").values_list(
        "user_id", "starts_at"
    ):
        await _alert(work, [proposal], at=starts_at, only=user_id)


async def alert_on_absence(work: Change, user_id: int, starts_at: datetime) -> None:
    """As ``user_id``'s absence is recorded or changed: the open proposals that will miss them."""
    assert work.organisation_id is not None
    voiced = Participant.filter(user_id=user_id, role__in=sorted(REQUIRED_VOICES))
    proposals = await Proposal.filter(
        organisation_id=work.organisation_id,
        state=ProposalState.OPEN,
        id__in=Subquery(voiced.values("proposal_id")),
    )
    at = max(work.at, starts_at)
    # Away only after a deadline, they miss nothing there.
    proposals = [p for p in proposals if p.deadline is None or p.deadline > at]
    await _alert(work, proposals, at=at, only=user_id)


async def _alert(
    work: Change, proposals: Sequence[Proposal], *, at: datetime, only: int | None
) -> None:
    if not proposals:
        return
    electorates = await load_electorates(proposals, at=at)
    await _ask_delegates(work, proposals, electorates, only)
    missing = {
        p.id: [
            electorates[p.id].away[user]
            for user in electorates[p.id].unspoken_for
            if (only is None or user == only)
            and (p.deadline is None or electorates[p.id].away[user].until >= p.deadline)
        ]
        for p in proposals
    }
    people = sorted({voice.user_id for voices in missing.values() for voice in voices})
    if not people:
        return
    assert work.organisation_id is not None
    scopes = await organisation_scopes(work.organisation_id, users=people)
    units = await Unit.filter(organisation_id=work.organisation_id).values(*UNIT_COLUMNS)
    tree = UnitTree.of(units)
    for proposal in proposals:
        for voice in missing[proposal.id]:
            head = escalation_head(voice.user_id, scopes.get(voice.user_id), tree)
            work.record(
                payloads.voice_away(
                    user=voice.user_id,
                    until=canonical_time(voice.until),
                    heads=(head,) if head is not None else (),
                    author=proposal.author_id,
                    probable=voice.probable,
                    until_stated=voice.until_stated,
                ),
                proposal_id=proposal.id,
            )


async def _ask_delegates(
    work: Change,
    proposals: Sequence[Proposal],
    electorates: Mapping[int, Electorate],
    only: int | None,
) -> None:
    """Each silent voice away with a delegate: the delegate is asked in their place."""
    for proposal in proposals:
        electorate = electorates[proposal.id]
        for user in electorate.silent:
            voice = electorate.away.get(user)
            if voice is None or voice.delegate_id is None or only not in (None, user):
                continue
            work.record(
                payloads.delegate_asked(
                    user=user, delegate=voice.delegate_id, until=canonical_time(voice.until)
                ),
                proposal_id=proposal.id,
            )

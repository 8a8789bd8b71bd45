"""Loaders for who is away: a member's absences, and the away voices of proposals (mixed into
``Loaders``), each one batch however many rows a list reaches."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from actas.api.domain.absences import Absence, AwayVoice
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import ProposalState
from actas.api.models import Proposal
from actas.api.services.away import absences_of, absences_shown, away_shown
from actas.api.services.electorates import load_electorates


class AbsenceLoaders:
    viewer: Viewer

    def __init__(self) -> None:
        # (organisation id, user id) → their absences not yet over, soonest first.
        self.absences = DataLoader[tuple[int, int], list[Absence]](self._absences)
        # proposal id → its voters away now (none once it closes: nobody is chased any more).
        self.away_voices = DataLoader[int, list[AwayVoice]](self._away_voices)

    async def _absences(self, keys: Sequence[tuple[int, int]]) -> list[list[Absence]]:
        found: dict[tuple[int, int], list[Absence]] = {}
        for organisation in sorted({org for org, _ in keys}):
            users = sorted({user for org, user in keys if org == organisation})
            for user, absences in (await absences_of(organisation, users)).items():
                found[(organisation, user)] = absences
        shown = await absences_shown(self.viewer, found)
        return [shown.get(key, []) for key in keys]

    async def _away_voices(self, proposal_ids: Sequence[int]) -> list[list[AwayVoice]]:
        proposals = await Proposal.filter(id__in=list(proposal_ids), state=ProposalState.OPEN)
        shown = await away_shown(self.viewer, proposals, await load_electorates(proposals))
        return [shown.get(pid, []) for pid in proposal_ids]

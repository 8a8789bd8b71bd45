"""Where the debate stands, in reminders and escalations: for each proposal a batch reminds of,
its open questions, the objections its author has not answered and its blocks with their
reasons, as ``domain.debate_state`` finds them; an email lists the first few of each, linked to
the anchors of the proposal page, and counts the rest. Two queries for the whole batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from actas.api.domain.debate_state import debate_state
from actas.api.domain.text_search import Query, excerpt
from actas.api.domain.threads import depth_first
from actas.api.domain.vocabulary import Language
from actas.api.services import debates
from actas.api.services.debates import ArgumentRow, PositionRow
from actas.api.services.mail import DebateGroup, DebateItem

SHOWN = 3  # items of each kind an email lists; the others it counts
WORDS = 12  # an item's opening words, as on the page
NO_WORDS = Query((), ())  # an excerpt from the start, no word marked


@dataclass(frozen=True)
class Debates:
    """The debates of a batch's reminded proposals, read once: arguments in the debate's
    order and current positions, by proposal."""

    arguments: dict[int, list[ArgumentRow]]
    positions: dict[int, list[PositionRow]]

    @classmethod
    async def read(cls, proposal_ids: Sequence[int]) -> Debates:
        ids = sorted(set(proposal_ids))
        if not ids:
            return cls({}, {})
        said: dict[int, list[ArgumentRow]] = {pid: [] for pid in ids}
        for argument in await debates.arguments(proposal_ids=ids):
            said[argument.proposal_id].append(argument)
        stood: dict[int, list[PositionRow]] = {pid: [] for pid in ids}
        for position in await debates.positions(proposal_ids=ids):
            stood[position.proposal_id].append(position)
        ordered = {
            pid: [a for a, _ in depth_first(rows, key=lambda a: a.id, parent=lambda a: a.parent_id)]
            for pid, rows in said.items()
        }
        return cls(ordered, stood)

    def where_it_stands(
        self, proposal_id: int, *, author_id: int, reader_id: int, page: str, language: Language
    ) -> list[DebateGroup]:
        """What is still open in the proposal's debate, by kind (a kind with nothing open is
        left out); each item links to ``page``, the reader's personal link, at the anchor the
        page gives it."""
        if proposal_id not in self.arguments:
            return []
        arguments = self.arguments[proposal_id]
        positions = self.positions[proposal_id]
        state = debate_state(arguments, positions, author_id=author_id, reader_id=reader_id)
        by_id = {a.id: a for a in arguments}
        stood = {p.id: p for p in positions}

        def said(argument_id: int) -> DebateItem:
            argument = by_id[argument_id]
            words = _opening(argument.body, language)
            return DebateItem(argument.author.name, words, f"{page}#argument-{argument_id}")

        def blocked(position_id: int) -> DebateItem:
            position = stood[position_id]
            reason = _opening(position.reason, language)
            return DebateItem(position.user.name, f"“{reason}”" if reason else "", f"{page}#tally")

        kinds = (
            ("questions", said, state.open_questions),
            ("objections", said, state.unanswered_objections),
            ("blocks", blocked, state.blocks),
        )
        return [
            DebateGroup(
                kind=kind,
                total=len(ids),
                items=[item(i) for i in ids[:SHOWN]],
                all_link=f"{page}#debate-state",
            )
            for kind, item, ids in kinds
            if ids
        ]


def _opening(text: str, language: Language) -> str:
    return "".join(f.text for f in excerpt(text, NO_WORDS, language, length=WORDS))

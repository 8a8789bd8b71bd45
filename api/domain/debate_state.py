"""Where a debate stands, for deciders and in reminders: deterministic and explainable, each item
an argument or a position a reader can open.

- An **open question** is a question nobody but its asker has answered (no reply below it).
- An **unanswered objection** is an argument against that the proposal's author has not replied
  to, anywhere in the thread below it.
- **Blocks** are the positions that block now, with their reasons.
- **Since** an instant (the reader's last visit as the client knows it; by default when the reader
  last argued or took a position here): the arguments and positions of others after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from actas.api.domain.vocabulary import PositionStance, Stance


class Said(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def stance(self) -> Stance: ...
    @property
    def author_id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


class Stood(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def stance(self) -> PositionStance: ...
    @property
    def user_id(self) -> int: ...
    @property
    def caster_id(self) -> int | None: ...
    @property
    def updated_at(self) -> datetime: ...


@dataclass(frozen=True)
class DebateState:
    open_questions: tuple[int, ...]  # argument ids, in the debate's order
    unanswered_objections: tuple[int, ...]  # argument ids
    blocks: tuple[int, ...]  # position ids
    since: datetime | None
    new_arguments: tuple[int, ...]  # argument ids after ``since``, by others
    changed_positions: tuple[int, ...]  # position ids taken or changed after ``since``, by others


def debate_state(
    arguments: Sequence[Said],
    positions: Sequence[Stood],
    *,
    author_id: int,
    reader_id: int,
    since: datetime | None = None,
) -> DebateState:
    """The state of one proposal's debate for ``reader_id``; ``arguments`` in the debate's order."""
    below = _descendants(arguments)
    by_id = {a.id: a for a in arguments}
    open_questions = tuple(
        a.id
        for a in arguments
        if a.stance == Stance.QUESTION
        and not any(by_id[d].author_id != a.author_id for d in below[a.id])
    )
    unanswered = tuple(
        a.id
        for a in arguments
        if a.stance == Stance.AGAINST
        and a.author_id != author_id
        and not any(by_id[d].author_id == author_id for d in below[a.id])
    )
    blocks = tuple(p.id for p in positions if p.stance == PositionStance.BLOCK)
    since = since if since is not None else _last_spoke(arguments, positions, reader_id)
    if since is None:
        return DebateState(open_questions, unanswered, blocks, None, (), ())
    fresh_arguments = tuple(
        a.id for a in arguments if a.created_at > since and a.author_id != reader_id
    )
    fresh_positions = tuple(
        p.id
        for p in positions
        if p.updated_at > since and reader_id not in (p.user_id, p.caster_id)
    )
    return DebateState(open_questions, unanswered, blocks, since, fresh_arguments, fresh_positions)


def _descendants(arguments: Sequence[Said]) -> Mapping[int, list[int]]:
    """Every argument's replies, and theirs, and so on. A reply is newer than what it answers,
    so the newest first have their whole thread gathered before their parent asks for it."""
    below: dict[int, list[int]] = {a.id: [] for a in arguments}
    for a in sorted(arguments, key=lambda a: a.id, reverse=True):
        if a.parent_id in below:
            below[a.parent_id] += [a.id, *below[a.id]]
    return below


def _last_spoke(
    arguments: Sequence[Said], positions: Sequence[Stood], reader_id: int
) -> datetime | None:
    moments = [a.created_at for a in arguments if a.author_id == reader_id]
    moments += [p.updated_at for p in positions if reader_id in (p.user_id, p.caster_id)]
    return max(moments, default=None)

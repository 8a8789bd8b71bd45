"""Where a debate stands: the rules of ``domain.debate_state``, on plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from actas.api.domain.debate_state import debate_state
from actas.api.domain.vocabulary import PositionStance, Stance

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
AUTHOR, ANA, TEO, OLGA = 1, 2, 3, 4


@dataclass(frozen=True)
class Said:
    id: int
    parent_id: int | None
    stance: Stance
    author_id: int
    created_at: datetime


@dataclass(frozen=True)
class Stood:
    id: int
    stance: PositionStance
    user_id: int
    updated_at: datetime
    caster_id: int | None = None


def said(id: int, parent: int | None, stance: Stance, author: int, hours: int = 0) -> Said:
    return Said(id, parent, stance, author, T0 + timedelta(hours=hours or id))


def test_a_question_is_open_until_someone_else_replies() -> None:
    arguments = [
        said(1, None, Stance.QUESTION, ANA),
        said(2, 1, Stance.COMMENT, ANA),  # the asker adds to it: still open
        said(3, None, Stance.QUESTION, TEO),
        said(4, 3, Stance.COMMENT, OLGA),
    ]

    state = debate_state(arguments, [], author_id=AUTHOR, reader_id=OLGA)

    assert state.open_questions == (1,)


def test_an_objection_is_answered_only_by_the_authors_reply_anywhere_in_its_thread() -> None:
    arguments = [
        said(1, None, Stance.AGAINST, ANA),
        said(2, 1, Stance.FOR, TEO),  # someone else defends it: still unanswered
        said(3, None, Stance.AGAINST, TEO),
        said(4, 3, Stance.COMMENT, OLGA),
        said(5, 4, Stance.COMMENT, AUTHOR),  # deep in the thread: answered
        said(6, None, Stance.AGAINST, AUTHOR),  # the author's own doubt is no objection
    ]

    state = debate_state(arguments, [], author_id=AUTHOR, reader_id=OLGA)

    assert state.unanswered_objections == (1,)


def test_blocks_are_the_positions_that_block_now() -> None:
    positions = [
        Stood(10, PositionStance.BLOCK, ANA, T0),
        Stood(11, PositionStance.AGREE, TEO, T0),
        Stood(12, PositionStance.BLOCK, OLGA, T0),
    ]

    assert debate_state([], positions, author_id=AUTHOR, reader_id=TEO).blocks == (10, 12)


def test_what_changed_counts_from_when_the_reader_last_spoke_by_default() -> None:
    arguments = [
        said(1, None, Stance.FOR, ANA, hours=1),
        said(2, None, Stance.COMMENT, TEO, hours=2),  # Teo speaks
        said(3, None, Stance.AGAINST, OLGA, hours=3),
        said(4, None, Stance.COMMENT, TEO, hours=4),  # his own: not news to him
    ]
    positions = [
        Stood(10, PositionStance.AGREE, ANA, T0 + timedelta(hours=1)),
        Stood(11, PositionStance.BLOCK, OLGA, T0 + timedelta(hours=5)),
    ]

    state = debate_state(arguments, positions, author_id=AUTHOR, reader_id=TEO)
    asked = debate_state(
        arguments, positions, author_id=AUTHOR, reader_id=TEO, since=T0 + timedelta(minutes=30)
    )
    newcomer = debate_state(arguments, positions, author_id=AUTHOR, reader_id=99)

    assert state.since == T0 + timedelta(hours=4)
    assert (state.new_arguments, state.changed_positions) == ((), (11,))
    assert (asked.new_arguments, asked.changed_positions) == ((1, 3), (10, 11))
    assert newcomer.since is None and newcomer.new_arguments == ()


def test_a_position_cast_for_someone_counts_as_the_casters_moment_too() -> None:
    positions = [Stood(10, PositionStance.AGREE, ANA, T0, caster_id=TEO)]

    state = debate_state([], positions, author_id=AUTHOR, reader_id=TEO)

    assert state.since == T0 and state.changed_positions == ()

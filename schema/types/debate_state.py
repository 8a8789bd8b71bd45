"""Where a proposal's debate stands (``domain.debate_state``), as a frontend shows it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from actas.api.domain.debate_state import debate_state
from actas.schema.context import Info
from actas.schema.types.debate import ArgumentNode, PositionNode


@strawberry.type(
    description="Where the debate stands: what is still open, what blocks it, and what others "
    "said since a moment (deterministic: each item an argument or a position)."
)
class DebateState:
    open_questions: list[ArgumentNode] = strawberry.field(
        description="Questions nobody but their asker has answered."
    )
    unanswered_objections: list[ArgumentNode] = strawberry.field(
        description="Arguments against that the author has not replied to in their thread."
    )
    blocks: list[PositionNode] = strawberry.field(description="Positions that block, now.")
    since: datetime | None = strawberry.field(
        description="The moment `newArguments` and `changedPositions` count from: the one asked "
        "for, else when you last argued or took a position here; null if you never did."
    )
    new_arguments: list[ArgumentNode] = strawberry.field(
        description="Arguments of others since then."
    )
    changed_positions: list[PositionNode] = strawberry.field(
        description="Positions others took or changed since then."
    )


async def debate_state_of(
    info: Info, proposal_id: int, author_id: int, since: datetime | None
) -> DebateState:
    thread = await info.context.loaders.arguments.load(proposal_id)
    positions = await info.context.loaders.positions.load(proposal_id)
    state = debate_state(
        [argument for argument, _ in thread],
        positions,
        author_id=author_id,
        reader_id=info.context.viewer.user_id,
        since=since,
    )
    arguments = {a.id: ArgumentNode.from_row(a, depth) for a, depth in thread}
    stood = {p.id: PositionNode.from_row(p) for p in positions}
    return DebateState(
        open_questions=[arguments[i] for i in state.open_questions],
        unanswered_objections=[arguments[i] for i in state.unanswered_objections],
        blocks=[stood[i] for i in state.blocks],
        since=state.since,
        new_arguments=[arguments[i] for i in state.new_arguments],
        changed_positions=[stood[i] for i in state.changed_positions],
    )

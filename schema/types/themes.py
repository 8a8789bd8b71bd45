"""What keeps coming back in an organisation (``services/themes``): recurring topics, how often,
how they ended, how they trend by month, and where."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from actas.api.services.themes import FoundTheme
from actas.schema.context import Info
from actas.schema.errors import ClientError
from actas.schema.types.enums import ProposalState

if TYPE_CHECKING:
    from actas.schema.types.proposal import ProposalNode

ProposalRef = Annotated["ProposalNode", strawberry.lazy("actas.schema.types.proposal")]
MAX_THEMES = 50
MAX_THEME_PROPOSALS = 20


@strawberry.type(description="How many of a theme's proposals are in one state.")
class ThemeOutcome:
    state: ProposalState
    proposals: int


@strawberry.type(description="How many of a theme's proposals were proposed in one month.")
class ThemeMonth:
    month: str = strawberry.field(description="Year and month, as 2026-03.")
    proposals: int


@strawberry.type(
    description="A topic that recurs across proposals: a phrase (of one to three words) that at "
    "least two proposals are about, found in their titles and texts by keyword extraction. "
    "Those of rejected and abandoned proposals are the recurring problems."
)
class Theme:
    phrase: str = strawberry.field(description="As the proposals most often write it.")
    proposal_count: int = strawberry.field(description="The proposals about it.")
    mentioned_in: int = strawberry.field(
        description="The proposals whose title, text or debate hold its words (about it or not)."
    )
    outcomes: list[ThemeOutcome]
    months: list[ThemeMonth] = strawberry.field(
        description="Oldest first; months with none left out."
    )
    proposal_ids: strawberry.Private[list[int]]

    @classmethod
    def of(cls, found: FoundTheme) -> Theme:
        return cls(
            phrase=found.phrase,
            proposal_count=len(found.proposal_ids),
            mentioned_in=found.mentioned_in,
            outcomes=[
                ThemeOutcome(state=ProposalState(state.value), proposals=n)
                for state, n in sorted(found.outcomes.items())
            ],
            months=[ThemeMonth(month=month, proposals=n) for month, n in found.months],
            proposal_ids=found.proposal_ids,
        )

    @strawberry.field(description="Its proposals, newest first.")
    async def proposals(self, info: Info, first: int = 5) -> list[ProposalRef]:
        from actas.schema.types.proposal import ProposalNode

        check_first(first, MAX_THEME_PROPOSALS)
        found = await info.context.loaders.proposal.load_many(self.proposal_ids[:first])
        return [ProposalNode.from_model(p) for p in found if p is not None]


def check_first(first: int, most: int) -> None:
    if not 1 <= first <= most:
        raise ClientError(f"`first` must be between 1 and {most}, got {first}.")

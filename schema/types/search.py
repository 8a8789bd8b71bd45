"""A search's hits (the proposal, the arguments that hold the words, an excerpt) and the
proposals close to a text (``services/similar``)."""

from __future__ import annotations

import strawberry

from actas.api.domain.text_search import Fragment, Query, hit_excerpt
from actas.api.domain.vocabulary import Language
from actas.api.models import Proposal
from actas.api.services.similar import Similar
from actas.schema.context import Info
from actas.schema.errors import ClientError
from actas.schema.types.debate import ArgumentNode, argument_nodes
from actas.schema.types.proposal import ProposalNode


@strawberry.type(description="A piece of an excerpt: a word searched for, or the text around.")
class TextFragment:
    text: str
    matched: bool = strawberry.field(description="A word the search asked for.")

    @classmethod
    def of(cls, fragment: Fragment) -> TextFragment:
        return cls(text=fragment.text, matched=fragment.matched)


@strawberry.type(description="A proposal found by a search, with the arguments that matched.")
class SearchHit:
    proposal: ProposalNode
    found: strawberry.Private[Proposal]
    text: strawberry.Private[str]
    query: strawberry.Private[Query]

    @classmethod
    def of(cls, proposal: Proposal, text: str, query: Query) -> SearchHit:
        node = ProposalNode.from_model(proposal)
        return cls(proposal=node, found=proposal, text=text, query=query)

    @strawberry.field(description="Arguments of this proposal whose own text holds every word.")
    async def arguments(self, info: Info) -> list[ArgumentNode]:
        ids = await info.context.loaders.matching_arguments.load((self.found.id, self.text))
        return await argument_nodes(info, ids, of_proposal=self.found.id)

    @strawberry.field(
        description="About 30 words around the first word found: from the proposal's summary "
        "and text when they hold one, else from `excerptArgument`. Plain text, Markdown's marks "
        "left out."
    )
    async def excerpt(self, info: Info) -> list[TextFragment]:
        fragments, _ = await self._excerpt(info)
        return [TextFragment.of(f) for f in fragments]

    @strawberry.field(description="The argument the excerpt comes from; null for the proposal.")
    async def excerpt_argument(self, info: Info) -> ArgumentNode | None:
        _, argument = await self._excerpt(info)
        return argument

    async def _excerpt(self, info: Info) -> tuple[list[Fragment], ArgumentNode | None]:
        found = await self.arguments(info)
        fragments, chosen = hit_excerpt(
            f"{self.found.summary}\n\n{self.found.body}",
            self.found.title,
            [argument.body for argument in found],
            self.query,
            Language(self.found.organisation.language),
        )
        return fragments, None if chosen is None else found[chosen]


MAX_SIMILAR = 20


@strawberry.type(description="A proposal close to a text: past or open, with the words it shares.")
class SimilarProposal:
    proposal: ProposalNode
    shared_words: list[str] = strawberry.field(
        description="The text's key words (in lower case) this proposal's title or text holds."
    )

    @classmethod
    def of(cls, similar: Similar) -> SimilarProposal:
        return cls(
            proposal=ProposalNode.from_model(similar.proposal), shared_words=list(similar.shared)
        )


def check_similar_first(first: int) -> None:
    if not 1 <= first <= MAX_SIMILAR:
        raise ClientError(f"`first` must be between 1 and {MAX_SIMILAR}, got {first}.")

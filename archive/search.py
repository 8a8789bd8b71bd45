"""Full-text search with Pagefind: a static, chunked index the browser fetches piece by piece.

Pagefind keeps every page it indexes in memory until it writes the index: ~360 KB per decision
of ~1,000 words here (measured on 1,000 and 3,000 search documents: 360 MB and 1.09 GB; it is
the same through its Python API, page by page), so one index of 10,000 decisions would need
~3.6 GB. The archive therefore indexes in *shards* of at most ``SHARD_SIZE`` decisions of one
organisation, by proposal number, so a decision never moves between shards: a build re-indexes
only the shards whose decisions changed, and peak memory is bounded by one shard (~540 MB). The
search page loads the first shard's bundle and merges the others into every query (Pagefind's
``mergeIndex``; merged shards share the first one's WebAssembly).

What a first query fetches (10,000 decisions, 7 shards, measured in Chromium by
``bench/archive.py``): Pagefind's code and WebAssembly (~85 KB gzip), each shard's metadata
(~10 bytes a decision: ~105 KB in all, whatever the number of shards), the index chunk that holds
the word in each shard, and the fragments of the first five results (~3.4 KB each). Pagefind
cuts a shard's word index into chunks of 20,000 word positions (~24 KB) unless
``PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE`` says otherwise; at ``CHUNK_SIZE`` (3,000) a chunk is
~4 KB and the metadata grows by ~2 KB a shard, which takes a first search over 7 shards from
~350 to ~240 KB (gzip). The variable is, as its name says, no stable interface: should a
Pagefind release drop it, search still works and the first query grows back by ~110 KB. A word
found in nearly every decision has a chunk of its own in each shard, as large as its positions:
the commonest words of the benchmark cost a first query ~1.3 MB, in any shard layout. The search
page draws results itself (``archive-search.js``): Pagefind's ready-made UI is 134 KB before
compression, a third of what a first search fetched.

What is indexed is a minimal document per decision (``search_document.html.j2``): title,
summary, statement, final text and every argument under its own anchored heading, so a result
links to the decision and, through Pagefind's sub-results, to the argument that matched. No
filters and no sort keys: the search page uses neither, and a filter costs every first query a
file per shard.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pagefind.service import get_executable

from actas.archive.errors import ArchiveError

SHARD_SIZE = 1500
CHUNK_SIZE = 3000  # word positions per index chunk


class SearchIndexError(ArchiveError):
    """Pagefind failed."""


def shard_of(organisation: str, number: int, size: int = SHARD_SIZE) -> str:
    """The shard of a decision: numbers 1 to ``size`` in the first, and so on."""
    return f"{organisation}-{(number - 1) // size}"


def index_shard(documents: Path, bundle: Path) -> None:
    """Index the documents under ``documents`` (laid out as the site's URLs) into ``bundle``."""
    executable = get_executable()
    if executable is None:
        raise SearchIndexError("The Pagefind binary is missing: pip install 'pagefind[extended]'.")
    result = subprocess.run(
        [str(executable), "--site", str(documents), "--output-path", str(bundle), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(CHUNK_SIZE)},
    )
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind failed: {result.stdout}{result.stderr}".strip())

"""Full-text search with Pagefind: a static, chunked index the browser fetches piece by piece.

Pagefind keeps every page it indexes in memory until it writes the index, about 0.5 MB per
decision of ~5 KB of text here (measured: 1,000 pages 0.5 GB, 3,000 pages 1.5 GB), so one index
of 10,000 decisions would need ~5 GB, and re-indexing all of them to publish one change takes
~30 s. The archive therefore indexes in *shards* of at most ``SHARD_SIZE`` decisions of one
organisation, by proposal number, so a decision never moves between shards: a build re-indexes
only the shards whose decisions changed, and peak memory is bounded by one shard. The search page
loads the first shard's bundle and merges the others into every query (Pagefind's
``mergeIndex``; merged shards share the first one's WebAssembly).

What is indexed is a minimal document per decision (``search_document.html.j2``): title,
summary, statement, final text and every argument under its own anchored heading, so a result
links to the decision and, through Pagefind's sub-results, to the argument that matched.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pagefind.service import get_executable

from actas.archive.errors import ArchiveError

SHARD_SIZE = 1000


class SearchIndexError(ArchiveError):
    """Pagefind failed."""


def shard_of(organisation: str, number: int, size: int = SHARD_SIZE) -> str:
    return f"{organisation}-{number // size}"


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
    )
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind failed: {result.stdout}{result.stderr}".strip())

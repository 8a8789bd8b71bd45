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
sort keys: the search page uses none.

Filters (outcome in the archive's language, unit, each tag, year decided) are Pagefind's own, on
empty elements of that document. Pagefind keeps each filter of a shard in a file of its own,
listed in the shard's metadata (a few bytes a filter and shard) and fetched only by
``pagefind.filters()`` or a search given filters: a first query without them fetches none
(``tests/archive/test_search_filters_browser.py`` records the requests). Merged shards add up
their counts, and a filtered search filters every shard. The search page calls
``pagefind.filters()`` when the reader first opens its filters panel, which fetches every
shard's filters: ``bench/archive_search_bytes.py`` measures both.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any

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
    _sort_filters(bundle)


# Pagefind writes a filter's values in a hash map's order, which changes from run to run (its
# maintainer: "other files will still change, such as the filter/metadata indexes", Pagefind
# issue #638), and so do the filter files' names and the metadata naming them. The archive's
# builds are byte for byte the same for the same data: each filter file is written again with
# its values in order, named by its content, and the metadata with its filters in order.
# Both are Pagefind's "pagefind_dcd" signature and CBOR of arrays, text and numbers, gzipped.
SIGNATURE = b"pagefind_dcd"


def _sort_filters(bundle: Path) -> None:
    renamed = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        name, values = _read(path)
        content = _write_new(path.parent, path.stem, [name, sorted(values)], ".pf_filter", 7)
        renamed[path.stem] = content.stem
        path.unlink()
    (meta,) = bundle.glob("pagefind.*.pf_meta")
    fields = _read(meta)
    fields[3] = sorted([filter_name, renamed[old]] for filter_name, old in fields[3])
    old_hash = meta.name.split(".")[1]
    new_meta = _write_new(bundle, old_hash, fields, ".pf_meta", 10, prefix="pagefind.")
    meta.unlink()
    entry = bundle / "pagefind-entry.json"
    new_hash = new_meta.name.split(".")[1].encode()
    entry.write_bytes(entry.read_bytes().replace(b'"%s"' % old_hash.encode(), b'"%s"' % new_hash))


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise SearchIndexError(f"{path} is not a Pagefind file this archive can read.")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise SearchIndexError(f"{path} has bytes after its content.")
    return value


def _write_new(
    folder: Path, old: str, value: Any, suffix: str, digits: int, prefix: str = ""
) -> Path:
    """``value`` in a file named like Pagefind's (its language, a hash of its content)."""
    raw = SIGNATURE + _encode(value)
    language = old.split("_")[0]
    path = folder / f"{prefix}{language}_{hashlib.sha256(raw).hexdigest()[:digits]}{suffix}"
    path.write_bytes(gzip.compress(raw, mtime=0))
    return path


def _decode(raw: bytes, at: int) -> tuple[Any, int]:
    """One CBOR item of those Pagefind writes (unsigned integers, text, arrays)."""
    major, size = raw[at] >> 5, raw[at] & 31
    at += 1
    if size >= 24:
        width = {24: 1, 25: 2, 26: 4, 27: 8}.get(size)
        if width is None:
            raise SearchIndexError("A Pagefind file holds CBOR this archive does not read.")
        size, at = int.from_bytes(raw[at : at + width], "big"), at + width
    if major == 0:
        return size, at
    if major == 3:
        return raw[at : at + size].decode(), at + size
    if major == 4:
        items = []
        for _ in range(size):
            item, at = _decode(raw, at)
            items.append(item)
        return items, at
    raise SearchIndexError(f"A Pagefind file holds CBOR of major type {major}.")


def _encode(value: Any) -> bytes:
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        text = value.encode()
        return _head(3, len(text)) + text
    return _head(4, len(value)) + b"".join(_encode(item) for item in value)


def _head(major: int, size: int) -> bytes:
    if size < 24:
        return bytes([major << 5 | size])
    width = next(w for w in (1, 2, 4, 8) if size < 1 << (8 * w))
    return bytes([major << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[width]]) + size.to_bytes(width, "big")

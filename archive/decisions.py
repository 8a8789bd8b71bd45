"""The decisions of one build: which to take as they were, which to read, which to render.

Each decision of the last build is known from the manifest by its stamp (``changes``), the hash
of its data and its summary. A decision whose stamp is unchanged is taken as it was, unread: its
files stay, its summary feeds the index pages. Any other is read; if the hash of its data (with
the build's fingerprint) is unchanged its files stay, otherwise it is rendered and written again
(``workers``). A known decision no longer carried is counted as removed (``output`` deletes its
files); the search shards of decisions written or removed are indexed again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

import orjson

from actas.api.domain.references import format_reference
from actas.archive import changes, collect, data, search, shell, workers
from actas.archive.options import BuildOptions, BuildReport, Progress
from actas.archive.output import STATE, Output
from actas.archive.render import Renderer, decision_path, review_turns_overdue
from actas.archive.sources import Source

# Decisions to read before rendering in worker processes pays for starting them (~1 s).
PARALLEL_FROM = 200


@dataclass(frozen=True, slots=True)
class Known:
    """What the last build recorded of a decision."""

    stamp: str  # with names (``changes.with_names``)
    hash: str  # of its data and the build's fingerprint
    people: list[int]  # the users its page names
    summary: dict[str, Any]  # data.Summary, as JSON
    # The day after which its page says the outcome review is overdue, if it is still to say
    # so: the page is read and rendered again on the first build after it (ISO date).
    turns: str | None = None


class Decisions:
    def __init__(
        self,
        options: BuildOptions,
        source: Source,
        renderer: Renderer,
        out: Output,
        fingerprint: str,
        known: dict[str, Known],
        progress: Progress,
        report: BuildReport,
    ) -> None:
        self.options, self.source, self.renderer, self.out = options, source, renderer, out
        self.fingerprint = fingerprint.encode()
        self.known, self.progress, self.report = known, progress, report
        self.names: dict[int, str] = {}  # every person's, by user id
        self.records: dict[str, dict[str, object]] = {}  # for the manifest, by key
        self.summaries: dict[str, list[data.Summary]] = {}  # newest first, by organisation
        self.shards: set[str] = set()  # every shard with decisions
        self.dirty: set[str] = set()  # shards whose decisions were written or removed

    async def build(
        self,
        frames: shell.Frames,
        stamps: dict[str, list[changes.Stamp]],
        names: dict[int, str],
    ) -> None:
        self.names = names
        self.progress.start(sum(len(s) for s in stamps.values()))
        to_read: dict[str, list[changes.Stamp]] = {}
        for slug, found in stamps.items():
            self.summaries[slug] = []
            to_read[slug] = [s for s in found if not self._kept_as_it_was(slug, s)]
        processes = self._processes(sum(len(s) for s in to_read.values()))
        rendering = workers.Rendering(self.renderer, frames, self.out.root, processes)
        try:
            for slug, stamped in to_read.items():
                values = {s.number: s.value for s in stamped}
                ids = [s.proposal_id for s in stamped]
                async for batch in self.source.decisions(slug, ids):
                    for read in batch:
                        self._read(read, values[read.decision.number], rendering)
                    async for files in rendering.done():
                        self._written(files)
            async for files in rendering.done(everything=True):
                self._written(files)
        finally:
            rendering.close()
        for summaries in self.summaries.values():
            summaries.sort(key=_newest_first)
        for key in set(self.known) - set(self.records):
            slug, reference = key.split("/")
            self.report.removed += 1
            self.dirty.add(self._shard(slug, int(reference.rpartition("-")[2])))

    def index_search(self) -> None:
        """Index again the shards whose decisions changed (or whose index is missing), and drop
        the index of shards left without decisions."""
        missing = {
            s for s in self.shards if not self.out.exists(f"pagefind/{s}/pagefind-entry.json")
        }
        for shard in sorted(self.dirty | missing):
            has_documents = shard in self.shards
            self.out.reindex(shard, f"{STATE}/search/{shard}", has_documents=has_documents)
            self.report.shards_indexed += has_documents
        self.out.write_if_changed("pagefind/shards.json", orjson.dumps(sorted(self.shards)))

    def _kept_as_it_was(self, slug: str, stamp: changes.Stamp) -> bool:
        """Whether the decision's stamp is unchanged, so it is taken as it was, unread."""
        reference = format_reference(slug, stamp.number)
        key = f"{slug}/{reference}"
        known = self.known.get(key)
        shard = self._shard(slug, stamp.number)
        files = _files(slug, reference, shard)
        if (
            self.options.full
            or known is None
            or known.stamp != changes.with_names(stamp.value, known.people, self.names)
            or not all(self.out.exists(f) for f in files)
            or (known.turns is not None and known.turns < self.renderer.today.isoformat())
        ):
            return False
        record: dict[str, object] = {
            "stamp": known.stamp,
            "hash": known.hash,
            "people": known.people,
            "summary": known.summary,
        }
        self.records[key] = record | ({"turns": known.turns} if known.turns else {})
        self.summaries[slug].append(data.Summary.from_plain(known.summary))
        self.shards.add(shard)
        self.out.keep(files)
        self.report.unchanged += 1
        self.progress.advance()
        return True

    def _read(self, read: collect.Read, stamp: str, rendering: workers.Rendering) -> None:
        self.report.read += 1
        decision = read.decision
        key = f"{decision.organisation}/{decision.reference}"
        json = decision.to_json()
        turns = review_turns_overdue(decision)
        overdue = turns is not None and turns < self.renderer.today
        digest = hashlib.sha256(self.fingerprint + json + b"overdue" * overdue).hexdigest()
        summary = data.Summary.of(decision)
        self.records[key] = {
            "stamp": changes.with_names(stamp, read.people, self.names),
            "hash": digest,
            "people": sorted(read.people),
            "summary": summary,
        } | ({"turns": turns.isoformat()} if turns and not overdue else {})
        self.summaries[decision.organisation].append(summary)
        shard = self._shard(decision.organisation, decision.number)
        self.shards.add(shard)
        files = _files(decision.organisation, decision.reference, shard)
        known = self.known.get(key)
        if known and known.hash == digest and all(self.out.exists(f) for f in files):
            self.out.keep(files)
            self.report.unchanged += 1
            self.progress.advance()
            return
        if known:
            self.report.changed += 1
        else:
            self.report.new += 1
        self.dirty.add(shard)
        rendering.submit(decision, json, files)

    def _written(self, files: workers.DecisionFiles) -> None:
        self.out.written_elsewhere(files)
        self.progress.advance()

    def _shard(self, slug: str, number: int) -> str:
        return search.shard_of(slug, number, self.options.shard_size)

    def _processes(self, to_read: int) -> int:
        if self.options.processes is not None:
            return self.options.processes
        return min(2, os.cpu_count() or 1) if to_read >= PARALLEL_FROM else 1


def known_from(value: object) -> dict[str, Known]:
    """The manifest's decisions read back (anything malformed is taken as unknown)."""
    known = {}
    if isinstance(value, dict):
        for key, entry in value.items():
            if (
                isinstance(entry, dict)
                and isinstance(entry.get("summary"), dict)
                and isinstance(entry.get("people"), list)
            ):
                known[str(key)] = Known(
                    str(entry.get("stamp")),
                    str(entry.get("hash")),
                    [int(person) for person in entry["people"]],
                    entry["summary"],
                    str(entry["turns"]) if entry.get("turns") else None,
                )
    return known


def _files(slug: str, reference: str, shard: str) -> workers.DecisionFiles:
    folder = decision_path(slug, reference)
    return workers.DecisionFiles(
        page=folder + "index.html",
        json=f"{slug}/{reference}.json",
        badge=f"{slug}/{reference}.svg",
        markdown=f"{slug}/{reference}.md",
        search_document=f"{STATE}/search/{shard}/{folder}index.html",
    )


def _newest_first(summary: data.Summary) -> tuple[float, int]:
    return (-summary.decided_at.timestamp(), -summary.number)

"""The export file: an audience's closed decisions as one versioned JSON document, to build an
archive without the database (``FileSource``) and to publish as open data.

It is exactly what a build collects (``data``), with the audience already applied: the
organisations (only the units some exported decision names; for the public, the chain head's
hash without its sequence number) and every decision the audience may read, as its page shows
it (people by name, never by email or id). One decision per line, in the order of the site
(organisation, then number), so two exports diff line by line. No time stamp: the same record
gives the same bytes, and the chain head says which state of the record it is.

Reading checks the format and version first (a clear message for a file of another version)
and then every field against the same dataclasses, with pydantic; the JSON Schema of the file
(``json_schema``, committed as ``docs/archive-export.schema.json``) is generated from them.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import TypeAdapter, ValidationError

from actas.api.domain.references import format_reference
from actas.archive import changes, collect, data
from actas.archive.audience import Audience, archived_proposals
from actas.archive.errors import ArchiveError, TooFewDecisions
from actas.archive.output import replaced_atomically
from actas.archive.sources import DatabaseSource

FORMAT = "actas-archive-export"
VERSION = 1  # bump when a reader of the old version would misread the new one
LINE = orjson.OPT_UTC_Z  # compact: one decision per line


class ExportFileError(ArchiveError):
    """A file that is not a readable export of this version (the message says what is wrong)."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    format: Literal["actas-archive-export"]
    version: Literal[1]
    audience: Audience
    organisations: tuple[data.Organisation, ...]
    decisions: tuple[data.Decision, ...]  # by organisation, then number


@dataclass(frozen=True)
class Exported:
    path: Path
    audience: Audience
    decisions: dict[str, int]  # how many, by organisation
    empty_because: str | None

    def __str__(self) -> str:
        counts = ", ".join(f"{n} of {slug}" for slug, n in self.decisions.items())
        return (
            f"Exported {sum(self.decisions.values())} decisions ({counts}) for the "
            f"{self.audience.value} audience to {self.path}"
        )


async def write_export(
    audience: Audience, slugs: Sequence[str], path: Path, *, expect_decisions: int = 0
) -> Exported:
    """Write the export of these organisations (every one when empty) for ``audience``; with
    fewer than ``expect_decisions`` decisions nothing is written."""
    source = DatabaseSource(audience)
    organisations = await source.organisations(slugs)
    ids = {o.slug: await collect.archived_ids(audience, o.slug) for o in organisations}
    total = sum(len(found) for found in ids.values())
    empty_because = await source.why_empty() if not total else None
    if total < expect_decisions:
        raise TooFewDecisions(
            f"{total} decisions to export, fewer than the {expect_decisions} expected"
            + (f": {empty_because}" if empty_because else ".")
            + f" Nothing was written to {path}."
        )
    header = {
        "format": FORMAT,
        "version": VERSION,
        "audience": audience.value,
        "organisations": [
            await _as_exported(audience, source.id_of(o.slug), o) for o in organisations
        ],
    }
    with replaced_atomically(path) as file:
        # The header's keys first, so that `head` shows what the file is.
        file.write(orjson.dumps(header)[:-1] + b',\n"decisions":[')
        written = dict.fromkeys(ids, 0)  # what was read, which ``collect`` checked once more
        for organisation in organisations:
            async for batch in collect.decisions(
                audience, organisation.slug, ids[organisation.slug]
            ):
                for read in batch:
                    first = not any(written.values())
                    file.write(
                        (b"\n" if first else b",\n") + orjson.dumps(read.decision, option=LINE)
                    )
                    written[organisation.slug] += 1
        file.write(b"\n]}\n")
    return Exported(path, audience, written, empty_because)


async def _as_exported(
    audience: Audience, row_id: int, organisation: data.Organisation
) -> data.Organisation:
    """The organisation as its audience may read it: the units its decisions name (the pages
    show no other), and for the public the chain head's hash alone."""
    named = {
        unit_id
        for (unit_id,) in await archived_proposals(audience, row_id).values_list("unit_id")
        if unit_id is not None
    }
    slugs = {
        slug for unit_id, (_, slug) in (await collect.units_of(row_id)).items() if unit_id in named
    }
    head = organisation.chain_head
    if head is not None and audience is Audience.PUBLIC:
        head = data.ChainHead(seq=None, hash=head.hash)
    units = tuple(u for u in organisation.units if u.slug in slugs)
    return replace(organisation, units=units, chain_head=head)


def read_export(path: Path) -> ExportFile:
    """The export at ``path``, checked whole before anything is built from it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ExportFileError(f"Cannot read the export {path}: {error.strerror}.") from None
    try:
        plain = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ExportFileError(
            f"{path} is not complete JSON ({error}): was it cut short? Export it again."
        ) from None
    if not isinstance(plain, dict) or plain.get("format") != FORMAT:
        raise ExportFileError(f'{path} is not an actas export: it has no "format": "{FORMAT}".')
    version = plain.get("version")
    if version != VERSION:
        newer = isinstance(version, int) and version > VERSION
        raise ExportFileError(
            f"{path} is an export of version {version!r}; this actas reads version {VERSION}: "
            + ("upgrade actas to build from it." if newer else "export it again with this actas.")
        )
    try:
        export = _adapter().validate_python(plain)
    except ValidationError as error:
        raise ExportFileError(
            f"{path} does not follow version {VERSION} of the export: {_first_errors(error, plain)}"
        ) from None
    _check_consistency(path, export)
    return export


def json_schema() -> dict[str, Any]:
    schema = _adapter().json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"actas archive export, version {VERSION}",
        **schema,
    }


@cache
def _adapter() -> TypeAdapter[ExportFile]:
    return TypeAdapter(ExportFile)


def _first_errors(error: ValidationError, plain: dict[str, Any], shown: int = 3) -> str:
    """The first few errors, each at its place; a decision's place names its reference."""
    described = []
    for item in error.errors()[:shown]:
        place = [str(part) for part in item["loc"]]
        if len(place) > 1 and place[0] == "decisions":
            reference = _reference_at(plain, int(place[1]))
            place[1] = f"{place[1]} ({reference})" if reference else place[1]
        described.append(f"{'.'.join(place)}: {item['msg']}")
    more = error.error_count() - shown
    return "; ".join(described) + (f"; and {more} more." if more > 0 else ".")


def _reference_at(plain: dict[str, Any], index: int) -> str | None:
    decisions = plain.get("decisions")
    if (
        isinstance(decisions, list)
        and index < len(decisions)
        and isinstance(decisions[index], dict)
    ):
        reference = decisions[index].get("reference")
        return reference if isinstance(reference, str) else None
    return None


def _check_consistency(path: Path, export: ExportFile) -> None:
    slugs = [o.slug for o in export.organisations]
    if len(set(slugs)) != len(slugs):
        raise ExportFileError(f"{path} names an organisation twice.")
    seen: set[tuple[str, int]] = set()
    for decision in export.decisions:
        key = (decision.organisation, decision.number)
        if decision.organisation not in slugs:
            raise ExportFileError(
                f"{path}: decision {decision.reference} belongs to no organisation of the file."
            )
        if key in seen or decision.reference != format_reference(*key):
            raise ExportFileError(
                f"{path}: decision {decision.reference} is there twice or misnumbered."
            )
        seen.add(key)


class FileSource:
    """A build's data read from an export (``sources.Source``): no database is opened."""

    def __init__(self, export: ExportFile, label: str) -> None:
        self.export, self.label = export, label
        self._chosen: list[str] = []

    @property
    def audience(self) -> Audience:
        return self.export.audience

    async def organisations(self, slugs: Sequence[str]) -> list[data.Organisation]:
        held = {o.slug: o for o in self.export.organisations}
        missing = sorted(set(slugs) - set(held))
        if missing:
            raise ArchiveError(
                f"{self.label} holds no organisation {missing[0]!r} "
                f"(it holds {', '.join(sorted(held)) or 'none'})."
            )
        self._chosen = sorted(set(slugs) or set(held))
        if not self._chosen:
            raise ArchiveError(f"{self.label} holds no organisation to archive.")
        return [held[slug] for slug in self._chosen]

    async def stamps(self, fingerprint: str) -> dict[str, list[changes.Stamp]]:
        """A decision's stamp is the hash of its data (a file has no cheaper way to tell);
        ``proposal_id`` is its number, which ``decisions`` is asked for."""
        found: dict[str, list[changes.Stamp]] = {slug: [] for slug in self._chosen}
        shared = hashlib.sha256(fingerprint.encode())
        for decision in self.export.decisions:
            if decision.organisation in found:
                digest = shared.copy()
                digest.update(decision.to_json())
                stamp = changes.Stamp(decision.number, decision.number, digest.hexdigest())
                found[decision.organisation].append(stamp)
        for stamps in found.values():
            stamps.sort(key=lambda s: s.number)
        return found

    async def names(self) -> dict[int, str]:
        return {}  # the file's decisions name people already; it knows no user ids

    async def decisions(self, slug: str, ids: Sequence[int]) -> AsyncIterator[list[collect.Read]]:
        wanted = set(ids)
        chosen = [d for d in self.export.decisions if d.organisation == slug and d.number in wanted]
        chosen.sort(key=lambda d: d.number)
        for start in range(0, len(chosen), collect.BATCH):
            yield [collect.Read(d, frozenset()) for d in chosen[start : start + collect.BATCH]]

    async def why_empty(self) -> str:
        return (
            f"{self.label} holds no decision of {', '.join(self._chosen)} (an export holds "
            "only what its audience may read; `actas export` said why it found none)."
        )


def file_source(path: Path) -> FileSource:
    return FileSource(read_export(path), str(path))

"""The export file: an audience's closed decisions as one versioned JSON document, to build an
archive without the database (``export_reader.FileSource``) and to publish as open data.

It is exactly what a build collects (``data``), with the audience already applied: the
organisations (only the units some exported decision names; for the public, the chain head's
hash without its sequence number) and every decision the audience may read, as its page shows
it (people by name, never by email or id). One decision per line, in the order of the site
(organisation, then number), so two exports diff line by line. No time stamp: the same record
gives the same bytes, and the chain head says which state of the record it is.

Reading (``export_reader``) checks the format and version first (a clear message for a file of
another version) and then every field against the same dataclasses, with pydantic; the JSON
Schema of the file (``json_schema``, committed as ``docs/archive-export.schema.json``) is
generated from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import TypeAdapter

from actas.archive import collect, data
from actas.archive.audience import Audience, archived_proposals
from actas.archive.errors import TooFewDecisions
from actas.archive.output import replaced_atomically
from actas.archive.sources import DatabaseSource

FORMAT = "actas-archive-export"
# Bump when a reader of the old version would misread the new one. 2: who cast each position
# (a reader of 1 would show a delegate's or a proxy's as the member's own).
VERSION = 2
LINE = orjson.OPT_UTC_Z  # compact: one decision per line


# The whole file, as its JSON Schema describes it (``export_reader`` reads it a line at a time,
# against the same dataclasses). A docstring here would land in the published schema.
@dataclass(frozen=True, slots=True)
class ExportFile:
    format: Literal["actas-archive-export"]
    version: Literal[2]
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

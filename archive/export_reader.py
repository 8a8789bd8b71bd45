"""Reading an export file (``export``) for a build, one decision at a time.

The file is laid out one decision per line (its header, the organisations, on the first line),
so it is read line by line and never held whole: a first pass checks the format and version,
then every decision against the archive's dataclasses (pydantic) and the file's consistency,
keeping only where each decision starts and a digest of its data; the build then reads the
decisions it asks for, a batch at a time, from those places. A bad file is therefore refused,
by name, before the output folder is touched, and a 10,000-decision build holds no more than a
batch of decisions, as a build from the database does.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, Literal

import orjson
from pydantic import TypeAdapter, ValidationError

from actas.api.domain.references import format_reference
from actas.archive import changes, collect, data
from actas.archive.audience import Audience
from actas.archive.errors import ArchiveError
from actas.archive.export import FORMAT, VERSION

CLOSING = b"]}"


class ExportFileError(ArchiveError):
    """A file that is not a readable export of this version (the message says what is wrong)."""


@dataclass(frozen=True, slots=True)
class Header:
    format: Literal["actas-archive-export"]
    version: Literal[2]
    audience: Audience
    organisations: tuple[data.Organisation, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """What the first pass keeps of a decision: where its line starts and its data's digest."""

    number: int
    offset: int
    digest: bytes


class FileSource:
    """A build's data read from an export (``sources.Source``): no database is opened."""

    def __init__(self, path: Path) -> None:
        self.path, self.label = path, str(path)
        self.header, self.entries = _checked(path)
        self._chosen: list[str] = []

    @property
    def audience(self) -> Audience:
        return self.header.audience

    async def organisations(self, slugs: Sequence[str]) -> list[data.Organisation]:
        held = {o.slug: o for o in self.header.organisations}
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
        """A decision's stamp is a hash of its data (a file has no cheaper way to tell);
        ``proposal_id`` is its number, which ``decisions`` is asked for."""
        found: dict[str, list[changes.Stamp]] = {}
        for slug in self._chosen:
            stamps = []
            for entry in sorted(self.entries.get(slug, ()), key=lambda e: e.number):
                digest = hashlib.sha256(fingerprint.encode() + b"\0" + entry.digest)
                stamps.append(changes.Stamp(entry.number, entry.number, digest.hexdigest()))
            found[slug] = stamps
        return found

    async def names(self) -> dict[int, str]:
        return {}  # the file's decisions name people already; it knows no user ids

    async def decisions(self, slug: str, ids: Sequence[int]) -> AsyncIterator[list[collect.Read]]:
        wanted = set(ids)
        chosen = sorted(
            (e for e in self.entries.get(slug, ()) if e.number in wanted), key=lambda e: e.number
        )
        with _opened(self.path) as file:
            for start in range(0, len(chosen), collect.BATCH):
                batch = chosen[start : start + collect.BATCH]
                yield [collect.Read(self._read(file, e), frozenset()) for e in batch]

    def _read(self, file: BinaryIO, entry: Entry) -> data.Decision:
        file.seek(entry.offset)
        try:
            decision = _decision_adapter().validate_json(_unterminated(file.readline()))
        except ValidationError:
            decision = None
        if decision is None or _digest(decision) != entry.digest:
            raise ExportFileError(
                f"{self.label} changed while the archive was built from it: build again."
            )
        return decision

    async def why_empty(self) -> str:
        return (
            f"{self.label} holds no decision of {', '.join(self._chosen)} (an export holds "
            "only what its audience may read; `actas export` said why it found none)."
        )


def file_source(path: Path) -> FileSource:
    return FileSource(path)


def _checked(path: Path) -> tuple[Header, dict[str, list[Entry]]]:
    """The first pass: the header, and every decision's entry, by organisation."""
    with _opened(path) as file:
        header = _header(path, file.readline())
        slugs = {o.slug for o in header.organisations}
        if len(slugs) != len(header.organisations):
            raise ExportFileError(f"{path} names an organisation twice.")
        if _unterminated(file.readline()) != b'"decisions":[':
            raise _not_laid_out(path, 2)
        entries: dict[str, list[Entry]] = {}
        seen: set[tuple[str, int]] = set()
        for index, (offset, line, last) in enumerate(_decision_lines(path, file)):
            decision = _decision(path, index, line, last)
            _check_place(path, decision, slugs, seen)
            entry = Entry(decision.number, offset, _digest(decision))
            entries.setdefault(decision.organisation, []).append(entry)
    return header, entries


def _opened(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as error:
        raise ExportFileError(f"Cannot read the export {path}: {error.strerror}.") from None


def _header(path: Path, line: bytes) -> Header:
    """The first line: the header's keys, up to the decisions (a whole JSON document when the
    file was rewritten on one line, whose format and version are still worth telling)."""
    text = _unterminated(line)
    try:
        plain = orjson.loads(text[:-1] + b"}" if text.endswith(b",") else text)
    except orjson.JSONDecodeError as error:
        if line.endswith(b"\n"):
            raise _not_laid_out(path, 1) from None
        raise _cut_short(path, error) from None
    if not isinstance(plain, dict) or plain.get("format") != FORMAT:
        raise ExportFileError(f'{path} is not an actas export: it has no "format": "{FORMAT}".')
    version = plain.get("version")
    if version != VERSION:
        newer = isinstance(version, int) and version > VERSION
        raise ExportFileError(
            f"{path} is an export of version {version!r}; this actas reads version {VERSION}: "
            + ("upgrade actas to build from it." if newer else "export it again with this actas.")
        )
    if "decisions" in plain:
        raise _not_laid_out(path, 1)
    try:
        return _header_adapter().validate_python(plain)
    except ValidationError as error:
        raise ExportFileError(
            f"{path} does not follow version {VERSION} of the export: {_described(error)}"
        ) from None


def _decision_lines(path: Path, file: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """Each decision's line with where it starts, until the closing line, which must be there:
    a file without it was cut short."""
    number = 2
    while True:
        offset, line = file.tell(), file.readline()
        number += 1
        if not line:
            raise _cut_short(path, f"it ends at line {number - 1}, before the closing ]}}")
        text = _unterminated(line)
        if text == CLOSING:
            return
        yield offset, text, not line.endswith(b"\n")


def _decision(path: Path, index: int, line: bytes, last: bool) -> data.Decision:
    try:
        return _decision_adapter().validate_json(line)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            if last:
                raise _cut_short(path, f"decision {index} is incomplete") from None
            raise _not_laid_out(path, index + 3) from None
        raise ExportFileError(
            f"{path} does not follow version {VERSION} of the export: "
            f"{_described(error, f'decisions.{index}{_reference_in(line)}')}"
        ) from None


def _check_place(
    path: Path, decision: data.Decision, slugs: set[str], seen: set[tuple[str, int]]
) -> None:
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


def _described(error: ValidationError, prefix: str = "", shown: int = 3) -> str:
    """The first few errors, each at its place (a decision's names its reference)."""
    described = []
    for item in error.errors()[:shown]:
        place = ".".join([prefix] * bool(prefix) + [str(part) for part in item["loc"]])
        described.append(f"{place}: {item['msg']}")
    more = error.error_count() - shown
    return "; ".join(described) + (f"; and {more} more." if more > 0 else ".")


def _reference_in(line: bytes) -> str:
    try:
        plain: Any = orjson.loads(line)
    except orjson.JSONDecodeError:
        return ""
    reference = plain.get("reference") if isinstance(plain, dict) else None
    return f" ({reference})" if isinstance(reference, str) else ""


def _cut_short(path: Path, why: object) -> ExportFileError:
    return ExportFileError(
        f"{path} is not complete JSON ({why}): was it cut short? Export it again."
    )


def _not_laid_out(path: Path, line: int) -> ExportFileError:
    return ExportFileError(
        f"{path} is not laid out as `actas export` writes it (line {line}): the header on the "
        "first line, then one decision per line. Was it reformatted? Export it again, or "
        "build from the file `actas export` wrote."
    )


def _unterminated(line: bytes) -> bytes:
    """A line without its end and the comma that separates it from the next decision."""
    line = line.rstrip(b"\r\n")
    return line[:-1] if line.endswith(b"},") else line


def _digest(decision: data.Decision) -> bytes:
    return hashlib.sha256(decision.to_json()).digest()


@cache
def _header_adapter() -> TypeAdapter[Header]:
    return TypeAdapter(Header)


@cache
def _decision_adapter() -> TypeAdapter[data.Decision]:
    return TypeAdapter(data.Decision)

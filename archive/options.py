"""What a caller asks of a build, and what it is told (``build.build_archive``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from actas.archive import search
from actas.archive.audience import Audience

# Where a new archive is served when no site URL is given: ``actas demo``'s.
DEFAULT_SITE_URL = "http://127.0.0.1:8000/archive/"


@dataclass(frozen=True)
class BuildOptions:
    output: Path
    # Default: organisation from the database, the file's own audience from an export.
    audience: Audience | None = None
    organisations: Sequence[str] = ()  # slugs; none means every organisation (of the file)
    language: str | None = None  # default: the (first) organisation's
    # Default: the URL the archive in ``output`` was built for (its manifest), else
    # DEFAULT_SITE_URL for a new archive.
    site_url: str | None = None
    from_file: Path | None = None  # an export (``archive.export``) instead of the database
    expect_decisions: int = 0  # fewer is refused before anything is written (``TooFewDecisions``)
    shard_size: int = search.SHARD_SIZE
    processes: int | None = None  # rendering processes; default: 2 (or 1 core) for large builds
    full: bool = False  # read every decision again, whatever its stamp (``changes``)
    # The day the build reads as today (default: today, UTC): an outcome review past its date
    # reads as overdue from the first build after it.
    today: date | None = None


@dataclass
class BuildReport:
    output: Path
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    read: int = 0  # decisions read from the database (the others' stamps were unchanged)
    files_written: int = 0
    shell_built: bool = False
    shards_indexed: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds, by phase
    site_url: str = ""
    site_url_was: str | None = None  # the manifest's, when this build was given another one
    empty_because: str | None = None  # why it publishes no decision, when it publishes none

    @property
    def decisions(self) -> int:
        return self.new + self.changed + self.unchanged

    def __str__(self) -> str:
        return (
            f"{self.decisions} decisions: {self.new} new, {self.changed} changed, "
            f"{self.unchanged} unchanged, {self.removed} removed ({self.read} read); "
            f"{self.files_written} files written, {self.shards_indexed} search shards indexed, "
            f"in {self.seconds:.1f} s"
        )

    def notes(self) -> list[str]:
        """What the caller should know beyond the figures: a changed site URL, an empty site."""
        notes = []
        if self.site_url_was:
            notes.append(
                f"The site URL changed from {self.site_url_was} to {self.site_url}: every "
                "page, citation and permalink now names the new one."
            )
        if self.empty_because:
            notes.append(f"The archive publishes no decision: {self.empty_because}")
        return notes


class Progress:
    """What a build tells its caller as it goes (the CLI draws a bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...

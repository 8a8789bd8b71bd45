"""What a caller asks of a build, and what it is told (``build.build_archive``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from actas.archive import search
from actas.archive.audience import Audience


@dataclass(frozen=True)
class BuildOptions:
    output: Path
    audience: Audience = Audience.ORGANISATION
    organisations: Sequence[str] = ()  # slugs; none means every organisation
    language: str | None = None  # default: the (first) organisation's
    site_url: str = "http://127.0.0.1:8000/archive/"
    shard_size: int = search.SHARD_SIZE
    processes: int | None = None  # rendering processes; default: 2 (or 1 core) for large builds
    full: bool = False  # read every decision again, whatever its stamp (``changes``)


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


class Progress:
    """What a build tells its caller as it goes (the CLI draws a bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...

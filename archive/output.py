"""The output folder: the only module of the archive that writes, copies or deletes files
(an export file too, ``replaced_atomically``).

Every file a build produces is recorded; the manifest (``.actas/manifest.json``) keeps that list
and what the next build needs to know what changed (see ``build``). At the end of a build every
file the previous one wrote and this one did not is deleted, so nothing outlives its right to be
published. mkdocs and Pagefind write their own output, into folders this module gives them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import orjson

from actas.archive import search
from actas.archive.errors import ArchiveError

STATE = ".actas"
MANIFEST = f"{STATE}/manifest.json"


class Output:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.produced: set[str] = set()
        self.written = 0
        self._manifest: dict[str, object] | None = None
        if root.exists() and any(root.iterdir()) and not (root / MANIFEST).exists():
            raise ArchiveError(
                f"{root} is not empty and holds no archive: choose an empty or new folder."
            )

    def manifest(self) -> dict[str, object]:
        """What the last build saved (empty for a new archive)."""
        if self._manifest is None:
            path = self.root / MANIFEST
            self._manifest = orjson.loads(path.read_bytes()) if path.exists() else {}
        return self._manifest

    def exists(self, relative: str) -> bool:
        return (self.root / relative).exists()

    def keep(self, files: Iterable[str]) -> None:
        """Files this build produces without writing them (unchanged since the last)."""
        self.produced.update(files)

    def write(self, relative: str, content: str | bytes) -> None:
        write_file(self.root, relative, content)
        self.produced.add(relative)
        self.written += 1

    def written_elsewhere(self, files: Iterable[str]) -> None:
        """Files a worker process wrote for this build (with ``write_file``)."""
        for relative in files:
            self.produced.add(relative)
            self.written += 1

    def write_if_changed(self, relative: str, content: str | bytes) -> None:
        raw = content.encode() if isinstance(content, str) else content
        path = self._path(relative)
        if path.exists() and path.read_bytes() == raw:
            self.produced.add(relative)
            return
        self.write(relative, raw)

    def copy(self, source: Path, relative: str) -> None:
        self.write_if_changed(relative, source.read_bytes())

    def remove_tree(self, relative: str) -> None:
        shutil.rmtree(self._path(relative), ignore_errors=True)

    def reindex(self, shard: str, documents: str, *, has_documents: bool) -> None:
        """Index the shard's search documents (under ``documents``) into ``pagefind/<shard>``."""
        bundle = f"pagefind/{shard}"
        self.remove_tree(bundle)
        if has_documents:
            search.index_shard(self._path(documents), self._path(bundle))
            self.written += 1

    def finish(self, previous: set[str]) -> None:
        """Delete every file the last build wrote that this one did not produce."""
        for relative in sorted(previous - self.produced):
            if relative.startswith(("pagefind/", f"{STATE}/shell/")):
                continue  # whole folders, managed by reindex and the shell build
            path = self._path(relative)
            path.unlink(missing_ok=True)
            for parent in path.parents:
                if parent == self.root or any(parent.iterdir()):
                    break
                parent.rmdir()

    def save_manifest(self, manifest: dict[str, object]) -> None:
        self.write(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_UTC_Z))

    def _path(self, relative: str) -> Path:
        return inside(self.root, relative)


def inside(root: Path, relative: str) -> Path:
    """The path of a file of the archive, never outside it. Checked lexically (``resolve``
    costs a system call per folder, ~10 s for 40,000 files): every folder below the root is the
    archive's own, none is a link."""
    path = Path(os.path.normpath(root / relative))
    if not path.is_relative_to(root):
        raise ArchiveError(f"Refusing to write outside the archive: {relative}")
    return path


def write_file(root: Path, relative: str, content: str | bytes) -> None:
    """Write one file of the archive at ``root`` (resolved). Creating a file costs ~0.7 ms of
    system time here, so a large build's decision files are written by its worker processes,
    through this function, and recorded with ``Output.written_elsewhere``."""
    path = inside(root, relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


@contextmanager
def replaced_atomically(path: Path) -> Iterator[BinaryIO]:
    """A file to write that replaces ``path`` only once the block ends without an error: a
    reader never sees half of it, and a failed write leaves the old file as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide an open-data file from its server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

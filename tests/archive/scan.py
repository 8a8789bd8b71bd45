"""Reading everything a built archive holds, compressed search files included."""

from __future__ import annotations

import contextlib
import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path


def every_file(root: Path) -> Iterator[tuple[Path, str]]:
    """Each file's text (decompressed where Pagefind compressed it), state folder included;
    ``root`` may be a single file (an export)."""
    for path in [root] if root.is_file() else sorted(root.rglob("*")):
        if path.is_file():
            yield path, _text(path.read_bytes())


def _text(raw: bytes) -> str:
    if raw[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError, zlib.error):
            raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def files_containing(root: Path, needle: str) -> list[str]:
    base = root.parent if root.is_file() else root
    return [str(p.relative_to(base)) for p, text in every_file(root) if needle in text]

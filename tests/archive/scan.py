"""Reading everything a built archive holds, compressed search files included."""

from __future__ import annotations

import contextlib
import gzip
import zlib
from collections.abc import Iterable, Iterator
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


def addresses_in(text: str, addresses: Iterable[str]) -> set[str]:
    """Which of ``addresses`` occur in ``text`` (as substrings, exactly as ``in`` would say):
    each "@" is tried against every domain and local part length once, so a scan for thousands
    of addresses still reads each file once."""
    domains: dict[str, dict[int, set[str]]] = {}
    for address in addresses:
        local, _, domain = address.rpartition("@")
        domains.setdefault("@" + domain, {}).setdefault(len(local), set()).add(local)
    found: set[str] = set()
    at = text.find("@")
    while at != -1:
        for domain, locals_by_length in domains.items():
            if text.startswith(domain, at):
                for length, locals_ in locals_by_length.items():
                    if at >= length and (local := text[at - length : at]) in locals_:
                        found.add(local + domain)
        at = text.find("@", at + 1)
    return found

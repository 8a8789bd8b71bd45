"""What a built archive says about itself, for whoever serves it: who it is for (its audience
and organisations) and the hashes of the theme's inline scripts (for a Content-Security-Policy).

The build writes this into its manifest (``.actas/manifest.json``); the API reads it before it
serves a file of the archive and refuses an archive that does not say (fail closed).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson

from actas.archive.audience import Audience
from actas.archive.output import MANIFEST

# An inline script the browser runs: no attributes (the theme's `__config` is
# `type="application/json"`, data a script reads, not a script).
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@dataclass(frozen=True)
class Published:
    audience: Audience
    organisations: frozenset[str]  # slugs
    script_hashes: tuple[str, ...]  # CSP sources: 'sha256-…'

    def as_manifest(self) -> dict[str, object]:
        return {
            "audience": self.audience.value,
            "organisations": sorted(self.organisations),
            "script_hashes": list(self.script_hashes),
        }


def inline_script_hashes(pages: Iterable[str]) -> tuple[str, ...]:
    """The CSP hash source of every distinct inline script in ``pages``."""
    hashes = set()
    for page in pages:
        for script in _INLINE_SCRIPT.findall(page):
            digest = hashlib.sha256(script.encode()).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return tuple(sorted(hashes))


def read_published(root: Path) -> Published | None:
    """What the archive at ``root`` says about itself; None when it has no manifest, or one
    that does not name a known audience and its organisations."""
    try:
        manifest = orjson.loads((root / MANIFEST).read_bytes())
        section = manifest["published"]
        audience = Audience(section["audience"])
        organisations = frozenset(_strings(section["organisations"]))
        script_hashes = tuple(_strings(section["script_hashes"]))
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    return Published(audience, organisations, script_hashes)


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("a list of strings")
    return value

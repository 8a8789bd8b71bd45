"""Building an archive: the order of the work.

A build
1. builds the site's shell with mkdocs, unless its inputs are unchanged (``shell``);
2. stamps every archived decision cheaply (``changes``) and reads in full only those whose stamp
   differs from the last build's; hashes each one read with everything else its page depends on
   (the fingerprint: templates, code, language, audience, site URL, tool versions) and renders
   it again only if the hash changed (``decisions``; ``workers`` render large builds in worker
   processes);
3. renders the index pages, feed, sitemap and ``archive.json`` from every decision's summary
   (those of decisions not read come from the manifest) and writes those whose bytes differ
   (``indexes``);
4. deletes what the last build wrote and this one did not (a decision that left the audience,
   a stale index page), and indexes again the search shards whose decisions changed
   (``search``).

The manifest keeps each decision's stamp, hash, people and summary, and the list of files
written. The same data gives byte-identical output: no time stamps, no random ids, every list in
a defined order, whatever the number of processes. Files are written through ``output`` only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from actas.api.models import Organisation as OrganisationRow
from actas.archive import changes, collect, data, indexes, shell
from actas.archive.decisions import Decisions, known_from
from actas.archive.errors import ArchiveError
from actas.archive.options import BuildOptions, BuildReport, Progress
from actas.archive.output import Output
from actas.archive.published import Published
from actas.archive.render import TEMPLATES, Renderer
from actas.archive.texts import LANGUAGES

__all__ = ["BuildOptions", "BuildReport", "Progress", "build_archive"]

FORMAT = 2  # bump when the output's layout changes: the next build then renders everything


async def build_archive(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    started = time.perf_counter()
    organisations = await _organisations(options.organisations)
    language = options.language or organisations[0][1].language
    if language not in LANGUAGES:
        raise ArchiveError(
            f"No texts for language {language!r}: use one of {', '.join(LANGUAGES)}."
        )
    renderer = Renderer(
        language=language, audience=options.audience.value, site_url=options.site_url
    )
    out = Output(options.output)
    fingerprint = _fingerprint(renderer, options)
    manifest = out.manifest()
    previous = manifest if manifest.get("fingerprint") == fingerprint else {}
    report = BuildReport(output=options.output)
    decisions = Decisions(
        options,
        renderer,
        out,
        fingerprint,
        known_from(previous.get("decisions")),
        progress or Progress(),
        report,
    )

    with _timed(report, "shell"):
        site_shell = shell.prepare(renderer, out, previous.get("shell"))
    report.shell_built = site_shell.built
    with _timed(report, "stamps"):
        stamps = {
            o.slug: await changes.stamps(options.audience, oid, o.slug, fingerprint)
            for oid, o in organisations
        }
        names = await changes.names()
    with _timed(report, "decisions"):
        await decisions.build(site_shell.frames, stamps, names)
    with _timed(report, "indexes"):
        found = [o for _, o in organisations]
        for path, content in indexes.files(renderer, site_shell.frames, found, decisions.summaries):
            out.write_if_changed(path, content)
    out.finish(set(_strings(manifest.get("files"))))  # removed decisions' files too
    with _timed(report, "search"):
        decisions.index_search()
    out.save_manifest(
        {
            "format": FORMAT,
            "fingerprint": fingerprint,
            "shell": site_shell.digest,
            "decisions": dict(sorted(decisions.records.items())),
            "files": sorted(out.produced),
            "published": Published(
                options.audience,
                frozenset(o.slug for _, o in organisations),
                site_shell.script_hashes,
            ).as_manifest(),
        }
    )
    report.files_written = out.written
    report.seconds = time.perf_counter() - started
    return report


async def _organisations(slugs: Sequence[str]) -> list[tuple[int, data.Organisation]]:
    if not slugs:
        slugs = [
            str(slug)
            for (slug,) in await OrganisationRow.all().order_by("slug").values_list("slug")
        ]
    found = []
    for slug in sorted(set(slugs)):
        organisation = await collect.organisation(slug)
        if organisation is None:
            raise ArchiveError(f"No organisation {slug!r}.")
        found.append(organisation)
    if not found:
        raise ArchiveError("There is no organisation to archive.")
    return found


def _fingerprint(renderer: Renderer, options: BuildOptions) -> str:
    """Everything besides a decision's data that its page depends on."""
    digest = hashlib.sha256()
    for part in (str(FORMAT), renderer.language, options.audience.value, renderer.site_url):
        digest.update(part.encode() + b"\0")
    digest.update(str(options.shard_size).encode() + b"\0")
    for path in sorted(TEMPLATES.rglob("*")) + sorted(Path(__file__).parent.glob("*.py")):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for package in ("mkdocs", "mkdocs-material", "pagefind", "nh3", "markdown-it-py"):
        digest.update(version(package).encode())
    return digest.hexdigest()


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


@contextmanager
def _timed(report: BuildReport, phase: str) -> Iterator[None]:
    tick = time.perf_counter()
    try:
        yield
    finally:
        report.timings[phase] = round(time.perf_counter() - tick, 2)

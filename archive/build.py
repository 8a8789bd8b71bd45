"""Building an archive: the order of the work.

A build reads its data from a ``sources.Source``: the database, or an export file
(``export``), which gives the same bytes. It
0. refuses, before writing anything, to publish fewer decisions than the caller expects;
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

The manifest keeps the site URL (a rebuild given none keeps it), each decision's stamp, hash,
people and summary, and the list of files written. The same data gives byte-identical output:
no time stamps, no random ids, every list in a defined order, whatever the number of processes.
Files are written through ``output`` only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from actas.archive import indexes, shell
from actas.archive.audience import Audience
from actas.archive.decisions import Decisions, known_from
from actas.archive.errors import ArchiveError, TooFewDecisions
from actas.archive.export_reader import file_source
from actas.archive.options import DEFAULT_SITE_URL, BuildOptions, BuildReport, Progress
from actas.archive.output import Output
from actas.archive.published import Published
from actas.archive.render import TEMPLATES, Renderer
from actas.archive.sources import DatabaseSource, Source
from actas.archive.texts import LANGUAGES

__all__ = ["BuildOptions", "BuildReport", "Progress", "build_archive"]

FORMAT = 2  # bump when the output's layout changes: the next build then renders everything


async def build_archive(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    started = time.perf_counter()
    source = _source(options)  # an export is checked, a line at a time, before anything is touched
    organisations = await source.organisations(options.organisations)
    language = options.language or organisations[0].language
    if language not in LANGUAGES:
        raise ArchiveError(
            f"No texts for language {language!r}: use one of {', '.join(LANGUAGES)}."
        )
    out = Output(options.output)
    manifest = out.manifest()
    site_url, site_url_was = _site_url(options, manifest)
    renderer = Renderer(
        language=language,
        audience=source.audience.value,
        site_url=site_url,
        today=options.today,
    )
    fingerprint = _fingerprint(renderer, options)
    previous = manifest if manifest.get("fingerprint") == fingerprint else {}
    report = BuildReport(output=options.output, site_url=site_url, site_url_was=site_url_was)
    decisions = Decisions(
        options,
        source,
        renderer,
        out,
        fingerprint,
        known_from(previous.get("decisions")),
        progress or Progress(),
        report,
    )

    with _timed(report, "stamps"):
        stamps = await source.stamps(fingerprint)
        names = await source.names()
    await _check_count(options, source, report, sum(len(s) for s in stamps.values()))
    with _timed(report, "shell"):
        site_shell = shell.prepare(renderer, out, previous.get("shell"))
    report.shell_built = site_shell.built
    with _timed(report, "decisions"):
        await decisions.build(site_shell.frames, stamps, names)
    with _timed(report, "indexes"):
        for path, content in indexes.files(
            renderer, site_shell.frames, organisations, decisions.summaries
        ):
            out.write_if_changed(path, content)
    out.finish(set(_strings(manifest.get("files"))))  # removed decisions' files too
    with _timed(report, "search"):
        decisions.index_search()
    out.save_manifest(
        {
            "format": FORMAT,
            "fingerprint": fingerprint,
            "site_url": site_url,
            "shell": site_shell.digest,
            "decisions": dict(sorted(decisions.records.items())),
            "files": sorted(out.produced),
            "published": Published(
                source.audience,
                frozenset(o.slug for o in organisations),
                site_shell.script_hashes,
            ).as_manifest(),
        }
    )
    report.files_written = out.written
    report.seconds = time.perf_counter() - started
    return report


def _source(options: BuildOptions) -> Source:
    if options.from_file is None:
        return DatabaseSource(options.audience or Audience.ORGANISATION)
    source = file_source(options.from_file)
    if options.audience not in (None, source.audience):
        raise ArchiveError(
            f"{options.from_file} holds what the {source.audience.value} audience may read, "
            f"not the {options.audience.value} one: build it for its own audience, or export "
            "again for the other."
        )
    return source


def _site_url(options: BuildOptions, manifest: dict[str, object]) -> tuple[str, str | None]:
    """The URL to build for, and the one the archive was built for when that differs: a
    rebuild keeps the manifest's unless it is given another (a new archive: the default)."""
    kept = manifest.get("site_url")
    if options.site_url is None:
        if isinstance(kept, str):
            return kept, None
        if manifest:
            raise ArchiveError(
                f"The archive in {options.output} was built before actas kept its site URL: "
                "give --site-url once (where it is served), and later builds keep it."
            )
        return DEFAULT_SITE_URL, None
    url = options.site_url.rstrip("/") + "/"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ArchiveError(
            f"The site URL must be an absolute http or https URL, not {options.site_url!r}."
        )
    return url, kept if isinstance(kept, str) and kept != url else None


async def _check_count(
    options: BuildOptions, source: Source, report: BuildReport, count: int
) -> None:
    """Say why an archive is empty; refuse one with fewer decisions than expected before
    anything is written, so the site already there stays as it was."""
    if not count:
        report.empty_because = await source.why_empty()
    if count < options.expect_decisions:
        raise TooFewDecisions(
            f"{count} decisions to publish, fewer than the {options.expect_decisions} "
            f"expected"
            + (f": {report.empty_because}" if report.empty_because else ".")
            + f" The archive in {options.output} was left as it was."
        )


def _fingerprint(renderer: Renderer, options: BuildOptions) -> str:
    """Everything besides a decision's data that its page depends on."""
    digest = hashlib.sha256()
    for part in (str(FORMAT), renderer.language, renderer.audience, renderer.site_url):
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

"""Building an archive: the plan, the incremental bookkeeping, and every file write.

A build reads each organisation's archived decisions (``collect``), hashes each one's data
together with everything else its page depends on (templates, language, audience, site URL), and
renders only decisions whose hash changed; index pages, the feed and the sitemap are rendered
again and written only when their bytes differ. The manifest (``.actas/manifest.json``) keeps the
hashes and the list of files the last build wrote: a file no longer produced (a decision that
left the audience, a stale index page) is deleted, so nothing outlives its right to be
published. The same data gives byte-identical output: no time stamps, no random ids, every list
in a defined order.

This is the only module of the archive that writes files (mkdocs and Pagefind write their own
output into folders it gives them).
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import orjson

from actas.api.models import Organisation as OrganisationRow
from actas.archive import collect, data, search, shell
from actas.archive.audience import Audience
from actas.archive.errors import ArchiveError
from actas.archive.render import TEMPLATES, Listing, Page, Renderer, decision_path
from actas.archive.texts import LANGUAGES

FORMAT = 1  # bump when the output's layout changes: the next build then renders everything
STATE = ".actas"
MANIFEST = f"{STATE}/manifest.json"
SHELL_SKIP = {"index.html", "sitemap.xml", "sitemap.xml.gz"}


@dataclass(frozen=True)
class BuildOptions:
    output: Path
    audience: Audience = Audience.ORGANISATION
    organisations: Sequence[str] = ()  # slugs; none means every organisation
    language: str | None = None  # default: the (first) organisation's
    site_url: str = "http://127.0.0.1:8000/archive/"
    shard_size: int = search.SHARD_SIZE


@dataclass
class BuildReport:
    output: Path
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    files_written: int = 0
    shell_built: bool = False
    shards_indexed: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def decisions(self) -> int:
        return self.new + self.changed + self.unchanged

    def __str__(self) -> str:
        return (
            f"{self.decisions} decisions: {self.new} new, {self.changed} changed, "
            f"{self.unchanged} unchanged, {self.removed} removed; {self.files_written} files "
            f"written, {self.shards_indexed} search shards indexed, in {self.seconds:.1f} s"
        )


class Progress:
    """What a build tells its caller as it goes (the CLI draws a bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...


async def build_archive(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    started = time.perf_counter()
    progress = progress or Progress()
    organisations = await _organisations(options.organisations)
    language = options.language or organisations[0].language
    if language not in LANGUAGES:
        raise ArchiveError(
            f"No texts for language {language!r}: use one of {', '.join(LANGUAGES)}."
        )
    renderer = Renderer(
        language=language, audience=options.audience.value, site_url=options.site_url
    )
    out = _Output(options.output)
    report = BuildReport(output=options.output)
    fingerprint = _fingerprint(renderer, options)
    previous = out.manifest() if out.manifest().get("fingerprint") == fingerprint else {}
    old_hashes = _strings(previous.get("decisions", {}))
    old_files = set(_strings(out.manifest().get("files", {})))

    tick = time.perf_counter()
    frames = _shell(renderer, out, previous, report)
    report.timings["shell"] = time.perf_counter() - tick

    tick = time.perf_counter()
    ids = {o.slug: await collect.archived_ids(options.audience, o.slug) for o in organisations}
    progress.start(sum(len(i) for i in ids.values()))
    hashes: dict[str, str] = {}
    summaries: dict[str, list[data.Summary]] = {}
    dirty_shards: set[str] = set()
    shard_members: dict[str, set[str]] = defaultdict(set)
    for organisation in organisations:
        summaries[organisation.slug] = []
        async for batch in collect.decisions(
            options.audience, organisation.slug, ids[organisation.slug]
        ):
            for decision in batch:
                digest = hashlib.sha256(fingerprint.encode() + decision.to_json()).hexdigest()
                key = f"{decision.organisation}/{decision.reference}"
                shard = search.shard_of(decision.organisation, decision.number, options.shard_size)
                shard_members[shard].add(key)
                hashes[key] = digest
                summaries[organisation.slug].append(data.Summary.of(decision, digest))
                files = _decision_files(decision, shard)
                if old_hashes.get(key) == digest and all(out.exists(f) for f in files):
                    report.unchanged += 1
                    out.keep(files)
                else:
                    if key in old_hashes:
                        report.changed += 1
                    else:
                        report.new += 1
                    dirty_shards.add(shard)
                    _write_decision(out, renderer, frames, decision, files)
                progress.advance()
        summaries[organisation.slug].sort(key=_newest_first)
    report.timings["decisions"] = time.perf_counter() - tick

    removed = set(old_hashes) - set(hashes)
    report.removed = len(removed)
    for key in removed:
        slug, reference = key.split("/")
        number = int(reference.rpartition("-")[2])
        dirty_shards.add(search.shard_of(slug, number, options.shard_size))

    tick = time.perf_counter()
    _write_indexes(out, renderer, frames, organisations, summaries)
    report.timings["indexes"] = time.perf_counter() - tick

    out.finish(old_files)  # deletes what this build no longer produces, removed decisions too
    tick = time.perf_counter()
    shards = sorted(shard_members)
    for shard in sorted(
        dirty_shards | {s for s in shards if not out.exists(f"pagefind/{s}/pagefind-entry.json")}
    ):
        out.reindex(shard, has_documents=shard in shard_members)
        report.shards_indexed += shard in shard_members
    out.write("pagefind/shards.json", orjson.dumps(shards))
    report.timings["search"] = time.perf_counter() - tick

    out.save_manifest(
        {
            "format": FORMAT,
            "fingerprint": fingerprint,
            "shell": out.shell_hash,
            "decisions": dict(sorted(hashes.items())),
            "files": sorted(out.produced),
        }
    )
    report.files_written = out.written
    report.seconds = time.perf_counter() - started
    return report


async def _organisations(slugs: Sequence[str]) -> list[data.Organisation]:
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
    for path in sorted(TEMPLATES.rglob("*")) + sorted(Path(__file__).parent.glob("*.py")):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for package in ("mkdocs", "mkdocs-material", "pagefind", "nh3", "markdown-it-py"):
        digest.update(version(package).encode())
    return digest.hexdigest()


def _decision_files(decision: data.Decision, shard: str) -> list[str]:
    folder = decision_path(decision.organisation, decision.reference)
    base = f"{decision.organisation}/{decision.reference}"
    return [
        folder + "index.html",
        base + ".json",
        base + ".svg",
        f"{STATE}/search/{shard}/{folder}index.html",
    ]


def _write_decision(
    out: _Output,
    renderer: Renderer,
    frames: shell.Frames,
    decision: data.Decision,
    files: list[str],
) -> None:
    page, json_file, badge, document = files
    out.write(page, frames.wrap(renderer.decision(decision), renderer.site_url))
    out.write(json_file, decision.to_json())
    out.write(badge, renderer.badge(decision))
    out.write(document, renderer.search_document(decision))


def _write_indexes(
    out: _Output,
    renderer: Renderer,
    frames: shell.Frames,
    organisations: Sequence[data.Organisation],
    summaries: dict[str, list[data.Summary]],
) -> None:
    t = renderer.texts
    pages: list[Page] = [renderer.home(organisations, summaries)]
    for organisation in organisations:
        own = summaries[organisation.slug]
        pages.append(renderer.organisation(organisation, own))
        for listing in _listings(organisation, own, t):
            pages.extend(renderer.listing(listing, n) for n in range(1, listing.pages + 1))
    for page in pages:
        out.write_if_changed(page.path, frames.wrap(page, renderer.site_url))
    everything = [s for group in summaries.values() for s in group]
    names = {o.slug: o.name for o in organisations}
    out.write_if_changed("feed.xml", renderer.feed(everything, names))
    page_paths = [p.path.removesuffix("index.html") for p in pages]
    page_paths += [decision_path(s.organisation, s.reference) for s in everything]
    out.write_if_changed("sitemap.xml", renderer.sitemap([*page_paths, "search/", "about/"]))
    out.write_if_changed("archive.json", _archive_json(renderer, organisations, summaries))


def _listings(
    organisation: data.Organisation, summaries: list[data.Summary], t: object
) -> Iterable[Listing]:
    from actas.archive.texts import Texts

    assert isinstance(t, Texts)
    yield Listing(organisation, "decisions", "", t.all_decisions, tuple(summaries))
    groups: dict[tuple[str, str], list[data.Summary]] = defaultdict(list)
    labels: dict[tuple[str, str], str] = {}
    for s in summaries:
        keys = [
            ("outcome", s.outcome, t[f"outcome.{s.outcome}"]),
            ("month", s.month, t.month_name(s.month)),
        ]
        if s.unit_slug and s.unit:
            keys.append(("unit", s.unit_slug, s.unit))
        keys += [("tag", tag, f"#{tag}") for tag in s.tags]
        for kind, value, label in keys:
            groups[kind, value].append(s)
            labels[kind, value] = label
    for kind, value in sorted(groups):
        yield Listing(organisation, kind, value, labels[kind, value], tuple(groups[kind, value]))


def _archive_json(
    renderer: Renderer,
    organisations: Sequence[data.Organisation],
    summaries: dict[str, list[data.Summary]],
) -> bytes:
    public = renderer.audience == Audience.PUBLIC.value
    return orjson.dumps(
        {
            "audience": renderer.audience,
            "language": renderer.language,
            "organisations": [
                {
                    "slug": o.slug,
                    "name": o.name,
                    "decisions": [
                        s.reference for s in sorted(summaries[o.slug], key=lambda s: s.number)
                    ],
                    # The chain's head: a later truncation of the record would no longer match
                    # it. The public learns the hash, not how many events there are.
                    "chain_head": None
                    if o.chain_head is None
                    else {"hash": o.chain_head.hash}
                    if public
                    else {"seq": o.chain_head.seq, "hash": o.chain_head.hash},
                }
                for o in organisations
            ],
        },
        option=orjson.OPT_INDENT_2,
    )


def _strings(value: object) -> dict[str, str]:
    """A manifest entry read back: a mapping (or list) of strings, anything else empty."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(v): "" for v in value}
    return {}


def _newest_first(summary: data.Summary) -> tuple[float, int]:
    return (-summary.decided_at.timestamp(), -summary.number)


def _shell(
    renderer: Renderer, out: _Output, previous: dict[str, object], report: BuildReport
) -> shell.Frames:
    """Build the shell with mkdocs unless its inputs are those of the last build."""
    state = out.root / STATE / "shell"
    docs_dir, site_dir = state / "docs", state / "site"
    sources = shell.docs(renderer)
    config = shell.config(renderer, docs_dir, site_dir)
    digest = hashlib.sha256(config.encode() + shell.TOP_CONFIG.read_bytes())
    for path, text in sorted(sources.items()):
        digest.update(path.encode() + b"\0" + text.encode())
    out.shell_hash = digest.hexdigest()
    if previous.get("shell") == out.shell_hash and (site_dir / "index.html").exists():
        frames = shell.Frames.from_site(site_dir)
        out.keep(_shell_outputs(site_dir))
        out.keep(_state_files(state))
        return frames
    out.remove_tree(f"{STATE}/shell")
    for path, text in sources.items():
        out.write(f"{STATE}/shell/docs/{path}", text)
    out.write(f"{STATE}/shell/mkdocs.yml", config)
    shell.build(state / "mkdocs.yml")
    report.shell_built = True
    for relative in _shell_outputs(site_dir):
        out.copy(site_dir / relative, relative)
    out.keep(_state_files(state))
    return shell.Frames.from_site(site_dir)


def _shell_outputs(site_dir: Path) -> list[str]:
    """The shell's files that belong in the site (not the frames, nor mkdocs' sitemap and home:
    the archive writes its own)."""
    files = []
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if (
            path.is_file()
            and relative not in SHELL_SKIP
            and not relative.startswith(shell.FRAMES_FOLDER)
        ):
            files.append(relative)
    return files


def _state_files(state: Path) -> list[str]:
    root = state.parent.parent
    return [p.relative_to(root).as_posix() for p in sorted(state.rglob("*")) if p.is_file()]


class _Output:
    """The output folder: every write, copy and deletion of a build goes through here."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.produced: set[str] = set()
        self.written = 0
        self.shell_hash = ""
        self._manifest: dict[str, object] | None = None
        if root.exists() and any(root.iterdir()) and not (root / MANIFEST).exists():
            raise ArchiveError(
                f"{root} is not empty and holds no archive: choose an empty or new folder."
            )

    def manifest(self) -> dict[str, object]:
        if self._manifest is None:
            path = self.root / MANIFEST
            self._manifest = orjson.loads(path.read_bytes()) if path.exists() else {}
        return self._manifest

    def exists(self, relative: str) -> bool:
        return (self.root / relative).exists()

    def keep(self, files: Iterable[str]) -> None:
        self.produced.update(files)

    def write(self, relative: str, content: str | bytes) -> None:
        path = self._path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
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

    def reindex(self, shard: str, *, has_documents: bool) -> None:
        bundle = f"pagefind/{shard}"
        self.remove_tree(bundle)
        if has_documents:
            search.index_shard(self._path(f"{STATE}/search/{shard}"), self._path(bundle))
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
        self.write(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))

    def _path(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ArchiveError(f"Refusing to write outside the archive: {relative}")
        return path

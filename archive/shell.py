"""The site's shell, built by mkdocs-material, and the frames every rendered page is set into.

mkdocs builds a constant handful of pages, whatever the size of the archive: the theme's assets,
the search and about pages, the 404 page, and *frames*: pages whose title, outline and content
are placeholders, one for the home page and two per folder depth (with an outline, and without
one for pages that have none, such as lists: Material then leaves out the outline's heading
rather than show it empty). Every decision and index page is rendered straight to HTML
(``render``) and set into the frame of its depth, so it carries
Material's header, navigation, palette and scripts with relative links that resolve from where it
lives. Why not let mkdocs build every page: it re-renders everything on every build (~12 to 15 ms
a page here, 120 to 150 s at 10,000 decisions, so neither the 120 s build nor the 20 s republish
target is reachable), and it passes page titles unescaped into ``<title>`` and the navigation.
The shell holds no user text at all.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from actas.archive.errors import ArchiveError
from actas.archive.output import STATE, Output
from actas.archive.published import inline_script_hashes
from actas.archive.render import TEMPLATES, Page, Renderer

TOP_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"
OVERRIDES = TEMPLATES / "overrides"  # the theme's custom_dir, relative to TOP_CONFIG there
DEPTHS = (1, 2, 3, 4)
TITLE, TOC, CONTENT = "ACTASTITLE", "ACTASTOC", "ACTASCONTENT"
FRAMES_FOLDER = "_frames"
PLAIN_FOLDER = "_frames_plain"  # the frames without an outline
SKIP = {"index.html", "sitemap.xml", "sitemap.xml.gz"}  # the archive writes its own


class ShellError(ArchiveError):
    """mkdocs failed, or its output no longer has the shape the frames rely on."""


def frame_source(depth: int, *, outline: bool = True) -> str:
    """Where the frame for pages ``depth`` folders deep lives in the shell's docs."""
    return f"{FRAMES_FOLDER if outline else PLAIN_FOLDER}/" + "x/" * (depth - 1) + "index.md"


def docs(renderer: Renderer) -> dict[str, str]:
    """The shell's Markdown pages, by path inside ``docs_dir``."""
    frame, plain = renderer.shell_markdown("frame"), renderer.shell_markdown("frame_plain")
    pages = {
        "index.md": frame,
        "search.md": renderer.shell_markdown("search"),
        "about.md": renderer.shell_markdown("about"),
    }
    pages.update({frame_source(depth): frame for depth in DEPTHS})
    pages.update({frame_source(depth, outline=False): plain for depth in DEPTHS})
    return pages


def config(renderer: Renderer, docs_dir: Path, site_dir: Path) -> str:
    """The build's mkdocs config: the top-level mkdocs.yml plus what this build sets."""
    t = renderer.texts
    lines = [
        f"INHERIT: {_quote(str(TOP_CONFIG))}",
        f"site_name: {_quote(t.site_name)}",
        f"site_url: {_quote(renderer.site_url)}",
        f"docs_dir: {_quote(str(docs_dir))}",
        f"site_dir: {_quote(str(site_dir))}",
        "theme:",
        f"  language: {renderer.language}",
        f"  custom_dir: {_quote(str(OVERRIDES))}",
        "nav:",
        f"  - {_quote(t.home)}: index.md",
        f"  - {_quote(t.search)}: search.md",
        f"  - {_quote(t.about)}: about.md",
        "not_in_nav: |",
        f"  /{FRAMES_FOLDER}/",
        f"  /{PLAIN_FOLDER}/",
        # The 404 page's words (site_templates/overrides/404.html): the theme's are English.
        "extra:",
        f"  not_found_title: {_quote(t.page_not_found)}",
        f"  not_found: {_quote(t.not_found)}",
        f"  home: {_quote(t.home)}",
        # The header's search box (site_templates/overrides/partials/header.html).
        f"  search: {_quote(t.search)}",
        f"  search_placeholder: {_quote(t.search_placeholder)}",
    ]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(config_file: Path) -> None:
    """``mkdocs build --strict`` in process (a warning fails the build)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    try:
        mkdocs_build(load_config(str(config_file), strict=True))
    except (MkDocsException, SystemExit) as error:
        raise ShellError(f"mkdocs could not build the site shell: {error}") from error


_SLOTS = re.compile(
    r'(?P<toc><li class="md-nav__item">\s*<a href="#actastoc".*?</li>)'
    r'|(?P<content>(?<=<article class="md-content__inner md-typeset">).*?(?=</article>))'
    r'|(?P<canonical><link rel="canonical" href="[^"]*">)'
    rf"|(?P<title>{TITLE})",
    re.S,
)
# Runs of blank lines and indentation the theme's templates leave: 2 KB of every page's 9 KB
# frame. A newline is kept wherever there was one, so text and scripts mean what they meant.
_INDENTATION = re.compile(r"\s*\n\s*")
MARKERS = (TITLE, TOC, CONTENT, "#actastoc")


class Slot(Enum):
    TITLE = "title"
    CONTENT = "content"
    CANONICAL = "canonical"


@dataclass(frozen=True)
class TocItem:
    """An outline entry of the theme's, cut where its anchor and its label go."""

    before_anchor: str
    before_label: str
    after_label: str

    @classmethod
    def parse(cls, item: str) -> TocItem:
        head, _, rest = item.partition("#actastoc")
        middle, _, tail = rest.partition(TOC)
        return cls(head, middle, tail)

    def fill(self, anchor: str, label: str) -> str:
        return (
            f"{self.before_anchor}#{html.escape(anchor)}"
            f"{self.before_label}{html.escape(label)}{self.after_label}"
        )


Part = str | Slot | TocItem


@dataclass(frozen=True)
class Frame:
    """A built page cut at its slots: the title wherever the theme shows it, outline entries
    (the sidebar's, and the navigation's for the active page), the canonical link and the
    article's content.

    The frame is cut once, before any user text is near it, and a page is the frame's fixed
    text joined with its slots' values: nothing searches a page for the generator's markers, so
    no title, name or argument can ever be mistaken for one (a proposal titled ``ACTASTITLE``
    or an organisation called ``actas`` is just text)."""

    parts: tuple[Part, ...]

    @classmethod
    def parse(cls, page: str, *, outline: bool = True) -> Frame:
        if "<pre" in page or "<textarea" in page:
            raise ShellError("The theme's page holds preformatted text: it cannot be tidied.")
        page = _INDENTATION.sub("\n", page)
        parts: list[Part] = []
        position = 0
        for slot in _SLOTS.finditer(page):
            parts.append(page[position : slot.start()].replace("#actastoc", "#top"))
            kind = slot.lastgroup
            parts.append(TocItem.parse(slot.group()) if kind == "toc" else Slot(kind))
            position = slot.end()
        parts.append(page[position:].replace("#actastoc", "#top"))
        _check_cut(parts, outline=outline)
        return cls(tuple(parts))

    def fixed_text(self) -> str:
        """The frame's own text, without its slots."""
        return "".join(part for part in self.parts if isinstance(part, str))

    def wrap(self, page: Page, canonical: str) -> str:
        values = {
            Slot.TITLE: html.escape(page.title),
            Slot.CONTENT: page.content,
            Slot.CANONICAL: f'<link rel="canonical" href="{html.escape(canonical)}">',
        }
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Slot):
                out.append(values[part])
            else:
                out.extend(part.fill(anchor, label) for anchor, label in page.toc)
        return "".join(out)


def _check_cut(parts: list[Part], *, outline: bool) -> None:
    """The theme's layout still has every slot once (the title at least once, and the outline
    at least once in a frame with an outline, never in one without), and no marker is left in
    the frame's fixed text."""
    count = {kind: sum(part is kind for part in parts) for kind in Slot}
    toc_items = [part for part in parts if isinstance(part, TocItem)]
    fixed = [part for part in parts if isinstance(part, str)]
    fixed += [text for item in toc_items for text in vars(item).values()]
    if (
        count[Slot.CONTENT] != 1
        or count[Slot.CANONICAL] != 1
        or not count[Slot.TITLE]
        or bool(toc_items) != outline
        or any(marker in text for text in fixed for marker in MARKERS)
    ):
        raise ShellError("The theme's page layout changed: frame placeholders not found.")


class Frames:
    """The frames of one shell build, by depth and whether they have an outline: the home
    page's and two per depth."""

    def __init__(self, frames: Mapping[tuple[int, bool], Frame]) -> None:
        self.frames = frames

    @classmethod
    def from_site(cls, site_dir: Path) -> Frames:
        sources = {(0, True): site_dir / "index.html"}
        sources.update({(d, True): site_dir / _built(frame_source(d)) for d in DEPTHS})
        sources.update(
            {(d, False): site_dir / _built(frame_source(d, outline=False)) for d in DEPTHS}
        )
        return cls(
            {
                (depth, outline): Frame.parse(path.read_text(encoding="utf-8"), outline=outline)
                for (depth, outline), path in sources.items()
            }
        )

    def wrap(self, page: Page, site_url: str) -> str:
        frame = self.frames.get((page.depth, bool(page.toc)))
        if frame is None:
            raise ShellError(f"No frame for a page {page.depth} folders deep: {page.path}")
        return frame.wrap(page, site_url + page.path.removesuffix("index.html"))


@dataclass(frozen=True)
class Shell:
    frames: Frames
    digest: str  # of its inputs
    built: bool  # by this build (False: the last build's was kept)
    script_hashes: tuple[str, ...]  # of the inline scripts in its pages and frames (for a CSP)


def prepare(renderer: Renderer, out: Output, previous_digest: object) -> Shell:
    """Build the shell with mkdocs into the archive's state folder, unless its inputs are those
    of the last build, and copy its files into the site."""
    state = out.root / STATE / "shell"
    docs_dir, site_dir = state / "docs", state / "site"
    sources = docs(renderer)
    settings = config(renderer, docs_dir, site_dir)
    digest = hashlib.sha256(settings.encode() + TOP_CONFIG.read_bytes())
    for path, text in sorted(sources.items()):
        digest.update(path.encode() + b"\0" + text.encode())
    built = not (previous_digest == digest.hexdigest() and (site_dir / "index.html").exists())
    if built:
        out.remove_tree(f"{STATE}/shell")
        for path, text in sources.items():
            out.write(f"{STATE}/shell/docs/{path}", text)
        out.write(f"{STATE}/shell/mkdocs.yml", settings)
        build(state / "mkdocs.yml")
        for relative in _site_files(site_dir):
            out.copy(site_dir / relative, relative)
    else:
        out.keep(_site_files(site_dir))
    out.keep(p.relative_to(out.root).as_posix() for p in sorted(state.rglob("*")) if p.is_file())
    frames = Frames.from_site(site_dir)
    return Shell(frames, digest.hexdigest(), built, _script_hashes(frames, site_dir))


def _script_hashes(frames: Frames, site_dir: Path) -> tuple[str, ...]:
    """Every page of the site is a frame filled in or one of the shell's pages as mkdocs wrote
    it; user text never holds a script (sanitised), so these are all the inline scripts."""
    pages = [frame.fixed_text() for frame in frames.frames.values()]
    pages += [
        (site_dir / relative).read_text(encoding="utf-8")
        for relative in _site_files(site_dir)
        if relative.endswith(".html")
    ]
    return inline_script_hashes(pages)


def _built(source: str) -> str:
    return source.replace("index.md", "index.html")


def _site_files(site_dir: Path) -> list[str]:
    """The shell's files that belong in the site: not the frames, nor mkdocs' home page and
    sitemap."""
    files = []
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if path.is_file() and relative not in SKIP and not relative.startswith(FRAMES_FOLDER):
            files.append(relative)
    return files

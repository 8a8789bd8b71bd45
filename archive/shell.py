"""The site's shell, built by mkdocs-material, and the frames every rendered page is set into.

mkdocs builds a constant handful of pages, whatever the size of the archive: the theme's assets,
the search and about pages, the 404 page, and *frames*: pages whose title, outline and content
are placeholders, one for the home page and one per folder depth. Every decision and index page
is rendered straight to HTML (``render``) and set into the frame of its depth, so it carries
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
from pathlib import Path

from actas.archive.errors import ArchiveError
from actas.archive.output import STATE, Output
from actas.archive.render import TEMPLATES, Page, Renderer

TOP_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"
OVERRIDES = TEMPLATES / "overrides"  # the theme's custom_dir, relative to TOP_CONFIG there
DEPTHS = (1, 2, 3, 4)
TITLE, TOC, CONTENT = "ACTASTITLE", "ACTASTOC", "ACTASCONTENT"
FRAMES_FOLDER = "_frames"
SKIP = {"index.html", "sitemap.xml", "sitemap.xml.gz"}  # the archive writes its own


class ShellError(ArchiveError):
    """mkdocs failed, or its output no longer has the shape the frames rely on."""


def frame_source(depth: int) -> str:
    """Where the frame for pages ``depth`` folders deep lives in the shell's docs."""
    return f"{FRAMES_FOLDER}/" + "x/" * (depth - 1) + "index.md"


def docs(renderer: Renderer) -> dict[str, str]:
    """The shell's Markdown pages, by path inside ``docs_dir``."""
    frame = renderer.shell_markdown("frame")
    pages = {
        "index.md": frame,
        "search.md": renderer.shell_markdown("search"),
        "about.md": renderer.shell_markdown("about"),
    }
    pages.update({frame_source(depth): frame for depth in DEPTHS})
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
    r'|(?P<content>(?<=<article class="md-content__inner md-typeset">).*?(?=</article>))',
    re.S,
)
_CANONICAL = re.compile(r'<link rel="canonical" href="[^"]*">')
# Runs of blank lines and indentation the theme's templates leave: 2 KB of every page's 9 KB
# frame. A newline is kept wherever there was one, so text and scripts mean what they meant.
_INDENTATION = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Frame:
    """A built page cut at its slots: outline entries (the sidebar's, and the navigation's for
    the active page) and the article's content."""

    parts: tuple[tuple[str, str], ...]  # ("text", html) | ("toc", item template) | ("content", "")

    @classmethod
    def parse(cls, page: str) -> Frame:
        if "<pre" in page or "<textarea" in page:
            raise ShellError("The theme's page holds preformatted text: it cannot be tidied.")
        page = _INDENTATION.sub("\n", page)
        parts: list[tuple[str, str]] = []
        position = 0
        for slot in _SLOTS.finditer(page):
            parts.append(("text", page[position : slot.start()]))
            parts.append(("toc", slot.group("toc")) if slot.group("toc") else ("content", ""))
            position = slot.end()
        parts.append(("text", page[position:]))
        if sum(kind == "content" for kind, _ in parts) != 1 or not any(
            kind == "toc" for kind, _ in parts
        ):
            raise ShellError("The theme's page layout changed: frame placeholders not found.")
        return cls(tuple(parts))

    def wrap(self, page: Page, canonical: str) -> str:
        title = html.escape(page.title)
        out = []
        for kind, value in self.parts:
            if kind == "content":
                out.append(page.content)
            elif kind == "toc":
                out.extend(
                    value.replace("#actastoc", "#" + anchor).replace(TOC, html.escape(label))
                    for anchor, label in page.toc
                )
            else:
                out.append(value.replace("#actastoc", "#top").replace(TITLE, title))
        wrapped = _CANONICAL.sub(
            f'<link rel="canonical" href="{html.escape(canonical)}">', "".join(out), count=1
        )
        if "ACTAS" in wrapped.replace(page.content, ""):
            raise ShellError(f"A placeholder was left in {page.path}.")
        return wrapped


class Frames:
    """The frames of one shell build: the home page's and one per depth."""

    def __init__(self, frames: Mapping[int, Frame]) -> None:
        self.frames = frames

    @classmethod
    def from_site(cls, site_dir: Path) -> Frames:
        sources = {0: site_dir / "index.html"}
        sources.update(
            {d: site_dir / frame_source(d).replace("index.md", "index.html") for d in DEPTHS}
        )
        return cls(
            {d: Frame.parse(path.read_text(encoding="utf-8")) for d, path in sources.items()}
        )

    def wrap(self, page: Page, site_url: str) -> str:
        frame = self.frames.get(page.depth)
        if frame is None:
            raise ShellError(f"No frame for a page {page.depth} folders deep: {page.path}")
        return frame.wrap(page, site_url + page.path.removesuffix("index.html"))


@dataclass(frozen=True)
class Shell:
    frames: Frames
    digest: str  # of its inputs
    built: bool  # by this build (False: the last build's was kept)


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
    return Shell(Frames.from_site(site_dir), digest.hexdigest(), built)


def _site_files(site_dir: Path) -> list[str]:
    """The shell's files that belong in the site: not the frames, nor mkdocs' home page and
    sitemap."""
    files = []
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if path.is_file() and relative not in SKIP and not relative.startswith(FRAMES_FOLDER):
            files.append(relative)
    return files

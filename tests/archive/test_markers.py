"""User text never collides with the generator's own markers: an organisation called ``actas``
(its references ``ACTAS…-1``) and proposals titled and argued with the frames' placeholder
words build like any other, and each shows as the text it is."""

from __future__ import annotations

import html
from pathlib import Path

from actas.api.domain.references import format_reference
from actas.api.services import organisations
from actas.api.services.access import load_viewer
from actas.archive.build import BuildOptions, build_archive
from actas.archive.shell import CONTENT, TITLE, TOC
from tests.archive.worlds import _closed
from tests.factories import World, person, unique

# Every word the frames are cut at, alone and together, as a title may hold them.
MARKER_TITLES = ("ACTAS", TITLE, f"{TOC} {CONTENT} #actastoc {TITLE}")


async def organisation_called_actas() -> World:
    """An organisation named ``actas`` whose slug starts with it; one person plays every part."""
    founder = await person("founder")
    organisation = await organisations.create_organisation(
        await load_viewer(founder.id), slug=unique("actas"), name="actas"
    )
    return World(organisation, users={"admin": founder, "mara": founder, "ana": founder})


async def test_an_organisation_called_actas_with_marker_titles_builds(tmp_path: Path) -> None:
    world = await organisation_called_actas()
    decisions = [await _closed(world, title) for title in MARKER_TITLES]
    slug = world.organisation.slug

    report = await build_archive(BuildOptions(output=tmp_path / "site", organisations=(slug,)))

    assert report.new == len(MARKER_TITLES)
    for decision, marker in zip(decisions, MARKER_TITLES, strict=True):
        reference = format_reference(slug, decision.number)
        assert reference.startswith("ACTAS")
        page = (tmp_path / "site" / slug / reference / "index.html").read_text()
        title = html.escape(f"{reference}: {marker} title")
        assert f"<title>{title} - " in page  # in the frame's title, as text
        assert f'<h1 id="top">{title}' in page  # and in the page's own heading
        assert f"{html.escape(marker)} argument" in page  # the argument, as text


async def test_the_frames_markers_appear_only_where_a_user_wrote_them(tmp_path: Path) -> None:
    world = await organisation_called_actas()
    plain = await _closed(world, "Plain words")
    slug = world.organisation.slug

    await build_archive(BuildOptions(output=tmp_path / "site", organisations=(slug,)))

    for page in (tmp_path / "site").rglob("index.html"):
        if ".actas" in page.parts:
            continue
        text = page.read_text()
        for marker in (TITLE, TOC, CONTENT, "#actastoc"):
            assert marker not in text, (page, marker)
    reference = format_reference(slug, plain.number)
    assert (tmp_path / "site" / slug / reference / "index.html").exists()

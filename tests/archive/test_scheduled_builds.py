"""What a scheduled rebuild relies on: the archive keeps the site URL it was built for (changing
it is explicit and reported), a build that publishes nothing says why, and one with fewer
decisions than expected fails before it touches the site already there."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from actas.api.domain.references import format_reference
from actas.api.services import publishing
from actas.api.settings import Settings
from actas.archive.audience import Audience
from actas.archive.build import BuildOptions, build_archive
from actas.archive.errors import ArchiveError, TooFewDecisions
from actas.archive.output import MANIFEST
from tests.archive.test_build import actas, site_files
from tests.archive.test_export import every_file
from tests.archive.worlds import _closed
from tests.factories import build_world

SITE = "https://decisions.example.org/brisa/"
MOVED = "https://archive.example.net/"
TEXT = (".html", ".xml", ".json")


async def test_a_rebuild_without_a_site_url_keeps_the_one_the_archive_was_built_for(
    tmp_path: Path,
) -> None:
    world = await build_world()
    for n in range(2):
        await _closed(world, f"decision {n}")
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))

    first = await build_archive(replace(options, site_url=SITE))
    files = site_files(tmp_path)
    kept = await build_archive(options)

    assert first.site_url == kept.site_url == SITE and kept.site_url_was is None
    assert (kept.new, kept.changed, kept.unchanged, kept.files_written) == (0, 0, 2, 1)
    assert site_files(tmp_path) == files  # only the manifest was written again
    assert orjson.loads((tmp_path / MANIFEST).read_bytes())["site_url"] == SITE
    pages = "".join(text.decode() for name, text in files.items() if name.endswith(".html"))
    assert SITE in pages and "127.0.0.1" not in pages + files["feed.xml"].decode()


async def test_changing_the_site_url_renders_everything_for_the_new_one_and_says_so(
    tmp_path: Path,
) -> None:
    world = await build_world()
    await _closed(world, "decision")
    slug = world.organisation.slug
    await build_archive(BuildOptions(output=tmp_path, organisations=(slug,), site_url=SITE))

    moved = await build_archive(
        BuildOptions(output=tmp_path, organisations=(slug,), site_url=MOVED.rstrip("/"))
    )

    assert (moved.site_url, moved.site_url_was) == (MOVED, SITE)
    assert moved.new == 1 and moved.shell_built
    assert any(f"The site URL changed from {SITE} to {MOVED}" in note for note in moved.notes())
    texts = [t.decode() for name, t in site_files(tmp_path).items() if name.endswith(TEXT)]
    assert MOVED in "".join(texts) and SITE not in "".join(texts)


async def test_an_archive_built_before_the_site_url_was_kept_needs_it_once(
    tmp_path: Path,
) -> None:
    world = await build_world()
    await _closed(world, "decision")
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))
    await build_archive(options)
    manifest = orjson.loads((tmp_path / MANIFEST).read_bytes())
    del manifest["site_url"]  # what builds wrote before they kept it
    (tmp_path / MANIFEST).write_bytes(orjson.dumps(manifest))

    with pytest.raises(ArchiveError, match="give --site-url once"):
        await build_archive(options)
    again = await build_archive(replace(options, site_url=SITE))

    assert again.site_url == SITE and again.site_url_was is None


async def test_a_site_url_must_be_an_absolute_web_address(tmp_path: Path) -> None:
    world = await build_world()
    for url in ("decisions.example.org", "/archive/", "ftp://example.org/"):
        with pytest.raises(ArchiveError, match="absolute http or https URL"):
            await build_archive(
                BuildOptions(
                    output=tmp_path, organisations=(world.organisation.slug,), site_url=url
                )
            )


async def test_a_public_build_that_publishes_nothing_says_why(tmp_path: Path) -> None:
    world = await build_world()
    for n in range(2):
        await _closed(world, f"decision {n}")
    slug = world.organisation.slug

    report = await build_archive(
        BuildOptions(output=tmp_path, organisations=(slug,), audience=Audience.PUBLIC)
    )

    assert report.decisions == 0
    assert report.empty_because == (
        f"none of the 2 closed decisions of {slug} that every member may see is marked "
        "publishable (an admin marks one with setPublishable)."
    )
    assert any("publishes no decision" in note for note in report.notes())


async def test_fewer_decisions_than_expected_fail_the_build_and_leave_the_site_as_it_was(
    database: Settings, tmp_path: Path
) -> None:
    world = await build_world()
    decided = await _closed(world, "the only published one")
    admin, slug = await world.viewer("admin"), world.organisation.slug
    await publishing.set_publishable(admin, decided.id, publishable=True)
    out = tmp_path / "public"
    await build_archive(
        BuildOptions(output=out, organisations=(slug,), audience=Audience.PUBLIC, site_url=SITE)
    )
    before = every_file(out)
    await publishing.set_publishable(admin, decided.id, publishable=False)

    with pytest.raises(TooFewDecisions, match="0 decisions to publish, fewer than the 1"):
        await build_archive(
            BuildOptions(
                output=out, organisations=(slug,), audience=Audience.PUBLIC, expect_decisions=1
            )
        )
    cli = actas(
        database,
        *("archive", "build", "-o", slug, "--audience", "public", "--output", str(out)),
        "--expect-decisions",
        "1",
    )

    assert every_file(out) == before
    assert (out / slug / format_reference(slug, decided.number) / "index.html").exists()
    assert cli.returncode == 1
    assert "none of the 1 closed decisions" in cli.stderr and "left as it was" in cli.stderr

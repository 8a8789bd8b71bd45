"""Building: mkdocs --strict passes, the same data gives the same bytes, a rebuild renders only
what changed and deletes what may no longer be published, and the CLI's exit code tells."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from actas.api.domain.references import format_reference
from actas.api.services import publishing
from actas.api.settings import Settings
from actas.archive.audience import Audience
from actas.archive.build import BuildOptions, build_archive
from actas.archive.errors import ArchiveError
from tests.archive.conftest import Built
from tests.archive.worlds import _closed
from tests.factories import build_world


def site_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".actas" not in p.relative_to(root).parts
    }


def test_the_shell_passes_mkdocs_build_strict(site: Built) -> None:
    config = site.path / ".actas" / "shell" / "mkdocs.yml"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def test_every_page_has_the_theme_and_no_placeholder(site: Built) -> None:
    pages = list(site.path.glob("**/index.html"))
    assert len(pages) > 40
    for page in pages:
        if ".actas" in page.parts:
            continue
        text = page.read_text()
        assert "ACTAS" not in text.replace(site.slug.upper(), ""), page
        assert 'class="md-header' in text and "assets/archive.css" in text, page


async def test_the_same_data_gives_byte_identical_sites(tmp_path: Path) -> None:
    world = await build_world()
    for n in range(3):
        await _closed(world, f"decision {n}")
    slug = world.organisation.slug
    first, second = tmp_path / "one", tmp_path / "two"
    await build_archive(BuildOptions(output=first, organisations=(slug,)))
    await build_archive(BuildOptions(output=second, organisations=(slug,)))
    files = site_files(first)
    assert len(files) > 30
    assert files == site_files(second)


async def test_a_rebuild_renders_only_changed_decisions_and_removes_unpublished_ones(
    tmp_path: Path,
) -> None:
    world = await build_world()
    decisions = [await _closed(world, f"decision {n}") for n in range(4)]
    slug, admin = world.organisation.slug, await world.viewer("admin")
    out = tmp_path / "site"
    options = BuildOptions(output=out, organisations=(slug,))

    first = await build_archive(options)
    again = await build_archive(options)
    await publishing.set_publishable(admin, decisions[0].id, publishable=True)
    marked = await build_archive(options)
    await _closed(world, "one more")
    grown = await build_archive(options)

    assert (first.new, first.changed, first.unchanged, first.removed) == (4, 0, 0, 0)
    assert first.shell_built and first.shards_indexed == 1
    assert (again.new, again.changed, again.unchanged) == (0, 0, 4)
    assert not again.shell_built and again.shards_indexed == 0
    # Marking it publishable is on its record (its timeline), so its page changes.
    assert (marked.new, marked.changed, marked.unchanged) == (0, 1, 3)
    assert marked.shards_indexed == 1
    assert (grown.new, grown.changed, grown.unchanged) == (1, 0, 4)

    public = tmp_path / "public"
    public_options = BuildOptions(output=public, organisations=(slug,), audience=Audience.PUBLIC)
    reference = format_reference(slug, decisions[0].number)
    shown = await build_archive(public_options)
    assert shown.new == 1 and (public / slug / reference / "index.html").exists()
    await publishing.set_publishable(admin, decisions[0].id, publishable=False)
    hidden = await build_archive(public_options)
    assert (hidden.removed, hidden.decisions) == (1, 0)
    assert not (public / slug / reference).exists()
    assert not (public / slug / f"{reference}.json").exists()
    assert reference not in (public / "sitemap.xml").read_text()


async def test_a_folder_that_is_not_an_archive_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    world = await build_world()
    with pytest.raises(ArchiveError):
        await build_archive(BuildOptions(output=tmp_path, organisations=(world.organisation.slug,)))
    assert names_in(tmp_path) == ["notes.txt"]


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def actas(database: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from actas.api.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "ACTAS_DATABASE_URL": database.database_url},
        check=False,
    )


def test_the_cli_builds_and_its_exit_code_says_whether_it_worked(
    database: Settings, site: Built, tmp_path: Path
) -> None:
    out = tmp_path / "cli"
    ok = actas(
        database, "archive", "build", "-o", site.slug, "--output", str(out), "--language", "en"
    )
    missing = actas(database, "archive", "build", "-o", "no-such-org", "--output", str(out))
    wrong = actas(database, "archive", "build", "--audience", "everyone", "--output", str(out))

    assert ok.returncode == 0, ok.stderr
    assert "decisions:" in ok.stdout and (out / "index.html").exists()
    assert 'lang="en"' in (out / "index.html").read_text()
    assert missing.returncode == 1 and "no-such-org" in missing.stderr
    assert wrong.returncode == 1 and "audience" in wrong.stderr

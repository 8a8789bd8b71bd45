"""Building without the database: ``actas export`` writes what an audience may read as one
versioned JSON file, ``actas archive build --from FILE`` builds from it the very site a build
from the database gives, and a file that is not a complete export of this version is refused by
name before anything is touched."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from actas.api.settings import Settings
from actas.archive.audience import Audience
from actas.archive.build import BuildOptions, build_archive
from actas.archive.errors import ArchiveError, TooFewDecisions
from actas.archive.export import VERSION, json_schema, write_export
from tests.archive.conftest import Built, Exports
from tests.archive.test_build import actas, names_in, site_files
from tests.archive.worlds import _closed
from tests.factories import build_world

SCHEMA = Path(__file__).parents[2] / "docs" / "archive-export.schema.json"
# A database no build from a file may need: nothing listens on port 9.
NO_DATABASE = "postgres://nobody@127.0.0.1:9/nothing"


def actas_without_database(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from actas.api.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "ACTAS_DATABASE_URL": NO_DATABASE},
        check=False,
    )


def laid_out(plain: dict[str, object]) -> bytes:
    """An export's content laid out as ``actas export`` writes it: the header on the first
    line, then one decision per line."""
    decisions = plain.pop("decisions")
    assert isinstance(decisions, list)
    lines = [orjson.dumps(plain)[:-1] + b",", b'"decisions":[']
    lines += [orjson.dumps(d) + b"," for d in decisions[:-1]] + [orjson.dumps(decisions[-1])]
    return b"\n".join([*lines, b"]}", b""])


def every_file(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


async def test_a_build_from_the_export_is_the_build_from_the_database_byte_for_byte(
    site: Built, exports: Exports, demo_slug: str, tmp_path: Path
) -> None:
    out = tmp_path / "from-file"
    report = await build_archive(
        BuildOptions(output=out, from_file=exports.organisation, language="es")
    )

    assert report.decisions == site.report.decisions > 10
    assert site_files(out) == site_files(site.path)


def test_the_cli_exports_and_builds_the_public_site_with_no_database_at_all(
    database: Settings, public_site: Built, tmp_path: Path
) -> None:
    export, out = tmp_path / "decisions.json", tmp_path / "site"
    exported = actas(
        database, "export", "-o", public_site.slug, "--audience", "public", "--output", str(export)
    )
    built = actas_without_database(
        "archive", "build", "--from", str(export), "--output", str(out), "--language", "en"
    )

    assert exported.returncode == 0, exported.stderr
    count = public_site.report.decisions
    assert f"({count} of {public_site.slug}) for the public audience" in exported.stdout
    assert built.returncode == 0, built.stderr
    assert site_files(out) == site_files(public_site.path)
    assert orjson.loads((out / ".actas" / "manifest.json").read_bytes())["published"] == {
        "audience": "public",
        "organisations": [public_site.slug],
        "script_hashes": orjson.loads((public_site.path / ".actas" / "manifest.json").read_bytes())[
            "published"
        ]["script_hashes"],
    }


async def test_a_file_that_is_not_a_complete_export_of_this_version_is_refused_by_name(
    exports: Exports, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    await build_archive(BuildOptions(output=out, from_file=exports.public, language="en"))
    before = every_file(out)
    good = exports.public.read_bytes()
    plain = orjson.loads(good)
    wrong_field = {**plain, "decisions": [{**plain["decisions"][0], "tally": "lots"}]}
    twice = {**plain, "decisions": plain["decisions"][:1] * 2}
    reference = plain["decisions"][0]["reference"]
    bad = {
        "truncated.json": (good[: len(good) // 2], "not complete JSON"),
        "no-end.json": (good[: good.rindex(b"]}")], "not complete JSON"),
        "old.json": (laid_out({**plain, "version": 0}), "export it again"),
        "newer.json": (laid_out({**plain, "version": VERSION + 1}), "upgrade actas"),
        "other.json": (b'{"hello": "world"}', "not an actas export"),
        "field.json": (laid_out(wrong_field), f"decisions.0 ({reference}).tally"),
        "twice.json": (laid_out(twice), f"decision {reference} is there twice"),
        "one-line.json": (orjson.dumps(plain), "not laid out as `actas export` writes it"),
        "indented.json": (json.dumps(plain, indent=2).encode(), "not laid out"),
        "missing.json": (None, "Cannot read"),
    }
    for name, (content, said) in bad.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(ArchiveError, match=re.escape(said)) as refused:
            await build_archive(BuildOptions(output=out, from_file=path))
        assert str(path) in str(refused.value)
        assert every_file(out) == before, name


async def test_a_file_is_built_for_its_own_audience_only(exports: Exports, tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="public audience may read, not the organisation"):
        await build_archive(
            BuildOptions(output=tmp_path, from_file=exports.public, audience=Audience.ORGANISATION)
        )
    with pytest.raises(ArchiveError, match="holds no organisation 'nowhere'"):
        await build_archive(
            BuildOptions(output=tmp_path, from_file=exports.public, organisations=("nowhere",))
        )
    assert names_in(tmp_path) == []


async def test_an_export_with_fewer_decisions_than_expected_leaves_the_last_one_as_it_was(
    tmp_path: Path,
) -> None:
    world = await build_world()
    await _closed(world, "organisation-wide, never marked publishable")
    path = tmp_path / "decisions.json"
    path.write_text("the last export")
    slug = world.organisation.slug

    with pytest.raises(TooFewDecisions, match=r"none of the 1 closed decisions .* publishable"):
        await write_export(Audience.PUBLIC, (slug,), path, expect_decisions=1)
    empty = await write_export(Audience.ORGANISATION, (slug,), tmp_path / "org.json")

    assert path.read_text() == "the last export"
    assert names_in(tmp_path) == ["decisions.json", "org.json"]
    assert empty.decisions == {slug: 1} and empty.empty_because is None


def test_the_documented_schema_is_the_one_the_reader_checks() -> None:
    generated = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("ACTAS_UPDATE_GOLDEN") and not os.environ.get("CI"):
        SCHEMA.write_text(generated)
    assert SCHEMA.read_text() == generated, "regenerate: actas export --schema > " + str(SCHEMA)

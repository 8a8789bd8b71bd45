"""The tests that guard the archive cannot pass by accident: the leak scan finds what is there,
even where Pagefind stores it compressed; the browser tests fail in CI instead of skipping; and
golden files cannot be rewritten when CI is set."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from actas.archive.build import BuildOptions, build_archive
from tests.archive.scan import files_containing
from tests.archive.worlds import _closed
from tests.factories import build_world

ROOT = Path(__file__).resolve().parents[2]


async def test_the_leak_scan_finds_a_marker_inside_pagefinds_compressed_fragments(
    tmp_path: Path,
) -> None:
    # Digits at the end: Pagefind's index holds stemmed words, and a stemmer may cut a trailing
    # letter or two (a hex "…e" or "…es"), which would leave no whole marker in the index.
    marker = f"plantedmarker{uuid.uuid4().int % 10**10:010d}"
    world = await build_world()
    await _closed(world, marker)
    built = tmp_path / "archive"
    await build_archive(BuildOptions(output=built, organisations=(world.organisation.slug,)))

    found = files_containing(built, marker)

    stored = {
        kind: [f for f in found if f.startswith("pagefind/") and f.endswith(kind)]
        for kind in (".pf_fragment", ".pf_index")
    }
    assert stored[".pf_fragment"] and stored[".pf_index"], found
    for name in stored[".pf_fragment"] + stored[".pf_index"]:
        # Stored gzip'd: only a scan that decompresses, as ours does, can see the marker.
        raw = (built / name).read_bytes()
        assert raw[:2] == b"\x1f\x8b" and marker.encode() not in raw


def pytest_run(*args: str, cwd: Path = ROOT, **environ: str) -> subprocess.CompletedProcess[str]:
    """pytest in a fresh process, as CI would start it, with ``environ`` over this one's."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "ACTAS_UPDATE_GOLDEN")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env={**env, **environ},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


NEEDS_A_BROWSER = """
def test_needs_a_browser(browser):
    assert browser is not None
"""


def browser_test_without_chromium(
    tmp_path: Path, **environ: str
) -> subprocess.CompletedProcess[str]:
    """A test using the archive tests' ``browser`` fixture, run where no Chromium is on PATH."""
    test = tmp_path / "test_needs_a_browser.py"
    test.write_text(NEEDS_A_BROWSER)
    return pytest_run(
        "-p",
        "tests.archive.conftest",
        "--rootdir",
        str(tmp_path),
        str(test),
        PATH=str(tmp_path),
        PYTHONPATH=str(ROOT),
        **environ,
    )


def test_without_chromium_the_browser_tests_fail_in_ci(tmp_path: Path) -> None:
    run = browser_test_without_chromium(tmp_path, CI="true")

    assert run.returncode == 1, run.stdout + run.stderr
    assert "Chromium is not installed" in run.stdout
    assert "CI is set: the browser tests must run" in run.stdout
    assert "1 error" in run.stdout


def test_without_chromium_the_browser_tests_skip_loudly_elsewhere(tmp_path: Path) -> None:
    run = browser_test_without_chromium(tmp_path)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout


def test_golden_files_cannot_be_rewritten_when_ci_is_set() -> None:
    golden = ROOT / "tests" / "archive" / "golden" / "decision.svg"
    before = (golden.read_bytes(), golden.stat().st_mtime_ns)

    run = pytest_run(
        "tests/archive/test_golden.py::test_rendered_output_matches_its_golden_file[decision.svg]",
        CI="true",
        ACTAS_UPDATE_GOLDEN="1",
    )

    assert run.returncode == 1, run.stdout + run.stderr
    assert "ACTAS_UPDATE_GOLDEN is refused when CI is set" in run.stdout
    assert (golden.read_bytes(), golden.stat().st_mtime_ns) == before

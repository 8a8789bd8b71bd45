"""The CI workflow's steps, tried end to end: ``docs/ci/publish-archive.sh`` exports from the
database, builds with no database setting at all, and publishes a site a static host serves
(without the build's state, with the export as open data); a second scheduled run finds
nothing changed and publishes the same bytes."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from actas.api.domain.references import format_reference
from actas.api.settings import Settings
from tests.archive.test_export import every_file
from tests.archive.worlds import HostileWorld

SCRIPT = Path(__file__).parents[2] / "docs" / "ci" / "publish-archive.sh"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def static_host(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder and the URL a plain static server serves it at."""
    folder = tmp_path / "www"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def publish(database: Settings, state: Path, host: tuple[Path, str], slug: str) -> str:
    environ = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "ACTAS_DATABASE_URL": database.database_url,
        "ORGANISATION": slug,
        "SITE_URL": host[1],
        "STATE_DIR": str(state),
        "PUBLISH_DIR": str(host[0]),
    }
    run = subprocess.run(
        ["bash", str(SCRIPT)], env=environ, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_the_workflow_script_exports_builds_without_a_database_and_publishes(
    database: Settings, hostile: HostileWorld, static_host: tuple[Path, str], tmp_path: Path
) -> None:
    folder, url = static_host
    slug = hostile.slug
    reference = format_reference(slug, hostile.published.number)

    first = publish(database, tmp_path / "state", static_host, slug)
    published = every_file(folder)
    second = publish(database, tmp_path / "state", static_host, slug)

    with httpx.Client(base_url=url) as client:
        page = client.get(f"{slug}/{reference}/")
        state = client.get(".actas/manifest.json")
        export = client.get("decisions.json")
    assert page.status_code == 200 and f'"{url}{slug}/{reference}/"' in page.text
    assert state.status_code == 404
    assert export.status_code == 200
    assert reference in [d["reference"] for d in orjson.loads(export.content)["decisions"]]
    assert " new, " in first and "0 new, 0 changed" in second
    assert every_file(folder) == published

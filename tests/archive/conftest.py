"""Fixtures for the archive's tests: the demo and a hostile organisation, archived once per
session for each audience and exported for each, served over HTTP under ``/archive/``, and a
headless Chromium.

Browser tests use Debian's ``chromium`` through Playwright (``tests/browsers.py``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from actas.api.demo.load import load_demo
from actas.api.settings import Settings
from actas.archive.audience import Audience
from actas.archive.build import BuildOptions, BuildReport, build_archive
from actas.archive.export import write_export
from tests.archive.worlds import HostileWorld, hostile_world
from tests.browsers import chromium


@dataclass
class Built:
    path: Path
    report: BuildReport
    slug: str  # the hostile organisation's


@pytest.fixture(scope="session")
async def hostile(database: Settings) -> HostileWorld:
    return await hostile_world()


@pytest.fixture(scope="session")
async def demo_slug(database: Settings) -> str:
    return (await load_demo()).organisation_slug


@pytest.fixture(scope="session")
async def site(
    hostile: HostileWorld, demo_slug: str, tmp_path_factory: pytest.TempPathFactory
) -> Built:
    """The organisation archive of the demo and the hostile organisation (www/archive/)."""
    path = tmp_path_factory.mktemp("www") / "archive"
    options = BuildOptions(output=path, organisations=(demo_slug, hostile.slug), language="es")
    return Built(path, await build_archive(options), hostile.slug)


@pytest.fixture(scope="session")
async def public_site(hostile: HostileWorld, tmp_path_factory: pytest.TempPathFactory) -> Built:
    path = tmp_path_factory.mktemp("public") / "archive"
    options = BuildOptions(
        output=path, organisations=(hostile.slug,), audience=Audience.PUBLIC, language="en"
    )
    return Built(path, await build_archive(options), hostile.slug)


@dataclass
class Exports:
    organisation: Path  # what the ``site`` fixture was built from: the demo and the hostile one
    public: Path  # what ``public_site`` was built from: the hostile organisation


@pytest.fixture(scope="session")
async def exports(
    hostile: HostileWorld, demo_slug: str, tmp_path_factory: pytest.TempPathFactory
) -> Exports:
    """The export files of what the two session archives were built from."""
    folder = tmp_path_factory.mktemp("exports")
    organisation, public = folder / "organisation.json", folder / "public.json"
    await write_export(Audience.ORGANISATION, (demo_slug, hostile.slug), organisation)
    await write_export(Audience.PUBLIC, (hostile.slug,), public)
    return Exports(organisation, public)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def served(site: Built) -> Iterator[str]:
    """The organisation archive at http://127.0.0.1:<port>/archive/ (a stdlib server)."""
    handler = functools.partial(_QuietHandler, directory=str(site.path.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/archive/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it
    # is open, which async tests of other modules cannot share.
    with chromium() as launched:
        yield launched

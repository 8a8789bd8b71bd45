"""``/p/<reference>`` without a personal key: a published decision opens on its archive page;
anything else shows the page that asks for a personal link (``tests/pages`` covers the keys)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from graphql import parse, validate

from actas.api.app import INBOX_QUERY, create_app
from actas.api.settings import Settings, load_settings
from actas.schema.root import build_schema


def app_settings(database: Settings, archive: Path, mode: str) -> Settings:
    return load_settings(
        {
            "ACTAS_ENV": mode,
            "ACTAS_DATABASE_URL": database.database_url,
            "ACTAS_ARCHIVE_DIR": str(archive),
            "ACTAS_SECRET_KEY": "a production secret key of the test suite, 32+ chars",
        }
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    page = tmp_path / "acme" / "ACME-3" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<h1>ACME-3</h1>")
    # A public build says so in its manifest (the API serves no archive that does not say).
    manifest = {"published": {"audience": "public", "organisations": ["acme"], "script_hashes": []}}
    (tmp_path / ".actas").mkdir()
    (tmp_path / ".actas" / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


async def follow_link(settings: Settings, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://actas") as client:
        return await client.get(path)


async def test_a_published_decision_opens_on_its_archive_page(
    database: Settings, archive: Path
) -> None:
    for mode in ("development", "production"):
        for reference in ("ACME-3", "acme-3"):
            response = await follow_link(app_settings(database, archive, mode), f"/p/{reference}")
            assert response.status_code == 307
            assert response.headers["location"] == "/archive/acme/ACME-3/"


async def test_an_unpublished_proposal_asks_for_the_personal_link_from_an_email(
    database: Settings, archive: Path
) -> None:
    for mode in ("development", "production"):
        response = await follow_link(app_settings(database, archive, mode), "/p/acme-4")

        assert response.status_code == 200
        assert "Ábrala desde su correo" in response.text
        assert 'action="/p/acme-4/link"' in response.text


async def test_the_link_of_a_digest_opens_what_awaits_the_reader(
    database: Settings, archive: Path
) -> None:
    settings = app_settings(database, archive, "development")
    # A digest links to the template without a reference.
    link = urlsplit(settings.link_template.format(reference="").rstrip("/"))
    for path in (link.path, link.path + "/"):
        response = await follow_link(settings, path)
        assert response.status_code == 307
        location = urlsplit(response.headers["location"])
        assert location.path == "/graphql"
        assert "waitingForMe" in parse_qs(location.query)["q"][0]
    production = await follow_link(app_settings(database, archive, "production"), link.path)
    assert production.status_code == 404 and "ACTAS_LINK_TEMPLATE" in production.text


async def test_what_is_not_a_reference_finds_nothing(database: Settings, archive: Path) -> None:
    settings = app_settings(database, archive, "development")
    for path in ("/p/ACME", "/p/..-3", "/p/acme.3-3", "/p/%2E%2E-3"):
        response = await follow_link(settings, path)
        assert response.status_code == 404, path


def test_the_queries_the_links_open_are_valid_against_the_schema(database: Settings) -> None:
    schema = build_schema(database)
    assert validate(schema._schema, parse(INBOX_QUERY)) == []

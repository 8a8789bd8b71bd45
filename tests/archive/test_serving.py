"""The API serves an archive only to whom its build is for: a public build to anyone; a members'
build to a signed-in member (bearer token or sign-in cookie), each organisation's pages and
search index to its own members; a build that does not say who it is for, to nobody. Every
response carries the security headers."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from actas.api.app import create_app
from actas.api.archive_session import COOKIE, SALT, SESSION_SECONDS
from actas.api.domain.references import format_reference
from actas.api.models import ApiToken
from actas.api.services.tokens import hash_token, revoke_token
from actas.api.settings import Settings
from actas.archive.build import BuildOptions, build_archive
from tests.archive.conftest import Built
from tests.archive.worlds import ONLY_IN_ARGUMENT, HostileWorld, _closed
from tests.factories import World, build_world
from tests.schema.client import Api, token

HTML = {"Accept": "text/html,application/xhtml+xml"}


@dataclasses.dataclass
class OwnArchive:
    """A members' archive of one organisation, decisions titled so they can be recognised."""

    world: World
    path: Path
    reference: str


@pytest.fixture(scope="module")
async def own(tmp_path_factory: pytest.TempPathFactory) -> OwnArchive:
    world = await build_world()
    decision = await _closed(world, "Recognisable decision")
    path = tmp_path_factory.mktemp("own") / "archive"
    await build_archive(BuildOptions(output=path, organisations=(world.organisation.slug,)))
    return OwnArchive(world, path, format_reference(world.organisation.slug, decision.number))


@dataclasses.dataclass
class Pair:
    """A members' archive of the hostile organisation and another one."""

    path: Path
    other: str  # the other organisation's slug


@pytest.fixture(scope="module")
async def pair(hostile: HostileWorld, tmp_path_factory: pytest.TempPathFactory) -> Pair:
    other = await build_world()
    await _closed(other, "Another organisation's decision")
    path = tmp_path_factory.mktemp("pair") / "archive"
    slugs = (hostile.slug, other.organisation.slug)
    await build_archive(BuildOptions(output=path, organisations=slugs))
    return Pair(path, other.organisation.slug)


def serving(database: Settings, archive: Path) -> httpx.AsyncClient:
    return Api.on(create_app(dataclasses.replace(database, archive_dir=archive)))


@pytest.fixture
async def members(database: Settings, pair: Pair) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(database, pair.path) as client:
        yield client


@pytest.fixture
async def own_client(database: Settings, own: OwnArchive) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(database, own.path) as client:
        yield client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def sign_in(client: httpx.AsyncClient, secret: str, target: str) -> httpx.Response:
    return await client.post("/archive/login", data={"token": secret, "next": target})


def decision_path(hostile: HostileWorld) -> str:
    reference = format_reference(hostile.slug, hostile.published.number)
    return f"/archive/{hostile.slug}/{reference}/"


async def test_a_members_build_sends_a_browser_without_credentials_to_sign_in(
    members: httpx.AsyncClient, hostile: HostileWorld
) -> None:
    page = await members.get(decision_path(hostile), headers=HTML)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/archive/login?next=%2Farchive%2F")
    assert "Published" not in page.text

    scripted = await members.get(decision_path(hostile))
    assert scripted.status_code == 401
    assert scripted.headers["www-authenticate"].startswith("Bearer")
    assert "Published" not in scripted.text


async def test_every_members_only_file_is_refused_without_credentials(
    members: httpx.AsyncClient, pair: Pair
) -> None:
    files = [p.relative_to(pair.path).as_posix() for p in pair.path.rglob("*") if p.is_file()]
    refused = [f for f in sorted(files) if not f.startswith(("assets/", ".actas/"))]
    assert any(f.startswith("pagefind/") and "/fragment/" in f for f in refused)
    for relative in refused:
        response = await members.get(f"/archive/{relative}")
        assert response.status_code == 401, relative
    assert (await members.get("/archive/")).status_code == 401
    assert (await members.get("/archive/assets/archive.css")).status_code == 200


async def test_a_folder_that_is_no_organisation_gets_the_answer_of_one_you_are_not_in(
    members: httpx.AsyncClient, hostile: HostileWorld, pair: Pair
) -> None:
    unknown = await members.get("/archive/no-such-org/", headers=HTML)
    existing = await members.get(f"/archive/{hostile.slug}/", headers=HTML)
    assert unknown.status_code == existing.status_code == 303
    assert unknown.headers["location"].startswith("/archive/login?next=")

    # A member of the hostile organisation only: the other's folder and a made-up one alike.
    secret = await token(hostile.world, "mara")
    other = await members.get(f"/archive/{pair.other}/", headers=bearer(secret))
    made_up = await members.get("/archive/no-such-org/", headers=bearer(secret))
    assert other.status_code == made_up.status_code == 404
    assert other.text == made_up.text
    assert other.headers["content-length"] == made_up.headers["content-length"]


async def test_a_member_reads_their_organisation_with_a_token(
    members: httpx.AsyncClient, hostile: HostileWorld
) -> None:
    secret = await token(hostile.world, "mara")
    page = await members.get(decision_path(hostile), headers=bearer(secret))
    assert page.status_code == 200
    assert "Published" in page.text and 'class="md-header' in page.text
    # No shared cache may keep it for others; the browser asks again before showing it.
    assert page.headers["cache-control"] == "private, no-cache"


async def test_a_member_of_some_organisations_gets_only_theirs_and_search_over_theirs(
    members: httpx.AsyncClient, hostile: HostileWorld, pair: Pair
) -> None:
    headers = bearer(await token(hostile.world, "mara"))
    home = await members.get("/archive/", headers=headers)
    assert home.status_code == 303 and home.headers["location"] == f"/archive/{hostile.slug}/"
    for listing in ("feed.xml", "sitemap.xml", "archive.json", "index.html"):
        response = await members.get(f"/archive/{listing}", headers=headers)
        assert response.status_code in {303, 404}, listing
        assert pair.other not in response.text
    assert (await members.get("/archive/search/", headers=headers)).status_code == 200

    shards = await members.get("/archive/pagefind/shards.json", headers=headers)
    every = orjson.loads((pair.path / "pagefind" / "shards.json").read_bytes())
    assert any(s.startswith(pair.other) for s in every)
    assert shards.json() == [s for s in every if s.startswith(f"{hostile.slug}-")] != []


async def test_search_fragments_are_for_their_organisations_members_only(
    members: httpx.AsyncClient, hostile: HostileWorld, pair: Pair
) -> None:
    fragments = sorted((pair.path / "pagefind").glob(f"{hostile.slug}-0/fragment/*"))
    holding = [f for f in fragments if ONLY_IN_ARGUMENT.encode() in _gunzip(f.read_bytes())]
    assert holding, "the word is in one fragment of the hostile organisation's shard"
    path = f"/archive/{holding[0].relative_to(pair.path).as_posix()}"

    assert (await members.get(path)).status_code == 401
    outsider = await build_world()
    outsider_token = await token(outsider, "admin")
    assert (await members.get(path, headers=bearer(outsider_token))).status_code == 404
    member = await members.get(path, headers=bearer(await token(hostile.world, "ana")))
    assert member.status_code == 200 and ONLY_IN_ARGUMENT.encode() in _gunzip(member.content)


def _gunzip(raw: bytes) -> bytes:
    import gzip

    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


async def test_a_member_signs_in_once_in_the_browser_and_reads_with_the_cookie(
    own_client: httpx.AsyncClient, own: OwnArchive
) -> None:
    form = await own_client.get("/archive/login?next=/archive/", headers=HTML)
    assert form.status_code == 200 and 'name="token"' in form.text and "<script" not in form.text

    secret = await token(own.world, "ana")
    signed_in = await sign_in(own_client, secret, f"/archive/{own.world.organisation.slug}/")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == f"/archive/{own.world.organisation.slug}/"
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/;" in cookie
    assert secret not in cookie and hash_token(secret) not in cookie

    home = await own_client.get("/archive/", headers=HTML)
    page = await own_client.get(f"/archive/{own.world.organisation.slug}/{own.reference}/")
    assert home.status_code == 200 and "Recognisable decision" in home.text
    assert page.status_code == 200 and "Recognisable decision" in page.text


async def test_signing_out_is_a_post_and_ends_the_cookie(
    own_client: httpx.AsyncClient, own: OwnArchive
) -> None:
    await sign_in(own_client, await token(own.world, "ana"), "/archive/")
    assert (await own_client.get("/archive/logout")).status_code == 405  # GET changes nothing
    assert (await own_client.get("/archive/")).status_code == 200

    signed_out = await own_client.post("/archive/logout")
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/archive/login"
    assert (await own_client.get("/archive/", headers=HTML)).status_code == 303


async def test_a_wrong_token_is_refused_at_sign_in_and_sets_no_cookie(
    own_client: httpx.AsyncClient,
) -> None:
    refused = await sign_in(own_client, "actas_not-a-token", "/archive/")
    assert refused.status_code == 401 and "not valid" in refused.text
    assert "set-cookie" not in refused.headers


async def test_revoking_the_token_ends_the_cookie_and_the_bearer_at_once(
    own_client: httpx.AsyncClient, own: OwnArchive
) -> None:
    secret = await token(own.world, "teo")
    await sign_in(own_client, secret, "/archive/")
    assert (await own_client.get("/archive/")).status_code == 200

    row = await ApiToken.get(token_hash=hash_token(secret))
    await revoke_token(row.user_id, row.id)

    assert (await own_client.get("/archive/", headers=HTML)).status_code == 303
    own_client.cookies.clear()
    assert (await own_client.get("/archive/", headers=bearer(secret))).status_code == 401


async def test_a_forged_or_expired_cookie_is_no_sign_in(
    own_client: httpx.AsyncClient, own: OwnArchive, database: Settings
) -> None:
    secret = await token(own.world, "mara")
    await sign_in(own_client, secret, "/archive/")
    genuine = own_client.cookies[COOKIE]
    row = await ApiToken.get(token_hash=hash_token(secret))
    claim = URLSafeTimedSerializer("unused").load_payload(_payload(genuine))
    assert claim["token"] == row.id

    forged = URLSafeTimedSerializer("another key" * 4, salt=SALT).dumps(claim)
    tampered = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    # Signed with the server's own key, but longer ago than a sign-in lasts.
    expired = URLSafeTimedSerializer(database.signing_key, salt=SALT, signer=_LongAgoSigner).dumps(
        claim
    )
    for value in (forged, tampered, expired):
        own_client.cookies.clear()
        own_client.cookies.set(COOKIE, value, path="/archive")
        response = await own_client.get("/archive/", headers=HTML)
        assert response.status_code == 303, value
    own_client.cookies.clear()
    own_client.cookies.set(COOKIE, genuine, path="/archive")
    assert (await own_client.get("/archive/")).status_code == 200


class _LongAgoSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - SESSION_SECONDS - 60


def _payload(cookie: str) -> bytes:
    """The signed value's payload part (``payload.timestamp.signature``)."""
    return cookie.rsplit(".", 2)[0].encode()


async def test_sign_in_returns_only_inside_the_archive_and_only_from_its_own_form(
    own_client: httpx.AsyncClient, own: OwnArchive
) -> None:
    secret = await token(own.world, "ana")
    for target in ("https://evil.example/", "//evil.example/archive/", "/graphql", "/archive\\x"):
        response = await sign_in(own_client, secret, target)
        assert response.headers["location"] == "/archive/", target
    cross_site = await own_client.post(
        "/archive/login",
        data={"token": secret, "next": "/archive/"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403 and "set-cookie" not in cross_site.headers


async def test_a_public_build_is_served_to_anyone_but_never_its_state(
    database: Settings, public_site: Built, hostile: HostileWorld
) -> None:
    async with serving(database, public_site.path) as client:
        home = await client.get("/archive/")
        page = await client.get(decision_path(hostile))
        state = await client.get("/archive/.actas/manifest.json")
    assert home.status_code == 200 and page.status_code == 200
    assert "private" not in page.headers.get("cache-control", "")
    assert state.status_code == 404


async def test_a_build_that_does_not_say_who_it_is_for_is_not_served(
    database: Settings, own: OwnArchive, tmp_path: Path
) -> None:
    bare = tmp_path / "bare"
    (bare / "org").mkdir(parents=True)
    (bare / "index.html").write_text("<h1>Somebody's archive</h1>")
    (bare / "org" / "index.html").write_text("<h1>Org</h1>")
    unknown = tmp_path / "unknown"
    (unknown / ".actas").mkdir(parents=True)
    (unknown / "index.html").write_text("<h1>Somebody's archive</h1>")
    manifest = {"published": {"audience": "friends", "organisations": [], "script_hashes": []}}
    (unknown / ".actas" / "manifest.json").write_bytes(orjson.dumps(manifest))
    secret = await token(own.world, "admin")
    for archive in (bare, unknown):
        async with serving(database, archive) as client:
            for path in ("/archive/", "/archive/org/"):
                response = await client.get(path, headers=bearer(secret))
                assert response.status_code == 404 and "Somebody" not in response.text


async def test_an_email_link_never_tells_outsiders_whether_a_members_decision_exists(
    own_client: httpx.AsyncClient, own: OwnArchive
) -> None:
    slug = own.world.organisation.slug
    existing = await own_client.get(f"/p/{own.reference}")
    missing = await own_client.get(f"/p/{slug}-9999")
    made_up = await own_client.get("/p/nosuchorg-1")
    assert existing.status_code == missing.status_code == made_up.status_code == 307
    for response, reference in ((existing, own.reference), (missing, f"{slug.upper()}-9999")):
        assert response.headers["location"] == f"/archive/login?next=%2Fp%2F{reference}"


async def test_an_email_link_brings_a_member_through_sign_in_to_the_decision(
    own_client: httpx.AsyncClient, own: OwnArchive
) -> None:
    slug = own.world.organisation.slug
    asked = await own_client.get(f"/p/{own.reference}")
    target = parse_qs(urlsplit(asked.headers["location"]).query)["next"][0]

    signed_in = await sign_in(own_client, await token(own.world, "ana"), target)
    assert signed_in.headers["location"] == f"/p/{own.reference}"
    again = await own_client.get(signed_in.headers["location"])
    assert again.headers["location"] == f"/archive/{slug}/{own.reference}/"
    # Not archived (yet): the page asks for the personal link from an email, as for a
    # reference that does not exist.
    unarchived = await own_client.get(f"/p/{slug}-9999")
    assert unarchived.status_code == 200 and f'action="/p/{slug}-9999/link"' in unarchived.text


async def test_every_response_says_nosniff_no_frames_and_no_referrer_elsewhere(
    own_client: httpx.AsyncClient, own: OwnArchive
) -> None:
    secret = await token(own.world, "ana")
    responses = {
        "graphql": await own_client.post(
            "/graphql", json={"query": "{ __typename }"}, headers=bearer(secret)
        ),
        "graphiql": await own_client.get("/graphql", headers=HTML),
        "link": await own_client.get("/p/nothing"),
        "login": await own_client.get("/archive/login"),
        "archive": await own_client.get("/archive/", headers=bearer(secret)),
        "refused": await own_client.get("/archive/"),
        "asset": await own_client.get("/archive/assets/archive.css"),
    }
    for name, response in responses.items():
        assert response.headers["x-content-type-options"] == "nosniff", name
        assert response.headers["x-frame-options"] == "DENY", name
        assert response.headers["referrer-policy"] == "same-origin", name
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], name
    assert responses["graphql"].headers["content-security-policy"].startswith("default-src 'none'")
    archive_policy = responses["archive"].headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in archive_policy
    assert "'unsafe-inline'" not in archive_policy.split("script-src")[1].split(";")[0]

"""The ``actas`` command as an operator runs it: a real process on a temporary SQLite file
(whatever database the rest of the suite uses), in a temporary working folder.

One demo database is built per module and shared; a test that must damage it works on a copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ACTAS = str(Path(sys.executable).with_name("actas"))
TOKEN = re.compile(r"\bactas_[A-Za-z0-9_-]{20,}")


@dataclass(frozen=True)
class Place:
    """A working folder with its own SQLite database."""

    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / "actas.sqlite3"

    @property
    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACTAS_")}
        return {**env, "ACTAS_DATABASE_URL": f"sqlite://{self.database}"}

    def run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ACTAS, *arguments],
            cwd=self.folder,
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def copy(self, folder: Path) -> Place:
        folder.mkdir()
        for part in self.folder.glob("actas.sqlite3*"):
            # A -shm file goes when the last connection to the database closes: another test's
            # command may close it between the listing and the copy (SQLite rebuilds it).
            with contextlib.suppress(FileNotFoundError):
                shutil.copy(part, folder / part.name)
        return Place(folder)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Place, str]:
    """A migrated database with the demo organisation, and what `actas demo` printed."""
    place = Place(tmp_path_factory.mktemp("demo"))
    ok(place.run("db", "migrate"))
    return place, ok(place.run("demo", "--no-serve"))


def test_db_migrate_creates_the_database_and_can_run_again(tmp_path: Path) -> None:
    place = Place(tmp_path)

    first = ok(place.run("db", "migrate"))
    again = ok(place.run("db", "migrate"))

    assert first == again == f"Database up to date: sqlite://{place.database}\n"
    with sqlite3.connect(place.database) as connection:
        applied = [row[0] for row in connection.execute("SELECT name FROM tortoise_migrations")]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    migrations = sorted(
        p.stem for p in (Path(__file__).parents[2] / "api" / "migrations").glob("0*.py")
    )
    assert sorted(applied) == migrations
    assert {"organisation", "proposal", "argument", "event", "api_token"} <= tables


def test_commands_refuse_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    result = Place(tmp_path).run("token", "create", "--email", "early@example.org", "--name", "E")

    assert result.returncode == 1
    assert "run `actas db migrate`" in result.stderr
    assert not TOKEN.search(result.stdout)


def test_token_create_prints_a_token_that_is_stored_only_as_a_hash(tmp_path: Path) -> None:
    place = Place(tmp_path)
    ok(place.run("db", "migrate"))

    printed = ok(
        place.run(
            "token", "create", "--email", "Ops@Example.org", "--name", "Ops", "--scope", "read"
        )
    ).strip()

    assert TOKEN.fullmatch(printed)
    with sqlite3.connect(place.database) as connection:
        rows = connection.execute(
            "SELECT t.token_hash, t.scope, t.label, u.email, u.name FROM api_token t "
            "JOIN user u ON u.id = t.user_id"
        ).fetchall()
    assert rows == [
        (hashlib.sha256(printed.encode()).hexdigest(), "read", "cli", "ops@example.org", "Ops")
    ]


def test_token_create_refuses_a_bad_lifetime(tmp_path: Path) -> None:
    place = Place(tmp_path)
    ok(place.run("db", "migrate"))

    result = place.run("token", "create", "--email", "x@example.org", "--name", "X", "--days", "0")

    assert result.returncode == 1
    assert result.stderr.strip() == "error: A token lasts 1 to 366 days."


def test_demo_loads_the_organisation_once_and_prints_a_working_token(
    demo: tuple[Place, str],
) -> None:
    place, printed = demo

    again = ok(place.run("demo", "--no-serve"))

    assert re.search(r"Loaded the demo organisation 'brisa': \d+ people", printed)
    assert re.search(r"Found the demo organisation 'brisa': \d+ people", again)
    first_token, second_token = TOKEN.search(printed), TOKEN.search(again)
    assert first_token and second_token
    assert first_token.group() != second_token.group()  # a fresh token each time
    assert f"Database: sqlite://{place.database}" in printed


def test_demo_prints_no_url_with_the_token_but_the_headers_to_paste(
    demo: tuple[Place, str],
) -> None:
    _place, printed = demo
    token = TOKEN.search(printed)
    assert token

    urls = re.findall(r"\w+://\S+", printed)
    [headers] = [line for line in printed.splitlines() if "Headers tab" in line]

    assert "http://127.0.0.1:8000/graphql" in urls
    assert not [url for url in urls if token.group() in url]  # history, logs, screenshots
    assert json.loads(headers.split(": ", 1)[1]) == {"Authorization": f"Bearer {token.group()}"}


def _found(place: Place, term: str) -> list[int]:
    """The proposals the full-text index finds by one stemmed term."""
    with sqlite3.connect(place.database) as connection:
        rows = connection.execute(
            "SELECT rowid FROM proposal_fts WHERE proposal_fts MATCH ? ORDER BY rowid", (term,)
        )
        return [row[0] for row in rows]


def _derived(place: Place) -> tuple[list[Any], int]:
    """Every keyphrase, and how many proposals have an embedding."""
    with sqlite3.connect(place.database) as connection:
        phrases = connection.execute(
            "SELECT proposal_id, key, phrase FROM keyphrase ORDER BY proposal_id, key"
        ).fetchall()
        (embedded,) = connection.execute("SELECT count(*) FROM proposal_embedding").fetchone()
    return phrases, embedded


def test_db_reindex_rebuilds_the_search_index(demo: tuple[Place, str], tmp_path: Path) -> None:
    place, _printed = demo
    wiped = place.copy(tmp_path / "wiped")
    with sqlite3.connect(wiped.database) as connection:
        connection.execute("DELETE FROM search_text")
        connection.execute("DELETE FROM proposal_fts")
        connection.execute("DELETE FROM keyphrase")
        connection.execute("DELETE FROM proposal_embedding")

    before = _found(wiped, "triaj")
    printed = ok(wiped.run("db", "reindex"))
    one = ok(wiped.run("db", "reindex", "--organisation", "brisa"))
    unknown = wiped.run("db", "reindex", "--organisation", "nope")

    assert before == [] and _found(wiped, "triaj") == _found(place, "triaj") != []
    assert _derived(wiped) == _derived(place)
    # The analytics extra is installed (the test extra asks for it): embeddings too.
    assert re.fullmatch(r"Indexed \d+ proposals \(terms, keyphrases and embeddings\)\.\n", printed)
    assert one == printed
    assert unknown.returncode == 1 and "No organisation 'nope'." in unknown.stderr


def test_the_migration_that_creates_the_index_indexes_what_was_written_before(
    demo: tuple[Place, str], tmp_path: Path
) -> None:
    place, _printed = demo
    older = place.copy(tmp_path / "older")
    with sqlite3.connect(older.database) as connection:
        connection.execute("DROP TABLE proposal_fts")
        connection.execute("DROP TABLE search_text")
        connection.execute("DELETE FROM tortoise_migrations WHERE name = '0010_search_index'")

    ok(older.run("db", "migrate"))

    assert _found(older, "triaj") == _found(place, "triaj") != []
    assert _found(older, "tiend") == _found(place, "tiend")


def test_verify_walks_every_chain_and_fails_after_tampering(
    demo: tuple[Place, str], tmp_path: Path
) -> None:
    place, _printed = demo
    tampered = place.copy(tmp_path / "tampered")

    intact = place.run("verify")
    with sqlite3.connect(tampered.database) as connection:
        # What an intruder with write access to the file could do: lift the append-only guard
        # and rewrite history.
        connection.execute("DROP TRIGGER event_no_update")
        (seq,) = connection.execute(
            "SELECT seq FROM event WHERE type = 'argument.added' ORDER BY seq LIMIT 1"
        ).fetchone()
        connection.execute(
            'UPDATE event SET payload = replace(payload, \'"body":\', \'"body":"Not said","x":\') '
            "WHERE type = 'argument.added' AND seq = ?",
            (seq,),
        )
    broken = tampered.run("verify")

    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert re.search(r"^ok     brisa: \d+ events$", intact.stdout, re.MULTILINE)
    assert intact.stdout.strip().endswith("chains intact.")
    assert broken.returncode == 1
    assert re.search(r"^BROKEN brisa: ", broken.stdout, re.MULTILINE)
    assert "chains intact" not in broken.stdout


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(demo: tuple[Place, str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`actas serve` on a copy of the demo database: (base URL, the demo's token)."""
    place, printed = demo
    served = place.copy(tmp_path / "served")
    match = TOKEN.search(printed)
    assert match
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [ACTAS, "serve", "--port", str(port)],
        cwd=served.folder,
        env=served.environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(200):  # up to ~20 s
            if process.poll() is not None:
                break
            try:
                if httpx.get(f"{base}/healthz", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("actas serve did not answer /healthz")
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        yield base, match.group()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_actas_serve_answers_graphql_over_the_network(server: tuple[str, str]) -> None:
    base, secret = server
    query = """{ viewer { user { name } organisations { slug } }
               organisation(slug: "brisa") { proposals(first: 3, states: [ACCEPTED]) {
                 nodes { reference decision { outcome } } } } }"""

    with httpx.Client(base_url=base, timeout=30) as client:
        answer = client.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {secret}"}
        )
        refused = client.post("/graphql", json={"query": query})
        home = client.get("/", follow_redirects=False)

    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["viewer"]["organisations"] == [{"slug": "brisa"}]
    proposals = data["organisation"]["proposals"]["nodes"]
    assert len(proposals) == 3
    assert all(p["reference"].startswith("BRISA-") for p in proposals)
    assert {p["decision"]["outcome"] for p in proposals} == {"ACCEPTED"}
    assert refused.status_code == 401
    assert (home.status_code, home.headers["location"]) == (307, "/graphql")

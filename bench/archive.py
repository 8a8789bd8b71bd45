# ruff: noqa: E501
"""Benchmark of the decision archive: ``python bench/archive.py [N]`` (default 10,000).

Generates N synthetic closed decisions (each ~25 threaded arguments, 5 positions, ~5 KB of text,
events on the hash chain, 8 keyphrases drawn from a pool of 600 phrases with Zipf weights, so
the organisation page has themes to count) in a scratch SQLite database, then measures:
- the full build: time, peak memory of the whole process tree (sampled), output size, bytes per
  decision page, search index size;
- the first search: what Chromium fetches for a first query on the search page (all requests,
  and those of the search itself), raw and gzip-compressed; then, in another page, the same
  search and what opening its filters adds (``archive_search_bytes.py``);
- republishing after one decision changes (an admin marks it publishable: its timeline grows);
- building without the database: ``actas export`` of every decision (time, peak memory, file
  size), then a full build from that file into a new folder (time, peak memory), checked to
  give the same site byte for byte.
Data are inserted in bulk, not through the services, to keep generation short; the archive reads
them exactly as it reads real data. The load average is printed before and after each build:
other work on the machine inflates times (not memory or sizes).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
from archive_search_bytes import search_bytes

from actas.api import db
from actas.api.demo import data as demo_data
from actas.api.domain.events import GENESIS_HASH, chain
from actas.api.domain.text_search import terms
from actas.api.domain.vocabulary import Language
from actas.api.models import (
    Argument,
    Decision,
    DecisionCitation,
    Event,
    Keyphrase,
    Membership,
    Organisation,
    Position,
    Proposal,
    ProposalTag,
    ProposalVersion,
    Unit,
    User,
)
from actas.api.services import publishing
from actas.api.services.access import load_viewer
from actas.api.settings import load_settings
from actas.archive.audience import Audience
from actas.archive.build import BuildOptions, build_archive
from actas.archive.export import write_export

START = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
rng = random.Random(42)
WORDS = sorted(
    {
        w.lower()
        for w in re.findall(r"[A-Za-zÁÉÍÓÚáéíóúñ]{4,}", Path(demo_data.__file__).read_text())
    }
)
WEIGHTS = [1 / (rank + 1) ** 0.9 for rank in range(len(WORDS))]


def text(words: int) -> str:
    return " ".join(rng.choices(WORDS, WEIGHTS, k=words)).capitalize() + "."


# Keyphrases by their own generator, so the rest of the data is what it was before them: 8 a
# decision, drawn from 600 phrases of one to three words, the commonest in ~7 % of decisions.
phrase_rng = random.Random(7)
PHRASES = sorted({" ".join(phrase_rng.sample(WORDS, phrase_rng.randint(1, 3))) for _ in range(600)})
PHRASE_WEIGHTS = [1 / (rank + 1) ** 0.8 for rank in range(len(PHRASES))]
PHRASE_KEYS = {phrase: " ".join(terms(phrase, Language.ES)) for phrase in PHRASES}


def keyphrases(organisation: Organisation, proposal: Proposal) -> list[Keyphrase]:
    chosen: dict[str, str] = {}
    while len(chosen) < 8:
        [phrase] = phrase_rng.choices(PHRASES, PHRASE_WEIGHTS)
        chosen.setdefault(PHRASE_KEYS[phrase], phrase)
    return [
        Keyphrase(organisation=organisation, proposal=proposal, key=key, phrase=phrase)
        for key, phrase in chosen.items()
    ]


class PeakMemory:
    """Samples the RSS of this process and its children every 50 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def generate(n: int) -> tuple[int, int]:
    """N closed decisions in one organisation; returns (organisation id, admin user id)."""
    organisation = await Organisation.create(
        slug="bench", name="Bench", language="es", created_at=START, updated_at=START
    )
    units = [
        await Unit.create(organisation=organisation, name=f"Unidad {i}", created_at=START)
        for i in range(6)
    ]
    users = await User.bulk_create(
        [
            User(name=f"Persona {i}", email=f"p{i}@bench.example", created_at=START)
            for i in range(30)
        ]
    )
    users = await User.filter(email__endswith="@bench.example").order_by("id")
    await Membership.bulk_create(
        [
            Membership(
                organisation=organisation, user=u, unit=units[i % 6], created_at=START,
                updated_at=START, role="admin" if i == 0 else "member",
            )
            for i, u in enumerate(users)
        ]
    )  # fmt: skip
    ids = [u.id for u in users]
    seq, head = 0, GENESIS_HASH
    for start in range(0, n, 500):
        batch = range(start + 1, min(n, start + 500) + 1)
        proposals = []
        for number in batch:
            opened = START + timedelta(hours=3 * number)
            proposals.append(
                Proposal(
                    organisation=organisation, number=number, title=text(8)[:200],
                    summary=text(25), body=text(180), author_id=rng.choice(ids),
                    unit=rng.choice(units), rule="consent", threshold=0.5, quorum=0.5,
                    state=rng.choice(["accepted"] * 6 + ["rejected", "abandoned", "withdrawn"]),
                    created_at=opened - timedelta(hours=1), updated_at=opened,
                    opened_at=opened, closed_at=opened + timedelta(days=rng.randint(2, 30)),
                )
            )  # fmt: skip
        await Proposal.bulk_create(proposals)
        stored = await Proposal.filter(organisation=organisation, number__in=list(batch))
        versions, arguments, positions, decisions, tags, pending = [], [], [], [], [], []
        phrases = []
        for p in stored:
            phrases += keyphrases(organisation, p)
            versions.append(
                ProposalVersion(
                    organisation=organisation, proposal=p, number=1, title=p.title,
                    summary=p.summary, body=p.body, change_note="First draft.",
                    author_id=p.author_id, created_at=p.created_at,
                )
            )  # fmt: skip
            tags += [ProposalTag(organisation=organisation, proposal=p, tag=t)
                     for t in rng.sample(["checkout", "crm", "nps", "datos", "tiendas"], 2)]  # fmt: skip
            pending.append((p.id, p.author_id, "proposal.drafted", {"n": p.number}, p.created_at))
            pending.append((p.id, p.author_id, "proposal.opened", {}, p.opened_at))
            for k in range(25):
                at = p.opened_at + timedelta(minutes=10 * (k + 1))
                arguments.append(
                    Argument(
                        organisation=organisation, proposal=p, stance=rng.choice(
                            ["for", "against", "question", "comment"]),
                        body=text(rng.randint(15, 30)), author_id=rng.choice(ids),
                        proposal_version=1, created_at=at,
                    )
                )  # fmt: skip
                pending.append((p.id, arguments[-1].author_id, "argument.added", {"k": k}, at))
            for user in rng.sample(ids, 5):
                at = p.opened_at + timedelta(hours=6)
                positions.append(
                    Position(
                        organisation=organisation, proposal=p, user_id=user, stance="agree",
                        reason=text(8), proposal_version=1, created_at=at, updated_at=at,
                    )
                )  # fmt: skip
                taken = {"stance": "agree", "reason": positions[-1].reason, "proposal_version": 1}
                pending.append((p.id, user, "position.taken", taken, at))
            decisions.append(
                Decision(
                    organisation=organisation, proposal=p, outcome=p.state, statement=text(50),
                    decided_by_id=ids[0], decided_at=p.closed_at, rule="consent",
                    tally='{"agree_share":1.0,"blocked_by":[],"counts":{"abstain":0,"agree":5,'
                    '"block":0,"disagree":0},"eligible_count":30,"eligible_weight":30,'
                    '"missing_voices":[],"participated_weight":5,"quorum":0.5,"quorum_reached":'
                    'false,"reason":"No required voice blocks.","rule":"consent","silent_voters":'
                    '[],"threshold":0.5,"verdict":"accepted","weights":{"abstain":0,"agree":5,'
                    '"block":0,"disagree":0}}',
                )
            )  # fmt: skip
            pending.append((p.id, ids[0], f"proposal.{p.state}", {}, p.closed_at))
        await ProposalVersion.bulk_create(versions)
        await ProposalTag.bulk_create(tags)
        await Keyphrase.bulk_create(phrases, batch_size=2000)
        await Argument.bulk_create(arguments, batch_size=2000)
        stored_arguments = await Argument.filter(proposal_id__in=[p.id for p in stored]).order_by(
            "id"
        )
        replies = []
        for a in stored_arguments[1::3]:  # a third of the arguments answer the one before them
            replies.append((a.id, a.id - 1))
        for argument_id, parent in replies:
            await Argument.filter(id=argument_id).update(parent_id=parent)
        await Position.bulk_create(positions)
        await Decision.bulk_create(decisions)
        stored_decisions = await Decision.filter(proposal_id__in=[p.id for p in stored])
        await DecisionCitation.bulk_create(
            [DecisionCitation(organisation=organisation, decision=d, argument_id=a.id)
             for d in stored_decisions
             for a in [x for x in stored_arguments if x.proposal_id == d.proposal_id][:2]]
        )  # fmt: skip
        pending.sort(key=lambda e: e[4])
        linked = chain(
            organisation_id=organisation.id, head_seq=seq, head_hash=head, pending=pending
        )
        await Event.bulk_create(
            [Event(organisation_id=e.event.organisation_id, seq=e.event.seq, proposal_id=e.event.proposal_id,
                   actor_id=e.event.actor_id, type=e.event.type, payload=e.event.payload,
                   created_at=e.event.created_at, prev_hash=e.event.prev_hash, hash=e.hash)
             for e in linked], batch_size=2000,
        )  # fmt: skip
        seq, head = linked[-1].event.seq, linked[-1].hash
        print(f"  generated {batch[-1]} decisions", flush=True)
    return organisation.id, ids[0]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def first_search(site: Path, word: str) -> dict[str, int]:
    """What Chromium fetches to open the search page and show the first results: all of it, and
    what the search itself fetches (the page's script and Pagefind's files)."""
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp())
    (root / "archive").symlink_to(site)
    handler = partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/archive/search/?q={word}"
    sizes: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
        page.goto(url, wait_until="load")
        page.wait_for_selector(".actas-result__title", timeout=60_000)
        page.wait_for_timeout(1500)
        browser.close()
    server.shutdown()
    total = sum(sizes.values())
    search_urls = [u for u in sizes if "/pagefind/" in u or u.endswith("/archive-search.js")]
    raw = sum(sizes[u] for u in search_urls)
    gz, kinds = 0, {}
    for u in search_urls:
        body = (site / u.split("/archive/", 1)[1].split("?")[0]).read_bytes()
        size = (
            len(body)
            if body[:2] == b"\x1f\x8b" or u.endswith(".pagefind")
            else len(gzip.compress(body))
        )
        gz += size
        path = u.split("/pagefind/", 1)[-1].split("?")[0].rpartition("/assets/")[2]
        kind = re.sub(r"[0-9a-f]{7,}", "", path.split("/", 1)[-1])  # e.g. "index/es_.pf_index"
        kinds[kind] = kinds.get(kind, 0) + size
    return {"requests": len(sizes), "all_bytes": total, "search_requests": len(search_urls),
            "search_bytes": raw, "search_bytes_gzip": gz, "gzip_by_kind": kinds}  # fmt: skip


async def without_database(site: Path, work: Path) -> None:
    """An export of every decision, then a full build from it, compared with ``site``."""
    export = work / "decisions.json"
    print(f"load average before the export: {load()}")
    with PeakMemory() as memory:
        tick = time.perf_counter()
        exported = await write_export(Audience.ORGANISATION, ("bench",), export)
        seconds = time.perf_counter() - tick
    print(f"export: {exported} in {seconds:.1f} s, {export.stat().st_size / 2**20:.0f} MiB "
          f"(peak {memory.peak / 2**20:.0f} MiB; load average after: {load()})")  # fmt: skip
    from_file = work / "from-file"
    with PeakMemory() as memory:
        report = await build_archive(BuildOptions(output=from_file, from_file=export))
    print(f"build from the export: {report} (peak {memory.peak / 2**20:.0f} MiB; "
          f"load average after: {load()})")  # fmt: skip
    print(f"  phases: { {k: round(v, 1) for k, v in report.timings.items()} }")
    print(f"  same site, byte for byte: {site_digest(from_file) == site_digest(site)}")
    shutil.rmtree(from_file)


def site_digest(root: Path) -> str:
    """One digest of every published file's path and bytes (not the build's state)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] != ".actas":
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


async def main(n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="actas-bench-archive-"))
    settings = load_settings({"ACTAS_DATABASE_URL": f"sqlite://{work / 'bench.sqlite3'}"})
    await db.migrate(settings)
    await db.open_database(settings)
    try:
        tick = time.perf_counter()
        organisation_id, admin = await generate(n)
        print(f"generated {n} decisions in {time.perf_counter() - tick:.0f} s")
        site = work / "site"
        options = BuildOptions(output=site, organisations=("bench",))
        print(f"load average before the build: {load()}")
        with PeakMemory() as memory:
            report = await build_archive(options)
        print(f"load average after the build: {load()}")
        pages = sorted((site / "bench").glob("BENCH-*/index.html"))
        page_sizes = [p.stat().st_size for p in pages]
        print(f"full build: {report}")
        print(f"  phases: { {k: round(v, 1) for k, v in report.timings.items()} }")
        print(f"  peak memory (process tree): {memory.peak / 2**20:.0f} MiB")
        print(
            f"  output: {folder_size(site) / 2**20:.0f} MiB in {sum(1 for _ in site.rglob('*'))} files"
        )
        print(f"  decision page: mean {sum(page_sizes) / len(page_sizes) / 1024:.1f} KB, "
              f"max {max(page_sizes) / 1024:.1f} KB")  # fmt: skip
        index = folder_size(site / "pagefind")
        print(
            f"  search index: {index / 2**20:.1f} MiB in {len(list((site / 'pagefind').iterdir())) - 1} shards"
        )
        await without_database(site, work)
        proposal = await Proposal.get(organisation_id=organisation_id, number=n // 2)
        await publishing.set_publishable(await load_viewer(admin), proposal.id, publishable=True)
        print(f"load average before the republish: {load()}")
        with PeakMemory() as memory:
            tick = time.perf_counter()
            rebuilt = await build_archive(options)
        print(f"one decision changed, rebuilt in {time.perf_counter() - tick:.1f} s: {rebuilt} "
              f"(peak {memory.peak / 2**20:.0f} MiB; load average after: {load()})")  # fmt: skip
        print(f"  phases: { {k: round(v, 1) for k, v in rebuilt.timings.items()} }")
        word = WORDS[len(WORDS) // 3]
        search = await asyncio.to_thread(first_search, site, word)
        print(f"first search for {word!r}: {search}")
        print(f"then its filters opened: {await asyncio.to_thread(search_bytes, site, word)}")
    finally:
        await db.close_database()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))

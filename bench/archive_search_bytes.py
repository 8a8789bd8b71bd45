"""What the archive's search page fetches in Chromium: a first search without filters, then what
opening the filters panel adds (every shard's filter files). ``python bench/archive_search_bytes.py
[N]`` (default 10,000) generates N decisions as ``bench/archive.py`` does, builds the archive
and measures; ``bench/archive.py`` can call ``search_bytes`` after its own build.

Bytes are counted as ``bench/archive.py``'s first search counts them: the search page's script
and Pagefind's files, each as served compressed (Pagefind's own files are gzip already, the rest
gzip-compressed here).
"""

from __future__ import annotations

import asyncio
import gzip
import re
import shutil
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from actas.api import db
from actas.api.settings import load_settings
from actas.archive.build import BuildOptions, build_archive


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def search_bytes(site: Path, word: str) -> dict[str, Any]:
    """Requests and gzip bytes of the first search for ``word`` (no filters), then of opening
    the filters, with the filter files fetched before (none expected) and after."""
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp())
    (root / "archive").symlink_to(site)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/archive/search/?q={word}"
    fetched: list[tuple[str, int]] = []  # (URL, bytes as received)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.on("response", lambda r: fetched.append((r.url, len(r.body()))))
            page.goto(url, wait_until="load")
            page.wait_for_selector(".actas-result__title", timeout=60_000)
            page.wait_for_timeout(1500)
            first = list(fetched)
            tick = time.perf_counter()
            page.click(".actas-search__filters-toggle")
            page.wait_for_selector(".actas-filters__count:not(:empty)", timeout=120_000)
            page.wait_for_selector(".actas-search__results:not([aria-busy])", state="attached")
            seconds = time.perf_counter() - tick
            page.wait_for_timeout(1500)
            opened = fetched[len(first) :]
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(root)
    first_search = _search_files(first)
    filters = _search_files(opened)
    return {
        "first_search": _sizes(site, first_search),
        "filter_files_before_opening": sum("/filter/" in u for u, _ in first_search),
        "opening_filters": {**_sizes(site, filters), "seconds": round(seconds, 2)},
        "filter_files_after_opening": sum("/filter/" in u for u, _ in filters),
    }


def _search_files(fetched: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(u, n) for u, n in fetched if "/pagefind/" in u or u.endswith("/archive-search.js")]


def _sizes(site: Path, fetched: list[tuple[str, int]]) -> dict[str, Any]:
    kinds: dict[str, int] = {}
    for url, _ in fetched:
        body = (site / url.split("/archive/", 1)[1].split("?")[0]).read_bytes()
        compressed = body[:2] == b"\x1f\x8b" or url.endswith(".pagefind")
        size = len(body) if compressed else len(gzip.compress(body))
        path = url.split("/pagefind/", 1)[-1].split("?")[0].rpartition("/assets/")[2]
        kind = re.sub(r"[0-9a-f]{7,}", "", path.split("/", 1)[-1])  # e.g. "filter/es_.pf_filter"
        kinds[kind] = kinds.get(kind, 0) + size
    return {"requests": len(fetched), "bytes": sum(n for _, n in fetched),
            "gzip_bytes": sum(kinds.values()), "gzip_by_kind": kinds}  # fmt: skip


async def main(n: int) -> None:
    from archive import WORDS, generate, load  # bench/archive.py, beside this file

    work = Path(tempfile.mkdtemp(prefix="actas-bench-search-"))
    settings = load_settings({"ACTAS_DATABASE_URL": f"sqlite://{work / 'bench.sqlite3'}"})
    await db.migrate(settings)
    await db.open_database(settings)
    try:
        await generate(n)
        site = work / "site"
        print(f"load average before the build: {load()}")
        report = await build_archive(BuildOptions(output=site, organisations=("bench",)))
        print(f"full build: {report}")
        word = WORDS[len(WORDS) // 3]
        measured = await asyncio.to_thread(search_bytes, site, word)
        print(f"search for {word!r}, then its filters opened: {measured}")
        first, opening = measured["first_search"], measured["opening_filters"]
        print(f"first search: {first['bytes']:,} bytes ({first['gzip_bytes']:,} gzip) in "
              f"{first['requests']} requests; opening the filters: {opening['bytes']:,} bytes "
              f"({opening['gzip_bytes']:,} gzip) more in {opening['requests']} requests, "
              f"{opening['seconds']} s")  # fmt: skip
    finally:
        await db.close_database()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))

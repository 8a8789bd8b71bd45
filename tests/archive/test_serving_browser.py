"""A members' archive in a real Chromium, served by a real ``actas serve`` process: a member
signs in through the form, reads pages and searches with the archive's Content-Security-Policy
in force, and the browser reports no violation of it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from actas.api.domain.references import format_reference
from actas.api.settings import Settings
from actas.archive.build import BuildOptions, build_archive
from tests.api.receivers import free_port
from tests.archive.worlds import ONLY_IN_ARGUMENT, HostileWorld
from tests.schema.client import token
from tests.served import serving

# Every violation the page sees, whether or not the console shows it.
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@dataclass
class Served:
    url: str  # http://127.0.0.1:<port>
    slug: str
    secret: str  # a member's API token
    decision: str  # path of a decision page


@pytest.fixture(scope="session")
async def members_archive(
    database: Settings, hostile: HostileWorld, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("served") / "archive"
    await build_archive(BuildOptions(output=path, organisations=(hostile.slug,), language="en"))
    return path, await token(hostile.world, "mara")


@pytest.fixture(scope="session")
def server(
    database: Settings, hostile: HostileWorld, members_archive: tuple[Path, str]
) -> Iterator[Served]:
    path, secret = members_archive
    with serving(database, free_port(), ACTAS_ARCHIVE_DIR=str(path)) as url:
        reference = format_reference(hostile.slug, hostile.published.number)
        yield Served(url, hostile.slug, secret, f"/archive/{hostile.slug}/{reference}/")


def signed_in_page(browser: Any, server: Served, console: list[str]) -> Any:
    """A page whose reader followed a link, was asked to sign in, and did."""
    page = browser.new_page()
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text))
    page.goto(server.url + server.decision, wait_until="load")
    assert "/archive/login" in page.url
    page.fill("input[name=token]", server.secret)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    return page


def test_a_member_signs_in_and_reads_with_no_policy_violation(
    browser: Any, server: Served, tmp_path: Path
) -> None:
    console: list[str] = []
    page = signed_in_page(browser, server, console)
    assert page.url == server.url + server.decision
    assert page.query_selector(".md-header") is not None
    # The theme's scripts ran (the palette and the header's behaviour need them).
    assert page.evaluate("() => typeof __md_get") == "function"
    page.screenshot(path=str(tmp_path / "decision.png"), full_page=False)
    violations = page.evaluate("() => window.__violations")
    page.close()
    assert violations == []
    assert not [m for m in console if "Content Security Policy" in m]


def test_search_works_under_the_archive_policy(browser: Any, server: Served) -> None:
    console: list[str] = []
    page = signed_in_page(browser, server, console)
    page.goto(f"{server.url}/archive/search/?q={quote(ONLY_IN_ARGUMENT)}", wait_until="load")
    page.wait_for_selector(".actas-result__title", timeout=15_000)
    links = page.eval_on_selector_all(
        ".actas-search__results a", "links => links.map(a => a.getAttribute('href'))"
    )
    violations = page.evaluate("() => window.__violations")
    page.close()
    assert server.decision in links
    assert violations == []
    assert not [m for m in console if "Content Security Policy" in m]


def test_the_policy_does_block_what_the_archive_does_not_need(browser: Any, server: Served) -> None:
    # The collector is no test that cannot fail: an inline script the build did not hash is
    # refused and reported.
    console: list[str] = []
    page = signed_in_page(browser, server, console)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(100)
    ran = page.evaluate("() => window.__ran")
    violations = page.evaluate("() => window.__violations")
    page.close()
    assert ran is None
    assert any(v.startswith("script-src") for v in violations)

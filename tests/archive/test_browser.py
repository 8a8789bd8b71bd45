"""In a real headless Chromium: no user text runs as script on any page, and the search, through
the real Pagefind index, finds a decision by a word only one of its arguments holds."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from actas.api.domain.references import format_reference
from tests.archive.conftest import Built
from tests.archive.worlds import (
    COMMENT,
    FOLLOW_UP,
    LONG,
    NOTE,
    ONLY_IN_ARGUMENT,
    PAYLOADS,
    SHORT,
    HostileWorld,
)

# True if anything user-written could run or reach a handler: scripts that ran, inline event
# handlers, javascript: URLs, frames and SVG in the page (but the themes' trend charts: ours, of
# months and numbers).
PROBE = """() => ({
  ran: window.__xss !== undefined || document.title === 'XSS',
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
      .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
  javascriptUrls: [...document.querySelectorAll('[href],[src],[action],[formaction]')]
      .map(e => e.getAttribute('href') || e.getAttribute('src') || '')
      .filter(u => /^\\s*(javascript|data|vbscript):/i.test(u)),
  frames: document.querySelectorAll('iframe, object, embed').length,
  userSvg: document.querySelectorAll('article svg:not(.md-icon svg, .actas-trend__chart)')
      .length,
})"""


def visit(browser: Any, url: str) -> dict[str, Any]:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url, wait_until="load")
    # Hover and toggle everything, so handlers on hover/toggle would fire too.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = !d.open)")
    for element in page.query_selector_all("article a, article div, article p")[:60]:
        element.dispatch_event("mouseover")
    page.wait_for_timeout(50)
    result: dict[str, Any] = page.evaluate(PROBE)
    result["dialogs"] = dialogs
    page.close()
    return result


def test_the_probe_catches_a_payload_that_runs(browser: Any) -> None:
    page = browser.new_page()
    page.set_content(f"<title>t</title><article>{LONG}</article>")
    page.wait_for_timeout(100)
    assert page.evaluate(PROBE)["ran"]
    page.close()


def test_no_payload_runs_on_any_page_of_the_hostile_organisation(
    browser: Any, site: Built, served: str
) -> None:
    pages = [
        p.relative_to(site.path).as_posix().removesuffix("index.html")
        for p in sorted((site.path / site.slug).rglob("index.html"))
    ]
    pages += ["", "search/", "about/"]
    assert len(pages) > 10
    for path in pages:
        result = visit(browser, served + path)
        assert result == {
            "ran": False,
            "handlers": [],
            "javascriptUrls": [],
            "frames": 0,
            "userSvg": 0,
            "dialogs": [],
        }, path


def test_the_follow_through_shows_its_payloads_as_text(
    browser: Any, served: str, hostile: HostileWorld
) -> None:
    # The pages above carry follow-ups' titles and notes and an outcome review full of
    # payloads: they reached the page, and only as text.
    reference = format_reference(hostile.slug, hostile.published.number)
    page = browser.new_page()
    page.goto(f"{served}{hostile.slug}/{reference}/", wait_until="load")
    follow_ups = page.inner_text("table.actas-follow-ups")
    review = page.inner_text("table.actas-outcome-review")
    comment = page.inner_text("#follow-through ~ p.actas-text")
    page.click(".actas-timeline-fold > summary")  # a long timeline is folded
    timeline = page.inner_text("ol.actas-timeline")
    page.close()
    assert f"{FOLLOW_UP} 0 {SHORT}" in follow_ups
    assert f"{NOTE} {PAYLOADS[0]}" in follow_ups and PAYLOADS[1] in follow_ups
    assert SHORT[:100] in review
    assert comment.startswith(f"{COMMENT} {PAYLOADS[0]}")
    assert f"«{FOLLOW_UP} 0 {SHORT}»" in timeline  # the organisation archive is in Spanish


def test_no_payload_runs_in_search_results(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "search/?q=" + quote("onerror"), wait_until="load")
    page.wait_for_selector(".actas-result__title", timeout=15_000)
    page.wait_for_timeout(300)
    result = page.evaluate(PROBE)
    assert not result["ran"] and result["handlers"] == [] and result["javascriptUrls"] == []
    page.close()


def test_search_finds_a_decision_by_a_word_only_in_one_of_its_arguments(
    browser: Any, served: str, hostile: HostileWorld
) -> None:
    reference = format_reference(hostile.slug, hostile.published.number)
    page = browser.new_page()
    page.goto(served + "search/?q=" + quote(ONLY_IN_ARGUMENT), wait_until="load")
    page.wait_for_selector(".actas-result__title", timeout=15_000)
    links = page.eval_on_selector_all(
        ".actas-search__results a", "links => links.map(a => a.getAttribute('href'))"
    )
    results = page.locator(".actas-result__title").count()
    status = page.text_content(".actas-search__status")
    more_shown = page.is_visible(".actas-search__more")
    page.close()
    # Every result is shown (at most 5 are drawn at a time), told in the site's language, and
    # "more results" is not offered.
    assert status == f"{results} decisiones con «{ONLY_IN_ARGUMENT}»" and results <= 5
    assert not more_shown
    decision = f"/archive/{hostile.slug}/{reference}/"
    assert decision in links
    # Its sub-result points at the argument that holds the word (the third one).
    assert f"{decision}#argument-3" in links

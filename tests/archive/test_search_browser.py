"""The search, in a real headless Chromium over the real Pagefind index: a box in the header of
every page (``/`` puts the cursor in it), results that say each decision's outcome, date and
unit, a section's excerpt that stays inside its own argument, and "more results" offered only
while there are more."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

import orjson

from actas.archive.texts import texts_for
from tests.archive.conftest import Built

# In most of the demo's decisions: more than one screenful (5) of results.
COMMON = "tienda"
# In one decision of the demo, BRISA-6, in its statement, its text and its arguments.
RARE = "triaje"
HEADING = re.compile(r"Argumento \d+ ·")
MORE_DRAWN = "n => document.querySelectorAll('.actas-result').length > n"


def searched(browser: Any, url: str) -> Any:
    """The search page at ``url`` once its first results are drawn: archive-search.js tells the
    count first and marks the list busy until each result's fragment has come and been drawn."""
    page = browser.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_selector(".actas-search__status:not(:empty)", timeout=15_000)
    page.wait_for_selector(".actas-search__results:not([aria-busy])", state="attached")
    return page


def test_every_page_has_the_search_box_in_its_header(site: Built) -> None:
    pages = [p for p in site.path.rglob("*.html") if ".actas" not in p.parts]
    missing = [p for p in pages if 'class="actas-header-search"' not in p.read_text()]

    assert len(pages) > 30 and missing == []
    decision = (site.path / "brisa" / "BRISA-6" / "index.html").read_text()
    assert 'action="../../search/"' in decision


def test_slash_puts_the_cursor_in_the_header_box_and_enter_searches(
    browser: Any, served: str
) -> None:
    page = browser.new_page()
    page.goto(served + "brisa/BRISA-6/", wait_until="load")
    page.keyboard.press("/")
    focused = page.evaluate("() => document.activeElement.id")
    page.keyboard.type(RARE)
    page.keyboard.press("Enter")
    page.wait_for_selector(".actas-result__title", timeout=15_000)
    landed, box = page.url, page.input_value("#actas-search input")
    header_shown = page.is_visible(".actas-header-search")
    page.close()

    assert focused == "actas-header-q"
    assert landed == served + "search/?q=" + RARE and box == RARE
    assert not header_shown  # on the search page, its own box is the one


def test_slash_typed_in_a_box_is_a_slash(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "brisa/", wait_until="load")
    page.click("#actas-header-q")
    page.keyboard.type("a/b")
    typed = page.input_value("#actas-header-q")
    page.close()

    assert typed == "a/b"


def test_a_result_shows_the_outcome_date_and_unit_of_its_decision(
    browser: Any, served: str, site: Built
) -> None:
    decision = orjson.loads((site.path / "brisa" / "BRISA-6.json").read_bytes())
    es = texts_for("es")
    decided = es.format_date(datetime.fromisoformat(decision["decided_at"]))
    page = searched(browser, served + "search/?q=" + RARE)
    facts = page.text_content(".actas-result__facts")
    badge = page.get_attribute(".actas-result__facts .actas-outcome", "class")
    page.close()

    assert facts == f"{es['outcome.' + decision['outcome']]} · {decided} · {decision['unit']}"
    assert badge == f"actas-outcome actas-outcome--{decision['outcome']}"


def test_a_sections_excerpt_stays_inside_its_own_argument(browser: Any, served: str) -> None:
    page = searched(browser, served + "search/?q=" + RARE)
    sections = page.eval_on_selector_all(
        ".actas-result ul > li",
        """items => items.map(li => ({
          title: li.querySelector('.actas-result__section').textContent,
          excerpt: li.querySelector('.actas-result__excerpt').textContent,
          marked: [...li.querySelectorAll('mark')].map(m => m.textContent)}))""",
    )
    page.close()

    arguments = [s for s in sections if s["title"].startswith("Argumento")]
    assert arguments, sections
    for section in sections:
        # Neither its own heading nor the next argument's, and the word it was found for.
        assert not HEADING.search(section["excerpt"]), section
        assert any(RARE in word.lower() for word in section["marked"]), section


def test_more_results_is_offered_only_while_there_are_more(browser: Any, served: str) -> None:
    page = searched(browser, served + "search/?q=" + COMMON)
    total = int(page.text_content(".actas-search__status").split()[0])
    drawn = [page.locator(".actas-result").count()]
    offered = [page.is_visible(".actas-search__more")]
    while page.is_visible(".actas-search__more"):
        page.click(".actas-search__more")
        page.wait_for_function(
            "n => document.querySelectorAll('.actas-result').length > n", arg=drawn[-1]
        )
        drawn.append(page.locator(".actas-result").count())
        offered.append(page.is_visible(".actas-search__more"))
    page.close()

    assert total > 5
    assert drawn[0] == 5 and drawn[-1] == total and offered[-1] is False
    assert all(offered[:-1])


def test_no_more_results_with_none_or_one(browser: Any, served: str) -> None:
    for words, count in (("zzqxjw", 0), (RARE, 1)):
        page = searched(browser, served + "search/?q=" + quote(words))
        shown = page.locator(".actas-result").count()
        more = page.is_visible(".actas-search__more")
        page.close()

        assert (shown, more) == (count, False), words

"""The search's filters, in a real headless Chromium over the real Pagefind index (the demo's and
the hostile organisation's shards, merged in the browser): nothing of them is fetched until the
reader opens them; then each group lists its values with counts, a chosen value narrows the
results to it (AND across groups, OR within one) and shows as a chip that removes it, all of it
by keyboard too. The expected counts and results come from the decisions' own JSON files, not
from the index."""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson

from actas.archive.texts import texts_for
from tests.archive.conftest import Built

TOGGLE = "actas-search__filters-toggle"
COMMON = "tienda"  # in most of the demo's decisions (tests/archive/test_search_browser.py)
ES = texts_for("es")
GROUPS = {"outcome": ES.outcome, "unit": ES.unit, "tag": ES.tags, "year": ES.search_filter_year}

PANEL = """panel => Object.fromEntries([...panel.querySelectorAll('fieldset:not([hidden])')].map(
  set => [set.querySelector('legend').textContent, Object.fromEntries(
    [...set.querySelectorAll('label:not([hidden])')].map(label => [
      label.textContent.replace(/\\s*\\d+$/, '').trim(),
      Number(label.querySelector('.actas-filters__count').textContent)]))]))"""


def decisions(site: Built) -> list[dict[str, Any]]:
    index = orjson.loads((site.path / "archive.json").read_bytes())
    return [
        orjson.loads((site.path / o["slug"] / f"{reference}.json").read_bytes())
        for o in index["organisations"]
        for reference in o["decisions"]
    ]


def facets(decision: dict[str, Any]) -> dict[str, list[str]]:
    """What each filter group holds for one decision, as the search page shows it."""
    return {
        "outcome": [ES["outcome." + decision["outcome"]]],
        "unit": [decision["unit"]] if decision["unit"] else [],
        "tag": list(decision["tags"]),
        "year": [decision["decided_at"][:4]],
    }


def opened(browser: Any, url: str) -> Any:
    """The search page at ``url`` with its filters open and counted."""
    page = browser.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_selector(".actas-search__filters-toggle:not([hidden])", timeout=15_000)
    page.click(".actas-search__filters-toggle")
    page.wait_for_selector(".actas-filters:not([aria-busy]) .actas-filters__count:not(:empty)")
    return page


def choose(page: Any, group: str, value: str) -> None:
    legend = page.locator(f"legend:text-is('{group}')")
    fieldset = page.locator(".actas-filters fieldset", has=legend)
    fieldset.locator("label", has_text=value).first.locator("input").check()
    settled(page)


def settled(page: Any) -> None:
    """Once the search a choice started has drawn its results (archive-search.js marks the list
    busy from the choice on)."""
    page.wait_for_selector(".actas-search__results:not([aria-busy])", state="attached")


def every_result(page: Any) -> list[str]:
    """The references of all results, drawing more while there are more."""
    while page.is_visible(".actas-search__more"):
        drawn = page.locator(".actas-result").count()
        page.click(".actas-search__more")
        page.wait_for_function(
            "n => document.querySelectorAll('.actas-result').length > n", arg=drawn
        )
    titles = page.eval_on_selector_all(".actas-result__title", "a => a.map(x => x.textContent)")
    return sorted(title.split(":")[0] for title in titles)


def shown_count(page: Any) -> int:
    status = page.text_content(".actas-search__status")
    return 1 if status.startswith("Una") else int(status.split()[0])


def test_no_filter_file_is_fetched_before_the_reader_opens_the_filters(
    browser: Any, served: str
) -> None:
    page = browser.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(served + "search/?q=" + COMMON, wait_until="load")
    page.wait_for_selector(".actas-result__title", timeout=15_000)
    page.click(".actas-search__more")
    page.wait_for_function("() => document.querySelectorAll('.actas-result').length > 5")
    page.fill("#actas-search input", "triaje")
    page.wait_for_function("() => location.search.includes('triaje')")
    settled(page)
    before = [url for url in fetched if "/filter/" in url]
    shards = {url.split("/pagefind/")[1].split("/")[0] for url in fetched if "pf_meta" in url}
    page.click(".actas-search__filters-toggle")
    page.wait_for_selector(".actas-filters__count:not(:empty)", timeout=15_000)
    after = {url.split("/pagefind/")[1].split("/")[0] for url in fetched if "/filter/" in url}
    page.close()

    assert len(shards) >= 2  # merged shards: the demo's and the hostile organisation's
    assert before == []
    assert after == shards  # every shard's filters, once opened


def test_opening_the_filters_shows_every_value_with_its_count(
    browser: Any, served: str, site: Built
) -> None:
    expected: dict[str, Counter[str]] = {label: Counter() for label in GROUPS.values()}
    for decision in decisions(site):
        for group, values in facets(decision).items():
            expected[GROUPS[group]].update(values)
    page = opened(browser, served + "search/")
    panel = page.eval_on_selector(".actas-filters", PANEL)
    expanded = page.get_attribute(".actas-search__filters-toggle", "aria-expanded")
    xss = page.evaluate("() => window.__xss")
    page.close()

    assert expanded == "true"
    assert list(panel) == list(GROUPS.values())
    assert {group: dict(counts) for group, counts in panel.items()} == {
        group: dict(counts) for group, counts in expected.items()
    }
    assert xss is None  # the hostile organisation's unit name is a value, as text


def test_choosing_an_outcome_narrows_the_results_to_it(browser: Any, served: str) -> None:
    page = opened(browser, served + "search/?q=" + COMMON)
    unfiltered = shown_count(page)
    counts = page.eval_on_selector(".actas-filters", PANEL)[ES.outcome]
    rejected = ES["outcome.rejected"]
    choose(page, ES.outcome, rejected)
    narrowed = shown_count(page)
    badges = page.eval_on_selector_all(
        ".actas-result .actas-outcome", "b => b.map(x => x.textContent)"
    )
    chips = page.eval_on_selector_all(
        ".actas-chip", "c => c.map(x => [x.textContent, x.getAttribute('aria-label')])"
    )
    page.click(".actas-chip")
    settled(page)
    restored = shown_count(page)
    page.close()

    assert 0 < counts[rejected] < unfiltered
    assert narrowed == counts[rejected]
    assert badges and set(badges) == {rejected}
    assert chips == [[rejected, f"Quitar el filtro «{rejected}»"]]
    assert restored == unfiltered


def test_a_unit_and_a_year_combine_and_two_units_add_up(
    browser: Any, served: str, site: Built
) -> None:
    by_unit = Counter(d["unit"] for d in decisions(site) if d["unit"])
    first, second = (unit for unit, _ in by_unit.most_common(2))
    year = max(d["decided_at"][:4] for d in decisions(site))

    def references(units: set[str]) -> list[str]:
        return sorted(
            d["reference"]
            for d in decisions(site)
            if d["unit"] in units and d["decided_at"].startswith(year)
        )

    page = opened(browser, served + "search/")
    choose(page, ES.unit, first)
    choose(page, ES.search_filter_year, year)
    one_unit = every_result(page)
    choose(page, ES.unit, second)
    two_units = every_result(page)
    status = page.text_content(".actas-search__status")
    page.close()

    assert one_unit == references({first})
    assert two_units == references({first, second}) and len(two_units) > len(one_unit)
    assert status == ES.search_filtered_count.replace("{n}", str(len(two_units)))


def test_the_filters_work_from_the_keyboard(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "search/?q=" + COMMON, wait_until="load")
    page.wait_for_selector(".actas-result__title", timeout=15_000)
    unfiltered = shown_count(page)
    page.focus(".actas-search__filters-toggle")
    page.keyboard.press("Enter")
    page.wait_for_selector(".actas-filters__count:not(:empty)", timeout=15_000)
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.closest('label').textContent")
    page.keyboard.press("Space")
    settled(page)
    narrowed = shown_count(page)
    page.keyboard.press("Escape")
    closed = page.is_hidden("#actas-filters")
    back_on = page.evaluate("() => document.activeElement.className")
    page.focus(".actas-chip")
    page.keyboard.press("Enter")
    settled(page)
    restored = shown_count(page)
    after_chip = page.evaluate("() => document.activeElement.className")
    page.close()

    assert first.strip().startswith(ES["outcome.accepted"])  # the commonest outcome, first
    assert narrowed < unfiltered and closed
    assert TOGGLE in back_on and TOGGLE in after_chip  # the keyboard is back on the button
    assert restored == unfiltered


def test_the_words_and_filters_are_kept_in_the_address_and_read_back_from_it(
    site: Built, browser: Any, served: str
) -> None:
    accepted = ES["outcome.accepted"]
    page = opened(browser, served + "search/?q=" + COMMON)
    settled(page)
    choose(page, GROUPS["outcome"], accepted)
    address = page.url
    chosen = every_result(page)
    page.close()

    shared = browser.new_page()  # the address, bookmarked or pasted into a report
    shared.goto(address, wait_until="load")
    shared.wait_for_selector(".actas-result__title", timeout=15_000)
    settled(shared)
    read_back = every_result(shared)
    chip = shared.text_content(".actas-chip")
    box = shared.input_value("#actas-search input")
    shared.close()

    wanted = sorted(
        d["reference"]
        for d in decisions(site)
        if accepted in facets(d)["outcome"] and COMMON in orjson.dumps(d).decode().lower()
    )
    assert "outcome=" in address and f"q={COMMON}" in address
    assert read_back == chosen and chip == accepted and box == COMMON
    assert chosen and set(chosen) <= set(wanted)

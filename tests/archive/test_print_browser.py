"""A decision's page printed, in a real headless Chromium: the whole record and no navigation
(no header, sidebars or links at the top; what is folded opens)."""

from __future__ import annotations

from typing import Any


def test_a_printed_decision_is_the_whole_record_without_navigation(
    browser: Any, served: str
) -> None:
    page = browser.new_page()
    page.goto(served + "brisa/BRISA-6/", wait_until="load")
    folded = page.evaluate("() => document.querySelectorAll('article details:not([open])').length")
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    still_folded = page.evaluate(
        "() => document.querySelectorAll('article details:not([open])').length"
    )
    hidden = {
        part: not page.is_visible(selector)
        for part, selector in {
            "header": ".md-header",
            "navigation": ".md-sidebar--primary",
            "outline": ".md-sidebar--secondary",
            "links at the top": ".actas-actions",
            "footer": ".md-footer",
        }.items()
    }
    shown = {part: page.is_visible(sel) for part, sel in {
        "debate": "#debate", "positions": "table.actas-positions",
        "timeline": "ol.actas-timeline", "citation": "#cite"}.items()}  # fmt: skip
    page.close()

    assert folded >= 1 and still_folded == 0  # the long timeline, earlier versions
    assert all(hidden.values()), hidden
    assert all(shown.values()), shown

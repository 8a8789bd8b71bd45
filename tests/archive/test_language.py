"""The archive speaks its site's language throughout: the theme's 404 page, numbers as Babel
writes them there, and no outline heading over an empty outline."""

from __future__ import annotations

import re
from pathlib import Path

from tests.archive.conftest import Built

SECONDARY_NAV = re.compile(r'<nav class="md-nav md-nav--secondary"[^>]*>(.*?)</nav>', re.S)


def pages(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.html"))
        if ".actas" not in p.relative_to(root).parts
    }


def test_the_404_page_is_in_the_site_s_language(site: Built, public_site: Built) -> None:
    spanish = (site.path / "404.html").read_text(encoding="utf-8")
    english = (public_site.path / "404.html").read_text(encoding="utf-8")
    assert "<h1>Página no encontrada</h1>" in spanish and "no existe en el archivo" in spanish
    assert "<h1>Page not found</h1>" in english
    assert "Not found" not in spanish


def test_numbers_are_written_as_the_language_writes_them(site: Built) -> None:
    home = (site.path / "index.html").read_text(encoding="utf-8")
    days = re.findall(r"(\d+(?:[.,]\d+)?) días?\b", home)
    assert days, "the home page shows a median time to decision"
    assert not [d for d in days if "." in d]  # never "15.1 días"
    assert any("," in d for d in days)  # the demo's median is not a whole number of days


def test_no_page_shows_an_outline_heading_over_an_empty_outline(site: Built) -> None:
    outlined = 0
    for path, html in pages(site.path).items():
        for nav in SECONDARY_NAV.findall(html):
            if "md-nav__title" in nav:
                assert "<li" in nav, path
                outlined += 1
    assert outlined > 20  # decisions, the home page and organisation pages have outlines
    organisation = (site.path / "brisa" / "index.html").read_text(encoding="utf-8")
    assert 'href="#months"' in organisation and 'href="#recent"' in organisation

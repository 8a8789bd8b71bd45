"""Fixed texts exist in both languages; user Markdown comes out inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from actas.archive.sanitise import markdown
from actas.archive.texts import TEXTS
from tests.archive.worlds import PAYLOADS


def test_every_fixed_text_exists_in_spanish_and_english() -> None:
    assert set(TEXTS["es"]) == set(TEXTS["en"])
    for key in TEXTS["es"]:
        fields = {lang: set(re.findall(r"{(\w+)}", TEXTS[lang][key])) for lang in TEXTS}
        assert fields["es"] == fields["en"], key


class _Elements(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_markdown_comes_out_without_scripts_handlers_or_script_urls(payload: str) -> None:
    for tag, attributes in _Elements(str(markdown(payload))).found:
        assert tag not in {"script", "iframe", "svg", "style", "img", "object", "embed", "details"}
        for name, value in attributes:
            assert not name.startswith("on")
            assert not re.match(r"\s*(javascript|data|vbscript):", value or "", re.I)


def test_user_headings_sit_below_the_page_outline_and_carry_no_ids() -> None:
    assert (
        str(markdown("# One\n\n## Two\n\n### Three"))
        == "<h4>One</h4>\n<h5>Two</h5>\n<h6>Three</h6>\n"
    )

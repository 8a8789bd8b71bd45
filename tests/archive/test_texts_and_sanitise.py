"""Fixed texts exist in both languages; user Markdown comes out inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from actas.api.catalogue import texts_for
from actas.archive.sanitise import markdown
from tests.archive.worlds import PAYLOADS

TEMPLATES = Path(__file__).resolve().parents[2] / "site_templates"
METHODS = {"gettext", "ngettext", "fill", "render"}


def template_keys() -> set[str]:
    """The catalogue keys the archive's templates name: ``t.key``, ``t["key"]`` and
    ``t.gettext("key", …)`` (keys built from data, such as ``"outcome." ~ …``, are not here)."""
    keys = set()
    for template in TEMPLATES.rglob("*.j2"):
        source = template.read_text(encoding="utf-8")
        keys |= {k for k in re.findall(r"\bt\.(\w+)\b", source) if k not in METHODS}
        keys |= set(re.findall(r"\bt\.n?gettext\(\"([\w.]+)\"", source))
        keys |= set(re.findall(r"\bt\[\"([\w.]+)\"\]", source))
    return {k for k in keys if not k.startswith("format_")}


def test_every_text_a_template_names_is_in_the_catalogue_in_both_languages() -> None:
    keys = template_keys()
    assert {"site_name", "days", "version_n", "reviewed"} <= keys
    for language in ("es", "en"):
        texts = texts_for(language)
        assert {key for key in keys if key not in texts} == set(), language


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

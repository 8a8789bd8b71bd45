"""The one place user-written Markdown becomes HTML.

markdown-it-py renders CommonMark with raw HTML turned off (``<script>`` in a body stays text),
then nh3 (ammonia) keeps only an allow-list of tags and attributes and only http(s) and mailto
links, whatever the Markdown parser let through: handlers, ``javascript:`` and entity-encoded
links, SVG, iframes, style attributes. Headings are moved down below the page's own (an
argument's ``# Title`` becomes ``<h4>``) and carry no ids, so user text can neither reshape the
page's outline nor clobber its anchors.

Plain-text fields (titles, names, reasons) never come here: templates escape them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
HEADING_SHIFT = 3  # h1 -> h4 ... h3 and below -> h6


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])

    def heading(
        renderer: RendererHTML,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,
        env: EnvType,
    ) -> str:
        token = tokens[idx]
        token.tag = f"h{min(6, int(token.tag[1]) + HEADING_SHIFT)}"
        return renderer.renderToken(tokens, idx, options, env)

    parser.add_render_rule("heading_open", heading)
    parser.add_render_rule("heading_close", heading)
    return parser


_PARSER = _parser()


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


@lru_cache(maxsize=4096)
def markdown(text: str) -> Markup:
    """User Markdown as safe HTML."""
    return Markup(clean_html(_PARSER.render(text)))


def excerpt(text: str, words: int = 25) -> str:
    """The start of user Markdown as plain text (its words, no markup), cut after ``words``
    words with an ellipsis: for a cited argument shown beside the decision. Templates escape
    it like any plain text."""
    plain = nh3.clean(_PARSER.render(text), tags=set())
    found = html.unescape(plain).split()
    return " ".join(found[:words]) + (" …" if len(found) > words else "")

"""The pages' Jinja environment: autoescaped, strict, user Markdown through the archive's one
sanitiser, dates and texts in the reader's language."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_timedelta
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from actas.api import clock
from actas.api.catalogue import texts_for
from actas.api.domain.vocabulary import Language
from actas.archive.sanitise import markdown

# What the pages load: their own stylesheet, nothing else; forms post only here.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
NO_STORE = {
    "Content-Security-Policy": PAGE_POLICY,
    # A personal page: never kept by a shared cache, never offered from history to the next user.
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=len(Language))
def environment(language: Language) -> Environment:
    env = Environment(
        loader=PackageLoader("actas.api.pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    locale = language.value
    env.filters["markdown"] = markdown
    t = texts_for(locale)
    env.filters["when"] = t.format_moment  # "15 may 2026, 14:03 UTC": the catalogue's moment
    env.filters["day"] = lambda value: format_date(value, "long", locale=locale)
    env.filters["relative"] = lambda value: _relative(value, locale)
    return env


def _relative(value: datetime | date, locale: str) -> str:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    return format_timedelta(moment - clock.now(), add_direction=True, threshold=1.1, locale=locale)


def page(
    language: Language, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    html = environment(language).get_template(template).render(language=language.value, **context)
    return HTMLResponse(html, status_code=status_code, headers=NO_STORE)

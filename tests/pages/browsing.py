"""Reading the pages as a browser would: the app over HTTP (httpx's ASGI transport, cookies
kept), and the forms of a page as a person would fill them in."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

from actas.api.app import create_app
from actas.api.settings import Settings, load_settings
from tests.served import SECRET, serving

__all__ = ["SECRET", "Form", "browser", "form_for", "forms", "page_settings", "serving"]


def page_settings(database: Settings, **env: str) -> Settings:
    return load_settings(
        {"ACTAS_DATABASE_URL": database.database_url, "ACTAS_SECRET_KEY": SECRET, **env}
    )


def browser(settings: Settings) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://actas")


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(values.get("action", "")))
        elif tag == "input" and self.forms and values.get("type") == "hidden":
            self.forms[-1].fields[values["name"]] = values.get("value", "")


def forms(html: str) -> list[Form]:
    """Every form on the page with its hidden fields."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_for(html: str, action: str, **filled: str) -> dict[str, str]:
    """The hidden fields of the page's first form for ``action``, with ``filled`` added."""
    for form in forms(html):
        if form.fields.get("action") == action:
            return {**form.fields, **filled}
    raise AssertionError(f"no {action} form on the page")

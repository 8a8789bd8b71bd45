"""The committed GraphQL contract is the schema the code builds."""

from __future__ import annotations

from actas.api.settings import load_settings
from actas.schema.root import SDL_PATH, export_sdl


def test_the_committed_sdl_is_the_schema_the_code_builds() -> None:
    committed = SDL_PATH.read_text()
    built = export_sdl(load_settings({}))

    assert committed == built, (
        f"{SDL_PATH} is out of date with the code: run `actas schema export` and commit the result."
    )


def test_production_mode_builds_the_same_contract() -> None:
    """Production only refuses introspection at validation; the types are the same."""
    production = load_settings({"ACTAS_ENV": "production", "ACTAS_SECRET_KEY": "k" * 32})
    assert export_sdl(production) == export_sdl(load_settings({}))

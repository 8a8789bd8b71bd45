"""What every resolver receives: the viewer, the request's DataLoaders and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from strawberry.types import Info as StrawberryInfo

from actas.api.domain.visibility import Viewer
from actas.api.settings import Settings
from actas.schema.loaders import Loaders


@dataclass
class Context:
    viewer: Viewer
    loaders: Loaders
    settings: Settings
    # What a websocket client sent with ``connection_init`` (it carries the token there).
    connection_params: dict[str, object] | None = None
    # The token a websocket authenticated with: checked again before each live update.
    token_id: int | None = None


Info: TypeAlias = StrawberryInfo[Context, None]


async def refresh_viewer(info: Info) -> None:
    """After a change to the viewer's own memberships (say, creating an organisation), later
    fields of the same request see the new memberships and nothing cached before it."""
    from actas.api.services.access import load_viewer

    viewer = await load_viewer(info.context.viewer.user_id, info.context.viewer.scope)
    info.context.viewer = viewer
    info.context.loaders = Loaders(viewer)

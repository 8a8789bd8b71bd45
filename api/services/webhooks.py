"""Webhooks: an organisation's admins register endpoints that receive its events, signed."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from actas.api.domain.errors import NotFound, ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.permissions import ensure_admin
from actas.api.domain.visibility import Viewer
from actas.api.models import Webhook
from actas.api.services.access import require_member
from actas.api.services.recording import change


@dataclass(frozen=True)
class CreatedWebhook:
    webhook: Webhook
    secret: str  # shown once; deliveries are signed with it


def _clean_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise ValidationFailed("A webhook URL is an http(s) address.", field="url")
    return url


def _clean_types(event_types: Sequence[str]) -> str:
    known = {t.value for t in EventType}
    unknown = sorted(set(event_types) - known)
    if unknown:
        raise ValidationFailed(f"Unknown event types: {', '.join(unknown)}.", field="eventTypes")
    return ",".join(sorted(set(event_types)))


async def create_webhook(
    viewer: Viewer, organisation_id: int, *, url: str, event_types: Sequence[str] = ()
) -> CreatedWebhook:
    ensure_admin(viewer, require_member(viewer, organisation_id))
    url, types = _clean_url(url), _clean_types(event_types)
    secret = secrets.token_hex(32)
    async with change(organisation_id, viewer.user_id) as work:
        webhook = await Webhook.create(
            organisation_id=organisation_id,
            url=url,
            secret=secret,
            event_types=types,
            created_at=work.at,
        )
        work.record(
            EventType.WEBHOOK_CREATED,
            {"webhook": webhook.id, "url": url, "event_types": types},  # never the secret
        )
    return CreatedWebhook(webhook, secret)


async def update_webhook(
    viewer: Viewer,
    webhook_id: int,
    *,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    active: bool | None = None,
) -> Webhook:
    found = await Webhook.get_or_none(id=webhook_id)
    if found is None or viewer.member_of(found.organisation_id) is None:
        raise NotFound("webhook", webhook_id)
    ensure_admin(viewer, require_member(viewer, found.organisation_id))
    async with change(found.organisation_id, viewer.user_id) as work:
        webhook = await Webhook.get(id=webhook_id)
        before = (webhook.url, webhook.event_types, webhook.active)
        if url is not None:
            webhook.url = _clean_url(url)
        if event_types is not None:
            webhook.event_types = _clean_types(event_types)
        if active is not None:
            webhook.active = active
        if (webhook.url, webhook.event_types, webhook.active) == before:
            return webhook  # a form sent back unchanged records nothing
        await webhook.save()
        work.record(
            EventType.WEBHOOK_UPDATED,
            {
                "webhook": webhook.id,
                "url": webhook.url,
                "event_types": webhook.event_types,
                "active": webhook.active,
            },
        )
    return webhook

"""Webhooks: an organisation's admins register endpoints that receive its events, signed."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from actas.api.domain import payloads
from actas.api.domain.addresses import NOTHING_ALLOWED, AllowList, endpoint, literal_address
from actas.api.domain.errors import NotFound, ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.permissions import ensure_admin
from actas.api.domain.visibility import Viewer
from actas.api.models import Webhook
from actas.api.services import outbound
from actas.api.services.access import require_member
from actas.api.services.recording import change

NOT_PUBLIC = (
    "Webhooks call public addresses only: {why}. An operator can allow a deliberate internal "
    "target with ACTAS_WEBHOOK_ALLOW."
)


@dataclass(frozen=True)
class CreatedWebhook:
    webhook: Webhook
    secret: str  # shown once; deliveries are signed with it


async def _clean_url(url: str, allowed: AllowList) -> str:
    """An http(s) URL whose host passes the address policy now. A name that does not resolve
    here is accepted (DNS may be down, or the worker may see another network): every delivery
    checks again, and the log says "name does not resolve"."""
    url = url.strip()
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise ValidationFailed(
            f"A webhook URL is an http(s) address: {error}.", field="url"
        ) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValidationFailed("A webhook URL is an http(s) address.", field="url")
    if len(url) > 500:
        raise ValidationFailed("A webhook URL is at most 500 characters long.", field="url")
    try:
        await outbound.check_target(url, allowed)
    except outbound.NameUnresolved:
        pass
    except outbound.CallRefused as refused:
        raise ValidationFailed(NOT_PUBLIC.format(why=refused.detail), field="url") from None
    _ensure_plain_ipv4(parsed.host)
    return url


def _ensure_plain_ipv4(host: str) -> None:
    """``134744072`` is 8.8.8.8 to the C library and a name to other parsers: ask for the one
    spelling everyone reads alike."""
    address = literal_address(host)
    if address is not None and address.version == 4 and str(address) != host:
        raise ValidationFailed(f"Write the IPv4 address {host} as {address}.", field="url")


def _clean_types(event_types: Sequence[str]) -> str:
    known = {t.value for t in EventType}
    unknown = sorted(set(event_types) - known)
    if unknown:
        raise ValidationFailed(f"Unknown event types: {', '.join(unknown)}.", field="eventTypes")
    return ",".join(sorted(set(event_types)))


async def create_webhook(
    viewer: Viewer,
    organisation_id: int,
    *,
    url: str,
    event_types: Sequence[str] = (),
    allowed: AllowList = NOTHING_ALLOWED,
) -> CreatedWebhook:
    ensure_admin(viewer, require_member(viewer, organisation_id))
    url, types = await _clean_url(url, allowed), _clean_types(event_types)
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
            payloads.webhook_created(webhook=webhook.id, endpoint=endpoint(url), event_types=types)
        )
    return CreatedWebhook(webhook, secret)


async def update_webhook(
    viewer: Viewer,
    webhook_id: int,
    *,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    active: bool | None = None,
    allowed: AllowList = NOTHING_ALLOWED,
) -> Webhook:
    found = await Webhook.get_or_none(id=webhook_id)
    member = viewer.member_of(found.organisation_id) if found else None
    if found is None or member is None or not member.is_admin:
        # Only admins see webhooks: to anyone else one is as absent as a nonexistent id.
        raise NotFound("webhook", webhook_id)
    ensure_admin(viewer, member)
    new_url = await _clean_url(url, allowed) if url is not None else None
    async with change(found.organisation_id, viewer.user_id) as work:
        webhook = await Webhook.get(id=webhook_id)
        before = (webhook.url, webhook.event_types, webhook.active)
        if new_url is not None:
            webhook.url = new_url
        if event_types is not None:
            webhook.event_types = _clean_types(event_types)
        if active is not None:
            webhook.active = active
        if (webhook.url, webhook.event_types, webhook.active) == before:
            return webhook  # a form sent back unchanged records nothing
        await webhook.save()
        work.record(
            payloads.webhook_updated(
                webhook=webhook.id,
                endpoint=endpoint(webhook.url),
                event_types=webhook.event_types,
                active=webhook.active,
            )
        )
    return webhook

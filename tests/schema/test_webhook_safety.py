"""Webhooks over GraphQL, as an attacker would try them: internal addresses refused at
registration with a clear error, a delivery log that maps nothing, URLs (and the secrets they
may carry) kept from members who are not admins, and a webhook absent to everyone else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from actas.api import clock
from actas.api.domain.addresses import AllowList
from actas.api.domain.events import EventType
from actas.api.domain.payloads import Payload
from actas.api.models import Event, Webhook
from actas.api.services import webhooks
from actas.api.services.outbox import deliver_due
from actas.api.services.recording import change
from actas.api.settings import Settings, load_settings
from actas.schema.http import ActasGraphQL
from tests.api.receivers import RECEIVERS_ALLOWED, MailServer, free_port, fresh_era
from tests.factories import World, build_world, opened
from tests.schema.client import Api, gid, token

ERROR = "... on Error { __typename message code } ... on ValidationError { field }"
CREATE = (
    """mutation($o: ID!, $url: String!) { createWebhook(input: {organisation: $o, url: $url}) {
      ... on CreatedWebhook { webhook { id url } } """
    + ERROR
    + " } }"
)
UPDATE = (
    """mutation($w: ID!, $url: String) { updateWebhook(input: {webhook: $w, url: $url}) {
      ... on Webhook { url } """
    + ERROR
    + " } }"
)
INTERNAL = {
    "http://127.0.0.1:6379/": "127.0.0.1 is a loopback address",
    "http://2130706433/": "2130706433 is a loopback address",
    "http://[::ffff:127.0.0.1]/": "::ffff:127.0.0.1 is an IPv4-mapped IPv6 address",
    "http://169.254.169.254/latest/meta-data/": "169.254.169.254 is a link-local address",
    "http://metadata.google.internal/": "metadata.google.internal is a cloud metadata name",
    "http://localhost:5432/": "localhost resolves to a loopback address",
    "http://10.0.0.8/": "10.0.0.8 is a private address",
}


@pytest.mark.parametrize("url", INTERNAL)
async def test_registering_an_internal_address_is_a_clear_validation_error(
    api: Api, url: str
) -> None:
    world = await build_world()
    before = await world.last_seq()

    refused = await api.mutate(
        CREATE,
        {"o": gid("Organisation", world.organisation.id), "url": url},
        token=await token(world, "admin"),
    )

    assert (refused["__typename"], refused["field"]) == ("ValidationError", "url")
    assert refused["message"].startswith(f"Webhooks call public addresses only: {INTERNAL[url]}")
    assert "ACTAS_WEBHOOK_ALLOW" in refused["message"]
    assert not await Webhook.filter(organisation_id=world.organisation.id).exists()
    assert await world.last_seq() == before  # nothing recorded


async def test_updating_to_an_internal_address_is_refused_too(api: Api) -> None:
    world = await build_world()
    hook = await webhooks.create_webhook(
        await world.viewer("admin"), world.organisation.id, url="https://hooks.example/in"
    )

    refused = await api.mutate(
        UPDATE,
        {"w": gid("Webhook", hook.webhook.id), "url": "http://0x7f000001:8000/"},
        token=await token(world, "admin"),
    )

    assert refused["code"] == "validation"
    assert "0x7f000001 is a loopback address" in refused["message"]
    await hook.webhook.refresh_from_db()
    assert hook.webhook.url == "https://hooks.example/in"


async def test_an_operator_allows_a_deliberate_internal_target(database: Settings) -> None:
    world = await build_world()
    app = ActasGraphQL(
        load_settings(
            {"ACTAS_DATABASE_URL": database.database_url, "ACTAS_WEBHOOK_ALLOW": "10.0.0.0/8"}
        )
    )
    async with Api.on(app) as client:
        created = await Api(client).mutate(
            CREATE,
            {"o": gid("Organisation", world.organisation.id), "url": "http://10.0.0.8/in"},
            token=await token(world, "admin"),
        )

    assert created["webhook"]["url"] == "http://10.0.0.8/in"


DELIVERY_LOG = """query($slug: String!) { organisation(slug: $slug) { webhooks {
    url deliveries(first: 5) { nodes { lastError attemptLog { detail } } }
} } }"""


async def test_the_delivery_log_says_what_failed_without_mapping_the_network(
    api: Api, database: Settings
) -> None:
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world()
    closed_port = free_port()  # nothing listens there: the connection is refused
    admin = await world.viewer("admin")
    v4, v6 = f"http://127.0.0.1:{closed_port}/in", f"http://[::1]:{closed_port}/in"
    nowhere = "https://hooks.example/in"  # accepted unresolved; resolves nowhere here either
    with MailServer() as mail, clock.frozen_at(era + timedelta(hours=1)):
        for url in (v4, v6, nowhere):
            await webhooks.create_webhook(
                admin, world.organisation.id, url=url, allowed=AllowList.parse(["127.0.0.1", "::1"])
            )
        await opened(world)
        # The worker allows 127.0.0.1 but not ::1: one is called, the other refused.
        worker = Settings(
            database_url=database.database_url,
            mail=mail.settings(),
            webhook_allow=RECEIVERS_ALLOWED,
        )
        await deliver_due(worker)

    log = await api.run(
        DELIVERY_LOG, {"slug": world.organisation.slug}, token=await token(world, "admin")
    )
    logged = {hook["url"]: hook["deliveries"]["nodes"] for hook in log["organisation"]["webhooks"]}
    assert logged == {
        v4: [{"lastError": "connection refused", "attemptLog": [{"detail": "connection refused"}]}],
        v6: [
            {"lastError": "address not allowed", "attemptLog": [{"detail": "address not allowed"}]}
        ],
        nowhere: [
            {
                "lastError": "name does not resolve",
                "attemptLog": [{"detail": "name does not resolve"}],
            }
        ],
    }


EVENTS = """query($slug: String!) { organisation(slug: $slug) {
    events(first: 10) { nodes { type payload } }
} }"""
SECRET_URL = "https://relay:s3cr3t@hooks.example:8443/in/T0K3N?key=abc123"


async def webhook_events(api: Api, world: World, person: str) -> list[dict[str, Any]]:
    seen = await api.run(
        EVENTS, {"slug": world.organisation.slug}, token=await token(world, person)
    )
    return [e for e in seen["organisation"]["events"]["nodes"] if e["type"].startswith("webhook.")]


async def test_members_read_a_webhooks_host_in_the_record_never_its_url(api: Api) -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    hook = await webhooks.create_webhook(admin, world.organisation.id, url=SECRET_URL)
    await webhooks.update_webhook(admin, hook.webhook.id, url=SECRET_URL + "&v=2", active=False)

    for person in ("mara", "olga", "admin"):
        events = await webhook_events(api, world, person)
        assert [e["type"] for e in events] == ["webhook.updated", "webhook.created"], person
        for event in events:
            assert event["payload"]["endpoint"] == "https://hooks.example:8443"
            assert not re.search("s3cr3t|T0K3N|abc123|relay", repr(event["payload"])), person
    stored = await Event.filter(organisation_id=world.organisation.id, type__startswith="webhook.")
    assert all("s3cr3t" not in e.payload and "T0K3N" not in e.payload for e in stored)


@dataclass(frozen=True)
class WebhookCreatedBeforeEndpoints(Payload):
    """What webhook.created recorded before: the whole URL (the record is never rewritten)."""

    event_type = EventType.WEBHOOK_CREATED
    webhook: int
    url: str
    event_types: str


async def test_a_url_recorded_by_an_earlier_release_is_read_as_its_endpoint(api: Api) -> None:
    world = await build_world()
    async with change(world.organisation.id, world.id("admin")) as work:
        work.record(WebhookCreatedBeforeEndpoints(webhook=1, url=SECRET_URL, event_types=""))

    [event] = await webhook_events(api, world, "mara")

    assert event["payload"] == {
        "webhook": gid("Webhook", 1),
        "endpoint": "https://hooks.example:8443",
        "event_types": "",
    }


async def test_to_a_member_who_is_not_an_admin_a_webhook_does_not_exist(api: Api) -> None:
    world = await build_world()
    hook = await webhooks.create_webhook(
        await world.viewer("admin"), world.organisation.id, url="https://hooks.example/in"
    )
    missing = 2**31 - 1

    for person in ("mara", "olga"):
        secret = await token(world, person)
        seen = await api.run(
            UPDATE, {"w": gid("Webhook", hook.webhook.id), "url": None}, token=secret
        )
        absent = await api.run(UPDATE, {"w": gid("Webhook", missing), "url": None}, token=secret)
        assert repr(seen).replace(str(hook.webhook.id), "#") == repr(absent).replace(
            str(missing), "#"
        ), person
        assert seen["updateWebhook"]["__typename"] == "NotFoundError"
    await hook.webhook.refresh_from_db()
    assert hook.webhook.active

"""Where webhooks may call: public addresses only, checked again at every delivery, and the call
goes to the address that was checked, speaking to it (Host, TLS SNI, certificate) as the name.

Names are resolved by this machine's real resolver. It has no network: the names that resolve
here are those of the hosts file (``localhost`` and the machine's own name, both loopback).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import trustme
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from actas.api import clock
from actas.api.domain.addresses import (
    NOTHING_ALLOWED,
    AllowList,
    address_refusal,
    literal_address,
    refusal,
)
from actas.api.domain.errors import ValidationFailed
from actas.api.domain.vocabulary import DeliveryChannel, DeliveryStatus
from actas.api.models import Delivery
from actas.api.services import outbound, webhooks
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings, SettingsError, load_settings
from tests.api.receivers import (
    RECEIVERS_ALLOWED,
    MailServer,
    WebhookReceiver,
    free_port,
    fresh_era,
)
from tests.factories import build_world, opened

THIS_MACHINE = socket.gethostname()

REFUSED = {
    "http://127.0.0.1/": "127.0.0.1 is a loopback address",
    "http://2130706433/": "2130706433 is a loopback address",  # decimal
    "http://0x7f000001/": "0x7f000001 is a loopback address",  # hexadecimal
    "http://127.1/": "127.1 is a loopback address",  # short form
    "http://[::1]/": "::1 is a loopback address",
    "http://[::ffff:127.0.0.1]/": "::ffff:127.0.0.1 is an IPv4-mapped IPv6 address",
    "http://[::127.0.0.1]/": "::127.0.0.1 is an IPv4-compatible IPv6 address",
    "http://[64:ff9b::a9fe:a9fe]/": "64:ff9b::a9fe:a9fe is a NAT64 address",
    "http://[2002:7f00:1::]/": "2002:7f00:1:: is a 6to4 address",
    "http://169.254.169.254/latest/meta-data/": (
        "169.254.169.254 is a link-local address (cloud metadata lives there)"
    ),
    "http://[fe80::1]/": "fe80::1 is a link-local address (cloud metadata lives there)",
    "http://10.1.2.3:8080/": "10.1.2.3 is a private address",
    "http://172.16.0.1/": "172.16.0.1 is a private address",
    "http://192.168.1.1/": "192.168.1.1 is a private address",
    "http://[fd12::1]/": "fd12::1 is a private address",
    "http://100.100.100.200/": "100.100.100.200 is a shared (carrier-grade NAT) address",
    "http://224.0.0.1/": "224.0.0.1 is a multicast address",
    "http://240.0.0.1/": "240.0.0.1 is a reserved address",
    "http://0.0.0.0/": "0.0.0.0 is an unspecified address",
    "http://localhost:8000/": "localhost resolves to a loopback address",
    "http://LOCALHOST./": "localhost. is a private name (.localhost)",
    f"http://{THIS_MACHINE}/": f"{THIS_MACHINE} resolves to a loopback address",
    "http://anything.localhost/": "anything.localhost is a private name (.localhost)",
    "http://metadata.google.internal/computeMetadata/v1/": (
        "metadata.google.internal is a cloud metadata name"
    ),
    "http://metadata/": "metadata is a cloud metadata name",
    "http://printer.local/": "printer.local is a private name (.local)",
    "http://0177.0.0.1/": "'http://0177.0.0.1/' is not a URL actas can call (Invalid IPv4",
}


@pytest.mark.parametrize("url", REFUSED)
async def test_internal_targets_are_refused_in_every_spelling(url: str) -> None:
    with pytest.raises(outbound.CallRefused) as refused:
        await outbound.check_target(url, NOTHING_ALLOWED)
    assert refused.value.detail.startswith(REFUSED[url])


def test_numeric_hosts_mean_what_the_c_library_reads_them_as() -> None:
    # getaddrinfo connects 0177.0.0.1 to 127.0.0.1: the policy must read it the same way.
    loopback = ipaddress.ip_address("127.0.0.1")
    for spelling in ("2130706433", "0177.0.0.1", "0x7f.1", "127.1", "127.0.0.1"):
        assert literal_address(spelling) == loopback, spelling
        assert socket.getaddrinfo(spelling, 80)[0][4][0] == "127.0.0.1"
    assert literal_address("hooks.example") is None


def test_every_address_of_a_name_must_be_public() -> None:
    public, private = ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.7")
    assert refusal("hooks.example", [public], NOTHING_ALLOWED) is None
    assert refusal("hooks.example", [public, private], NOTHING_ALLOWED) == (
        "hooks.example resolves to a private address"
    )
    assert address_refusal(ipaddress.ip_address("2606:4700:4700::1111")) is None


def test_the_allow_list_lets_deliberate_internal_targets_through() -> None:
    allowed = load_settings({"ACTAS_WEBHOOK_ALLOW": "10.20.0.0/16, ci.internal, [fd00::5]"})
    inside = ipaddress.ip_address("10.20.3.4")
    assert refusal("10.20.3.4", [inside], allowed.webhook_allow) is None
    assert refusal("10.21.0.1", [ipaddress.ip_address("10.21.0.1")], allowed.webhook_allow)
    assert refusal("ci.internal", [], allowed.webhook_allow) is None  # allowed by name
    # A private name passes when everything it resolves to is in an allowed range...
    assert refusal("build.corp", [inside], allowed.webhook_allow) is None
    # ...and not otherwise.
    assert (
        refusal("build.corp", [], allowed.webhook_allow) == "build.corp is a private name (.corp)"
    )
    assert refusal("fd00::5", [ipaddress.ip_address("fd00::5")], allowed.webhook_allow) is None
    assert load_settings({}).webhook_allow == NOTHING_ALLOWED  # nothing inside by default
    with pytest.raises(SettingsError, match="ACTAS_WEBHOOK_ALLOW"):
        load_settings({"ACTAS_WEBHOOK_ALLOW": "10.0.0.0/33"})


async def test_an_ipv4_address_is_registered_in_the_spelling_every_parser_reads_alike() -> None:
    world = await build_world()
    admin = await world.viewer("admin")
    with pytest.raises(ValidationFailed, match=r"Write the IPv4 address 134744072 as 8\.8\.8\.8"):
        await webhooks.create_webhook(admin, world.organisation.id, url="http://134744072/in")
    created = await webhooks.create_webhook(admin, world.organisation.id, url="http://8.8.8.8/in")
    assert created.webhook.url == "http://8.8.8.8/in"


async def test_an_allowed_loopback_target_is_called_at_the_address_checked() -> None:
    target = await outbound.check_target(
        f"http://{THIS_MACHINE}:9/hook", AllowList.parse(["127.0.0.0/8"])
    )
    assert target.address == ipaddress.ip_address("127.0.0.1")


# --- the call goes where the check looked --------------------------------------------------------


@dataclass
class Endpoint:
    """An HTTP(S) receiver on 127.0.0.1 that keeps the Host header of every request."""

    certificate: trustme.LeafCert | None = None
    port: int = field(default_factory=free_port)
    hosts: list[str] = field(default_factory=list)

    async def _receive(self, request: Request) -> PlainTextResponse:
        self.hosts.append(request.headers["host"])
        return PlainTextResponse("", status_code=204)

    async def _answer_without_end(self, request: Request) -> StreamingResponse:
        async def endless() -> AsyncIterator[bytes]:
            while True:
                yield b"x" * 65536
                await asyncio.sleep(0)

        return StreamingResponse(endless(), status_code=200)

    @asynccontextmanager
    async def serving(self, folder: Path) -> AsyncIterator[Endpoint]:
        tls: dict[str, str] = {}
        if self.certificate is not None:
            pem = folder / f"endpoint-{self.port}.pem"
            self.certificate.private_key_and_cert_chain_pem.write_to_path(pem)
            tls = {"ssl_certfile": str(pem), "ssl_keyfile": str(pem)}
        app = Starlette(
            routes=[
                Route("/hook", self._receive, methods=["POST"]),
                Route("/endless", self._answer_without_end, methods=["POST"]),
            ]
        )
        server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off", **tls
            )
        )
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()  # raises why it could not start
            await asyncio.sleep(0.005)
        try:
            yield self
        finally:
            server.should_exit = True
            await task


LOOPBACK = ipaddress.ip_address("127.0.0.1")


async def test_the_connection_is_pinned_and_speaks_to_the_name(tmp_path: Path) -> None:
    # hooks.example resolves nowhere here: the call can only reach the endpoint through the pin.
    async with Endpoint().serving(tmp_path) as endpoint, outbound.webhook_client() as client:
        url = f"http://hooks.example:{endpoint.port}/hook"
        target = outbound.Target(httpx.URL(url), LOOPBACK)
        status = await outbound.post(client, target, content=b"{}", headers={})

    assert status == 204
    assert endpoint.hosts == [f"hooks.example:{endpoint.port}"]


async def test_only_the_status_of_an_answer_is_read(tmp_path: Path) -> None:
    async with Endpoint().serving(tmp_path) as endpoint, outbound.webhook_client() as client:
        url = httpx.URL(f"http://hooks.example:{endpoint.port}/endless")
        status = await asyncio.wait_for(
            outbound.post(client, outbound.Target(url, LOOPBACK), content=b"{}", headers={}), 5
        )

    assert status == 200  # and the endless body was never waited for


async def test_tls_is_checked_against_the_name_not_the_pinned_address(tmp_path: Path) -> None:
    authority = trustme.CA()
    trusted = ssl.create_default_context()
    authority.configure_trust(trusted)
    named = Endpoint(certificate=authority.issue_cert("hooks.example"))
    other = Endpoint(certificate=authority.issue_cert("elsewhere.example"))
    async with (
        named.serving(tmp_path),
        other.serving(tmp_path),
        outbound.webhook_client(verify=trusted) as client,
    ):
        good = outbound.Target(httpx.URL(f"https://hooks.example:{named.port}/hook"), LOOPBACK)
        status = await outbound.post(client, good, content=b"{}", headers={})
        wrong = outbound.Target(httpx.URL(f"https://hooks.example:{other.port}/hook"), LOOPBACK)
        with pytest.raises(outbound.CallFailed) as failed:
            await outbound.post(client, wrong, content=b"{}", headers={})

    assert status == 204 and named.hosts == [f"hooks.example:{named.port}"]
    assert other.hosts == []
    assert failed.value.logged == "TLS handshake failed"
    assert "CERTIFICATE_VERIFY_FAILED" in failed.value.detail  # the full story stays out of the log


# --- at delivery time ----------------------------------------------------------------------------


async def test_each_delivery_checks_the_address_again(database: Settings) -> None:
    """A name that passed when it was registered is resolved and checked again at every
    delivery: once it leads somewhere refused, nothing is sent and the log says so, coarsely."""
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world()
    with MailServer() as mail:
        allowing = Settings(
            database_url=database.database_url,
            mail=mail.settings(),
            webhook_allow=RECEIVERS_ALLOWED,
        )
        async with WebhookReceiver() as receiver:
            with clock.frozen_at(era + timedelta(hours=1)):
                created = await webhooks.create_webhook(
                    await world.viewer("admin"),
                    world.organisation.id,
                    url=f"http://{THIS_MACHINE}:{receiver.port}/actas",
                    allowed=RECEIVERS_ALLOWED,
                )
                receiver.secret = created.secret
                await opened(world)
                await deliver_due(allowing)
                await opened(world)  # by now the operator no longer allows loopback
                await deliver_due(replace(allowing, webhook_allow=NOTHING_ALLOWED))

    first, second = await Delivery.filter(
        webhook_id=created.webhook.id, channel=DeliveryChannel.WEBHOOK
    ).order_by("id")
    assert first.status == DeliveryStatus.SENT
    assert [call.delivery for call in receiver.calls] == [first.key]
    assert (second.status, second.attempts, second.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "address not allowed",
    )

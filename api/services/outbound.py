"""Calling out (webhooks) only where ``domain/addresses.py`` allows: resolve the name, check every
address it has, and connect to the address that was checked.

Checking at registration is a courtesy to the admin; the guard is the check at send time, since
a name's answer can change in between (DNS rebinding). The request then goes to the checked
address itself: were httpx to resolve the name again, a rebinding name could answer a public
address to the check and a private one to the connection. The Host header, TLS SNI and the
certificate check stay on the name.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from actas.api.domain.addresses import AllowList, IPAddress, literal_address, refusal

RESOLVE_TIMEOUT = 5.0  # seconds: a resolver that does not answer is a failed attempt, retried
CALL_TIMEOUT = 10.0  # seconds for each step of a call (connect, write, each read)
WHOLE_CALL_TIMEOUT = 30.0  # and for all of it: a receiver trickling its answer is let go


class CallFailed(Exception):
    """A webhook call that did not get an answer. ``logged`` is the coarse phrase the delivery
    log keeps: an admin reads it, and it must not tell which internal hosts and ports answer."""

    logged = "request failed"

    def __init__(self, detail: str, logged: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if logged is not None:
            self.logged = logged


class CallRefused(CallFailed):
    """The target may not be called; ``detail`` says why, for the admin registering it."""

    logged = "address not allowed"


class NameUnresolved(CallRefused):
    logged = "name does not resolve"


class InvalidTarget(CallRefused):
    logged = "invalid URL"


@dataclass(frozen=True)
class Target:
    """A URL that may be called, and the checked address to connect to."""

    url: httpx.URL
    address: IPAddress


async def system_resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver (hosts file, DNS) gives ``host``, in its order."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(RESOLVE_TIMEOUT):
        answers = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: dict[IPAddress, None] = {}
    for *_, sockaddr in answers:
        address = literal_address(str(sockaddr[0]))
        if address is not None:
            addresses[address] = None
    return list(addresses)


async def check_target(url: str, allowed: AllowList) -> Target:
    """The target ``url`` names, once its host passed the address policy; raises CallRefused."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise InvalidTarget(f"{url!r} is not a URL actas can call ({error})") from None
    host = parsed.host
    literal = literal_address(host)
    addresses = [literal] if literal is not None else await _resolved(host, _port(parsed))
    why = refusal(host, addresses, allowed)
    if why is not None:
        raise CallRefused(why)
    if not addresses:
        raise NameUnresolved(f"{host} does not resolve")
    return Target(parsed, addresses[0])


async def _resolved(host: str, port: int) -> list[IPAddress]:
    """The addresses of ``host``; none when it does not resolve (a private name is refused
    then all the same, so the check must still see it)."""
    try:
        return await system_resolve(host, port)
    except (OSError, TimeoutError, UnicodeError):
        return []


def webhook_client(verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """The client for a round of webhook calls. No redirects (a redirect would go unchecked), and
    no kept-alive connections: connections are pooled by the address connected to, so a kept
    one could carry a call for another name on the same address under the first name's TLS
    check."""
    return httpx.AsyncClient(
        timeout=CALL_TIMEOUT,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
        verify=verify,
    )


async def post(
    client: httpx.AsyncClient, target: Target, *, content: bytes, headers: Mapping[str, str]
) -> int:
    """POST to the checked address, speaking to it as the URL's name; the answer's status (its
    body is never read: only the status matters, and a receiver could send gigabytes)."""
    url, extensions = target.url, {}
    if literal_address(url.host) is None:
        name = url.raw_host.decode("ascii")  # IDNA-encoded, as SNI and Host want it
        headers = {**headers, "Host": url.netloc.decode("ascii")}
        if url.scheme == "https":
            extensions["sni_hostname"] = name  # also the name the certificate must match
        url = url.copy_with(host=str(target.address))
    try:
        async with asyncio.timeout(WHOLE_CALL_TIMEOUT):
            request = client.stream(
                "POST", url, content=content, headers=headers, extensions=extensions
            )
            async with request as response:
                return response.status_code
    except TimeoutError:
        raise CallFailed("the whole call took too long", "timed out") from None
    except httpx.HTTPError as error:
        raise CallFailed(str(error), coarse_error(error)) from error


def coarse_error(error: httpx.HTTPError) -> str:
    """What the delivery log says about a failed call: the kind of failure, never the address,
    port or the operating system's words."""
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.ConnectError):
        if _caused_by(error, lambda e: isinstance(e, ssl.SSLError)):
            return "TLS handshake failed"
        if _caused_by(error, _is_refusal):
            return "connection refused"
        return "could not connect"
    if isinstance(error, httpx.TransportError):
        return "the connection broke"
    return "request failed"


def _is_refusal(error: BaseException) -> bool:
    return isinstance(error, ConnectionRefusedError) or (
        isinstance(error, OSError) and error.errno == errno.ECONNREFUSED
    )


def _caused_by(error: BaseException, test: Callable[[BaseException], bool]) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if test(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)

"""Benchmark of a webhook call's safety costs: checking the address (a literal, or a name the
resolver answers from the hosts file) and calling the checked address on a fresh connection
(the worker keeps none alive, see ``outbound.webhook_client``) against a kept-alive pool, over
HTTP and HTTPS to a real uvicorn receiver on loopback.

    python bench/webhooks.py [--calls 400] [--concurrency 8]

Prints calls per second and the mean cost per call of each. The receiver runs in the same
process and event loop, so the figures are the client's and the receiver's costs together.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import socket
import ssl
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import trustme
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from actas.api.domain.addresses import AllowList
from actas.api.services import outbound

ALLOWED = AllowList.parse(["127.0.0.1"])


async def receive(request: Request) -> PlainTextResponse:
    await request.body()
    return PlainTextResponse("", status_code=204)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def serve(port: int, tls: dict[str, str]) -> uvicorn.Server:
    app = Starlette(routes=[Route("/hook", receive, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off", **tls)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return server


async def timed(calls: int, concurrency: int, call: Callable[[], Awaitable[object]]) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(calls)))
    return time.perf_counter() - started


async def main(calls: int, concurrency: int) -> None:
    authority = trustme.CA()
    trusted = ssl.create_default_context()
    authority.configure_trust(trusted)
    folder = Path(tempfile.mkdtemp())
    pem = folder / "receiver.pem"
    authority.issue_cert("hooks.example").private_key_and_cert_chain_pem.write_to_path(pem)
    plain, secure = free_port(), free_port()
    servers = [
        await serve(plain, {}),
        await serve(secure, {"ssl_certfile": str(pem), "ssl_keyfile": str(pem)}),
    ]
    rows: list[tuple[str, float]] = []
    for name in ("127.0.0.1", "localhost"):
        url = f"http://{name}:{plain}/hook"
        seconds = await timed(calls, concurrency, lambda u=url: outbound.check_target(u, ALLOWED))
        rows.append((f"address check, {name}", seconds))
    for scheme, port in (("http", plain), ("https", secure)):
        url = httpx.URL(f"{scheme}://hooks.example:{port}/hook")
        target = outbound.Target(url, ipaddress.ip_address("127.0.0.1"))
        async with outbound.webhook_client(verify=trusted) as fresh:
            seconds = await timed(
                calls,
                concurrency,
                lambda c=fresh, t=target: outbound.post(c, t, content=b"{}", headers={}),
            )
        rows.append((f"{scheme}: pinned, a fresh connection per call", seconds))
        async with httpx.AsyncClient(verify=trusted) as pooled:
            direct = url.copy_with(host="127.0.0.1")
            extensions = {"sni_hostname": "hooks.example"} if scheme == "https" else {}
            seconds = await timed(
                calls,
                concurrency,
                lambda c=pooled, d=direct, e=extensions: c.post(d, content=b"{}", extensions=e),
            )
        rows.append((f"{scheme}: kept-alive pool (for comparison)", seconds))
    for server in servers:
        server.should_exit = True
    await asyncio.sleep(0.2)
    print(f"{calls} calls, {concurrency} at once")
    for label, seconds in rows:
        print(f"  {label:<45} {calls / seconds:8.0f}/s  {seconds / calls * 1000:7.3f} ms each")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.calls, arguments.concurrency))

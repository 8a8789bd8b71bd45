"""Benchmark of replies by email: replies processed per second through a running
``actas mail serve`` (a real process), sent by real SMTP clients.

    python bench/replies.py [--people 40] [--proposals 10] [--connections 4] [--lmtp]
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/replies.py

Seeds an organisation whose people each have a reply address on each open proposal (stored as
the worker stores them), then every person answers every proposal: half the replies are Gmail's
"De acuerdo." over a quoted history and signature (a position), half Apple Mail's English
paragraph (an argument), each with its own Message-ID. Every reply is answered only once it is
handled (the position or argument written, its event, notifications and outbox rows), so the
time from the first MAIL to the last 250 is the processing time. Prints replies per second
against the target (50/s), p50/p99 per reply, and what was recorded (every reply must post).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import smtplib
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psutil
from scratch import percentile, print_rows, scratch_database

from actas.api import db
from actas.api.domain.vocabulary import Role
from actas.api.models import ProcessedMessage, User
from actas.api.services import organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.services.reply_addresses import ReplyTarget, addresses_for
from actas.api.services.users import find_or_create_user
from actas.api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
REPLIES = ROOT / "tests" / "api" / "replies"
DOMAIN = "reply.bench.example"
TARGET = 50.0  # replies per second
WARM_UP = 20  # replies sent before timing: first queries, caches
FIXTURES = {
    "gmail_es.eml": "ana.perez@brisa.example",
    "apple_mail_en.eml": "elena.ruiz@norte.example",
}
_FIXTURE_ADDRESS = re.compile(rb"reply\+[a-z0-9]+@reply\.actas\.example", re.IGNORECASE)
_MESSAGE_ID = re.compile(rb"^(Message-ID:[ \t]*)<[^>]*>", re.IGNORECASE | re.MULTILINE)


async def seed(settings: Settings, people: int, open_proposals: int) -> list[tuple[str, str]]:
    """(From, reply address) of every person on every open proposal."""
    tag = uuid.uuid4().hex[:6]
    admin = await find_or_create_user(f"admin-{tag}@bench.example", name="Admin")
    viewer = await load_viewer(admin.id)
    organisation = await organisations.create_organisation(viewer, slug=f"mail{tag}", name="Bench")
    viewer = await load_viewer(admin.id)
    members = []
    for n in range(people):
        membership = await organisations.add_member(
            viewer,
            organisation.id,
            email=f"person{n}-{tag}@bench.example",
            name=f"Person {n}",
            role=Role.MEMBER,
        )
        members.append(membership.user_id)
    opened = []
    for n in range(open_proposals):
        draft = await proposals.draft_proposal(
            viewer,
            organisation.id,
            proposals.ProposalDraft(
                title=f"Open on Sundays, store {n}",
                summary="A three-month pilot.",
                body="We expect more sales per hour. " * 10,
            ),
        )
        opened.append((await proposals.open_proposal(viewer, draft.id)).id)
    targets = [
        ReplyTarget(f"bench-{uuid.uuid4()}", user, organisation.id, proposal)
        for proposal in opened
        for user in members
    ]
    addresses = await addresses_for(settings.signing_key, DOMAIN, targets)
    emails = dict(await User.filter(id__in=members).values_list("id", "email"))
    return [(emails[t.user_id], addresses[t.delivery_key]) for t in targets]


def reply(n: int, sender: str, address: str) -> bytes:
    fixture = list(FIXTURES)[n % len(FIXTURES)]
    raw = (REPLIES / fixture).read_bytes()
    raw = _FIXTURE_ADDRESS.sub(address.encode(), raw)
    raw = re.sub(re.escape(FIXTURES[fixture]).encode(), sender.encode(), raw, flags=re.I)
    fresh = f"<{uuid.uuid4().hex}@client.example>".encode()
    raw = _MESSAGE_ID.sub(lambda found: found.group(1) + fresh, raw, count=1)
    return re.sub(rb"\r?\n", b"\r\n", raw)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(settings: Settings, port: int, lmtp: bool) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTAS_")}
    env |= {"ACTAS_DATABASE_URL": settings.database_url, "ACTAS_REPLY_DOMAIN": DOMAIN}
    command = [str(Path(sys.executable).with_name("actas")), "mail", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, *(["--lmtp"] if lmtp else [])],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("actas mail serve did not start")


def send_all(
    port: int, messages: list[tuple[str, bytes]], connections: int, lmtp: bool
) -> tuple[float, list[float], Counter[int]]:
    """Send every (recipient, message) over ``connections`` kept-open sessions; the wall time,
    each reply's time to its answer, and the answers' codes."""
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    lock = threading.Lock()

    def session(share: list[tuple[str, bytes]]) -> None:
        client = smtplib.LMTP("127.0.0.1", port) if lmtp else smtplib.SMTP("127.0.0.1", port)
        client.ehlo_or_helo_if_needed()
        for recipient, raw in share:
            started = time.perf_counter()
            client.mail("someone@client.example")
            client.rcpt(recipient)
            code, _ = client.data(raw)
            with lock:
                latencies.append(time.perf_counter() - started)
                codes[code] += 1
        client.quit()

    shares = [messages[n::connections] for n in range(connections)]
    threads = [threading.Thread(target=session, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, codes


async def main(people: int, open_proposals: int, connections: int, lmtp: bool) -> None:
    async with scratch_database() as settings:
        await db.open_database(settings)
        try:
            pairs = await seed(settings, people, open_proposals)
        finally:
            await db.close_database()
        messages = [(to, reply(n, sender, to)) for n, (sender, to) in enumerate(pairs)]
        warm, measured = messages[:WARM_UP], messages[WARM_UP:]
        port = free_port()
        server = start_server(settings, port, lmtp)
        try:
            send_all(port, warm, connections, lmtp)
            cpu_before = cpu_seconds(server.pid)
            elapsed, latencies, codes = send_all(port, measured, connections, lmtp)
            cpu = cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
        await db.open_database(settings)
        try:
            outcomes = Counter(await ProcessedMessage.all().values_list("outcome", flat=True))
        finally:
            await db.close_database()
    rate = len(measured) / elapsed
    verdict = "met" if rate >= TARGET else "MISSED"
    print_rows(
        [
            ("database", "SQLite" if settings.is_sqlite else "PostgreSQL"),
            ("protocol", f"{'LMTP' if lmtp else 'SMTP'}, {connections} connections"),
            ("replies", f"{len(measured)} timed, after {len(warm)} to warm up"),
            ("seeded", f"{people} people x {open_proposals} open proposals"),
            ("answers", ", ".join(f"{code}: {n}" for code, n in sorted(codes.items()))),
            ("recorded", ", ".join(f"{o}: {n}" for o, n in sorted(outcomes.items()))),
            ("per reply p50", f"{percentile(latencies, 0.5) * 1000:.1f} ms"),
            ("per reply p99", f"{percentile(latencies, 0.99) * 1000:.1f} ms"),
            ("server CPU per reply", f"{cpu / len(measured) * 1000:.1f} ms (its reader too)"),
            ("load average", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"),
            ("replies/s", f"{rate:.1f} (target >= {TARGET:.0f}/s: {verdict})"),
        ]
    )
    posted = outcomes["took_position"] + outcomes["posted_argument"]
    if posted != len(messages) or codes[250] != len(measured):
        raise SystemExit(f"only {posted} of {len(messages)} replies posted")


def cpu_seconds(pid: int) -> float:
    """CPU time of the server process and its reader processes so far."""
    server = psutil.Process(pid)
    processes = [server, *server.children(recursive=True)]
    return sum(t.user + t.system for t in (process.cpu_times() for process in processes))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--proposals", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--lmtp", action="store_true")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.people, arguments.proposals, arguments.connections, arguments.lmtp))

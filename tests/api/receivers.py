"""Real receivers for what the worker sends, and a clock era for each scenario.

- ``MailServer``: an SMTP server (aiosmtpd's ``Controller``, in its own thread) on a free local
  port, keeping every message it accepts. It can be stopped and started again on the same port.
- ``WebhookReceiver``: an HTTP endpoint (starlette served by uvicorn in the test's event loop) that
  checks the ``X-Actas-Signature-256`` of every call against the webhook's secret, keeps each
  delivery once by its ``X-Actas-Delivery`` id (as real receivers do) while counting repeats, and
  can be made to fail.
- ``fresh_era``: the worker serves every organisation in the database at once, and the test
  database is shared by the whole run. Each scenario therefore happens in its own era, earlier
  than anything already stored, so the deliveries and deadlines the worker finds due are only the
  scenario's own. (Digests are the exception: a member of any organisation who chose one gets it
  in any era, so tests read digests by their own organisation's rows.)
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import hashlib
import hmac
import itertools
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import orjson
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from actas.api.domain.addresses import AllowList
from actas.api.settings import MailSettings

# The receivers listen on loopback, which webhooks may call only when an operator allows it:
# the tests allow it explicitly, as ACTAS_WEBHOOK_ALLOW=127.0.0.1 would.
RECEIVERS_ALLOWED = AllowList.parse(["127.0.0.1"])

# --- eras ----------------------------------------------------------------------------------------

# A Monday, 08:00 UTC (after the digest hour), before any date the rest of the suite uses.
_LATEST_ERA = datetime(1999, 12, 27, 8, 0, tzinfo=UTC)
_ERA_LENGTH = timedelta(weeks=60)  # longer than any scenario runs
_eras = itertools.count()


def fresh_era() -> datetime:
    """A Monday at 08:00 UTC earlier than every era handed out before, and than any other test's
    data: what a scenario creates from here on is the only thing due in its time."""
    return _LATEST_ERA - next(_eras) * _ERA_LENGTH


# --- free ports ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- SMTP ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    """One message as the SMTP server received it."""

    envelope_to: tuple[str, ...]
    message: EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        # Python's parser keeps the space of a header folded right after its name.
        return str(self.message["Subject"]).strip()

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())


class MailServer:
    """A real SMTP server on a free port; ``received`` keeps every message, repeats included."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Mail] = []
        self.delay = 0.0  # seconds to wait after storing a message before answering "250"
        self.arrived = threading.Event()  # set at the first message
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> MailServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def settings(self, sender: str = "actas <actas@test.example>") -> MailSettings:
        return MailSettings(host="127.0.0.1", port=self.port, sender=sender)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.received.append(Mail(tuple(envelope.rcpt_tos), message))
        self.arrived.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        """Forget what arrived so far."""
        with self._lock:
            self.received.clear()
            self.arrived.clear()

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.received if m.to == address]

    def once_each(self) -> dict[str, Mail]:
        """Messages by Message-ID, as a receiver deduplicating on it keeps them."""
        return {m.message_id: m for m in self.received}

    def repeats(self) -> Counter[str]:
        """Message-IDs that arrived more than once, and how often."""
        seen = Counter(m.message_id for m in self.received)
        return Counter({key: n for key, n in seen.items() if n > 1})


# --- webhooks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request as the receiver saw it."""

    delivery: str
    event_type: str
    signature_valid: bool
    body: dict[str, Any]
    answered: int


@dataclass
class WebhookReceiver:
    """A webhook endpoint; ``secret`` is set once the webhook is created (it is shown once)."""

    secret: str = ""
    failing_with: int | None = None  # answer every call with this status instead of 204
    delay: float = 0.0  # seconds to wait before answering
    port: int = field(default_factory=free_port)
    calls: list[Call] = field(default_factory=list)
    kept: dict[str, Call] = field(default_factory=dict)  # accepted calls, once per delivery id
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/actas"

    async def _receive(self, request: Request) -> PlainTextResponse:
        raw = await request.body()
        expected = "sha256=" + hmac.new(self.secret.encode(), raw, hashlib.sha256).hexdigest()
        given = request.headers.get("X-Actas-Signature-256", "")
        status = self.failing_with or 204
        call = Call(
            delivery=request.headers.get("X-Actas-Delivery", ""),
            event_type=request.headers.get("X-Actas-Event", ""),
            signature_valid=hmac.compare_digest(expected, given),
            body=orjson.loads(raw),
            answered=status if hmac.compare_digest(expected, given) else 401,
        )
        self.calls.append(call)
        self.arrived.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        if call.answered == 204:
            self.kept.setdefault(call.delivery, call)  # a repeat changes nothing
        return PlainTextResponse("", status_code=call.answered)

    async def start(self) -> None:
        app = Starlette(routes=[Route("/actas", self._receive, methods=["POST"])])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off", ws="none"
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()  # raises why it could not start
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None

    async def __aenter__(self) -> WebhookReceiver:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    def repeats(self) -> Counter[str]:
        """Delivery ids accepted more than once (what a receiver without deduplication would
        have processed twice)."""
        accepted = Counter(c.delivery for c in self.calls if c.answered == 204)
        return Counter({key: n for key, n in accepted.items() if n > 1})

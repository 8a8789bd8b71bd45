"""Inbound mail: ``actas mail serve``, an SMTP or LMTP listener (aiosmtpd) in front of
``reply_intake.receive``, for an MTA to hand replies to.

- ``RCPT`` is accepted only for ``reply+<key>@<ACTAS_REPLY_DOMAIN>`` (anything else is 550: the
  listener relays nothing). An unknown key is still accepted and dropped after DATA, so nobody
  learns which keys exist by probing.
- After ``DATA`` each recipient's copy is handled with that recipient's key. Every handled
  message is answered 250, refused or not (the refusal is actas's to tell, in its short reply;
  an MTA bounce would go to a From that may be forged). A failure worth retrying (the database
  is unreachable or busy) is 451, so the MTA keeps the message and tries again; a message
  already handled is then recognised by its Message-ID.
- LMTP answers once per recipient, in RCPT order (RFC 2033); SMTP answers once for all, 451 if
  any recipient failed.

It speaks plain SMTP on loopback by default, for the MTA beside it: TLS, SPF, DKIM and DMARC
are the MTA's work.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from functools import partial

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from actas.api.domain.addresses import canonical_host
from actas.api.domain.replies import Reply, read_reply
from actas.api.services.reply_intake import handle
from actas.api.settings import Settings

log = logging.getLogger("actas.mail")

MAX_MESSAGE_BYTES = 10_000_000
MAX_RECIPIENTS = 20
READERS = 1  # processes that read messages; the database work stays in this one
ACCEPTED = "250 2.0.0 Handled"
TRY_LATER = "451 4.3.0 Temporary failure, try again later"


class ReplyHandler:
    """aiosmtpd's handler: reply addresses only, one outcome per recipient."""

    def __init__(self, settings: Settings, readers: Executor, *, lmtp: bool) -> None:
        self.settings = settings
        self.readers = readers
        self.lmtp = lmtp
        self.domain = canonical_host(settings.reply_domain)

    def is_reply_address(self, address: str) -> bool:
        local, _, domain = address.rpartition("@")
        return (
            canonical_host(domain) == self.domain
            and local[:6].lower() == "reply+"
            and len(local) > 6
        )

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not self.is_reply_address(address):
            return "550 5.1.1 Not a reply address here"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            # Reading is CPU work (quotequail, the email parser): done in another process, it
            # overlaps with this one's database work on the other messages.
            reply = await asyncio.get_running_loop().run_in_executor(
                self.readers, partial(read_reply, raw, reply_domain=self.settings.reply_domain)
            )
        except Exception:
            log.exception("reply by email not read; asked the sender to retry")
            return "\r\n".join([TRY_LATER] * len(envelope.rcpt_tos)) if self.lmtp else TRY_LATER
        answers = [await self._one(reply, recipient) for recipient in envelope.rcpt_tos]
        if self.lmtp:
            return "\r\n".join(answers)
        return TRY_LATER if TRY_LATER in answers else ACCEPTED

    async def _one(self, reply: Reply, recipient: str) -> str:
        try:
            outcome = await handle(reply, self.settings, recipient=recipient)
        except Exception:  # the database, most likely: the MTA keeps the message and retries
            log.exception("reply by email to %s not handled; asked the sender to retry", recipient)
            return TRY_LATER
        return f"{ACCEPTED} ({outcome.outcome.value})"


async def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    lmtp: bool = False,
    stop: asyncio.Event | None = None,
    started: Callable[[], None] | None = None,
) -> None:
    """Listen until ``stop`` is set (forever without one), in the running event loop, which
    has the database open."""
    # Spawned, not forked: a copy of this process's event loop and database threads is no help.
    readers = ProcessPoolExecutor(READERS, mp_context=multiprocessing.get_context("spawn"))
    handler = ReplyHandler(settings, readers, lmtp=lmtp)
    # aiosmtpd logs every command at INFO; our own line per message says what matters.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    protocol = LMTP if lmtp else SMTP
    loop = asyncio.get_running_loop()
    # The reader starts (and imports) now, not while the first message waits.
    await loop.run_in_executor(readers, partial(read_reply, b"", reply_domain=handler.domain))
    server = await loop.create_server(
        lambda: protocol(
            handler,
            data_size_limit=MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=settings.reply_domain,
            ident="actas mail",
        ),
        host=host,
        port=port,
    )
    if started is not None:
        started()
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        server.close()
        await server.wait_closed()
        readers.shutdown(cancel_futures=True)

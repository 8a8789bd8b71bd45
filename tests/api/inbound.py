"""Arranging replies by email: a real notification email's Reply-To, and a client's reply to it
made from the fixtures in ``replies/`` (Gmail, Outlook, Apple Mail, Thunderbird, robots) by
putting in the real reply address, the person's own From and a fresh Message-ID."""

from __future__ import annotations

import re
import uuid
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path

from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings
from tests.api.receivers import Mail, MailServer
from tests.api.test_outbox import worker_settings

REPLIES = Path(__file__).parent / "replies"
DOMAIN = "reply.actas.example"  # the fixtures' reply domain
_FIXTURE_ADDRESS = re.compile(rb"reply\+[a-z0-9]+@reply\.actas\.example", re.IGNORECASE)
_MESSAGE_ID = re.compile(rb"^(Message-ID:[ \t]*)<[^>]*>", re.IGNORECASE | re.MULTILINE)


def intake_settings(database: Settings, mail: MailServer, **environ: str) -> Settings:
    """The worker's settings with replies by email on, at the fixtures' reply domain."""
    return worker_settings(database, mail, ACTAS_REPLY_DOMAIN=DOMAIN, **environ)


async def emailed(settings: Settings, mail: MailServer, email: str, subject: str = "") -> Mail:
    """Send what is due, and the latest email to ``email`` that has a reply address (and
    ``subject`` in its subject). Rounds until nothing is left: other tests' deliveries may be
    queued first."""
    while (await deliver_due(settings)).sent:
        pass
    found = [
        m for m in mail.to(email) if m.message["Reply-To"] is not None and subject in m.subject
    ]
    assert found, f"no email with a reply address for {email}"
    return found[-1]


def reply_address(letter: Mail) -> str:
    return str(letter.message["Reply-To"])


def fixture_sender(fixture: str) -> str:
    message = message_from_bytes((REPLIES / fixture).read_bytes(), policy=policy.compat32)
    return getaddresses([str(message["From"])])[0][1]


def reply_from(fixture: str, *, to: str, sender: str, message_id: str | None = None) -> bytes:
    """The fixture as if ``sender`` had written it to ``to``, with its own Message-ID."""
    raw = (REPLIES / fixture).read_bytes()
    raw = _FIXTURE_ADDRESS.sub(to.encode(), raw)
    original = re.escape(fixture_sender(fixture).encode())
    raw = re.sub(original, sender.encode(), raw, flags=re.IGNORECASE)
    fresh = f"<{message_id or uuid.uuid4().hex + '@client.example'}>".encode()
    return _MESSAGE_ID.sub(lambda found: found.group(1) + fresh, raw, count=1)


def plain_reply(
    *, to: str, sender: str, body: str, message_id: str | None = None, headers: str = ""
) -> bytes:
    """A minimal client's reply: the headers that matter and a plain-text body."""
    fresh = message_id or f"{uuid.uuid4().hex}@client.example"
    lines = [
        f"From: {sender}",
        f"To: {to}",
        "Subject: Re: [TEST-1] A proposal",
        f"Message-ID: <{fresh}>",
        "Content-Type: text/plain; charset=utf-8",
        *([headers] if headers else []),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def on_the_wire(raw: bytes) -> bytes:
    """The message as SMTP carries it: every line ends in CRLF (the fixtures' end in LF)."""
    return re.sub(rb"\r?\n", b"\r\n", raw)

"""Development mail: a catcher that keeps every email ``actas demo`` sends, and reading it back.

Nothing leaves the machine: the demo's worker sends to an SMTP server (aiosmtpd) on a free local
port, in the demo's own event loop, which stores each message in a Maildir (stdlib ``mailbox``)
next to the demo database. ``/mail/`` (``api/pages/mail.py``, development only) lists it.
"""

from __future__ import annotations

import asyncio
import email.policy
import mailbox
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP

from actas.api.settings import Settings

# The headers a reader of /mail/<id> is shown, when the message has them.
SHOWN_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Reply-To",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
)
# A Maildir key starts with its delivery time: "<seconds>.M<microseconds>P<pid>Q<count>.<host>".
_ARRIVAL = re.compile(r"(\d+)\.M(\d+)P")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def maildir_of(settings: Settings) -> Path:
    """The demo's Maildir: beside its SQLite file (``actas.sqlite3`` -> ``actas-mail/``), or in
    the working folder for another database."""
    if settings.is_sqlite:
        path = settings.database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path and path != ":memory:":
            database = Path(path)
            return database.with_name(f"{database.stem}-mail")
    return Path("actas-mail")


@asynccontextmanager
async def mail_catcher(folder: Path, host: str = "127.0.0.1") -> AsyncIterator[int]:
    """Catch mail on a free port of ``host`` (yielded) into the Maildir ``folder`` while open."""
    handler = Mailbox(folder)  # creates the Maildir's folders
    loop = asyncio.get_running_loop()
    # A fixed hostname: without one aiosmtpd asks the resolver for this machine's name.
    server = await loop.create_server(lambda: SMTP(handler, hostname="actas-demo"), host, 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


@dataclass(frozen=True)
class CaughtSummary:
    """One caught email as the list shows it."""

    key: str
    to: str
    subject: str
    date: datetime


@dataclass(frozen=True)
class CaughtMail:
    """One caught email as its page shows it: headers, HTML part (raw: sanitise before showing
    it) and text part."""

    key: str
    headers: tuple[tuple[str, str], ...]
    html: str
    text: str


def caught(folder: Path) -> list[CaughtSummary]:
    """Every email in the Maildir, newest first (none when nothing was caught yet)."""
    box = _open(folder)
    if box is None:
        return []
    summaries = [_summary(key, raw) for key, raw in _raw_headers(box)]
    return sorted(summaries, key=lambda mail: (mail.date, _arrival(mail.key)), reverse=True)


def by_recipient(mails: list[CaughtSummary]) -> dict[str, list[CaughtSummary]]:
    """The emails grouped by their To address, addresses in order, each group in its order."""
    groups: dict[str, list[CaughtSummary]] = {}
    for mail in mails:
        groups.setdefault(mail.to, []).append(mail)
    return dict(sorted(groups.items()))


def caught_mail(folder: Path, key: str) -> CaughtMail | None:
    """One email by its Maildir key, or None when there is no such email."""
    box = _open(folder)
    if box is None:
        return None
    try:
        raw = box.get_bytes(key)
    except KeyError:
        return None
    message = BytesParser(_class=EmailMessage, policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    headers = tuple((name, str(message[name])) for name in SHOWN_HEADERS if name in message)
    return CaughtMail(key=key, headers=headers, html=_part(message, "html"), text=_part(message))


def _open(folder: Path) -> mailbox.Maildir | None:
    try:
        return mailbox.Maildir(folder, create=False)
    except mailbox.NoSuchMailboxError:
        return None


def _raw_headers(box: mailbox.Maildir) -> Iterator[tuple[str, bytes]]:
    for key in box.iterkeys():  # iterating a mailbox yields its messages
        try:
            yield key, box.get_bytes(key)
        except KeyError:  # removed since the folder was listed
            continue


def _summary(key: str, raw: bytes) -> CaughtSummary:
    headers = BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
    addresses = getaddresses([str(headers.get("To", ""))])
    return CaughtSummary(
        key=key,
        to=addresses[0][1] if addresses else "",
        subject=str(headers.get("Subject", "")),
        date=_date(str(headers.get("Date", ""))) or _arrival(key),
    )


def _date(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _arrival(key: str) -> datetime:
    found = _ARRIVAL.match(key)
    if found is None:
        return _EPOCH
    seconds, microseconds = found.groups()
    return datetime.fromtimestamp(int(seconds) + int(microseconds) / 1e6, UTC)


def _part(message: EmailMessage, subtype: str = "plain") -> str:
    body = message.get_body(preferencelist=(subtype,))
    if body is None or body.get_content_subtype() != subtype:
        return ""
    content = body.get_content()
    return content if isinstance(content, str) else ""

"""The month, once lived, and what it left behind: what both the month's tests and its absences'
tests read (``conftest.py`` lives it once for the whole package)."""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32

from aiosmtpd.smtp import SMTP, Envelope, Session

from actas.api.domain.events import EventType
from actas.api.domain.visibility import can_see_proposal
from actas.api.settings import Settings
from tests.api.receivers import RECEIVERS_ALLOWED, Call, MailServer, WebhookReceiver, fresh_era
from tests.simulation import oracle
from tests.simulation.away import plan_away
from tests.simulation.company import Company, build_company
from tests.simulation.month import LENGTH, Month, live_month
from tests.simulation.plan import Plan, plan_month
from tests.simulation.record import Happened, Record, read_record

SEED = 20240601
AWAY_SEED = SEED + 11  # its own draw: the rest of the month is drawn as without absences


class Mailbox(MailServer):
    """The SMTP server, keeping only each message's recipient and Message-ID (parsing thousands
    of whole messages would make the month a benchmark of Python's email package)."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[tuple[str, str]] = []
        self.reply_to: dict[str, str] = {}  # to → the latest message's Reply-To
        self._guard = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = BytesHeaderParser(policy=compat32).parsebytes(envelope.content)
        with self._guard:
            self.headers.append((str(message["To"]), str(message["Message-ID"])))
            if message["Reply-To"]:
                self.reply_to[str(message["To"])] = str(message["Reply-To"])
        return "250 Message accepted for delivery"


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Lived:
    """The month, once lived, and what it left behind."""

    company: Company
    month: Month
    record: Record
    mails: list[tuple[str, str]]  # (to, Message-ID) as the SMTP server received them
    calls: list[Call]
    repeated_calls: Counter[str]
    errors: list[logging.LogRecord]

    def proposals(self) -> list[tuple[Plan, int]]:
        return [(plan, self.month.proposal[plan.key]) for plan in self.month.plans]

    def sees(self, user: int, proposal: int) -> bool:
        scope = self.record.scopes.get(user)
        return can_see_proposal(user, scope, self.record.audiences[proposal])


async def live(database: Settings) -> Lived:
    rng = random.Random(SEED)
    start = fresh_era()
    errors = ErrorLog()
    logging.getLogger("actas").addHandler(errors)
    try:
        with Mailbox() as mail:
            async with WebhookReceiver() as receiver:
                company, receiver.secret = await build_company(rng, start, receiver.url)
                plans = plan_month(rng, company, start)
                month = Month(company, plans, plan_away(AWAY_SEED, company, plans, start))
                settings = Settings(
                    database_url=database.database_url,
                    mail=mail.settings(),
                    webhook_allow=RECEIVERS_ALLOWED,
                    reply_domain="reply.sim.example",
                )
                await live_month(month, settings, rng, start, start + LENGTH, mail.reply_to)
    finally:
        logging.getLogger("actas").removeHandler(errors)
    record = await read_record(company.id)
    month.away.probable = oracle.probably_away(month.away, record)
    return Lived(
        company,
        month,
        record,
        mail.headers,
        receiver.calls,
        receiver.repeats(),
        errors.records,
    )


def steps_of(record: Record, proposal: int, type_: EventType) -> list[Happened]:
    return record.events_of(proposal, type_.value)

"""``actas mail receive`` and ``actas mail serve`` as an MTA uses them: real processes on the
suite's database, a reply to a real notification email's Reply-To, and what they did read back
through the GraphQL API."""

from __future__ import annotations

import os
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import ParticipantRole, Stance
from actas.api.services import debate
from actas.api.settings import Settings
from tests.api.inbound import (
    DOMAIN,
    emailed,
    intake_settings,
    on_the_wire,
    reply_address,
    reply_from,
)
from tests.api.receivers import MailServer, free_port
from tests.factories import World, build_world, opened
from tests.schema.client import Api, gid, token

ACTAS = str(Path(sys.executable).with_name("actas"))
EX_TEMPFAIL = 75
DEBATE = """query($reference: String!) {
  proposal(reference: $reference) {
    positions { nodes { stance reason user { name } } }
    arguments(first: 20) { nodes { parentId body author { name } } }
  }
}"""


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


def environ(database: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTAS_")}
    return {
        **env,
        "ACTAS_DATABASE_URL": database.database_url,
        "ACTAS_REPLY_DOMAIN": DOMAIN,
        **extra,
    }


def mail_receive(env: dict[str, str], raw: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [ACTAS, "mail", "receive", *args], input=raw, env=env, capture_output=True, timeout=120
    )


@contextmanager
def mail_serve(env: dict[str, str], *args: str) -> Iterator[int]:
    """``actas mail serve`` on a free port, until the block ends (then SIGTERM)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [ACTAS, "mail", "serve", "--port", str(port), *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            _wait_for(process, port)
            yield port
        finally:
            process.terminate()
            code = process.wait(timeout=30)
            log.seek(0)
            assert code == 0, log.read().decode(errors="replace")


def _wait_for(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("actas mail serve did not listen")


async def invited(database: Settings, mail: MailServer) -> tuple[World, str, str]:
    """An open proposal awaiting Ana, its reference, and her invitation's reply address."""
    settings = intake_settings(database, mail)
    world = await build_world()
    proposal = await opened(world, participants={"ana": ParticipantRole.REQUIRED})
    letter = await emailed(settings, mail, world.users["ana"].email)
    reference = format_reference(world.organisation.slug, proposal.number)
    return world, reference, reply_address(letter)


async def test_mail_receive_takes_the_position_once_and_exits_0(
    database: Settings, mail: MailServer, api: Api
) -> None:
    world, reference, address = await invited(database, mail)
    raw = reply_from("outlook_desktop_es.eml", to=address, sender=world.users["ana"].email)

    first = mail_receive(environ(database), raw)
    again = mail_receive(environ(database), raw)

    assert (first.returncode, again.returncode) == (0, 0), first.stderr
    assert first.stdout.startswith(b"took_position") and again.stdout.startswith(b"duplicate")
    data = await api.run(DEBATE, {"reference": reference}, token=await token(world, "mara"))
    [position] = data["proposal"]["positions"]["nodes"]
    assert (position["stance"], position["user"]["name"]) == ("DISAGREE", "Ana")
    assert position["reason"].startswith("Abrir los domingos obliga a pagar")


async def test_mail_receive_asks_the_mta_to_retry_when_it_cannot_work(
    database: Settings, mail: MailServer
) -> None:
    world, _reference, address = await invited(database, mail)
    raw = reply_from("gmail_es.eml", to=address, sender=world.users["ana"].email)
    closed = f"postgres://actas@127.0.0.1:{free_port()}/actas"

    unreachable = mail_receive(environ(database, ACTAS_DATABASE_URL=closed), raw)
    unconfigured = mail_receive(environ(database, ACTAS_REPLY_DOMAIN=""), raw)
    refused = mail_receive(environ(database), b"From: someone@example.org\r\n\r\nHola\r\n")

    assert unreachable.returncode == unconfigured.returncode == EX_TEMPFAIL
    assert b"ACTAS_REPLY_DOMAIN" in unconfigured.stderr
    assert refused.returncode == 0 and refused.stdout.startswith(b"not_for_us")


async def test_mail_serve_takes_a_reply_by_smtp_as_an_answer_to_the_emails_argument(
    database: Settings, mail: MailServer, api: Api
) -> None:
    settings = intake_settings(database, mail)
    world = await build_world()
    proposal = await opened(world, participants={"ana": ParticipantRole.REQUIRED})
    argued = await debate.add_argument(
        await world.viewer("teo"), proposal.id, stance=Stance.AGAINST, body="Demasiado caro."
    )
    mara = world.users["mara"]
    address = reply_address(await emailed(settings, mail, mara.email, subject="argument"))
    raw = on_the_wire(reply_from("apple_mail_en.eml", to=address, sender=mara.email))

    with mail_serve(environ(database)) as port, smtplib.SMTP("127.0.0.1", port) as client:
        client.ehlo()
        assert client.mail("mara@client.example")[0] == 250
        assert client.rcpt("someone@elsewhere.example")[0] == 550  # relays nothing
        assert client.rcpt(address)[0] == 250
        assert client.data(raw)[0] == 250

    reference = format_reference(world.organisation.slug, proposal.number)
    data = await api.run(DEBATE, {"reference": reference}, token=await token(world, "ana"))
    answers = [a for a in data["proposal"]["arguments"]["nodes"] if a["author"]["name"] == "Mara"]
    assert [(a["parentId"], a["body"][:30]) for a in answers] == [
        (gid("Argument", argued.id), "I'd rather wait for the survey")
    ]


async def test_mail_serve_over_lmtp_answers_each_recipient(
    database: Settings, mail: MailServer, api: Api
) -> None:
    settings = intake_settings(database, mail)
    world, reference, ana_address = await invited(database, mail)
    teo_proposal = await opened(world, participants={"teo": ParticipantRole.REQUIRED})
    teo_address = reply_address(await emailed(settings, mail, world.users["teo"].email))
    raw = on_the_wire(
        reply_from("thunderbird_en.eml", to=ana_address, sender=world.users["ana"].email)
    )

    with mail_serve(environ(database), "--lmtp") as port, smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo_or_helo_if_needed()
        client.mail("ana@client.example")
        client.rcpt(ana_address)
        client.rcpt(teo_address)  # the same message at Teo's address: a Message-ID acts once
        first = client.data(raw)
        second = client.getreply()  # LMTP: one answer per recipient

    assert first == (250, b"2.0.0 Handled (took_position)")
    assert second == (250, b"2.0.0 Handled (duplicate)")
    data = await api.run(DEBATE, {"reference": reference}, token=await token(world, "mara"))
    assert [p["stance"] for p in data["proposal"]["positions"]["nodes"]] == ["AGREE"]
    teo_reference = format_reference(world.organisation.slug, teo_proposal.number)
    data = await api.run(DEBATE, {"reference": teo_reference}, token=await token(world, "mara"))
    assert data["proposal"]["positions"]["nodes"] == []


async def test_mail_serve_says_try_again_later_while_the_database_is_locked(
    database: Settings, mail: MailServer
) -> None:
    if not database.is_sqlite:
        pytest.skip("holds SQLite's write lock")
    world, _reference, address = await invited(database, mail)
    raw = on_the_wire(reply_from("gmail_en.eml", to=address, sender=world.users["ana"].email))
    path = database.database_url.removeprefix("sqlite://")

    with mail_serve(environ(database), "--lmtp") as port:
        locker = sqlite3.connect(path, timeout=30)
        locker.execute("BEGIN IMMEDIATE")  # another writer that does not let go
        try:
            with smtplib.LMTP("127.0.0.1", port, timeout=60) as client:
                client.ehlo_or_helo_if_needed()
                client.mail("ana@client.example")
                client.rcpt(address)
                busy = client.data(raw)
        finally:
            locker.rollback()
            locker.close()
        with smtplib.LMTP("127.0.0.1", port, timeout=60) as client:  # the MTA, later
            client.ehlo_or_helo_if_needed()
            client.mail("ana@client.example")
            client.rcpt(address)
            retried = client.data(raw)

    assert busy[0] == 451
    assert retried == (250, b"2.0.0 Handled (took_position)")

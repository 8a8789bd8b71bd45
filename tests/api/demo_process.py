"""``actas demo`` as a newcomer runs it: a subprocess in a folder of its own, on a free port,
and what its mail catcher caught, read straight from the Maildir with the standard library (an
oracle independent of ``api/dev_mail.py``)."""

from __future__ import annotations

import email
import email.policy
import html
import mailbox
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx

from actas.api.demo import data

ACTAS = str(Path(sys.executable).with_name("actas"))
STARTS_WITHIN = 240.0  # seconds: loading the demo, building its archive, sending ~400 emails


def director_email() -> str:
    """The head of the demo's root unit: its admin, who decides on some open proposals."""
    root = next(unit for unit in data.UNITS if unit["parent"] is None)
    return str(next(p["email"] for p in data.PEOPLE if p["key"] == root["head"]))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def part(message: EmailMessage, subtype: str) -> str:
    """The decoded text of the message's ``plain`` or ``html`` part ("" without one)."""
    body = message.get_body(preferencelist=(subtype,))
    return str(body.get_content()) if body is not None else ""


def button(message: EmailMessage, stance: str) -> str | None:
    """The URL of the email's button for ``stance``, if it has one."""
    for href in re.findall(r'href="([^"]+)"', part(message, "html")):
        url = html.unescape(href)
        if f"position={stance}" in url:
            return url
    return None


@dataclass
class RunningDemo:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def maildir(self) -> Path:
        return self.folder / "actas-mail"

    @property
    def printed(self) -> str:
        return (self.folder / "stdout.txt").read_text()

    def caught(self) -> list[tuple[str, EmailMessage]]:
        """(Maildir key, message) of every email caught so far."""
        if not (self.maildir / "cur").is_dir():
            return []
        box = mailbox.Maildir(self.maildir, create=False)
        found = []
        for key in box.iterkeys():
            message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            found.append((key, message))
        return found

    def invitation(
        self, to: str, stance: str = "block", reference: str = "BRISA-24"
    ) -> tuple[str, EmailMessage] | None:
        """The email to ``to`` about ``reference`` (the README's) with a button for ``stance``,
        if one was caught: other emails to an awaited voice carry buttons too."""
        for key, message in self.caught():
            about = str(message["Subject"]).strip().startswith(f"[{reference}] ")
            if message["To"] == to and about and button(message, stance):
                return key, message
        return None

    def wait_for(
        self, what: str, ready: Callable[[], object], timeout: float = STARTS_WITHIN
    ) -> None:
        """Poll ``ready()`` until it is true, failing with the demo's output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"actas demo exited: {self.output()}")
            if ready():
                return
            time.sleep(1)
        raise AssertionError(f"no {what} within {timeout} s: {self.output()}")

    def serving(self) -> bool:
        try:
            return httpx.get(f"{self.base}/mail/", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def output(self) -> str:
        errors = (self.folder / "stderr.txt").read_text()[-3000:]
        return f"\n--- stdout\n{self.printed[-3000:]}\n--- stderr\n{errors}"

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl+C, and the exit code once it has stopped."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)


@contextmanager
def running_demo(folder: Path) -> Iterator[RunningDemo]:
    """``actas demo --port <free>`` in ``folder``, serving; stopped (SIGKILL if need be) after."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTAS_")}
    env["ACTAS_DATABASE_URL"] = f"sqlite://{folder / 'actas.sqlite3'}"
    port = free_port()
    with (folder / "stdout.txt").open("wb") as out, (folder / "stderr.txt").open("wb") as err:
        process = subprocess.Popen(
            [ACTAS, "demo", "--port", str(port)], cwd=folder, env=env, stdout=out, stderr=err
        )
    demo = RunningDemo(folder, port, process)
    try:
        demo.wait_for("server", demo.serving)
        yield demo
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)

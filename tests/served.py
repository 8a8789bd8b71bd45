"""A real ``actas serve`` process for browser tests: Chromium needs an address to open."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from actas.api.settings import Settings

# Signs the served app's links and cookies: tests make keys with it too.
SECRET = "the pages' test key, long enough for production use"


@contextmanager
def serving(database: Settings, port: int, **environ: str) -> Iterator[str]:
    """``actas serve`` on the tests' database and ``port`` (development mode, signing with
    ``SECRET``, plus ``environ``); yields its address once it answers."""
    env = {
        **os.environ,
        "ACTAS_DATABASE_URL": database.database_url,
        "ACTAS_SECRET_KEY": SECRET,
        "ACTAS_ENV": "development",
        **environ,
    }
    command = "from actas.api.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", command, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError("actas serve exited before it answered")
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("actas serve did not answer within 30 s") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)

"""Serving the demo in one process: the API and its pages, the worker, and a mail catcher that
keeps everything the worker sends (``api/dev_mail.py``), listed at ``/mail/``.

The worker and the catcher live inside the app's lifespan: they start once it has opened the
database and stop (the worker after the messages in hand) before it closes it, so Ctrl+C, which
uvicorn turns into a graceful shutdown, stops all three cleanly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from starlette.applications import Starlette

from actas.api.dev_mail import mail_catcher
from actas.api.settings import Settings
from actas.api.worker import run_worker

HOST = "127.0.0.1"
log = logging.getLogger("actas.demo")


def demo_settings(settings: Settings, port: int) -> Settings:
    """The settings the demo serves with: its emails link to the pages it serves on ``port``."""
    return replace(settings, link_template=f"http://{HOST}:{port}/p/{{reference}}")


def worker_settings(settings: Settings, smtp_port: int) -> Settings:
    """The demo's worker sends to its catcher, and only there."""
    mail = replace(
        settings.mail, host=HOST, port=smtp_port, security="none", username="", password=""
    )
    return replace(settings, mail=mail, worker_metrics_port=None)


def with_worker_and_catcher(app: Starlette, settings: Settings, maildir: Path) -> Starlette:
    """``app``, whose lifespan also runs the catcher (into ``maildir``) and the worker."""
    serving = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: Starlette) -> AsyncIterator[None]:
        async with serving(served), mail_catcher(maildir, HOST) as smtp_port:
            log.info("Mail catcher on %s:%s, into %s", HOST, smtp_port, maildir)
            async with running_worker(worker_settings(settings, smtp_port)):
                yield

    app.router.lifespan_context = lifespan
    return app


@asynccontextmanager
async def running_worker(settings: Settings) -> AsyncIterator[None]:
    """The worker's rounds, in this event loop, until the block ends; then it finishes the
    messages in hand and releases what it claimed but did not start."""
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop), name="actas demo worker")
    try:
        yield
    finally:
        stop.set()
        await worker

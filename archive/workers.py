"""Rendering and writing decision files, in this process or in worker processes.

Per decision, rendering costs ~3 ms (Jinja, markdown-it, nh3) and writing its four files ~3 ms
of system time (creating a file costs ~0.7 ms on this machine's disk), while the build's own
process reads the database (~1.6 ms). So a large build hands both to ``processes`` spawned
workers, each with its own renderer and the frames. A decision crosses to a worker as its JSON,
which the build made anyway to hash it (bytes cross a pipe for free; pickling a decision's
objects costs ~0.6 ms), in chunks of ``CHUNK`` decisions, at most ``AHEAD`` chunks ahead.
Workers write through ``output.write_file``; the build records what they wrote. Small jobs (a
republish) stay in process: starting workers (~1 s) costs more than it saves.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import deque
from collections.abc import AsyncIterator, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from actas.archive import data, shell
from actas.archive.output import write_file
from actas.archive.render import Renderer

CHUNK = 20
AHEAD = 8


@dataclass(frozen=True, slots=True)
class DecisionFiles:
    """Where a decision's files go, inside the archive."""

    page: str
    json: str
    badge: str
    markdown: str
    search_document: str

    def __iter__(self) -> Iterator[str]:
        return iter((self.page, self.json, self.badge, self.markdown, self.search_document))


Job = tuple[bytes, DecisionFiles]  # the decision's JSON, and where its files go


def render_and_write(
    renderer: Renderer, frames: shell.Frames, root: Path, decision: data.Decision, job: Job
) -> None:
    json, files = job
    write_file(root, files.page, frames.wrap(renderer.decision(decision), renderer.site_url))
    write_file(root, files.json, json)
    write_file(root, files.badge, renderer.badge(decision))
    write_file(root, files.markdown, renderer.decision_markdown(decision))
    write_file(root, files.search_document, renderer.search_document(decision))


class Rendering:
    """Decisions submitted are rendered and written; ``done`` gives back their files, in the
    order they were submitted."""

    def __init__(
        self, renderer: Renderer, frames: shell.Frames, root: Path, processes: int
    ) -> None:
        self.renderer, self.frames, self.root = renderer, frames, root
        self.processes = processes
        self.pool: Executor | None = None  # started with the first chunk to render
        self.chunk: list[tuple[data.Decision, Job]] = []
        self.pending: deque[tuple[list[DecisionFiles], asyncio.Future[None]]] = deque()

    def submit(self, decision: data.Decision, json: bytes, files: DecisionFiles) -> None:
        self.chunk.append((decision, (json, files)))
        if len(self.chunk) >= CHUNK:
            self._dispatch()

    async def done(self, *, everything: bool = False) -> AsyncIterator[DecisionFiles]:
        """The files written so far (waiting only when too much is ahead), or of ``everything``
        submitted."""
        if everything:
            self._dispatch()
        while self.pending and (
            everything or self.pending[0][1].done() or len(self.pending) > AHEAD
        ):
            written, future = self.pending.popleft()
            await future
            for files in written:
                yield files

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def _dispatch(self) -> None:
        if not self.chunk:
            return
        chunk, self.chunk = self.chunk, []
        written = [files for _, (_, files) in chunk]
        if self.pool is None and self.processes > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=self.processes,
                # Not fork: the build's process has threads (the database driver's), and a
                # forked child could inherit a lock one of them holds.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(
                    self.renderer.language,
                    self.renderer.audience,
                    self.renderer.site_url,
                    self.renderer.today,
                    self.frames,
                    self.root,
                ),
            )
        if self.pool is None:
            for decision, job in chunk:
                render_and_write(self.renderer, self.frames, self.root, decision, job)
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            future.set_result(None)
        else:
            jobs = [job for _, job in chunk]
            future = asyncio.get_running_loop().run_in_executor(self.pool, _work, jobs)
        self.pending.append((written, future))


_worker: tuple[Renderer, shell.Frames, Path] | None = None


def _start_worker(
    language: str, audience: str, site_url: str, today: date, frames: shell.Frames, root: Path
) -> None:
    global _worker
    renderer = Renderer(language=language, audience=audience, site_url=site_url, today=today)
    _worker = (renderer, frames, root)


def _work(jobs: Sequence[Job]) -> None:
    assert _worker is not None, "the worker was not started"
    renderer, frames, root = _worker
    for job in jobs:
        render_and_write(renderer, frames, root, data.Decision.from_json(job[0]), job)

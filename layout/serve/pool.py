"""A bounded pool for blocking work (renders) off the server's event loop.

A render is CPU-bound Python: run on the event loop it stalls every other request of the
worker, ``/healthz`` included, for as long as it takes. The pool runs such work on a fixed
number of threads, with a bounded waiting room in front of them. When every thread is
busy and the waiting room is full, ``submit`` refuses at once with :class:`PoolFull`
(the API answers 503 with Retry-After), so a burst turns into quick refusals instead of
an ever longer queue and unbounded latency.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# Two threads per worker: one worker process per core, and a second thread that keeps the
# core busy while the first waits for the GIL or for lxml and nh3, which release it.
DEFAULT_RENDER_THREADS = 2
# Room for a front end's pool of 64 connections on one worker, which then never sees a
# 503 (one request in flight per connection); more than that are refused at once.
DEFAULT_RENDER_QUEUE = 64


class PoolFull(Exception):
    """Every thread is busy and the waiting room is full: try again later."""


class RenderPool:
    """``threads`` threads and room for ``queue`` jobs waiting for one.

    A job holds its place from ``submit`` until it has finished (or was cancelled before
    it started), so at most ``threads + queue`` jobs are admitted at any time.
    """

    def __init__(self, threads: int, queue: int, *, name: str = "layout-render") -> None:
        if threads < 1 or queue < 0:
            raise ValueError("a render pool needs at least one thread and a queue of 0 or more")
        self.threads = threads
        self.queue = queue
        self.capacity = threads + queue
        self._admitted = 0
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)

    @property
    def admitted(self) -> int:
        """Jobs running or waiting now."""
        with self._lock:
            return self._admitted

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Start ``job`` on a pool thread, or queue it; :class:`PoolFull` when there is no
        room (the job is then never run)."""
        with self._lock:
            if self._admitted >= self.capacity:
                raise PoolFull
            self._admitted += 1
        try:
            future = self._executor.submit(job)
        except RuntimeError:  # shut down: no more jobs, as when full
            self._release()
            raise PoolFull from None
        future.add_done_callback(self._done)
        return future

    async def run(self, job: Callable[[], T]) -> T:
        """``job``'s result, computed on a pool thread while the event loop keeps serving."""
        return await asyncio.wrap_future(self.submit(job))

    def _done(self, future: Future[T]) -> None:
        self._release()

    def _release(self) -> None:
        with self._lock:
            self._admitted -= 1

    def shutdown(self) -> None:
        """Refuse new jobs, let the running and waiting ones finish, stop the threads."""
        self._executor.shutdown(wait=True)

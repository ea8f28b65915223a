"""Live reload: watch files and tell every open page over server-sent events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

from watchfiles import awatch


class Broadcaster:
    """Fans one change notification out to every connected event stream."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[str]] = set()
        self.version = 0

    def publish(self, changed: list[str]) -> None:
        self.version += 1
        message = json.dumps({"version": self.version, "changed": changed})
        for queue in list(self._queues):
            queue.put_nowait(message)

    async def stream(self, stop: asyncio.Event) -> AsyncIterator[str]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield f"event: hello\ndata: {json.dumps({'version': self.version})}\n\n"
            while not stop.is_set():
                try:
                    message = await asyncio.wait_for(queue.get(), timeout=15)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: reload\ndata: {message}\n\n"
        finally:
            self._queues.discard(queue)


async def watch(
    paths: Iterable[Path], on_change: Callable[[list[str]], None], stop: asyncio.Event
) -> None:
    """Call ``on_change`` with the changed paths, fast enough for a one-second reload."""
    existing = [str(path) for path in paths if path.exists()]
    if not existing:
        return
    async for changes in awatch(*existing, stop_event=stop, debounce=100, step=25):
        on_change(sorted({path for _, path in changes}))

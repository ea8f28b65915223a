"""Serving the HTTP API with uvicorn; settings travel in environment variables so that
every worker process builds the same app.

This module is imported by the CLI for every command, so FastAPI and the app are only
imported when a server is actually built.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layout.limits import DEFAULT_BODY_LIMIT
from layout.serve.article_cache import DEFAULT_ARTICLE_CACHE_MB, MIB
from layout.serve.pool import DEFAULT_RENDER_QUEUE, DEFAULT_RENDER_THREADS

if TYPE_CHECKING:
    from fastapi import FastAPI

ENV_RULES_DIR = "LAYOUT_SERVE_RULES_DIR"
ENV_BODY_LIMIT = "LAYOUT_SERVE_BODY_LIMIT"
ENV_ECHO = "LAYOUT_SERVE_ECHO"
ENV_ARTICLE_CACHE_MB = "LAYOUT_SERVE_ARTICLE_CACHE_MB"
ENV_RENDER_THREADS = "LAYOUT_SERVE_RENDER_THREADS"
ENV_RENDER_QUEUE = "LAYOUT_SERVE_RENDER_QUEUE"

# A thread waiting for the GIL gets it only once the holder has run for the switch
# interval (5 ms by default). While a render thread runs, the event loop waits that long
# for each step of a request (accept, read, write): during a stream of 4 MB renders,
# /healthz took 10-11 ms at the median, and 4.5 ms with 1 ms, with no measured loss of
# render throughput (benchmarks/README.md). Set in the server's processes only: a library
# user's process keeps its own setting.
SWITCH_INTERVAL_SECONDS = 0.001
# A full collection waits for this many collections of the middle generation (CPython's
# default is 10), and, as always, for a quarter more long-lived objects than the last one
# left. See ``_tune_collector``.
FULL_COLLECTION_THRESHOLD = 100


def _tune_collector() -> None:
    """Make the garbage collector's full collections rarer and shorter in a worker.

    A full collection scans every tracked object while holding the GIL, so the event loop
    (``/healthz``) waits for it; the article cache keeps a few hundred objects an article.
    Two settings, in the server's processes only (a library user's process keeps its own),
    made before the app is built:
    - what the imports made (modules, classes, pydantic's schemas: about 70,000 objects,
      which live as long as the process) is frozen, out of every scan. The app itself is
      not: its engines are replaced when a rule file changes, and a frozen object is never
      freed;
    - a full collection waits for ``FULL_COLLECTION_THRESHOLD`` collections of the middle
      generation. The cache's objects are long-lived by design, and renders leave no
      cycles behind; the young collections free the few the server's own machinery makes.
    Under a stream of unseen articles on one worker (``benchmarks/load_api.py --unseen``),
    /healthz's p99 went from 122 ms to 23-33 ms (benchmarks/README.md)."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_THRESHOLD)


@dataclass(frozen=True)
class ServeSettings:
    """What ``layout serve`` configures in each worker's app."""

    rules_dir: Path | None = None
    development: bool = False
    body_limit: int = DEFAULT_BODY_LIMIT
    echo: bool = False
    article_cache_mb: int = DEFAULT_ARTICLE_CACHE_MB
    render_threads: int = DEFAULT_RENDER_THREADS
    render_queue: int = DEFAULT_RENDER_QUEUE

    def export(self) -> None:
        """Put the settings into this process's environment, which the workers inherit."""
        if self.rules_dir is not None:
            os.environ[ENV_RULES_DIR] = str(self.rules_dir.resolve())
        os.environ[ENV_BODY_LIMIT] = str(self.body_limit)
        os.environ[ENV_ECHO] = "1" if self.echo else "0"
        os.environ[ENV_ARTICLE_CACHE_MB] = str(self.article_cache_mb)
        os.environ[ENV_RENDER_THREADS] = str(self.render_threads)
        os.environ[ENV_RENDER_QUEUE] = str(self.render_queue)
        if self.development:
            os.environ["LAYOUT_DEV"] = "1"

    @classmethod
    def from_env(cls) -> ServeSettings:
        rules_dir = os.environ.get(ENV_RULES_DIR)
        return cls(
            rules_dir=Path(rules_dir) if rules_dir else None,
            development=os.environ.get("LAYOUT_DEV") == "1",
            body_limit=int(os.environ.get(ENV_BODY_LIMIT, DEFAULT_BODY_LIMIT)),
            echo=os.environ.get(ENV_ECHO) == "1",
            article_cache_mb=int(os.environ.get(ENV_ARTICLE_CACHE_MB, DEFAULT_ARTICLE_CACHE_MB)),
            render_threads=int(os.environ.get(ENV_RENDER_THREADS, DEFAULT_RENDER_THREADS)),
            render_queue=int(os.environ.get(ENV_RENDER_QUEUE, DEFAULT_RENDER_QUEUE)),
        )


def app_from_env() -> FastAPI:
    """The app factory uvicorn calls in each worker (``serve`` builds the app of a single
    worker itself)."""
    from layout.serve.app import create_app

    settings = ServeSettings.from_env()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    _tune_collector()
    return create_app(
        rules_dir=settings.rules_dir,
        development=settings.development,
        body_limit=settings.body_limit,
        echo=settings.echo,
        article_cache_bytes=settings.article_cache_mb * MIB,
        render_threads=settings.render_threads,
        render_queue=settings.render_queue,
    )


def serve(host: str, port: int, workers: int, settings: ServeSettings) -> None:
    """Build the app (which checks the settings: a missing meter secret or a broken
    default rule set raises ConfigError before anything binds), then run uvicorn: on the
    app built here with one worker, or with each of several workers building its own
    from the environment (uvicorn starts them as new processes)."""
    import uvicorn

    settings.export()
    app = app_from_env()
    options: dict[str, Any] = {"host": host, "port": port, "access_log": False,
                               "log_level": "warning"}
    if workers == 1:
        uvicorn.run(app, **options)
    else:
        del app  # built to check the settings: the workers build their own, and the
        # supervising process need not keep this one alive while they run
        uvicorn.run("layout.serve.server:app_from_env", factory=True, workers=workers,
                    **options)

"""Structured access logs: one JSON line per request, and never any article text.

Each line holds the method, path, status, duration, the rule set used and the cache class;
handlers set the last two on ``request.state``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TextIO

from fastapi import FastAPI, Request, Response

from layout.problems import problem_response


class AccessLog:
    """Writes one JSON object per request to a stream (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def write(self, record: dict[str, object]) -> None:
        stream = self.stream or sys.stderr
        stream.write(json.dumps(record, separators=(",", ":")) + "\n")
        stream.flush()

    def install(self, app: FastAPI) -> None:
        @app.middleware("http")
        async def log_request(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            started = time.perf_counter()
            try:
                response = await call_next(request)
            except Exception:
                response = problem_response(500, "the server failed to handle this request")
            self.write(
                {
                    "ts": round(time.time(), 3),
                    "method": request.method,
                    "path": request.url.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "ruleset": getattr(request.state, "ruleset", None),
                    "cache_class": getattr(request.state, "cache_class", None),
                }
            )
            return response

"""Structured access logs: one JSON line per request, and never any article text.

Each line holds the method, path, status, duration, the rule set used and the cache class;
handlers set the last two on ``request.state``.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any, TextIO

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from layout.serve.problems import problem_response


class AccessLog:
    """Writes one JSON object per request to a stream (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def write(self, record: dict[str, object]) -> None:
        stream = self.stream or sys.stderr
        stream.write(json.dumps(record, separators=(",", ":")) + "\n")
        stream.flush()

    def install(self, app: FastAPI) -> None:
        app.add_middleware(_AccessLogMiddleware, log=self)


class _AccessLogMiddleware:
    """Plain ASGI middleware (no extra task or stream per request): it watches the status
    that goes out, answers an unhandled error with a 500 problem (or, when the response
    has already started, lets the server end it and report the error), and writes the
    line either way."""

    def __init__(self, app: ASGIApp, log: AccessLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})
        outcome: dict[str, Any] = {"status": 500, "started": False}

        async def watched_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"], outcome["started"] = message["status"], True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as error:
            if outcome["started"]:
                raise  # the status line is out: the server ends the response and logs this
            outcome["status"], outcome["error"] = 500, failure_site(error)
            failure = problem_response(500, "the server failed to handle this request")
            await failure(scope, receive, send)
        finally:
            self.log.write(
                {
                    "ts": round(time.time(), 3),
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": outcome["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "ruleset": state.get("ruleset"),
                    "cache_class": state.get("cache_class"),
                    **({"error": outcome["error"]} if "error" in outcome else {}),
                }
            )


def failure_site(error: BaseException) -> str:
    """Where an unhandled error was raised, for the operator: its type and the innermost
    line of the project's code (never its message, which may quote article text)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "/layout/" in frame.filename.replace("\\", "/")]
    chosen = ours or list(frames)
    if not chosen:
        return type(error).__name__
    return f"{type(error).__name__} at {Path(chosen[-1].filename).name}:{chosen[-1].lineno}"

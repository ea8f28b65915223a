"""Structured access logs: one JSON line per request, and never any article text.

Each line holds the request id, the method, path, status, duration, the rule set used
and the cache class; handlers set the last two on ``request.state``. The request id is
the caller's ``X-Request-ID`` when it is a plain token (a front end's or a load
balancer's, to follow one request through every log), or one made here; the response
carries it back. The same middleware counts each request in the server's metrics.
"""

from __future__ import annotations

import json
import re
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any, Final, TextIO

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from layout.serve.metrics import ServerMetrics
from layout.serve.problems import problem_response

# A request id taken from the caller: printable, no spaces, short (it goes into every log
# line and back into a header).
REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


class AccessLog:
    """Writes one JSON object per request to a stream (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def write(self, record: dict[str, object]) -> None:
        stream = self.stream or sys.stderr
        stream.write(json.dumps(record, separators=(",", ":")) + "\n")
        stream.flush()

    def install(self, app: FastAPI, metrics: ServerMetrics | None = None) -> None:
        app.add_middleware(_AccessLogMiddleware, log=self, metrics=metrics)


def request_id(scope: Scope) -> str:
    """The caller's X-Request-ID if it is a plain token, else a new one."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            given: str = bytes(value).decode("latin-1").strip()
            if REQUEST_ID.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


class _AccessLogMiddleware:
    """Plain ASGI middleware (no extra task or stream per request): it watches the status
    that goes out, answers an unhandled error with a 500 problem (or, when the response
    has already started, lets the server end it and report the error), and writes the
    line either way."""

    def __init__(self, app: ASGIApp, log: AccessLog, metrics: ServerMetrics | None) -> None:
        self.app = app
        self.log = log
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})
        outcome: dict[str, Any] = {"status": 500, "started": False}
        rid = request_id(scope)

        async def watched_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"], outcome["started"] = message["status"], True
                headers = list(message.get("headers", ()))
                headers.append((b"x-request-id", rid.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as error:
            if outcome["started"]:
                raise  # the status line is out: the server ends the response and logs this
            outcome["status"], outcome["error"] = 500, failure_site(error)
            failure = problem_response(500, "the server failed to handle this request")
            await failure(scope, receive, watched_send)
        finally:
            seconds = time.perf_counter() - started
            if self.metrics is not None:
                self.metrics.observe_request(scope["method"], scope["path"], outcome["status"],
                                             seconds)
            self.log.write(
                {
                    "ts": round(time.time(), 3),
                    "request_id": rid,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": outcome["status"],
                    "duration_ms": round(seconds * 1000, 2),
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

"""The access log middleware on its own: an unhandled error still gets a problem and a line."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from layout.serve.access_log import AccessLog


def _app(stream: io.StringIO) -> FastAPI:
    app = FastAPI()
    AccessLog(stream).install(app)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret article text")

    @app.get("/tagged")
    async def tagged(request: Request) -> dict[str, str]:
        request.state.ruleset = "news"
        request.state.cache_class = "anon-full"
        return {"ok": "yes"}

    return app


def _get(app: FastAPI, path: str) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)

    return asyncio.run(call())


def test_an_unhandled_error_is_a_500_problem_logged_without_its_message() -> None:
    stream = io.StringIO()
    response = _get(_app(stream), "/boom")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "secret article text" not in response.text
    record = json.loads(stream.getvalue())
    assert (record["path"], record["status"], record["method"]) == ("/boom", 500, "GET")
    assert record["error"].startswith("RuntimeError")  # the type and where, for the operator
    assert "secret article text" not in stream.getvalue()


def test_handlers_name_the_rule_set_and_cache_class() -> None:
    stream = io.StringIO()
    assert _get(_app(stream), "/tagged").status_code == 200
    record = json.loads(stream.getvalue())
    assert (record["ruleset"], record["cache_class"], record["status"]) == (
        "news",
        "anon-full",
        200,
    )
    assert record["duration_ms"] >= 0


def test_a_failure_after_the_status_went_out_reaches_the_server_and_is_logged() -> None:
    stream = io.StringIO()
    app = FastAPI()
    AccessLog(stream).install(app)

    @app.get("/stream")
    async def stream_then_fail() -> StreamingResponse:
        async def parts() -> AsyncIterator[bytes]:
            yield b"first part"
            raise RuntimeError("mid-stream")

        return StreamingResponse(parts())

    with pytest.raises(RuntimeError):
        _get(app, "/stream")
    record = json.loads(stream.getvalue())
    assert (record["path"], record["status"]) == ("/stream", 200)

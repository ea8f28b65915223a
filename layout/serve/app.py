"""The HTTP API: a FastAPI app factory.

    POST /v1/render          article JSON or body HTML, rules or a rule-set name, viewer
    POST /v1/rules/validate  a rule set (JSON, or YAML text)
    GET  /v1/rulesets        the named rule sets and their status
    GET  /healthz

Errors are RFC 9457 problem+json; bad input is a 4xx, never a 500. The event loop only
reads bodies and writes responses: the CPU work of a request (decoding, validation,
ingest, the render, the response's encoding) runs in the app's bounded render pool, so a
long render never holds up ``/healthz`` or another request's I/O, and a full pool answers
503 with Retry-After at once. The meter travels in an HttpOnly cookie; responses carry the
cache class's Cache-Control and Vary, and an ETag.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from layout.engine import Engine
from layout.limits import DEFAULT_BODY_LIMIT
from layout.rules import RuleSet
from layout.serve import gifts
from layout.serve.access_log import AccessLog
from layout.serve.article_cache import (
    ARTICLE_CACHE_ENTRIES,
    DEFAULT_ARTICLE_CACHE_MB,
    MIB,
    ArticleCache,
)
from layout.serve.metrics import ServerMetrics
from layout.serve.pool import (
    DEFAULT_RENDER_QUEUE,
    DEFAULT_RENDER_THREADS,
    PoolFull,
    RenderPool,
)
from layout.serve.problems import PROBLEM_TYPE, Problem, problem_response
from layout.serve.render_service import METER_COOKIE, RenderCall, RenderService
from layout.serve.requests import (
    RULES_MEDIA_TYPES,
    RenderRequest,
    media_type,
    read_limited,
)
from layout.serve.rulesets import RuleSetRegistry

RETRY_AFTER_SECONDS = 1


def create_app(
    *,
    rules_dir: Path | None = None,
    development: bool = False,
    meter_secret: str | None = None,
    body_limit: int = DEFAULT_BODY_LIMIT,
    echo: bool = False,
    access_log: AccessLog | None = None,
    article_cache_bytes: int = DEFAULT_ARTICLE_CACHE_MB * MIB,
    article_cache_entries: int = ARTICLE_CACHE_ENTRIES,
    render_threads: int = DEFAULT_RENDER_THREADS,
    render_queue: int = DEFAULT_RENDER_QUEUE,
) -> FastAPI:
    """Build the app; every engine (and its compiled templates) is made once, here.

    The app owns all its state: the rule sets, the article cache (at most
    ``article_cache_entries`` articles and ``article_cache_bytes`` of their estimated
    memory) and the render pool (``render_threads`` threads, ``render_queue`` waiting)."""

    def make_engine(rules: RuleSet) -> Engine:
        return Engine(rules, development=development, meter_secret=meter_secret)

    registry = RuleSetRegistry(rules_dir, make_engine, development=development)
    articles = ArticleCache(article_cache_bytes, article_cache_entries)
    pool = RenderPool(render_threads, render_queue)
    metrics = ServerMetrics([], {
        "cache_hits": lambda: articles.hits,
        "cache_misses": lambda: articles.misses,
        "cache_entries": lambda: len(articles),
        "queue_depth": lambda: pool.admitted,
        "queue_capacity": lambda: pool.capacity,
    })
    service = RenderService(
        registry,
        make_engine,
        development=development,
        articles=articles,
        on_timings=metrics.observe_stages,
    )
    log = access_log or AccessLog()
    app = FastAPI(
        title="layout",
        version="1",
        lifespan=_lifespan(registry, pool),
        description="Ad-slot and paywall page layout for news articles.",
    )
    app.state.registry = registry
    app.state.render_service = service
    app.state.render_pool = pool
    app.state.metrics = metrics
    log.install(app, metrics)
    _install_error_handlers(app)
    _add_routes(app, service, pool, body_limit)
    _add_metrics(app, metrics)
    if echo:
        _add_echo(app, body_limit)
    metrics.add_routes(getattr(route, "path", "") for route in app.routes)
    _document_models(app, [RenderRequest, Problem, RuleSet, gifts.GiftRequest,
                           gifts.GiftCheckRequest])
    return app


def _lifespan(
    registry: RuleSetRegistry, pool: RenderPool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's life: rule files watched while it serves; on shutdown, the renders in
    flight finish (even if the watcher failed) while the loop keeps running."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(registry.watch(stop))
        try:
            yield
        finally:
            stop.set()
            try:
                await watcher
            finally:
                await asyncio.get_running_loop().run_in_executor(None, pool.shutdown)

    return lifespan


def _document_models(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """Put the models the routes reference (and their own parts) into the OpenAPI
    components, so every $ref in the document resolves."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_problem(request: Request, exc: HTTPException) -> Response:
        return problem_response(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal_problem(request: Request, exc: Exception) -> Response:
        return problem_response(500, "the server failed to handle this request")


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": title,
        "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, title in (
        (400, "Malformed JSON"),
        (413, "Body over the limit"),
        (415, "Not JSON"),
        (422, "Invalid article, rules or viewer"),
        (503, "Every render thread is busy and the queue is full: retry after Retry-After"),
    )
}

_RENDER_BODY = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RenderRequest"}}},
    "required": True,
}
def _json_body(model: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
            "required": True}


_RULES_BODY = {
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/RuleSet"}},
        "application/yaml": {"schema": {"type": "string"}},
    },
    "required": True,
}
_HTML_OR_JSON = {
    "content": {
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "object"}},
    },
    "description": "the page, the fragment or the plan JSON",
}


async def in_pool(pool: RenderPool, job: Callable[[], Response]) -> Response:
    """``job``'s response, made on a pool thread; 503 at once when the pool is full."""
    try:
        return await pool.run(job)
    except PoolFull:
        return problem_response(
            503,
            "every render thread is busy and the queue is full; retry later",
            slug="overloaded",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


def _add_routes(app: FastAPI, service: RenderService, pool: RenderPool, body_limit: int) -> None:
    async def json_request(request: Request) -> bytes | Response:
        """A JSON request's body, or the problem that refuses it (415, 413)."""
        if media_type(request) != "application/json":
            return problem_response(415, "send the request as application/json")
        return await read_limited(request, body_limit)

    @app.post(
        "/v1/render",
        openapi_extra={"requestBody": _RENDER_BODY},
        responses={200: _HTML_OR_JSON, 304: {"description": "Not modified"}, **_PROBLEMS},
    )
    async def render(request: Request) -> Response:
        raw = await json_request(request)
        if isinstance(raw, Response):
            return raw
        call = RenderCall(
            raw,
            accept=request.headers.get("accept", ""),
            if_none_match=request.headers.get("if-none-match", ""),
            meter_cookie=request.cookies.get(METER_COOKIE),
            gpc=request.headers.get("sec-gpc", "").strip() == "1",
        )
        try:
            return await in_pool(pool, lambda: service.render(call))
        finally:
            request.state.ruleset, request.state.cache_class = call.ruleset, call.cache_class

    @app.post(
        "/v1/rules/validate",
        openapi_extra={"requestBody": _RULES_BODY},
        responses={200: {"description": "valid"}, **_PROBLEMS},
    )
    async def validate_rules(request: Request) -> Response:
        raw = await read_limited(request, body_limit)
        if isinstance(raw, Response):
            return raw
        if media_type(request) not in RULES_MEDIA_TYPES:
            return problem_response(
                415, "send the rule set as application/json or application/yaml"
            )
        return await in_pool(pool, lambda: service.validate_rules(raw))

    @app.post("/v1/gifts", status_code=201, openapi_extra={"requestBody": _json_body(
        "GiftRequest")}, responses={201: {"description": "the gift"},
                                    409: {"description": "used up"}, **_PROBLEMS})
    async def make_gift(request: Request) -> Response:
        """A subscriber's gift link of one article (its token)."""
        raw = await json_request(request)
        return raw if isinstance(raw, Response) else gifts.mint(service.registry.default, raw)

    @app.post("/v1/gifts/check", openapi_extra={"requestBody": _json_body(
        "GiftCheckRequest")}, responses={200: {"description": "valid or not"}, **_PROBLEMS})
    async def check_gift(request: Request) -> Response:
        """Whether a gift token opens an article now, and why."""
        raw = await json_request(request)
        return raw if isinstance(raw, Response) else gifts.check(service.registry.default, raw)

    @app.get("/v1/rulesets")
    async def rulesets() -> dict[str, Any]:
        registry = service.registry
        return {"default": registry.default.rules.name, "rulesets": registry.describe()}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}


def _add_metrics(app: FastAPI, metrics: ServerMetrics) -> None:
    """GET /metrics: Prometheus's text format, made on the loop (it reads counters only,
    so a saturated render pool never holds it up)."""

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)


def _add_echo(app: FastAPI, body_limit: int) -> None:
    """POST /v1/echo: the body back, read on the loop; the load benchmark's ceiling."""

    @app.post("/v1/echo", include_in_schema=False)
    async def echo_body(request: Request) -> Response:
        raw = await read_limited(request, body_limit)
        if isinstance(raw, Response):
            return raw
        return Response(raw, media_type="application/json")


__all__ = ["DEFAULT_BODY_LIMIT", "create_app"]

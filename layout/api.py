"""The HTTP API: a FastAPI app factory.

    POST /v1/render          article JSON or body HTML, rules or a rule-set name, viewer
    POST /v1/rules/validate  a rule set (JSON, or YAML text)
    GET  /v1/rulesets        the named rule sets and their status
    GET  /healthz

Errors are RFC 9457 problem+json; bad input is a 4xx, never a 500. A render runs on the
worker's event loop (CPU-bound work, one worker process per core), bounded by the render
time budget. The meter travels in an HttpOnly cookie; responses carry the cache class's
Cache-Control and Vary, and an ETag.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException

from layout.access_log import AccessLog
from layout.article import Article
from layout.cache import LruCache
from layout.engine import Engine
from layout.errors import LayoutError
from layout.limits import LimitError
from layout.locate import problems_from_validation
from layout.problems import PROBLEM_TYPE, Problem, layout_error_response, problem_response
from layout.rules import RuleSet, parse_rules
from layout.rulesets import RuleSetRegistry
from layout.sanitize import scrub
from layout.sources import article_from_data_checked, article_from_html
from layout.viewer import Viewer

METER_COOKIE = "layout_meter"
METER_COOKIE_AGE = 40 * 24 * 3600
ARTICLE_CACHE_SIZE = 256
DEFAULT_BODY_LIMIT = 5 * 1024 * 1024


class RenderRequest(BaseModel):
    """What to render, with which rules, for whom."""

    model_config = ConfigDict(extra="forbid")

    article: dict[str, Any] | None = Field(None, description="article JSON (layout schema article)")
    article_html: str | None = Field(None, description="body HTML, instead of article")
    meta: dict[str, Any] | None = Field(None, description="metadata for article_html")
    rules: dict[str, Any] | None = Field(None, description="an inline rule set")
    ruleset: str | None = Field(None, description="the name of a rule set in --rules-dir")
    viewer: Viewer = Field(default_factory=Viewer)
    format: Literal["html", "fragment", "json"] | None = None


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept.split(",")[0]


@lru_cache(maxsize=32)
def _inline_engine(rules_json: str, development: bool, secret: str | None) -> Engine:
    rules = parse_rules(rules_json, source="request rules", development=development)
    return Engine(rules, development=development, meter_secret=secret)


def create_app(
    *,
    rules_dir: Path | None = None,
    development: bool = False,
    meter_secret: str | None = None,
    body_limit: int = DEFAULT_BODY_LIMIT,
    echo: bool = False,
    access_log: AccessLog | None = None,
) -> FastAPI:
    """Build the app; every engine (and its compiled templates) is made once, here."""

    def make_engine(rules: RuleSet) -> Engine:
        return Engine(rules, development=development, meter_secret=meter_secret)

    registry = RuleSetRegistry(rules_dir, make_engine, development=development)
    log = access_log or AccessLog()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(registry.watch(stop))
        yield
        stop.set()
        await watcher

    app = FastAPI(
        title="layout",
        version="1",
        lifespan=lifespan,
        description="Ad-slot and paywall page layout for news articles.",
    )
    app.state.registry = registry
    log.install(app)
    _install_error_handlers(app)
    _add_routes(app, registry, development, meter_secret, body_limit, echo)
    _document_models(app, [RenderRequest, Problem, RuleSet])
    return app


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
    )
}


def _json_body(raw: bytes) -> Any:
    return json.loads(raw.decode("utf-8"))


def _add_routes(
    app: FastAPI,
    registry: RuleSetRegistry,
    development: bool,
    secret: str | None,
    body_limit: int,
    echo: bool,
) -> None:
    render_body = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RenderRequest"}}},
        "required": True,
    }
    rules_body = {
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/RuleSet"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
        "required": True,
    }
    html_or_json = {
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
        "description": "the page, the fragment or the plan JSON",
    }

    @app.post(
        "/v1/render",
        openapi_extra={"requestBody": render_body},
        responses={200: html_or_json, 304: {"description": "Not modified"}, **_PROBLEMS},
    )
    async def render(request: Request) -> Response:
        parsed = await _parse_json_request(request, body_limit)
        if isinstance(parsed, Response):
            return parsed
        try:
            spec = RenderRequest.model_validate(parsed)
        except ValidationError as error:
            return _validation_problem(error)
        engine = _pick_engine(spec, registry, development, secret)
        if isinstance(engine, Response):
            return engine
        request.state.ruleset = spec.ruleset or ("inline" if spec.rules else "default")
        return _render(request, spec, engine)

    @app.post(
        "/v1/rules/validate",
        openapi_extra={"requestBody": rules_body},
        responses={200: {"description": "valid"}, **_PROBLEMS},
    )
    async def validate_rules(request: Request) -> Response:
        try:
            raw = await read_body(request, body_limit)
        except BodyTooLarge:
            return problem_response(413, f"the body is over the limit of {body_limit} bytes")
        media = _media_type(request)
        if media not in ("application/json", "application/yaml", "text/yaml", "application/x-yaml"):
            return problem_response(
                415, "send the rule set as application/json or application/yaml"
            )
        try:
            text = raw.decode("utf-8")
            rules = parse_rules(text, source="body", development=development)
        except UnicodeDecodeError:
            return problem_response(400, "the body is not UTF-8 text")
        except LayoutError as error:
            return layout_error_response(error, "", "invalid-rules")
        return JSONResponse(
            {"valid": True, "name": rules.name, "units": [u.id for u in rules.units]}
        )

    @app.get("/v1/rulesets")
    async def rulesets() -> dict[str, Any]:
        return {"default": registry.default.rules.name, "rulesets": registry.describe()}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if echo:

        @app.post("/v1/echo", include_in_schema=False)
        async def echo_body(request: Request) -> Response:
            try:
                raw = await read_body(request, body_limit)
            except BodyTooLarge:
                return problem_response(413, f"the body is over the limit of {body_limit} bytes")
            return Response(raw, media_type="application/json")


async def _parse_json_request(request: Request, limit: int) -> Any:
    if _media_type(request) != "application/json":
        return problem_response(415, "send the request as application/json")
    try:
        raw = await read_body(request, limit)
    except BodyTooLarge:
        return problem_response(413, f"the body is over the limit of {limit} bytes")
    try:
        return scrub(_json_body(raw))
    except RecursionError:
        return problem_response(400, "the body is nested too deeply")
    except (UnicodeDecodeError, ValueError) as error:
        return problem_response(400, f"the body is not valid JSON ({error})")


def _validation_problem(error: ValidationError) -> Response:
    items = [
        {"location": p.location, "message": p.message}
        for p in problems_from_validation(error, None)
    ]
    detail = "; ".join(f"{i['location']}: {i['message']}" for i in items)
    return problem_response(422, detail, slug="invalid-request", errors=items)


def _pick_engine(
    spec: RenderRequest, registry: RuleSetRegistry, development: bool, secret: str | None
) -> Engine | Response:
    if spec.rules is not None:
        try:
            return _inline_engine(json.dumps(spec.rules, sort_keys=True), development, secret)
        except LayoutError as error:
            return layout_error_response(error, "rules", "invalid-rules")
    if spec.ruleset is not None:
        engine = registry.get(spec.ruleset)
        if engine is None:
            return problem_response(
                422,
                f"ruleset: no usable rule set named {spec.ruleset!r}",
                slug="unknown-ruleset",
                errors=[{"location": "ruleset", "message": "unknown or broken"}],
            )
        return engine
    return registry.default


ARTICLES: LruCache[Article] = LruCache(ARTICLE_CACHE_SIZE)


def _article(spec: RenderRequest) -> Article:
    """The request's article, ingested once per distinct content (ingest is pure: a front
    end that renders the same story for many readers pays for parsing it once)."""
    if spec.article is not None:
        data = spec.article
        key = "json:" + _digest(data)
        return ARTICLES.get_or_make(key, lambda: article_from_data_checked(data, source="request"))
    html, meta = spec.article_html or "", spec.meta or {}
    key = "html:" + hashlib.sha256(html.encode("utf-8")).hexdigest() + ":" + _digest(meta)
    return ARTICLES.get_or_make(key, lambda: article_from_html(html, meta, source="request"))


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _render(request: Request, spec: RenderRequest, engine: Engine) -> Response:
    if spec.article is None and spec.article_html is None:
        return problem_response(
            422,
            "give article or article_html",
            slug="missing-article",
            errors=[{"location": "article", "message": "required"}],
        )
    try:
        article = _article(spec)
    except LayoutError as error:
        return layout_error_response(error, "article", "invalid-article")
    viewer = spec.viewer
    if viewer.meter is None and METER_COOKIE in request.cookies:
        viewer = viewer.model_copy(update={"meter": request.cookies[METER_COOKIE]})
    output = spec.format or ("json" if _wants_json(request) else "html")
    try:
        result = engine.render(article, viewer, format=output)
    except LimitError as error:
        return layout_error_response(error, "article", "over-limit")
    except LayoutError as error:
        return layout_error_response(error, "", "invalid-rules")
    request.state.cache_class = result.cache_class
    if output == "json":
        body = json.dumps(result.plan, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        media = "application/json"
    else:
        body, media = result.html.encode("utf-8"), "text/html; charset=utf-8"
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**result.cache_headers, "ETag": etag, "X-Layout-Cache-Class": result.cache_class}
    if etag in request.headers.get("if-none-match", ""):
        response: Response = Response(status_code=304, headers=headers)
    else:
        response = Response(body, media_type=media, headers=headers)
    if result.meter_token is not None:
        response.set_cookie(
            METER_COOKIE,
            result.meter_token,
            max_age=METER_COOKIE_AGE,
            httponly=True,
            secure=not engine.development,
            samesite="lax",
        )
    return response


__all__ = ["HTMLResponse", "create_app"]

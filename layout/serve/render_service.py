"""The blocking part of the HTTP API: a render request from its body bytes to the response.

Everything here is CPU work (JSON decoding, validation, ingest, the render and the
response's encoding) and runs on a thread of the app's render pool, never on the event
loop. A :class:`RenderService` belongs to one app and holds that app's caches: the
ingested articles (bounded by entries and by an estimate of their memory) and the
engines built for inline rule sets. Two apps in one process share nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Response
from fastapi.responses import JSONResponse

from layout.article import Article
from layout.cache import LruCache
from layout.engine import Engine, OutputFormat, RenderResult
from layout.errors import ConfigError, LayoutError, Problem
from layout.limits import LimitError
from layout.rules import RuleSet, parse_rules
from layout.serve.article_cache import ArticleCache
from layout.serve.problems import layout_error_response, problem_response
from layout.serve.requests import RenderRequest, parse_render_request, wants_json
from layout.serve.rulesets import RuleSetRegistry

METER_COOKIE = "layout_meter"
METER_COOKIE_AGE = 40 * 24 * 3600
INLINE_ENGINES = 32


@dataclass
class RenderCall:
    """One render request as the event loop hands it over: the body and the headers the
    render reads. The job fills in ``ruleset`` and ``cache_class`` for the access log."""

    body: bytes
    accept: str = ""
    if_none_match: str = ""
    meter_cookie: str | None = None
    gpc: bool = False  # the reader's Global Privacy Control (``Sec-GPC: 1``)
    ruleset: str | None = None
    cache_class: str | None = None


class RenderService:
    """Renders requests against a rule-set registry, with the app's own caches."""

    def __init__(
        self,
        registry: RuleSetRegistry,
        make_engine: Callable[[RuleSet], Engine],
        *,
        development: bool,
        articles: ArticleCache,
        on_timings: Callable[[dict[str, float]], None] | None = None,
    ) -> None:
        """``on_timings`` gets each render's seconds per stage (ingest, plan, html)."""
        self.registry = registry
        self.development = development
        self._make_engine = make_engine
        self.articles = articles
        self._on_timings = on_timings
        self.inline_engines: LruCache[Engine] = LruCache(INLINE_ENGINES)

    def render(self, call: RenderCall) -> Response:
        """The response to one render request (runs on a pool thread)."""
        spec = parse_render_request(call.body)
        if isinstance(spec, Response):
            return spec
        engine = self._engine(spec)
        if isinstance(engine, Response):
            return engine
        call.ruleset = spec.ruleset or ("inline" if spec.rules else "default")
        return self._render(call, spec, engine)

    def validate_rules(self, raw: bytes) -> Response:
        """The verdict on a rule set sent as JSON or YAML text (runs on a pool thread)."""
        try:
            text = raw.decode("utf-8")
            rules = parse_rules(text, source="body", development=self.development)
        except UnicodeDecodeError:
            return problem_response(400, "the body is not UTF-8 text")
        except LayoutError as error:
            return layout_error_response(error, "", "invalid-rules")
        return JSONResponse(
            {"valid": True, "name": rules.name, "units": [u.id for u in rules.units]}
        )

    def _engine(self, spec: RenderRequest) -> Engine | Response:
        if spec.rules is not None:
            rules_json = json.dumps(spec.rules, sort_keys=True)
            try:
                return self.inline_engines.get_or_make(
                    rules_json, lambda: self._inline_engine(rules_json)
                )
            except LayoutError as error:
                return layout_error_response(error, "rules", "invalid-rules")
        if spec.ruleset is not None:
            engine = self.registry.get(spec.ruleset)
            if engine is None:
                return problem_response(
                    422,
                    f"ruleset: no usable rule set named {spec.ruleset!r}",
                    slug="unknown-ruleset",
                    errors=[{"location": "ruleset", "message": "unknown or broken"}],
                )
            return engine
        return self.registry.default

    def _inline_engine(self, rules_json: str) -> Engine:
        """An engine for a rule set sent with the request. Such a rule set may not add
        ad-library hosts: a script host is the server's to allow (in a rule file of
        --rules-dir), not a request's, or any caller could put any script on the page."""
        rules = parse_rules(rules_json, source="request rules", development=self.development)
        if rules.ads.library_hosts:
            message = (
                "expected no ad-library hosts of its own in a rule set sent with a request "
                "(a rule file in --rules-dir may add them); found "
                + json.dumps(rules.ads.library_hosts)
            )
            raise ConfigError("request rules", [Problem("ads.library_hosts", message)])
        return self._make_engine(rules)

    def _article(self, spec: RenderRequest) -> Article:
        if spec.article is not None:
            return self.articles.from_data(spec.article)
        return self.articles.from_html(spec.article_html or "", spec.meta or {})

    def _render(self, call: RenderCall, spec: RenderRequest, engine: Engine) -> Response:
        if spec.article is None and spec.article_html is None:
            return problem_response(
                422,
                "give article or article_html",
                slug="missing-article",
                errors=[{"location": "article", "message": "required"}],
            )
        started = time.perf_counter()
        try:
            article = self._article(spec)
        except LayoutError as error:
            return layout_error_response(error, "article", "invalid-article")
        ingested = time.perf_counter() - started
        viewer = spec.viewer
        if viewer.meter is None and call.meter_cookie is not None:
            viewer = viewer.model_copy(update={"meter": call.meter_cookie})
        if call.gpc and not viewer.gpc:
            viewer = viewer.model_copy(update={"gpc": True})
        output: OutputFormat = spec.format or ("json" if wants_json(call.accept) else "html")
        try:
            result = engine.render(article, viewer, format=output, instance=spec.instance,
                                   nonce=spec.nonce)
        except LimitError as error:
            return layout_error_response(error, "article", "over-limit")
        except LayoutError as error:
            return layout_error_response(error, "", "invalid-rules")
        call.cache_class = result.cache_class
        if self._on_timings is not None:
            self._on_timings({"ingest": ingested, **result.timings})
        return _respond(call, result, output, secure_cookie=not engine.development)


def _respond(
    call: RenderCall, result: RenderResult, output: OutputFormat, *, secure_cookie: bool
) -> Response:
    """The render as an HTTP response: the body (or 304 when the client's ETag matches),
    the cache headers, and the reader's updated meter cookie."""
    if output == "json":
        plan = json.dumps(result.plan, ensure_ascii=False, separators=(",", ":"))
        body, media = plan.encode("utf-8"), "application/json"
    else:
        body, media = result.html.encode("utf-8"), "text/html; charset=utf-8"
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**result.cache_headers, "ETag": etag, "X-Layout-Cache-Class": result.cache_class}
    # The reader's Global Privacy Control changes the ads' settings: a shared cache must
    # keep the two answers apart.
    headers["Vary"] = ", ".join(filter(None, (headers.get("Vary"), "Sec-GPC")))
    if etag in call.if_none_match:
        response = Response(status_code=304, headers=headers)
    else:
        response = Response(body, media_type=media, headers=headers)
    if result.meter_token is not None:
        response.set_cookie(
            METER_COOKIE,
            result.meter_token,
            max_age=METER_COOKIE_AGE,
            httponly=True,
            secure=secure_cookie,
            samesite="lax",
        )
    return response

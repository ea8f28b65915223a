"""The preview web app: an index, a device-frame shell per article, rendered pages with the
overlay and stub creatives, the plan for the side panel, and live reload."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, FastAPI, Query, Response
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles

from layout.access.meter import MeterState, encode_meter, period_key, utc_now
from layout.access.secret import DEVELOPMENT_SECRET
from layout.access.terms import access_terms
from layout.article import Article
from layout.corpus.discover import find_articles
from layout.engine import Engine
from layout.errors import ConfigError, LayoutError, Problem
from layout.ingest.sources import load_article
from layout.preview.events import Broadcaster, watch
from layout.preview.offline import offline_page, placeholder_svg
from layout.rules import Meter, RuleSet, load_rules
from layout.viewer import Audience, Device, Viewer

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-src 'self'"
)


def article_key(path: Path) -> str:
    """A URL-safe name: the file stem, with its folder when the stem alone says little."""
    stem = path.stem if path.stem not in ("expected", "index", "body") else f"{path.parent.name}"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem)


def preview_rules(rules: RuleSet) -> RuleSet:
    """The rules as given, but never loading the ad library: stubs fill the slots."""
    prebid = rules.ads.prebid
    ads = {"library": None,
           "prebid": prebid.model_copy(update={"library": None}) if prebid else None}
    return rules.model_copy(update={"ads": rules.ads.model_copy(update=ads)})


class PreviewState:
    """Articles, the current engine (or the error that stops one being built)."""

    def __init__(self, paths: list[Path], rules: Path | None, templates: Path | None) -> None:
        self.paths, self.rules_path, self.templates = paths, rules, templates
        self.engine: Engine | None = None
        self.error: str | None = None
        self.articles: dict[str, Path] = {}
        self.reload()

    def reload(self) -> None:
        articles: dict[str, Path] = {}
        for path in find_articles(self.paths):
            key = article_key(path)
            if key in articles:
                key = f"{key}-{path.suffix.lstrip('.')}"
            articles[key] = path
        self.articles = articles  # swapped whole: requests never see it half built
        try:
            rules = preview_rules(load_rules(self.rules_path, development=True))
            self.engine = Engine(rules, templates=self.templates, development=True)
            self.error = None
        except LayoutError as error:
            self.engine, self.error = None, "\n".join(error.lines())
        except Exception as error:  # a broken template must not stop the preview
            self.engine, self.error = None, f"{type(error).__name__}: {error}"

    def watched(self) -> list[Path]:
        extra = [p for p in (self.rules_path, self.templates) if p is not None]
        return [*self.paths, *extra]


@dataclass(frozen=True)
class ReaderQuery:
    """The reader a preview page is rendered for, from the query string."""

    device: Device
    audience: Audience
    meter: str


def reader_query(
    device: Device = "mobile",
    audience: Audience = "anonymous",
    meter: str = Query("fresh", pattern="^(fresh|exhausted)$"),
) -> ReaderQuery:
    return ReaderQuery(device, audience, meter)


def exhausted_meter(meter: Meter) -> str:
    """A spent token of ``meter`` (the one the rules' terms give the reader)."""
    period = period_key(meter.period, utc_now())
    state = MeterState(period, tuple(f"preview{n:06d}" for n in range(meter.limit)), meter.name)
    return encode_meter(state, DEVELOPMENT_SECRET.encode())


def create_preview_app(
    paths: list[Path], *, rules: Path | None = None, templates: Path | None = None
) -> FastAPI:
    """The preview app over ``paths``; it reloads when articles, rules or templates change."""
    state = PreviewState(paths, rules, templates)
    events = Broadcaster()
    stop = asyncio.Event()

    def on_change(changed: list[str]) -> None:
        state.reload()
        events.publish(changed)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watcher = asyncio.create_task(watch(state.watched(), on_change, stop))
        yield
        stop.set()
        await watcher

    app = FastAPI(title="layout preview", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.preview = state
    _add_pages(app, _Pages(state))
    _add_live_routes(app, state, events, stop)
    return app


class _Pages:
    """The preview's own pages (index, shell, errors) and one consistent read of what a
    rendered page needs."""

    def __init__(self, state: PreviewState) -> None:
        self.state = state
        self.ui = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "ui")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.ui.get_template(name).render(error=self.state.error, **context)
        return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})

    def resolve(self, key: str, reader: ReaderQuery) -> tuple[Engine, Article, Viewer]:
        """One consistent read of the engine (a reload may swap it) and the article;
        KeyError for an unknown article, LayoutError for a broken article or rule file."""
        path, engine = self.state.articles[key], self.state.engine
        if engine is None:
            raise ConfigError("rules", [Problem("", self.state.error or "no engine")])
        article = load_article(path)
        viewer = Viewer(device=reader.device, audience=reader.audience)
        if reader.meter == "exhausted":
            terms = access_terms(article, viewer, engine.rules.paywall, utc_now())
            viewer = viewer.model_copy(update={"meter": exhausted_meter(terms.meter)})
        return engine, article, viewer


def _add_pages(app: FastAPI, pages: _Pages) -> None:
    state = pages.state

    @app.get("/", response_class=HTMLResponse)
    async def index() -> HTMLResponse:
        return pages.page("index.html.j2", articles=sorted(state.articles))

    @app.get("/a/{key}", response_class=HTMLResponse)
    async def shell(key: str) -> HTMLResponse:
        if key not in state.articles:
            return pages.page("missing.html.j2", 404, key=key)
        return pages.page("shell.html.j2", key=key, path=str(state.articles[key]))

    @app.get("/render/{key}", response_class=HTMLResponse)
    def render(key: str, reader: Annotated[ReaderQuery, Depends(reader_query)]) -> HTMLResponse:
        try:
            engine, article, viewer = pages.resolve(key, reader)
            html = engine.render(article, viewer, "html", annotate=True).html
        except KeyError:
            return pages.page("missing.html.j2", 404, key=key)
        except LayoutError as error:
            return pages.page("error.html.j2", 422, message="\n".join(error.lines()))
        return HTMLResponse(
            offline_page(html),
            headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"},
        )

    @app.get("/plan/{key}")
    def plan_json(key: str, reader: Annotated[ReaderQuery, Depends(reader_query)]) -> JSONResponse:
        try:
            engine, article, viewer = pages.resolve(key, reader)
            plan = engine.plan(article, viewer)
        except KeyError:
            return JSONResponse({"error": f"no article {key}"}, status_code=404)
        except LayoutError as error:
            return JSONResponse({"error": "\n".join(error.lines())}, status_code=422)
        return JSONResponse(plan.to_json(), headers={"Cache-Control": "no-store"})


def _add_live_routes(
    app: FastAPI, state: PreviewState, events: Broadcaster, stop: asyncio.Event
) -> None:
    """Stub creatives, the live-reload event stream and the status the shell polls."""

    @app.get("/stub-image")
    async def stub_image(
        w: int = Query(16, ge=1, le=4000), h: int = Query(9, ge=1, le=4000)
    ) -> Response:
        return Response(
            placeholder_svg(w, h),
            media_type="image/svg+xml",
            headers={"Cache-Control": "max-age=3600"},
        )

    @app.get("/events")
    async def stream() -> StreamingResponse:
        return StreamingResponse(
            events.stream(stop),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )

    @app.get("/status")
    async def status() -> dict[str, Any]:
        return {"version": events.version, "error": state.error, "articles": len(state.articles)}

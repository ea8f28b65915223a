"""Per-stage benchmarks of the pipeline over the samples and the readability corpus.

    python -m pytest benchmarks/bench_stages.py --benchmark-only -p no:xdist

One pytest-benchmark group per stage: ingest, measure, access, place, render, and the
whole engine. Every benchmark processes all documents (16 samples and 45 corpus pages) in
one round, mobile, anonymous reader, default rules, paywall on; the inputs of each stage
are the outputs of the stages before it, made outside the timing.

``render`` is timed on copies of the articles made in the round's set-up, so the block HTML
that a renderer keeps per live article is rendered anew in every round (the cold path);
``render-warm`` reuses the articles, as the API's article cache does for repeat readers.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from layout import Article, Engine, Viewer  # noqa: E402
from layout.access.meter import reader_meter  # noqa: E402
from layout.access.policy import AccessDecision, decide_access  # noqa: E402
from layout.access.terms import access_terms  # noqa: E402
from layout.ingest.sources import article_from_html, article_from_json, meta_path_for  # noqa: E402
from layout.measure.gaps import Gaps  # noqa: E402
from layout.measure.sizes import BlockSize, header_height, measure  # noqa: E402
from layout.pipeline import WALL_HEIGHT  # noqa: E402
from layout.place.solver import place  # noqa: E402
from layout.plan import LayoutPlan  # noqa: E402
from tests.support.corpus import corpus_sources, sample_sources  # noqa: E402

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
VIEWER = Viewer(device="mobile", audience="anonymous")
ENGINE = Engine(development=True)
RULES = ENGINE.rules
PROFILE = RULES.device(VIEWER.device)
ROUNDS = 5


@dataclass(frozen=True)
class Document:
    """One input as its raw text, with how to ingest it."""

    name: str
    text: str
    is_html: bool
    meta: dict[str, Any]

    def ingest(self) -> Article:
        if self.is_html:
            return article_from_html(self.text, self.meta, source=self.name, default_id="page")
        return article_from_json(self.text, source=self.name)


def _documents() -> list[Document]:
    found = []
    for source in sample_sources():
        meta_path = meta_path_for(source.path)
        meta = {}
        if source.is_html and meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        found.append(Document(source.name, source.text, source.is_html, meta))
    for source in corpus_sources():
        found.append(Document(source.name, source.text, True, {"id": source.name}))
    return found


DOCUMENTS = _documents()


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [document.ingest() for document in DOCUMENTS]


@pytest.fixture(scope="module")
def sizes(articles: list[Article]) -> list[list[BlockSize]]:
    return [measure(article, PROFILE) for article in articles]


def _access(article: Article, sizes: list[BlockSize]) -> AccessDecision:
    terms = access_terms(article, VIEWER, RULES.paywall, NOW)
    meter = reader_meter(VIEWER, terms, ENGINE.meter_secret, NOW)
    return decide_access(article, VIEWER, terms, sizes, meter)


def _gaps(article: Article, sizes: list[BlockSize]) -> Gaps:
    return Gaps.build(
        sizes, header_height=header_height(article, PROFILE), viewport_height=PROFILE.viewport[1]
    )


def _place(article: Article, sizes: list[BlockSize], access: AccessDecision) -> Any:
    visible = access.visible_blocks
    reserved = {visible: WALL_HEIGHT} if access.wall is not None else {}
    return place(
        article, VIEWER, RULES, _gaps(article, sizes), last_gap=visible, reserved=reserved
    )


def _run(benchmark: Any, work: Any, *args: Any, setup: Any = None) -> Any:
    if setup is not None:
        return benchmark.pedantic(work, setup=setup, rounds=ROUNDS, iterations=1)
    return benchmark.pedantic(work, args=args, rounds=ROUNDS, iterations=1)


@pytest.mark.benchmark(group="ingest")
def test_ingest(benchmark: Any) -> None:
    result = _run(benchmark, lambda: [document.ingest() for document in DOCUMENTS])
    assert len(result) == len(DOCUMENTS) >= 61


@pytest.mark.benchmark(group="measure")
def test_measure(benchmark: Any, articles: list[Article]) -> None:
    result = _run(benchmark, lambda: [measure(article, PROFILE) for article in articles])
    assert all(len(s) == len(a.blocks) for s, a in zip(result, articles, strict=True))


@pytest.mark.benchmark(group="access")
def test_access(benchmark: Any, articles: list[Article], sizes: list[list[BlockSize]]) -> None:
    pairs = list(zip(articles, sizes, strict=True))
    result = _run(benchmark, lambda: [_access(article, size) for article, size in pairs])
    assert any(decision.wall is not None for decision in result)


@pytest.mark.benchmark(group="place")
def test_place(benchmark: Any, articles: list[Article], sizes: list[list[BlockSize]]) -> None:
    triples = [(a, s, _access(a, s)) for a, s in zip(articles, sizes, strict=True)]
    result = _run(benchmark, lambda: [_place(a, s, access) for a, s, access in triples])
    assert sum(len(placement.units) for placement in result) > len(result)


def _plans(articles: list[Article]) -> list[LayoutPlan]:
    return [ENGINE.plan(article, VIEWER, now=NOW) for article in articles]


def _render_all(plans: list[LayoutPlan]) -> list[str]:
    return [ENGINE.renderer.page(plan, ENGINE.theme_context(plan)) for plan in plans]


@pytest.mark.benchmark(group="render")
def test_render(benchmark: Any, articles: list[Article]) -> None:
    def fresh_plans() -> tuple[tuple[list[LayoutPlan]], dict[str, Any]]:
        return (_plans([article.model_copy() for article in articles]),), {}

    pages = _run(benchmark, _render_all, setup=fresh_plans)
    assert all(page.startswith("<!DOCTYPE html>") for page in pages)


@pytest.mark.benchmark(group="render")
def test_render_warm(benchmark: Any, articles: list[Article]) -> None:
    pages = _run(benchmark, _render_all, _plans(articles))
    assert all(page.startswith("<!DOCTYPE html>") for page in pages)


@pytest.mark.benchmark(group="engine")
def test_engine_body_html_in_page_out(benchmark: Any) -> None:
    """The whole pipeline from raw input, as a front end calling render would run it."""

    def everything() -> list[str]:
        return [ENGINE.render(document.ingest(), VIEWER, now=NOW).html for document in DOCUMENTS]

    pages = _run(benchmark, everything)
    assert len(pages) == len(DOCUMENTS)

"""The default rules over every corpus page and sample, for anonymous readers on both devices.

Each plan must pass the independent checker, mobile ad density must stay within the
Coalition for Better Ads limit of 30%, and every page of 600 words or more must earn at
least one in-content ad.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from layout import Engine, Viewer
from layout.rules import load_rules
from tests.conftest import report
from tests.support.corpus import Source, corpus_sources, sample_sources
from tests.support.plan_checker import check_plan

DEVICES = ("mobile", "desktop")
MOBILE_DENSITY_CAP = 0.30
LONG_PAGE_WORDS = 600


@dataclass(frozen=True)
class Rendered:
    name: str
    device: str
    plan: dict[str, Any]
    violations: list[str]
    paragraphs: int

    @property
    def units(self) -> list[dict[str, Any]]:
        return [item for item in self.plan["items"] if item["type"] == "unit"]

    @property
    def words_shown(self) -> int:
        """The article's words, or only the preview's when the paywall cuts the plan."""
        if self.plan["paywall"].get("applied"):
            return int(self.plan["metrics"]["words"])
        return int(self.plan["article"]["words"])

    @property
    def in_content_ads(self) -> int:
        return sum(u["kind"] == "ad" and u["position"] == "in_content" for u in self.units)


def render_all(sources: list[Source]) -> list[Rendered]:
    engine = Engine(development=True)
    done = []
    for source in sources:
        article = source.load()
        kinds = [block.kind for block in article.blocks]
        for device in DEVICES:
            plan = engine.render(article, Viewer(device=device), format="json").plan
            violations = check_plan(plan, engine.rules, block_kinds=kinds)
            done.append(Rendered(source.name, device, plan, violations, kinds.count("paragraph")))
    return done


def _mid_start_paragraphs() -> int:
    mid = next(unit for unit in load_rules().units if unit.id == "mid")
    assert mid.start is not None and mid.start.paragraphs is not None
    return mid.start.paragraphs


@pytest.fixture(scope="module", params=["corpus", "samples"])
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[Rendered]]:
    sources = corpus_sources() if request.param == "corpus" else sample_sources()
    if request.param == "corpus":
        assert len(sources) >= 45
    else:
        assert len(sources) >= 10
    return request.param, render_all(sources)


def test_every_plan_passes_the_checker(rendered: tuple[str, list[Rendered]]) -> None:
    name, plans = rendered
    placements = sum(len(r.units) for r in plans)
    in_content = sum(u["position"] == "in_content" for r in plans for u in r.units)
    violations = [f"{r.name} ({r.device}): {v}" for r in plans for v in r.violations]
    pages = len({r.name for r in plans})
    report(
        f"placement {name}: {pages} pages x {len(DEVICES)} devices, {placements} placements "
        f"({in_content} in-content), {len(violations)} checker violations"
    )
    assert violations == []


def test_mobile_ad_density_is_within_the_cap(rendered: tuple[str, list[Rendered]]) -> None:
    name, plans = rendered
    mobile = [r for r in plans if r.device == "mobile"]
    worst = max(mobile, key=lambda r: r.plan["metrics"]["ad_density"])
    over = [
        f"{r.name}: {r.plan['metrics']['ad_density']}"
        for r in mobile
        if r.plan["metrics"]["ad_density"] > MOBILE_DENSITY_CAP
    ]
    report(
        f"placement {name}: max mobile ad density {worst.plan['metrics']['ad_density']:.4f} "
        f"({worst.name}); {len(over)} pages over {MOBILE_DENSITY_CAP}"
    )
    assert over == []


def test_long_pages_get_an_in_content_ad(rendered: tuple[str, list[Rendered]]) -> None:
    """Every page of 600 words or more (shown: a walled plan counts its preview only)
    gets at least one in-content ad."""
    name, plans = rendered
    long_pages = [r for r in plans if r.words_shown >= LONG_PAGE_WORDS]
    without = [f"{r.name} ({r.device})" for r in long_pages if r.in_content_ads == 0]
    for device in ("mobile", "desktop"):
        pages = [r for r in long_pages if r.device == device]
        with_ad = [r for r in pages if r.in_content_ads >= 1]
        report(
            f"placement {name}: {device} pages >= {LONG_PAGE_WORDS} words with an "
            f"in-content ad: {len(with_ad)}/{len(pages)}"
        )
    assert long_pages
    assert without == []

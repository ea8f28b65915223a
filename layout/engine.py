"""The engine: one object built once, whose ``render`` runs the whole pipeline.

    article -> measure -> access -> place -> plan -> render

The engine holds only immutable state (the rule set, the compiled templates), so one
instance serves many renders from many threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from layout.adconfig import gpt_config
from layout.article import Article
from layout.gaps import Gaps
from layout.measure import header_height, measure
from layout.place import place
from layout.plan import LayoutPlan
from layout.render import Renderer
from layout.rules import RuleSet, load_rules
from layout.structured import script_json
from layout.viewer import Viewer

OutputFormat = Literal["html", "fragment", "json"]


@dataclass(frozen=True)
class RenderResult:
    """What a render returns: the HTML (empty for JSON), the plan and the reader's state."""

    html: str
    plan: dict[str, Any]
    meter_token: str | None
    cache_class: str


class Engine:
    """Renders articles for viewers under one rule set and one theme."""

    def __init__(
        self, rules: RuleSet | None = None, *, templates: str | Path | None = None
    ) -> None:
        self.rules = rules if rules is not None else load_rules()
        self.renderer = Renderer(Path(templates) if templates is not None else None)

    def plan(self, article: Article, viewer: Viewer) -> LayoutPlan:
        """The layout plan for one reader, without rendering HTML."""
        profile = self.rules.device(viewer.device)
        sizes = measure(article, profile)
        visible = len(sizes)
        gaps = Gaps.build(
            sizes,
            header_height=header_height(article, profile),
            viewport_height=profile.viewport[1],
        )
        placement = place(article, viewer, self.rules, gaps, last_gap=visible)
        access = {
            "mode": self.rules.paywall.mode,
            "applied": False,
            "visible_blocks": visible,
            "hidden_blocks": len(sizes) - visible,
            "free": True,
        }
        plan = LayoutPlan(
            article=article,
            viewer=viewer,
            sizes=sizes,
            gaps=gaps,
            visible_blocks=visible,
            access=access,
            units=placement.units,
            decisions=placement.decisions,
        )
        total = gaps.pixels[visible] + placement.unit_height
        plan.metrics = {
            "ad_count": sum(unit.kind == "ad" for unit in placement.units),
            "ad_density": round(placement.ad_height / total, 4) if total else 0.0,
            "content_height": round(total),
            "words": gaps.words[visible],
            "header_height": round(gaps.header_height, 1),
            "viewport": list(profile.viewport),
        }
        return plan

    def _theme_context(self, plan: LayoutPlan) -> dict[str, Any]:
        config = gpt_config(plan, self.rules)
        return {
            "ad_config": script_json(config) if config else None,
            "ad_library": self.rules.ads.library,
        }

    def render(
        self, article: Article, viewer: Viewer | None = None, format: OutputFormat = "html"
    ) -> RenderResult:
        """Render ``article`` for ``viewer`` as a page, a fragment or the plan JSON."""
        plan = self.plan(article, viewer or Viewer())
        extra = self._theme_context(plan)
        if format == "html":
            html = self.renderer.page(plan, extra)
        elif format == "fragment":
            html = self.renderer.fragment(plan, extra)
        else:
            html = ""
        return RenderResult(html=html, plan=plan.to_json(), meter_token=None, cache_class="public")

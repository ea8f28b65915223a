"""The engine: one object built once, whose ``render`` runs the whole pipeline.

    article -> measure -> access -> place -> plan -> render

The engine holds only immutable state (the rule set, the compiled templates), so one
instance serves many renders from many threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from layout.article import Article
from layout.measure import DEFAULT_DEVICES, measure
from layout.plan import LayoutPlan
from layout.render import Renderer
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

    def __init__(self, *, templates: str | Path | None = None) -> None:
        self.renderer = Renderer(Path(templates) if templates is not None else None)

    def plan(self, article: Article, viewer: Viewer) -> LayoutPlan:
        """The layout plan for one reader, without rendering HTML."""
        profile = DEFAULT_DEVICES[viewer.device]
        sizes = measure(article, profile)
        access = {
            "mode": "free",
            "applied": False,
            "visible_blocks": len(sizes),
            "hidden_blocks": 0,
            "free": True,
        }
        plan = LayoutPlan(
            article=article, viewer=viewer, sizes=sizes, visible_blocks=len(sizes), access=access
        )
        plan.metrics = {
            "ad_count": 0,
            "ad_density": 0.0,
            "content_height": round(sum(size.height for size in sizes)),
        }
        return plan

    def render(
        self, article: Article, viewer: Viewer | None = None, format: OutputFormat = "html"
    ) -> RenderResult:
        """Render ``article`` for ``viewer`` as a page, a fragment or the plan JSON."""
        plan = self.plan(article, viewer or Viewer())
        if format == "html":
            html = self.renderer.page(plan)
        elif format == "fragment":
            html = self.renderer.fragment(plan)
        else:
            html = ""
        return RenderResult(html=html, plan=plan.to_json(), meter_token=None, cache_class="public")

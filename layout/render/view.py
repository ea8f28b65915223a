"""The plan as a theme's page and fragment templates see it (``plan`` in their context).

It is made from a plan for one reader and holds only that reader's part: the reader's
article (``access.view``), the items, units and wall on the page, the paywall and metrics
as the plan JSON gives them to this reader, and the decisions. It keeps no reference to the
plan or to the article the plan was made from, so nothing a template reaches through it
holds a gated block.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from layout.article import Article
from layout.plan import Decision, LayoutPlan, PlacedUnit, PlanItem, Wall
from layout.viewer import Viewer


@dataclass(frozen=True)
class PageView:
    article: Article
    viewer: Viewer
    items: tuple[PlanItem, ...]
    units: tuple[PlacedUnit, ...]
    wall: Wall | None
    paywall: Mapping[str, Any]
    metrics: Mapping[str, Any]
    decisions: tuple[Decision, ...]

    @classmethod
    def of(cls, plan: LayoutPlan) -> PageView:
        return cls(
            article=plan.seen,
            viewer=plan.viewer,
            items=tuple(plan.items()),
            units=tuple(plan.units),
            wall=plan.wall,
            paywall=plan.paywall_json(),
            metrics=dict(plan.metrics),
            decisions=tuple(plan.decisions),
        )

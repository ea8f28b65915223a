"""The pipeline from article to plan: measure -> gaps -> access -> place -> plan.

Pure: the same article, viewer, rules, secret and period give the same plan, whatever was
rendered before. What it works out once per live article (measurements, gaps, the
teaser's cut, and placements with their readers' block items) is kept in the
``PlanMemos`` of the engine that asks, never at module level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from layout.access.gift import gift_for
from layout.access.meter import reader_meter
from layout.access.policy import decide_access, preview_cut
from layout.access.terms import access_terms
from layout.article import Article
from layout.cache import ArticleMemo
from layout.limits import DEFAULT_LIMITS, Limits, over_limit
from layout.measure.devices import DeviceProfile
from layout.measure.gaps import Gaps
from layout.measure.sizes import BlockSize, header_height, measure
from layout.place.checks import CHECKS
from layout.place.notice import meter_notice
from layout.place.ruler import Ruler
from layout.place.solver import Placement, place
from layout.place.units import FrozenUnitData
from layout.plan import Decision, LayoutPlan, Wall, block_items, instance_prefix
from layout.rules import Preview, RuleSet
from layout.viewer import Viewer

WALL_HEIGHT = 260.0


@dataclass
class PlanMemos:
    """Pure results kept per live article (see ``cache.ArticleMemo``), owned by one engine.

    ``placements`` is per rule set, which is why an engine (one rule set) owns them: a
    placement depends only on the article, the rules, the device, the audience and the
    paywall's cut, so readers who share those share it, and the plan items of the blocks
    they see with it. ``cuts`` holds the teaser's cut per device, preview and marker;
    ``unit_data`` the units' frozen data."""

    sizes: ArticleMemo[tuple[BlockSize, ...]] = field(default_factory=ArticleMemo)
    gaps: ArticleMemo[Gaps] = field(default_factory=ArticleMemo)
    placements: ArticleMemo[Placement] = field(default_factory=ArticleMemo)
    unit_data: FrozenUnitData = field(default_factory=FrozenUnitData)
    cuts: ArticleMemo[int] = field(default_factory=ArticleMemo)

    def preview_cut(self, article: Article, profile: DeviceProfile,
                    preview: Preview, marker: int | None) -> int:
        """Where the article's teaser ends for a preview (``access.policy.preview_cut``):
        a function of the article's sizes on the device, the preview and the editor's
        marker, the same for every reader."""
        return self.cuts.get_or_make(
            article, (profile, preview, marker),
            lambda: preview_cut(self.measured(article, profile), preview, marker),
        )

    def measured(self, article: Article, profile: DeviceProfile) -> tuple[BlockSize, ...]:
        """Block sizes for an article and a device profile (measuring is pure and
        articles are immutable)."""
        return self.sizes.get_or_make(article, profile, lambda: tuple(measure(article, profile)))

    def measured_gaps(self, article: Article, profile: DeviceProfile) -> Gaps:
        """The article's gaps for a device profile."""

        def build() -> Gaps:
            return Gaps.build(
                self.measured(article, profile),
                header_height=header_height(article, profile),
                viewport_height=profile.viewport[1],
            )

        return self.gaps.get_or_make(article, profile, build)


def build_plan(
    article: Article,
    viewer: Viewer,
    rules: RuleSet,
    secret: bytes | None,
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
    memos: PlanMemos | None = None,
    checks: Ruler = CHECKS,
    instance: str | None = None,
) -> LayoutPlan:
    """Measure, decide access, place units and assemble the plan for one reader
    (``memos``: an engine's, kept between renders; without, nothing is kept; ``checks``:
    the table of checks placement runs; ``instance``: the prefix of the page's element
    ids, derived from the article's id when not given, see ``instance_prefix``)."""
    memos = memos if memos is not None else PlanMemos()
    prefix = instance if instance is not None else instance_prefix(article.id)
    if len(article.blocks) > limits.max_blocks:
        raise over_limit(article.id, "the block count", len(article.blocks), limits.max_blocks)
    profile = rules.device(viewer.device)
    sizes = memos.measured(article, profile)
    terms = access_terms(article, viewer, rules.paywall, now)
    gift = gift_for(viewer.gift, article.id, secret=secret, now=now) is not None
    access = decide_access(
        article, viewer, terms, sizes, reader_meter(viewer, terms, secret, now), gift=gift,
        cut=lambda preview, marker: memos.preview_cut(article, profile, preview, marker),
    )
    gaps = memos.measured_gaps(article, profile)
    wall = Wall(access.wall, access.visible_blocks) if access.wall is not None else None
    placement = _placement(article, viewer, rules, sizes, gaps, access.visible_blocks, wall, memos,
                           checks)
    notice = meter_notice(access)
    placed = placement.units_in(prefix)
    units = [notice, *placed] if notice is not None else list(placed)
    plan = LayoutPlan(
        article=article,
        viewer=viewer,
        sizes=sizes,
        gaps=gaps,
        access=access,
        units=units,
        wall=wall,
        instance=prefix,
        decisions=[*_ingest_reports(article, access.visible_blocks), *placement.decisions],
        visible_items=placement.block_items,
    )
    plan.metrics = _metrics(plan, placement, profile)
    return plan


INGEST_UNIT = "(ingest)"


def _ingest_reports(article: Article, visible: int) -> list[Decision]:
    """What ingest kept without understanding it, for the blocks this reader may see (a
    report names content: one about a gated block would leak it). A report tied to no
    block is shown only to a reader who sees the whole article."""
    everything = visible >= len(article.blocks)
    return [
        Decision(INGEST_UNIT, report.block, "reported", report.code, report.message)
        for report in article.reports
        if (report.block < visible if report.block is not None else everything)
    ]


def _placement(
    article: Article,
    viewer: Viewer,
    rules: RuleSet,
    sizes: Sequence[BlockSize],
    gaps: Gaps,
    visible: int,
    wall: Wall | None,
    memos: PlanMemos,
    checks: Ruler,
) -> Placement:
    """The units' placement for this reader class: one per article, device, audience and
    cut (readers who share those share it; the meter's notice is added per reader). A
    walled reader's units are placed by the part they see alone: where a unit goes, and
    whether it goes at all, must not tell how long the rest is."""

    def make_placement() -> Placement:
        reader = Viewer(device=viewer.device, audience=viewer.audience)
        reserved = {visible: WALL_HEIGHT} if wall else {}
        seen = gaps.cut(visible) if wall else gaps
        placement = place(
            article, reader, rules, seen, last_gap=visible, reserved=reserved, checks=checks,
            unit_data=memos.unit_data,
        )
        # The items of the blocks its readers see: its key holds their cut and device.
        placement.block_items = block_items(article.blocks[:visible], sizes)
        return placement

    key = (viewer.device, viewer.audience, visible, wall is not None)
    return memos.placements.get_or_make(article, key, make_placement)


def _metrics(plan: LayoutPlan, placement: Placement, profile: DeviceProfile) -> dict[str, Any]:
    gaps, visible = plan.gaps, plan.visible_blocks
    total = gaps.pixels[visible] + placement.unit_height
    return {
        "ad_count": sum(unit.kind == "ad" for unit in plan.units),
        "ad_density": round(placement.ad_height / total, 4) if total else 0.0,
        "content_height": round(total),
        "words": gaps.words[visible],
        "header_height": round(gaps.header_height, 1),
        "viewport": list(profile.viewport),
    }

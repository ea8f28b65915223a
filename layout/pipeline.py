"""The pipeline from article to plan: measure -> gaps -> access -> place -> plan.

Pure: the same article, viewer, rules, secret and period give the same plan, whatever was
rendered before in the same process.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from layout.access.meter import MeterState, decode_meter, period_key
from layout.access.policy import AccessDecision, decide_access
from layout.article import Article
from layout.cache import ArticleMemo
from layout.development import is_development
from layout.errors import ConfigError, Problem
from layout.limits import DEFAULT_LIMITS, Limits, over_limit
from layout.measure.gaps import Gaps
from layout.measure.sizes import BlockSize, DeviceProfile, header_height, measure
from layout.place.solver import Placement, place
from layout.plan import LayoutPlan, PlacedUnit, Wall
from layout.rules import RuleSet
from layout.viewer import Viewer

DEVELOPMENT_SECRET = "layout-development-secret-not-for-production"
WALL_HEIGHT = 260.0
METER_NOTICE_HEIGHT = 64.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def resolve_meter_secret(
    rules: RuleSet, secret: str | None, development: bool | None
) -> bytes | None:
    """The meter signing secret; refuses to meter in production without one."""
    secret = secret or os.environ.get("LAYOUT_METER_SECRET") or None
    if secret is not None:
        return secret.encode("utf-8")
    if is_development(development):
        return DEVELOPMENT_SECRET.encode("utf-8")
    if rules.paywall.mode != "metered":
        return None
    raise ConfigError(
        f"rules {rules.name}",
        [
            Problem(
                "paywall.mode",
                "metering needs a signing secret: set LAYOUT_METER_SECRET (or pass meter_secret), "
                "or turn on development mode (LAYOUT_DEV=1) for local use",
            )
        ],
    )


def reader_meter(
    viewer: Viewer, rules: RuleSet, secret: bytes | None, now: datetime
) -> MeterState | None:
    if rules.paywall.mode != "metered" or secret is None:
        return None
    return decode_meter(viewer.meter, secret, period_key(rules.paywall.meter.period, now))


def meter_notice(access: AccessDecision, rules: RuleSet) -> PlacedUnit | None:
    """The "N of M free articles left" notice for a reader the meter just counted."""
    if not access.counted or access.meter_remaining is None:
        return None
    data = {
        "template": "units/meter-notice.html.j2",
        "remaining": access.meter_remaining,
        "limit": access.meter_limit,
        "period": rules.paywall.meter.period,
    }
    return PlacedUnit(
        id="meter-notice-1",
        unit="meter-notice",
        kind="promo",
        gap=0,
        position="top",
        reserved_height=METER_NOTICE_HEIGHT,
        data=data,
    )


_MEASURED: ArticleMemo[tuple[BlockSize, ...]] = ArticleMemo()


def measured(article: Article, profile: DeviceProfile) -> tuple[BlockSize, ...]:
    """Block sizes for an article and a device profile, computed once per live article
    (measuring is pure and articles are immutable)."""
    return _MEASURED.get_or_make(article, profile, lambda: tuple(measure(article, profile)))


_GAPS: ArticleMemo[Gaps] = ArticleMemo()


def measured_gaps(article: Article, profile: DeviceProfile) -> Gaps:
    """The article's gaps for a device profile, built once per live article."""

    def build() -> Gaps:
        return Gaps.build(
            measured(article, profile),
            header_height=header_height(article, profile),
            viewport_height=profile.viewport[1],
        )

    return _GAPS.get_or_make(article, profile, build)


def build_plan(
    article: Article,
    viewer: Viewer,
    rules: RuleSet,
    secret: bytes | None,
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
    placements: ArticleMemo[Placement] | None = None,
) -> LayoutPlan:
    """Measure, decide access, place units and assemble the plan for one reader.

    ``placements`` (one per rule set) keeps placements per live article: a placement
    depends only on the article, the rules, the device, the audience and the paywall's
    cut, so readers who share those share it."""
    if len(article.blocks) > limits.max_blocks:
        raise over_limit(article.id, "the block count", len(article.blocks), limits.max_blocks)
    profile = rules.device(viewer.device)
    sizes = measured(article, profile)
    access = decide_access(
        article, viewer, rules.paywall, sizes, reader_meter(viewer, rules, secret, now)
    )
    visible = access.visible_blocks
    gaps = measured_gaps(article, profile)
    wall = Wall(access.wall, visible) if access.wall is not None else None
    reserved = {visible: WALL_HEIGHT} if wall else {}

    def make_placement() -> Placement:
        reader = Viewer(device=viewer.device, audience=viewer.audience)
        return place(article, reader, rules, gaps, last_gap=visible, reserved=reserved)

    if placements is None:
        placement = make_placement()
    else:
        key = (viewer.device, viewer.audience, visible, wall is not None)
        placement = placements.get_or_make(article, key, make_placement)
    units = list(placement.units)
    notice = meter_notice(access, rules)
    if notice is not None:
        units = [notice, *units]
    plan = LayoutPlan(
        article=article,
        viewer=viewer,
        sizes=sizes,
        gaps=gaps,
        visible_blocks=visible,
        access=access,
        units=units,
        wall=wall,
        decisions=list(placement.decisions),
    )
    total = gaps.pixels[visible] + placement.unit_height
    plan.metrics = {
        "ad_count": sum(unit.kind == "ad" for unit in units),
        "ad_density": round(placement.ad_height / total, 4) if total else 0.0,
        "content_height": round(total),
        "words": gaps.words[visible],
        "header_height": round(gaps.header_height, 1),
        "viewport": list(profile.viewport),
    }
    return plan

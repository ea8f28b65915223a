"""The Google Publisher Tag configuration of a page, built from the plan.

The page embeds it as JSON in a script element (escaped so it cannot close the element) and
a small bootstrap reads it: defineSlot per slot with its ad unit path and sizes, a size
mapping per breakpoint, targeting, lazy loading and single request. Without the GPT library
the bootstrap only queues commands on ``googletag.cmd``: it is inert and makes no request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from layout.plan import LayoutPlan
from layout.rules import RuleSet

LAZY_LOAD = {"fetchMarginPercent": 200, "renderMarginPercent": 100, "mobileScaling": 2.0}


def _breakpoints(rules: RuleSet) -> list[tuple[str, int]]:
    """Device breakpoints, widest first, as GPT size mappings expect."""
    points = [(name, profile.min_width or 0) for name, profile in rules.devices.items()]
    return sorted(points, key=lambda point: -point[1])


def gpt_config(plan: LayoutPlan, rules: RuleSet) -> dict[str, Any] | None:
    """The GPT configuration for the plan's ad slots, or None when it has none."""
    ads = [unit for unit in plan.units if unit.kind == "ad"]
    if not ads:
        return None
    slots = []
    for unit in ads:
        sizes_by_device: Mapping[str, tuple[tuple[int, int], ...]] = unit.data["sizes"]
        all_sizes = sorted({tuple(size) for sizes in sizes_by_device.values() for size in sizes})
        mapping = [
            [[min_width, 0], [list(size) for size in sizes_by_device.get(device, ())]]
            for device, min_width in _breakpoints(rules)
        ]
        slots.append(
            {
                "id": f"ad-{unit.id}",
                "adUnitPath": unit.data["ad_unit"],
                "sizes": [list(size) for size in all_sizes],
                "sizeMapping": mapping,
                "targeting": dict(unit.data["targeting"]),
                "lazy": unit.data["lazy"],
            }
        )
    return {
        "slots": slots,
        "singleRequest": rules.ads.single_request,
        "lazyLoad": LAZY_LOAD,
        "nonPersonalizedAds": not plan.viewer.consent,
        "pageTargeting": {"section": plan.article.section or "", "article": plan.article.id},
    }

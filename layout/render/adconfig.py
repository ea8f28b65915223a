"""The Google Publisher Tag configuration of a page, built from the plan.

The page embeds it as JSON in a script element (escaped so it cannot close the element) and
a small bootstrap reads it: defineSlot per slot with its ad unit path and sizes, a size
mapping per breakpoint, targeting, lazy loading and single request. Without the GPT library
the bootstrap only queues commands on ``googletag.cmd``: it is inert and makes no request.
"""

from __future__ import annotations

from typing import Any

from layout.plan import LayoutPlan
from layout.rules import RuleSet


def _lazy_load(rules: RuleSet) -> dict[str, float]:
    lazy = rules.ads.lazy_load
    return {"fetchMarginPercent": lazy.fetch_margin_percent,
            "renderMarginPercent": lazy.render_margin_percent,
            "mobileScaling": lazy.mobile_scaling}


def gpt_config(plan: LayoutPlan, rules: RuleSet) -> dict[str, Any] | None:
    """The GPT configuration for the plan's ad slots, or None when it has none."""
    ads = [unit for unit in plan.units if unit.kind == "ad"]
    if not ads:
        return None
    slots = []
    for unit in ads:
        spec = unit.ad_spec()  # the plan JSON's ad item: one description of the slot
        mapping = [[[point["min_width"], 0], point["sizes"]] for point in spec["size_mapping"]]
        slots.append(
            {
                "id": f"ad-{unit.id}",
                "adUnitPath": spec["unit_path"],
                "sizes": spec["sizes"],
                "sizeMapping": mapping,
                "targeting": spec["targeting"],
                "lazy": spec["lazy"],
            }
        )
    return {
        "slots": slots,
        "singleRequest": rules.ads.single_request,
        "lazyLoad": _lazy_load(rules),
        "nonPersonalizedAds": not plan.viewer.consent,
        "pageTargeting": plan.ad_targeting(),
    }

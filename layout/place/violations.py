"""Checking a finished plan against its rule set: what ``layout check`` calls violations.

The solver only places units where every check allows; what can still break a rule is
what bypasses it: editors' slot markers and fixed slots. This re-runs the same gap checks
(``checks``) for every placed in-content unit against the others, and the density cap for
the whole plan.
"""

from __future__ import annotations

from layout.place.checks import CHECKS
from layout.place.state import PlacementState
from layout.plan import LayoutPlan
from layout.rules import RuleSet


def violations(plan: LayoutPlan, rules: RuleSet) -> list[str]:
    """Every rule a placed unit breaks, as readable lines (empty when the plan is clean)."""
    found: list[str] = []
    units = {unit.id: unit for unit in rules.units}
    in_content = [u for u in plan.units if u.position == "in_content" and u.unit in units]
    for placed in in_content:
        state = PlacementState(plan.article, plan.viewer, plan.gaps, rules, plan.visible_blocks)
        if plan.wall is not None:
            state.reserve(plan.wall.gap, 0.0)
        for other in in_content:
            if other is not placed:
                state.record(other.gap, units[other.unit], other.reserved_height)
        unit = units[placed.unit]
        for rule in CHECKS.gap_rules:
            if rule.name == "density":
                continue  # the plan's density is checked whole, below
            verdict = rule.check(placed.gap, unit, state)
            if verdict is not None:
                found.append(f"{placed.id} at gap {placed.gap}: {verdict.code} ({verdict.message})")
    cap = rules.density.max_ad_ratio
    density = plan.metrics.get("ad_density", 0.0)
    if density > cap + 1e-9:
        found.append(f"ad density {density:.2f} is over the cap {cap:.2f}")
    return found

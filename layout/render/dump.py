"""The readable plan dump: one text form shared by ``layout explain`` and golden plans.

Stable and diff-friendly: one line per gap with its neighbours, offsets, the units placed
there and every rejection (unit:code), then the units skipped outright.
"""

from __future__ import annotations

from layout.plan import Decision, LayoutPlan


def _header(plan: LayoutPlan, rules_name: str) -> list[str]:
    metrics, access = plan.metrics, plan.paywall_json()
    hidden = "walled" if access["hidden_blocks"] is None else access["hidden_blocks"]
    return [
        f"article: {plan.article.id}",
        f"viewer: {plan.viewer.device} {plan.viewer.audience}  rules: {rules_name}",
        f"words: {metrics['words']}  blocks: {plan.visible_blocks}  ads: {metrics['ad_count']}  "
        f"density: {metrics['ad_density']:.2f}  height: {metrics['content_height']}px",
        f"paywall: {access['mode']} applied={'yes' if access['applied'] else 'no'} "
        f"visible={access['visible_blocks']} hidden={hidden}"
        + (f" wall={plan.wall.variant}@{plan.wall.gap}" if plan.wall else "")
        + (f" rule={access['rule']} ({access['why']})" if access["rule"] else "")
        + (" gift=yes" if access["gift"] else ""),
    ]


def dump_plan(plan: LayoutPlan, rules_name: str) -> str:
    """The plan as text, one gap per line."""
    gaps = plan.gaps
    placed: dict[int, list[str]] = {}
    rejected: dict[int, list[str]] = {}
    skipped: list[Decision] = []
    for decision in plan.decisions:
        if decision.gap is None:
            skipped.append(decision)
        elif decision.outcome == "placed":
            continue
        else:
            rejected.setdefault(decision.gap, []).append(f"{decision.unit}:{decision.code}")
    for unit in plan.units:
        placed.setdefault(unit.gap, []).append(f"+{unit.id}")
    lines = _header(plan, rules_name)
    lines.append("")
    lines.append(f"{'gap':>4} {'words':>6} {'px':>6}  {'above':<10} {'below':<10} units")
    for gap in range(plan.visible_blocks + 1):
        above = gaps.before(gap) or "-"
        below = (gaps.after(gap) if gap < plan.visible_blocks else None) or "-"
        notes = placed.get(gap, []) + rejected.get(gap, [])
        if plan.wall is not None and plan.wall.gap == gap:
            notes.insert(0, f"#paywall:{plan.wall.variant}")
        lines.append(
            f"{gap:>4} {gaps.words[gap]:>6} {round(gaps.offset(gap)):>6}  "
            f"{above:<10} {below:<10} {' '.join(notes)}".rstrip()
        )
    if skipped:
        lines.append("")
        lines.extend(f"skipped {d.unit}: {d.code} ({d.message})" for d in skipped)
    return "\n".join(lines) + "\n"

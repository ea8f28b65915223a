"""An independent checker of placement plans, written from the rule semantics.

It reads only the plan JSON (its items, metrics, viewer and decisions) and the rule set, and
recomputes every distance from the block items itself: it does not import the solver, the
predicates or the gap prefix sums, so a bug there cannot hide itself here.

Gap k is the position just before block k (only blocks listed in the items count). Heights
in the plan are rounded (blocks to 0.1 px, reserved heights to 1 px), so pixel comparisons
allow for that rounding and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from layout.rules import Distance, RuleSet, Unit

FIXED = frozenset({"top", "bottom", "rail"})
# Rules count these as "paragraphs" (docs/rules.md): body text a reader reads through.
BODY_TEXT = frozenset({"paragraph", "list", "quote", "preformatted"})
# Units the engine adds itself, not from the rules: the meter's "N articles left" notice.
ENGINE_UNITS = frozenset({"meter-notice"})
EPSILON = 1e-9


@dataclass(frozen=True)
class _Block:
    index: int
    kind: str
    words: int
    height: float


@dataclass(frozen=True)
class _Placed:
    id: str
    unit: str
    kind: str
    gap: int
    position: str
    reserved_height: float
    editor_slot: bool


class _Article:
    """The blocks of a plan with the distances the rules speak of."""

    def __init__(self, blocks: Sequence[_Block], header_height: float, viewport: int) -> None:
        self.blocks = list(blocks)
        self.header_height = header_height
        self.viewport = viewport

    @property
    def count(self) -> int:
        return len(self.blocks)

    def span(self, a: int, b: int) -> list[_Block]:
        low, high = sorted((a, b))
        return self.blocks[low:high]

    def words(self, a: int, b: int) -> int:
        return sum(block.words for block in self.span(a, b))

    def paragraphs(self, a: int, b: int) -> int:
        return sum(block.kind in BODY_TEXT for block in self.span(a, b))

    def pixels(self, a: int, b: int) -> float:
        return sum(block.height for block in self.span(a, b))

    @staticmethod
    def slack(blocks: int) -> float:
        """How far a sum of ``blocks`` rounded heights may be from the exact sum."""
        return 0.05 * (blocks + 1) + 1e-6

    def short_of(self, a: int, b: int, distance: Distance) -> str | None:
        """What part of ``distance`` gaps a and b fall short of, or None."""
        if a == b:
            return "the same gap"
        words = self.words(a, b)
        if distance.words is not None and words < distance.words:
            return f"{words} words < {distance.words}"
        paragraphs = self.paragraphs(a, b)
        if distance.paragraphs is not None and paragraphs < distance.paragraphs:
            return f"{paragraphs} paragraphs < {distance.paragraphs}"
        if distance.blocks is not None and abs(a - b) < distance.blocks:
            return f"{abs(a - b)} blocks < {distance.blocks}"
        pixels, slack = self.pixels(a, b), self.slack(abs(a - b))
        if distance.pixels is not None and pixels < distance.pixels - slack:
            return f"{pixels:.1f}px < {distance.pixels}"
        if distance.viewports is not None:
            needed = distance.viewports * self.viewport
            if pixels < needed - slack:
                return f"{pixels:.1f}px < {distance.viewports} viewports ({needed:.1f}px)"
        return None


def _parse(plan: dict[str, Any]) -> tuple[list[_Block], list[_Placed], list[str]]:
    """Blocks and units in item order; problems with the item order itself."""
    problems: list[str] = []
    editor = {
        (d["unit"], d["gap"])
        for d in plan.get("decisions", [])
        if d["outcome"] == "placed" and d["code"] == "editor-slot"
    }
    blocks: list[_Block] = []
    units: list[_Placed] = []
    for item in plan["items"]:
        if item["type"] == "block":
            blocks.append(
                _Block(item["index"], item["kind"], int(item["words"]), float(item["height"]))
            )
        elif item["type"] == "unit" and item["unit"] not in ENGINE_UNITS:
            placed = _Placed(
                item["id"],
                item["unit"],
                item["kind"],
                int(item["gap"]),
                item["position"],
                float(item["reserved_height"]),
                (item["unit"], item["gap"]) in editor,
            )
            if placed.gap != len(blocks):
                problems.append(
                    f"{placed.id}: says gap {placed.gap} but stands after {len(blocks)} blocks"
                )
            units.append(placed)
    return blocks, units, problems


def _check_blocks(
    blocks: list[_Block], plan: dict[str, Any], expected_kinds: Sequence[str] | None
) -> list[str]:
    problems: list[str] = []
    indexes = [block.index for block in blocks]
    if indexes != list(range(len(blocks))):
        problems.append(f"block indexes are not 0..{len(blocks) - 1} in order: {indexes}")
    paywall = plan.get("paywall") or {}
    if not paywall.get("applied"):
        words = sum(block.words for block in blocks)
        if words != plan["article"]["words"]:
            problems.append(
                f"blocks hold {words} words; the article has {plan['article']['words']}"
            )
        if expected_kinds is not None and [b.kind for b in blocks] != list(expected_kinds):
            problems.append(
                f"block kinds {[b.kind for b in blocks]} differ from the article's "
                f"{list(expected_kinds)}"
            )
    return problems


def _check_position(unit: Unit, placed: _Placed, article: _Article, *, full: bool) -> list[str]:
    """The rules about one in-content unit's own gap (``full``: every block is listed)."""
    gap, name, problems = placed.gap, placed.id, []
    if not 1 <= gap <= article.count:
        problems.append(f"{name}: in-content gap {gap} outside 1..{article.count}")
        return problems
    start = unit.start
    if start is not None:
        if start.paragraphs is not None and article.paragraphs(0, gap) < start.paragraphs:
            problems.append(
                f"{name}: start: {article.paragraphs(0, gap)} paragraphs before gap {gap} "
                f"< {start.paragraphs}"
            )
        if start.words is not None and article.words(0, gap) < start.words:
            problems.append(
                f"{name}: start: {article.words(0, gap)} words before gap {gap} < {start.words}"
            )
        if start.blocks is not None and gap < start.blocks:
            problems.append(f"{name}: start: {gap} blocks before gap {gap} < {start.blocks}")
        offset = article.header_height + article.pixels(0, gap)
        slack = article.slack(gap + 1)
        if start.viewports is not None and offset < start.viewports * article.viewport - slack:
            problems.append(
                f"{name}: first-screen: offset {offset:.1f}px at gap {gap} < "
                f"{start.viewports} viewports ({start.viewports * article.viewport:.1f}px)"
            )
        if start.pixels is not None and offset < start.pixels - slack:
            problems.append(
                f"{name}: first-screen: offset {offset:.1f}px at gap {gap} < {start.pixels}px"
            )
    keep = unit.keep_out
    if keep is not None and full:
        words_after = article.words(gap, article.count)
        if keep.last_words is not None and words_after < keep.last_words:
            problems.append(
                f"{name}: keep_out: {words_after} words after gap {gap} < {keep.last_words}"
            )
        paragraphs_after = article.paragraphs(gap, article.count)
        if keep.last_paragraphs is not None and paragraphs_after < keep.last_paragraphs:
            problems.append(
                f"{name}: keep_out: {paragraphs_after} paragraphs after gap {gap} "
                f"< {keep.last_paragraphs}"
            )
    above = article.blocks[gap - 1]
    below = article.blocks[gap] if gap < article.count else None
    if unit.min_paragraph_words is not None:
        words = above.words if above.kind == "paragraph" else 0
        if words < unit.min_paragraph_words:
            problems.append(
                f"{name}: min_paragraph_words: the {above.kind} before gap {gap} has "
                f"{words} paragraph words < {unit.min_paragraph_words}"
            )
    avoid = unit.avoid
    if above.kind in avoid.after or above.kind in avoid.next_to:
        problems.append(f"{name}: avoid: directly after a {above.kind} at gap {gap}")
    if below is not None and (below.kind in avoid.before or below.kind in avoid.next_to):
        problems.append(f"{name}: avoid: directly before a {below.kind} at gap {gap}")
    return problems


def _check_spacing(
    unit: Unit,
    placed: _Placed,
    others: list[tuple[Unit, _Placed]],
    rules: RuleSet,
    article: _Article,
) -> list[str]:
    """The unit's own spacing rules against every other in-content unit."""
    spacing = unit.spacing
    own = unit.every or (spacing.same_unit if spacing else None)
    kind = spacing.same_kind if spacing else None
    anyone = (spacing.any_unit if spacing else None) or rules.spacing.between_units
    problems = []
    for other_unit, other in others:
        if other is placed:
            continue
        checks: list[tuple[str, Distance | None]] = [("any unit", anyone)]
        if other_unit.kind == unit.kind:
            checks.insert(0, ("same kind", kind))
        if other_unit.id == unit.id:
            checks.insert(0, ("same unit", own))
        for what, distance in checks:
            if distance is None:
                continue
            short = article.short_of(placed.gap, other.gap, distance)
            if short is not None:
                problems.append(
                    f"{placed.id}: spacing ({what}) to {other.id}: gaps {placed.gap} and "
                    f"{other.gap} are {short}"
                )
                break
    return problems


def _check_targeting(unit: Unit, placed: _Placed, plan: dict[str, Any]) -> list[str]:
    viewer = plan.get("viewer") or {}
    device, audience = viewer.get("device"), viewer.get("audience")
    problems = []
    if unit.only.audiences and audience not in unit.only.audiences:
        problems.append(f"{placed.id}: shown to {audience}, only for {unit.only.audiences}")
    if unit.only.devices and device not in unit.only.devices:
        problems.append(f"{placed.id}: shown on {device}, only for {unit.only.devices}")
    if placed.position == "rail" and device != "desktop":
        problems.append(f"{placed.id}: a rail unit on {device}")
    return problems


def _check_density(
    units: list[_Placed], article: _Article, plan: dict[str, Any], rules: RuleSet, *, full: bool
) -> list[str]:
    metrics = plan["metrics"]
    problems = []
    density = metrics["ad_density"]
    cap = rules.density.max_ad_ratio
    if density > cap + EPSILON:
        problems.append(f"density: ad density {density} > cap {cap}")
    if not full:
        return problems  # the wall's reserved height is not in the plan
    in_flow = [unit for unit in units if unit.position != "rail"]
    ads = sum(unit.reserved_height for unit in in_flow if unit.kind == "ad")
    total = article.pixels(0, article.count) + sum(unit.reserved_height for unit in in_flow)
    if total > 0:
        # reserved heights are rounded to whole pixels in the plan
        slack = (0.5 * len(in_flow) + article.slack(article.count)) / total * 2 + 1e-4
        if abs(ads / total - density) > slack:
            problems.append(f"density: metrics say {density}, the items give {ads / total:.4f}")
        if abs(total - metrics["content_height"]) > 0.5 * len(in_flow) + 1 + article.slack(
            article.count
        ):
            problems.append(
                f"density: content_height {metrics['content_height']} but items give {total:.1f}"
            )
    return problems


def check_plan(
    plan: dict[str, Any], rules: RuleSet, *, block_kinds: Sequence[str] | None = None
) -> list[str]:
    """Every way ``plan`` breaks ``rules``, as readable strings (empty: none).

    A plan cut by the paywall lists only the visible blocks: the rules about what follows a
    gap (keep_out) or about the whole article (min_article) are checked on full plans only.
    ``block_kinds``, when given, is the article's block kinds in order: a full plan must list
    exactly those blocks.
    """
    metrics = plan["metrics"]
    full = not (plan.get("paywall") or {}).get("applied")
    blocks, units, problems = _parse(plan)
    problems += _check_blocks(blocks, plan, block_kinds)
    article = _Article(blocks, float(metrics["header_height"]), int(metrics["viewport"][1]))
    by_id = {unit.id: unit for unit in rules.units}
    known = [(by_id.get(p.unit), p) for p in units]
    problems += [f"{p.id}: no unit {p.unit!r} in the rules" for u, p in known if u is None]
    resolved = [(u, p) for u, p in known if u is not None]
    in_content = [(u, p) for u, p in resolved if p.position not in FIXED]

    seen_gaps: dict[int, _Placed] = {}
    for _, placed in in_content:
        if placed.gap in seen_gaps:
            problems.append(f"{placed.id} and {seen_gaps[placed.gap].id} share gap {placed.gap}")
        seen_gaps[placed.gap] = placed
    for item in plan["items"]:
        if item["type"] == "paywall" and item["gap"] in seen_gaps:
            problems.append(f"{seen_gaps[item['gap']].id} is at the paywall's gap {item['gap']}")

    counts: dict[str, int] = {}
    total_words = sum(block.words for block in blocks)
    total_paragraphs = sum(block.kind in BODY_TEXT for block in blocks)
    for unit, placed in resolved:
        counts[unit.id] = counts.get(unit.id, 0) + 1
        if placed.position != unit.position:
            problems.append(f"{placed.id}: position {placed.position}, rules say {unit.position}")
        if placed.kind != unit.kind:
            problems.append(f"{placed.id}: kind {placed.kind}, rules say {unit.kind}")
        minimum = unit.min_article
        if minimum is not None and full:
            if minimum.words is not None and total_words < minimum.words:
                problems.append(f"{placed.id}: min_article: {total_words} words < {minimum.words}")
            if minimum.paragraphs is not None and total_paragraphs < minimum.paragraphs:
                problems.append(
                    f"{placed.id}: min_article: {total_paragraphs} paragraphs "
                    f"< {minimum.paragraphs}"
                )
        problems += _check_targeting(unit, placed, plan)
        if placed.position in FIXED or placed.editor_slot:
            continue
        problems += _check_position(unit, placed, article, full=full)
        problems += _check_spacing(unit, placed, in_content, rules, article)
    for unit_id, count in counts.items():
        if count > by_id[unit_id].max:
            problems.append(f"{unit_id}: placed {count} times, max {by_id[unit_id].max}")
    problems += _check_density(units, article, plan, rules, full=full)
    return problems

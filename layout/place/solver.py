"""The solver: fixed slots first, then in-content units by priority, every attempt recorded.

Deterministic: units are tried in (priority, file order), gaps top to bottom (or around a
target), and the first check that rejects a gap is the decision recorded for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from layout.article import Article, SlotMarker
from layout.measure.gaps import Gaps
from layout.place.checks import PlacementState, check_density, first_rejection
from layout.place.units import skip_reason, too_short, unit_data, unit_height
from layout.plan import Decision, PlacedUnit
from layout.rules import RuleSet, Unit
from layout.viewer import Viewer


@dataclass
class Placement:
    units: list[PlacedUnit] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    ad_height: float = 0.0
    unit_height: float = 0.0


@dataclass
class _Context:
    article: Article
    viewer: Viewer
    rules: RuleSet
    gaps: Gaps
    state: PlacementState
    result: Placement
    heights: dict[str, float] = field(default_factory=dict)


def place(
    article: Article,
    viewer: Viewer,
    rules: RuleSet,
    gaps: Gaps,
    *,
    last_gap: int,
    reserved: dict[int, float] | None = None,
) -> Placement:
    """Place every unit of ``rules`` for this article and reader.

    ``reserved`` holds gaps already taken (the paywall's wall) with their heights: units
    keep their spacing from them and the density counts them.
    """
    state = PlacementState(gaps=gaps, rules=rules, last_gap=last_gap)
    for gap, height in (reserved or {}).items():
        state.reserve(gap, height)
    ctx = _Context(article, viewer, rules, gaps, state, Placement())
    ordered = sorted(enumerate(rules.units), key=lambda pair: (-pair[1].priority, pair[0]))
    units = [unit for _, unit in ordered if _eligible(ctx, unit)]
    for unit in units:
        if unit.position != "in_content":
            _place_fixed(ctx, unit)
    markers = _slot_markers(article, last_gap)
    for unit in units:
        if unit.position == "in_content":
            if unit.id in markers:
                _place_at_markers(ctx, unit, markers[unit.id])
            else:
                _place_in_content(ctx, unit)
    ctx.result.units.sort(key=lambda placed: (placed.gap, placed.position != "rail"))
    ctx.result.ad_height = state.ad_height
    ctx.result.unit_height = state.unit_height
    return ctx.result


def _eligible(ctx: _Context, unit: Unit) -> bool:
    reason = skip_reason(unit, ctx.article, ctx.viewer, ctx.rules, ctx.state.last_gap)
    if reason is None:
        reason = too_short(unit, ctx.gaps.words[-1], ctx.gaps.paragraphs[-1])
    if reason is None and unit.kind == "ad" and _height(ctx, unit) <= 24.0:
        reason = ("no-size", f"no size fits the {ctx.viewer.device} column")
    if reason is not None:
        ctx.result.decisions.append(Decision(unit.id, None, "skipped", *reason))
        return False
    return True


def _height(ctx: _Context, unit: Unit) -> float:
    height = ctx.heights.get(unit.id)
    if height is None:
        device = ctx.viewer.device
        height = ctx.heights[unit.id] = unit_height(unit, device, ctx.rules.device(device))
    return height


def _put(ctx: _Context, unit: Unit, gap: int, code: str, message: str) -> None:
    copy = ctx.state.next_copy(unit)
    height = _height(ctx, unit)
    placed = PlacedUnit(
        id=f"{unit.id}-{copy}",
        unit=unit.id,
        kind=unit.kind,
        gap=gap,
        position=unit.position,
        reserved_height=height,
        data=unit_data(unit, copy, ctx.article, ctx.rules, ctx.state.last_gap),
    )
    ctx.result.units.append(placed)
    ctx.result.decisions.append(Decision(unit.id, gap, "placed", code, message))
    if unit.position == "in_content":
        ctx.state.record(gap, unit, height)
    elif unit.position != "rail":
        # Fixed slots sit outside the flow of gaps: they count for density, not spacing.
        ctx.state.add_height(height, is_ad=unit.kind == "ad")


def _place_fixed(ctx: _Context, unit: Unit) -> None:
    gap = ctx.state.last_gap if unit.position == "bottom" else 0
    if unit.kind == "ad" and unit.position != "rail":
        verdict = check_density(gap, unit, ctx.state, _height(ctx, unit))
        if verdict is not None:
            ctx.result.decisions.append(Decision(unit.id, gap, "rejected", *verdict))
            return
    _put(ctx, unit, gap, f"fixed-{unit.position}", f"fixed {unit.position} slot")


def _slot_markers(article: Article, last_gap: int) -> dict[str, list[int]]:
    markers: dict[str, list[int]] = {}
    for index, block in enumerate(article.blocks):
        if isinstance(block, SlotMarker) and index <= last_gap:
            markers.setdefault(block.unit, []).append(index)
    return markers


def _place_at_markers(ctx: _Context, unit: Unit, gaps: list[int]) -> None:
    for gap in gaps[: unit.max]:
        _put(ctx, unit, gap, "editor-slot", "placed at an editor's slot marker")


def _candidates(ctx: _Context, unit: Unit) -> Iterator[int]:
    """Gaps to try: around the target for `at` units, else every gap top to bottom."""
    last = ctx.state.last_gap
    if unit.at is None:
        yield from range(1, last + 1)
        return
    at, gaps = unit.at, ctx.gaps
    target = (
        gaps.paragraph_gap(at.after_paragraph, from_end=at.from_end)
        if at.after_paragraph is not None
        else gaps.word_gap((at.percent or 0) / 100)
    )
    if target is None:
        return
    shift = unit.avoid.shift
    for gap in [
        target,
        *range(target + 1, target + shift + 1),
        *range(target - 1, target - shift - 1, -1),
    ]:
        if 1 <= gap <= last:
            yield gap


def _place_in_content(ctx: _Context, unit: Unit) -> None:
    height = _height(ctx, unit)
    placed = 0
    tried = False
    for gap in _candidates(ctx, unit):
        tried = True
        verdict = first_rejection(gap, unit, ctx.state, height)
        if verdict is not None:
            ctx.result.decisions.append(
                Decision(unit.id, gap, "rejected", verdict.code, verdict.message)
            )
            continue
        _put(ctx, unit, gap, "placed", "every check allows this gap")
        placed += 1
        if placed >= unit.max or unit.at is not None:
            return
    if not tried:
        ctx.result.decisions.append(
            Decision(
                unit.id,
                None,
                "skipped",
                "no-target",
                "the target position does not exist in this article",
            )
        )

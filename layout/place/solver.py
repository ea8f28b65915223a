"""The solver: fixed slots first, then in-content units by priority, every attempt recorded.

Deterministic: units are tried in (priority, file order), gaps top to bottom (or around a
target), and the first check of the table (``checks.CHECKS``, or the engine's own) that
refuses a unit or a gap is the decision recorded for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from layout.article import Article
from layout.blocks import SlotMarker
from layout.cache import FewKept
from layout.measure.gaps import Gaps
from layout.place.checks import CHECKS
from layout.place.decisions import FIXED, DecisionCode
from layout.place.ruler import Ruler
from layout.place.state import PlacementState
from layout.place.units import FrozenUnitData
from layout.plan import BlockItem, Decision, PlacedUnit
from layout.rules import RuleSet, Unit
from layout.viewer import Viewer

# Page instances whose units a placement keeps (``Placement.units_in``).
INSTANCES_KEPT = 16


@dataclass
class Placement:
    units: list[PlacedUnit] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    ad_height: float = 0.0
    unit_height: float = 0.0
    _in_instance: FewKept[str, tuple[PlacedUnit, ...]] = field(
        default_factory=lambda: FewKept(INSTANCES_KEPT), init=False, repr=False, compare=False)
    # The plan items of the blocks its readers see, the same for every reader who shares
    # the placement (the pipeline makes them with it: ``pipeline._placement``).
    block_items: tuple[BlockItem, ...] = ()

    def units_in(self, instance: str) -> tuple[PlacedUnit, ...]:
        """The units with each ad's slot id in page instance ``instance``
        (``PlacedUnit.in_instance``). Every render of an article names the same instance
        unless its caller picks one, so they are made once per instance (a few kept: the
        caller's choice may differ on every call)."""
        return self._in_instance.get_or_make(instance, lambda: tuple(
            unit.in_instance(instance) if unit.kind == "ad" else unit for unit in self.units
        ))


@dataclass
class _Context:
    article: Article
    rules: RuleSet
    gaps: Gaps
    state: PlacementState
    result: Placement
    checks: Ruler
    unit_data: FrozenUnitData


def place(
    article: Article,
    viewer: Viewer,
    rules: RuleSet,
    gaps: Gaps,
    *,
    last_gap: int,
    reserved: dict[int, float] | None = None,
    checks: Ruler = CHECKS,
    unit_data: FrozenUnitData | None = None,
) -> Placement:
    """Place every unit of ``rules`` for this article and reader.

    ``reserved`` holds gaps already taken (the paywall's wall) with their heights: units
    keep their spacing from them and the density counts them. ``unit_data`` is the
    engine's memo of the units' data (a memo of this call's own by default).
    """
    state = PlacementState(article, viewer, gaps, rules, last_gap)
    for gap, height in (reserved or {}).items():
        state.reserve(gap, height)
    ctx = _Context(article, rules, gaps, state, Placement(), checks,
                   unit_data or FrozenUnitData())
    ordered = sorted(enumerate(rules.units), key=lambda pair: (-pair[1].priority, pair[0]))
    units = [unit for _, unit in ordered if _eligible(ctx, unit)]
    for unit in units:
        if unit.position != "in_content":
            _place_fixed(ctx, unit)
    markers = _slot_markers(article, last_gap, units)
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
    verdict = ctx.checks.skip(unit, ctx.state)
    if verdict is not None:
        ctx.result.decisions.append(Decision(unit.id, None, "skipped", *verdict))
        return False
    return True


def _put(ctx: _Context, unit: Unit, gap: int, code: DecisionCode, message: str) -> None:
    copy = ctx.state.next_copy(unit)
    height = ctx.state.height_of(unit)
    data = ctx.unit_data.get(unit, copy, ctx.article, ctx.rules, ctx.state.shown_blocks)
    placed = PlacedUnit.with_frozen_data(
        f"{unit.id}-{copy}", unit.id, unit.kind, gap, unit.position, height, data
    )
    ctx.result.units.append(placed)
    ctx.result.decisions.append(Decision(unit.id, gap, "placed", code, message))
    if unit.position == "in_content":
        ctx.state.record(gap, unit, height)
    elif unit.position not in ("rail", "interstitial"):
        # Fixed slots sit outside the flow of gaps: they count for density, not spacing.
        ctx.state.add_height(height, is_ad=unit.kind == "ad", overlay=unit.position == "anchor")


def _place_fixed(ctx: _Context, unit: Unit) -> None:
    gap = ctx.state.last_gap if unit.position == "bottom" else 0
    verdict = ctx.checks.reject(gap, unit, ctx.state, fixed=True)
    if verdict is not None:
        ctx.result.decisions.append(Decision(unit.id, gap, "rejected", *verdict))
        return
    _put(ctx, unit, gap, FIXED[unit.position], f"fixed {unit.position} slot")


def _slot_markers(article: Article, last_gap: int, units: list[Unit]) -> dict[str, list[int]]:
    """The editor's markers by unit id. A marker naming no unit but a kind (``[ad]`` is
    a marker for "ad") goes to the first in-content unit of that kind, by priority."""
    ids = {unit.id for unit in units}
    markers: dict[str, list[int]] = {}
    for index, block in enumerate(article.blocks):
        if isinstance(block, SlotMarker) and index <= last_gap:
            unit_id = block.unit
            if unit_id not in ids:
                unit_id = next(
                    (u.id for u in units if u.kind == block.unit and u.position == "in_content"),
                    unit_id,
                )
            markers.setdefault(unit_id, []).append(index)
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
    placed = 0
    tried = False
    for gap in _candidates(ctx, unit):
        tried = True
        verdict = ctx.checks.reject(gap, unit, ctx.state)
        if verdict is not None:
            ctx.result.decisions.append(
                Decision(unit.id, gap, "rejected", *verdict)
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

"""The placement predicates: each one allows a gap for a unit or rejects it with a code.

``CHECKS`` is the literal table, in the order they are tried; the first rejection is the
one recorded. Every check is a pure function of (gap, unit, state). Codes are kebab-case
and documented in docs/decisions.md.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from layout.gaps import Gaps
from layout.rules import Distance, RuleSet, Unit


class Verdict(NamedTuple):
    code: str
    message: str


@dataclass
class PlacementState:
    """What the solver knows while placing: the gaps and the units placed so far."""

    gaps: Gaps
    rules: RuleSet
    last_gap: int
    ad_height: float = 0.0
    unit_height: float = 0.0
    by_unit: dict[str, list[int]] = field(default_factory=dict)
    by_kind: dict[str, list[int]] = field(default_factory=dict)
    all_units: list[int] = field(default_factory=list)

    def record(self, gap: int, unit: Unit, height: float) -> None:
        for index, key in ((self.by_unit, unit.id), (self.by_kind, unit.kind)):
            _insert(index.setdefault(key, []), gap)
        _insert(self.all_units, gap)
        self.unit_height += height
        if unit.kind == "ad":
            self.ad_height += height

    def reserve(self, gap: int, height: float) -> None:
        """Mark a gap as taken by something that is not a rule unit (the paywall's wall)."""
        _insert(self.all_units, gap)
        self.unit_height += height

    def density_with(self, height: float) -> float:
        total = self.gaps.pixels[self.last_gap] + self.unit_height + height
        return (self.ad_height + height) / total if total else 1.0


def _insert(values: list[int], gap: int) -> None:
    values.insert(bisect_left(values, gap), gap)


def _neighbours(values: list[int], gap: int) -> list[int]:
    at = bisect_left(values, gap)
    return values[max(0, at - 1) : at + 1]


def too_near(gaps: Gaps, a: int, b: int, distance: Distance) -> str | None:
    """Which part of ``distance`` the gaps a and b fall short of, or None."""
    if a == b:
        return "the same gap"
    if distance.words is not None and gaps.words_between(a, b) < distance.words:
        return f"{gaps.words_between(a, b)} words (needs {distance.words})"
    if distance.paragraphs is not None and gaps.paragraphs_between(a, b) < distance.paragraphs:
        return f"{gaps.paragraphs_between(a, b)} paragraphs (needs {distance.paragraphs})"
    if distance.blocks is not None and abs(b - a) < distance.blocks:
        return f"{abs(b - a)} blocks (needs {distance.blocks})"
    pixels = gaps.pixels_between(a, b)
    if distance.pixels is not None and pixels < distance.pixels:
        return f"{pixels:.0f}px (needs {distance.pixels})"
    if distance.viewports is not None and pixels < distance.viewports * gaps.viewport_height:
        return f"{pixels / gaps.viewport_height:.2f} viewports (needs {distance.viewports})"
    return None


Check = Callable[[int, Unit, PlacementState], Verdict | None]


def check_paywall(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    if gap > state.last_gap:
        return Verdict("past-paywall", f"gap {gap} is past the last visible block")
    return None


def check_start(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    start, gaps = unit.start, state.gaps
    if start is None:
        return None
    if start.paragraphs is not None and gaps.paragraphs[gap] < start.paragraphs:
        return Verdict(
            "before-start",
            f"{gaps.paragraphs[gap]} paragraphs above; starts after {start.paragraphs}",
        )
    if start.words is not None and gaps.words[gap] < start.words:
        return Verdict("before-start", f"{gaps.words[gap]} words above; starts after {start.words}")
    if start.blocks is not None and gap < start.blocks:
        return Verdict("before-start", f"{gap} blocks above; starts after {start.blocks}")
    return None


def check_first_screen(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    start, gaps = unit.start, state.gaps
    if start is None:
        return None
    limit = (start.viewports or 0) * gaps.viewport_height
    limit = max(limit, start.pixels or 0)
    if gaps.offset(gap) < limit:
        return Verdict(
            "first-screen",
            f"estimated offset {gaps.offset(gap):.0f}px is inside the first {limit:.0f}px",
        )
    return None


def check_keep_out(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    keep, gaps = unit.keep_out, state.gaps
    if keep is None:
        return None
    words_after = gaps.words[-1] - gaps.words[gap]
    if keep.last_words is not None and words_after < keep.last_words:
        return Verdict(
            "near-end", f"{words_after} words below; keeps out of the last {keep.last_words}"
        )
    paragraphs_after = gaps.paragraphs[-1] - gaps.paragraphs[gap]
    if keep.last_paragraphs is not None and paragraphs_after < keep.last_paragraphs:
        return Verdict(
            "near-end",
            f"{paragraphs_after} paragraphs below; keeps out of the last {keep.last_paragraphs}",
        )
    return None


def check_paragraph_length(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    minimum = unit.min_paragraph_words
    if minimum is None or gap == 0:
        return None
    words = state.gaps.paragraph_words[gap - 1]
    if words < minimum:
        return Verdict(
            "short-paragraph", f"the paragraph above has {words} words (needs {minimum})"
        )
    return None


def check_neighbours(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    before, after = state.gaps.before(gap), state.gaps.after(gap)
    avoid = unit.avoid
    if before is not None and (before in avoid.after or before in avoid.next_to):
        return Verdict(f"after-{before}", f"directly after a {before}")
    if after is not None and (after in avoid.before or after in avoid.next_to):
        return Verdict(f"before-{after}", f"directly before a {after}")
    return None


def check_occupied(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    at = bisect_left(state.all_units, gap)
    if at < len(state.all_units) and state.all_units[at] == gap:
        return Verdict("occupied", "another unit is already at this gap")
    return None


def _spacing_check(
    code: str,
    index: list[int],
    gap: int,
    distance: Distance | None,
    state: PlacementState,
    what: str,
) -> Verdict | None:
    if distance is None:
        return None
    for other in _neighbours(index, gap):
        short = too_near(state.gaps, gap, other, distance)
        if short is not None:
            return Verdict(code, f"{short} from {what} at gap {other}")
    return None


def check_spacing(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    spacing = unit.spacing
    own = unit.every or (spacing.same_unit if spacing else None)
    return (
        _spacing_check("too-close", state.by_unit.get(unit.id, []), gap, own, state, f"{unit.id}")
        or _spacing_check(
            "too-close-kind",
            state.by_kind.get(unit.kind, []),
            gap,
            spacing.same_kind if spacing else None,
            state,
            f"another {unit.kind}",
        )
        or _spacing_check(
            "too-close-any",
            state.all_units,
            gap,
            (spacing.any_unit if spacing else None) or state.rules.spacing.between_units,
            state,
            "another unit",
        )
    )


def check_density(gap: int, unit: Unit, state: PlacementState, height: float) -> Verdict | None:
    if unit.kind != "ad":
        return None
    density = state.density_with(height)
    cap = state.rules.density.max_ad_ratio
    if density > cap:
        return Verdict(
            "density-cap", f"estimated ad density would be {density:.2f} (cap {cap:.2f})"
        )
    return None


CHECKS: Final[tuple[tuple[str, Check], ...]] = (
    ("paywall", check_paywall),
    ("start", check_start),
    ("first-screen", check_first_screen),
    ("keep-out", check_keep_out),
    ("paragraph-length", check_paragraph_length),
    ("neighbours", check_neighbours),
    ("occupied", check_occupied),
    ("spacing", check_spacing),
)


def first_rejection(gap: int, unit: Unit, state: PlacementState, height: float) -> Verdict | None:
    """The first check that rejects ``gap`` for ``unit``, or None when every check allows it."""
    for _, check in CHECKS:
        verdict = check(gap, unit, state)
        if verdict is not None:
            return verdict
    return check_density(gap, unit, state, height)

"""The placement predicates: each one allows a gap for a unit or rejects it with a code.

``CHECKS`` is the literal table, in the order they are tried; the first rejection is the
one recorded. Every check is a pure function of (gap, unit, state). Codes are kebab-case
and documented in docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from layout.measure.gaps import Gaps
from layout.place.spacing import SpacingIndex
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
    by_unit: dict[str, SpacingIndex] = field(default_factory=dict)
    by_kind: dict[str, SpacingIndex] = field(default_factory=dict)
    every_unit: SpacingIndex = field(default_factory=SpacingIndex)
    copies: dict[str, int] = field(default_factory=dict)

    def needs(self, unit: Unit) -> tuple[Distance | None, Distance | None, Distance | None]:
        """The distances ``unit`` asks for: to its copies, to its kind, to any unit."""
        spacing = unit.spacing
        same_unit = unit.every or (spacing.same_unit if spacing else None)
        same_kind = spacing.same_kind if spacing else None
        any_unit = (spacing.any_unit if spacing else None) or self.rules.spacing.between_units
        return same_unit, same_kind, any_unit

    def record(self, gap: int, unit: Unit, height: float) -> None:
        """An in-content unit placed at ``gap``: it now counts for spacing and density."""
        same_unit, same_kind, any_unit = self.needs(unit)
        self.by_unit.setdefault(unit.id, SpacingIndex()).add(gap, same_unit)
        self.by_kind.setdefault(unit.kind, SpacingIndex()).add(gap, same_kind)
        self.every_unit.add(gap, any_unit)
        self.add_height(height, is_ad=unit.kind == "ad")

    def reserve(self, gap: int, height: float) -> None:
        """Mark a gap as taken by something that is not a rule unit (the paywall's wall)."""
        self.every_unit.add(gap, None)
        self.add_height(height, is_ad=False)

    def add_height(self, height: float, *, is_ad: bool) -> None:
        self.unit_height += height
        if is_ad:
            self.ad_height += height

    def next_copy(self, unit: Unit) -> int:
        """The copy number of the next placement of ``unit`` (1-based)."""
        self.copies[unit.id] = self.copies.get(unit.id, 0) + 1
        return self.copies[unit.id]

    def density_with(self, height: float) -> float:
        total = self.gaps.pixels[self.last_gap] + self.unit_height + height
        return (self.ad_height + height) / total if total else 1.0


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
    if gap in state.every_unit:
        return Verdict("occupied", "another unit is already at this gap")
    return None


def check_spacing(gap: int, unit: Unit, state: PlacementState) -> Verdict | None:
    """Distances to copies, to the same kind and to any unit; both sides' needs count."""
    same_unit, same_kind, any_unit = state.needs(unit)
    groups = (
        ("too-close", state.by_unit.get(unit.id), same_unit, f"{unit.id}"),
        ("too-close-kind", state.by_kind.get(unit.kind), same_kind, f"another {unit.kind}"),
        ("too-close-any", state.every_unit, any_unit, "another unit"),
    )
    for code, index, own, what in groups:
        found = index.violation(state.gaps, gap, own) if index is not None else None
        if found is not None:
            other, short = found
            return Verdict(code, f"{short} from {what} at gap {other}")
    return None


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

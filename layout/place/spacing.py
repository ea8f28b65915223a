"""Spacing between placed units, kept symmetric: each pair must satisfy both units' needs.

A ``SpacingIndex`` holds the gaps of the units placed in one group (copies of a unit, one
kind, or every unit) with the distance each of them asks for. A check walks outward from
the candidate gap and stops as soon as a neighbour is farther than the widest need in the
group, so it stays O(log n + k) for k units nearby.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from layout.measure.gaps import Gaps
from layout.rules import Distance

_FIELDS = ("words", "paragraphs", "blocks", "pixels", "viewports")


def merge(a: Distance | None, b: Distance | None) -> Distance | None:
    """The stricter of two distances, field by field. Both are valid, so their merge is
    too: it is built without validating it again (this runs for every gap tried)."""
    if a is None or b is None or a is b:
        return a or b
    values = {}
    for name in _FIELDS:
        left, right = getattr(a, name), getattr(b, name)
        values[name] = right if left is None else left if right is None else max(left, right)
    return Distance.model_construct(**values)


def too_near(gaps: Gaps, a: int, b: int, distance: Distance) -> str | None:
    """Which part of ``distance`` the gaps a and b fall short of, or None."""
    if a == b:
        return "the same gap"
    if distance.words is not None:
        words = gaps.words_between(a, b)
        if words < distance.words:
            return f"{words} words (needs {distance.words})"
    if distance.paragraphs is not None:
        paragraphs = gaps.paragraphs_between(a, b)
        if paragraphs < distance.paragraphs:
            return f"{paragraphs} paragraphs (needs {distance.paragraphs})"
    if distance.blocks is not None and abs(b - a) < distance.blocks:
        return f"{abs(b - a)} blocks (needs {distance.blocks})"
    if distance.pixels is None and distance.viewports is None:
        return None
    pixels = gaps.pixels_between(a, b)
    if distance.pixels is not None and pixels < distance.pixels:
        return f"{pixels:.0f} px (needs {distance.pixels})"
    viewports = pixels / gaps.viewport_height
    if distance.viewports is not None and viewports < distance.viewports:
        return f"{viewports:.2f} viewports (needs {distance.viewports:g})"
    return None


@dataclass
class SpacingIndex:
    """Placed gaps of one group, sorted, with the distance each one asks for."""

    gaps: list[int] = field(default_factory=list)
    needs: dict[int, Distance] = field(default_factory=dict)
    widest: Distance | None = None

    def add(self, gap: int, need: Distance | None) -> None:
        self.gaps.insert(bisect_left(self.gaps, gap), gap)
        if need is not None:
            self.needs[gap] = merge(self.needs.get(gap), need) or need
            self.widest = merge(self.widest, need)

    def __contains__(self, gap: int) -> bool:
        at = bisect_left(self.gaps, gap)
        return at < len(self.gaps) and self.gaps[at] == gap

    def violation(self, layout: Gaps, gap: int, own: Distance | None) -> tuple[int, str] | None:
        """The nearest placed gap too close to ``gap`` for either side's need, or None."""
        bound = merge(own, self.widest)
        if bound is None:
            return None
        at = bisect_left(self.gaps, gap)
        for step, start in ((-1, at - 1), (1, at)):
            position = start
            while 0 <= position < len(self.gaps):
                other = self.gaps[position]
                need = merge(own, self.needs.get(other))
                short = too_near(layout, gap, other, need) if need is not None else None
                if short is not None:
                    return other, short
                if too_near(layout, gap, other, bound) is None:
                    break
                position += step
        return None

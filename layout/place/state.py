"""What the solver knows while placing: the article and reader, the gaps, and the units
placed so far (for spacing and density)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from layout.article import Article
from layout.blocks import Block
from layout.measure.gaps import Gaps
from layout.place.spacing import SpacingIndex
from layout.place.units import unit_height
from layout.rules import Distance, RuleSet, Unit
from layout.viewer import Viewer


@dataclass
class PlacementState:
    """One placement's working state; ``last_gap`` is the last gap the reader may see."""

    article: Article
    viewer: Viewer
    gaps: Gaps
    rules: RuleSet
    last_gap: int
    ad_height: float = 0.0
    unit_height: float = 0.0
    by_unit: dict[str, SpacingIndex] = field(default_factory=dict)
    by_kind: dict[str, SpacingIndex] = field(default_factory=dict)
    every_unit: SpacingIndex = field(default_factory=SpacingIndex)
    copies: dict[str, int] = field(default_factory=dict)
    heights: dict[str, float] = field(default_factory=dict)

    @property
    def shown_blocks(self) -> Sequence[Block]:
        """The blocks the reader may see (``last_gap`` is the paywall's cut)."""
        return self.article.blocks[: self.last_gap]

    @property
    def sees_all(self) -> bool:
        """Whether the reader sees the whole article: only then may a decision's message
        give a count of the whole article (to a walled reader it would tell the size of
        what the wall hides)."""
        return self.last_gap >= len(self.article.blocks)

    def height_of(self, unit: Unit) -> float:
        """The height one copy of ``unit`` reserves on the reader's device (worked out
        once per placement)."""
        height = self.heights.get(unit.id)
        if height is None:
            device = self.viewer.device
            height = self.heights[unit.id] = unit_height(unit, device, self.rules.device(device))
        return height

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

    def add_height(self, height: float, *, is_ad: bool, overlay: bool = False) -> None:
        """Count a fixed slot: in the content's height unless it is an ``overlay`` (a
        sticky anchor covers the text instead of pushing it), in the ads' if an ad."""
        if not overlay:
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

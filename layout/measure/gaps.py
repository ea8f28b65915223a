"""The n+1 gaps between n top-level blocks, with prefix sums for O(1) distances.

Gap k is the position just before block k: gap 0 is above the first block, gap n below the
last. Words, paragraphs and estimated pixels before any gap, and between any two gaps, are
differences of prefix sums, so no check ever walks the article.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from layout.measure.sizes import BlockSize


@dataclass(frozen=True)
class Gaps:
    """Prefix sums over the blocks of one article for one device."""

    kinds: tuple[str, ...]
    words: tuple[int, ...]
    paragraphs: tuple[int, ...]
    pixels: tuple[float, ...]
    paragraph_words: tuple[int, ...]
    header_height: float
    viewport_height: int

    @classmethod
    def build(
        cls, sizes: Sequence[BlockSize], *, header_height: float, viewport_height: int
    ) -> Gaps:
        return cls(
            kinds=tuple(size.kind for size in sizes),
            words=(0, *accumulate(size.words for size in sizes)),
            paragraphs=(0, *accumulate(int(size.is_body_text) for size in sizes)),
            pixels=(0.0, *accumulate(size.height for size in sizes)),
            paragraph_words=tuple(size.words if size.kind == "paragraph" else 0 for size in sizes),
            header_height=header_height,
            viewport_height=viewport_height,
        )

    def cut(self, blocks: int) -> Gaps:
        """The gaps of the first ``blocks`` blocks alone: what a reader walled after
        them may be placed by, so that nothing about the rest (its length, its next block)
        decides where a unit goes."""
        if blocks >= self.count:
            return self
        return Gaps(
            kinds=self.kinds[:blocks], words=self.words[: blocks + 1],
            paragraphs=self.paragraphs[: blocks + 1], pixels=self.pixels[: blocks + 1],
            paragraph_words=self.paragraph_words[:blocks],
            header_height=self.header_height, viewport_height=self.viewport_height,
        )

    @property
    def count(self) -> int:
        """Number of blocks (there are count + 1 gaps)."""
        return len(self.kinds)

    def before(self, gap: int) -> str | None:
        """Kind of the block just above the gap."""
        return self.kinds[gap - 1] if gap > 0 else None

    def after(self, gap: int) -> str | None:
        """Kind of the block just below the gap."""
        return self.kinds[gap] if gap < self.count else None

    def offset(self, gap: int) -> float:
        """Estimated distance in pixels from the top of the page to the gap."""
        return self.header_height + self.pixels[gap]

    def words_between(self, a: int, b: int) -> int:
        return abs(self.words[b] - self.words[a])

    def paragraphs_between(self, a: int, b: int) -> int:
        return abs(self.paragraphs[b] - self.paragraphs[a])

    def pixels_between(self, a: int, b: int) -> float:
        return abs(self.pixels[b] - self.pixels[a])

    def paragraph_gap(self, paragraph: int, *, from_end: bool = False) -> int | None:
        """The gap just after the Nth paragraph (counted from the top or the end)."""
        total = self.paragraphs[-1]
        target = total - paragraph + 1 if from_end else paragraph
        if not 1 <= target <= total:
            return None
        for gap in range(1, self.count + 1):
            if self.paragraphs[gap] == target and self.paragraphs[gap - 1] == target - 1:
                return gap
        return None

    def word_gap(self, fraction: float) -> int:
        """The first gap at or past ``fraction`` of the article's words."""
        return min(bisect_left(self.words, self.words[-1] * fraction), self.count)

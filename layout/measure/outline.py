"""The page outline: the level each body heading is shown at."""

from __future__ import annotations

from collections.abc import Sequence

from layout.blocks import Block


def outline_levels(blocks: Sequence[Block]) -> dict[int, int]:
    """Heading levels that follow the page outline, by block index.

    The headline is the page's h1, so body headings start at h2 and never skip a level
    (h2 then h4 renders as h2 then h3): the outline stays valid whatever the source had.
    A level depends only on the headings before it, so it is the same for every reader.
    """
    levels = {}
    previous = 1
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            previous = levels[index] = max(2, min(block.level, previous + 1))
    return levels

"""What the mapping of one story carries along: where the next block goes, and the
reports of elements it kept without reading them as the source meant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Context:
    """The position of the block being built (an element inside a quote belongs to the
    quote's block) and the reports so far, as the article model's ``IngestReport`` data."""

    position: int = 0
    nested: int = 0
    reports: list[dict[str, Any]] = field(default_factory=list)

    def report(self, message: str, *, in_block: bool = True) -> None:
        """Report an element kept without being read as the source meant it (a type the
        engine does not know, a reference the source left unresolved), in the block at
        ``position`` (in none when nothing of it was kept)."""
        block = self.position if in_block else None
        self.reports.append({"code": "unknown-element", "block": block, "message": message[:500]})

    @contextmanager
    def inside_block(self) -> Iterator[None]:
        """Within one block: elements converted here do not move the position."""
        self.nested += 1
        try:
            yield
        finally:
            self.nested -= 1

    def at(self, position: int) -> None:
        if not self.nested:
            self.position = position

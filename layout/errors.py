"""The error types the engine raises.

Content problems never raise: the page renders and the plan says what happened. Only input
the engine cannot read at all (a broken article file) or a broken configuration (a rule set
with a mistake) raise, and then with one line naming the file, the place, what was expected
and what was found, so a CLI or HTTP caller can show it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong there."""

    location: str
    message: str
    line: int | None = None
    column: int | None = None

    def describe(self, source: str) -> str:
        place = source
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        where = f" {self.location}:" if self.location else ""
        return f"{place}:{where} {self.message}"


@dataclass
class LayoutError(Exception):
    """Base error: a source (file name or 'request') and the problems found in it."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(p.describe(self.source) for p in self.problems) or self.source

    def lines(self) -> list[str]:
        """One readable line per problem."""
        return [p.describe(self.source) for p in self.problems]


class InputError(LayoutError):
    """An article (JSON or HTML) that cannot be read."""


class ConfigError(LayoutError):
    """A rule set or engine setting that is invalid."""

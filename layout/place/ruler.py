"""The shape of the checks table: named rules of two stages, in order, that can be listed
and left out by name (in the manner of markdown-it's Ruler)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from layout.errors import ConfigError, Problem
from layout.place.decisions import Verdict
from layout.place.state import PlacementState
from layout.rules import Unit

UnitCheck = Callable[[Unit, PlacementState], Verdict | None]
GapCheck = Callable[[int, Unit, PlacementState], Verdict | None]


@dataclass(frozen=True)
class UnitRule:
    name: str
    check: UnitCheck


@dataclass(frozen=True)
class GapRule:
    name: str
    check: GapCheck
    fixed: bool = False  # also decides fixed slots (top, bottom)


@dataclass(frozen=True)
class Ruler:
    """The ordered, named checks of both stages."""

    unit_rules: tuple[UnitRule, ...]
    gap_rules: tuple[GapRule, ...]

    def names(self) -> list[str]:
        """Every check's name, unit checks first, in the order they run."""
        return [rule.name for rule in self.unit_rules] + [rule.name for rule in self.gap_rules]

    def without(self, *names: str) -> Ruler:
        """The same table with the named checks left out (a ConfigError for a name that
        is not in it)."""
        unknown = sorted(set(names) - set(self.names()))
        if unknown:
            problems = [Problem("checks", f"expected one of {', '.join(self.names())}; "
                                          f"found {name!r}") for name in unknown]
            raise ConfigError("checks", problems)
        return Ruler(
            tuple(rule for rule in self.unit_rules if rule.name not in names),
            tuple(rule for rule in self.gap_rules if rule.name not in names),
        )

    def skip(self, unit: Unit, state: PlacementState) -> Verdict | None:
        """Why the unit is not considered at all, or None."""
        for rule in self.unit_rules:
            verdict = rule.check(unit, state)
            if verdict is not None:
                return verdict
        return None

    def reject(
        self, gap: int, unit: Unit, state: PlacementState, *, fixed: bool = False
    ) -> Verdict | None:
        """Why the unit may not go at ``gap``, or None when every check allows it
        (``fixed``: only the checks that also decide fixed slots)."""
        for rule in self.gap_rules:
            if fixed and not rule.fixed:
                continue
            verdict = rule.check(gap, unit, state)
            if verdict is not None:
                return verdict
        return None

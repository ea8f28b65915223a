"""Rule sets: which units exist, where they may go, and the paywall, as pydantic models
(``units``, ``ruleset``, on ``base``), read from YAML or JSON files (``files``).

Unknown keys are rejected, and every mistake is reported with file, line and column, the
field path, what was expected and what was found. ``layout schema rules`` prints the JSON
Schema. The names below are the package's interface.
"""

from __future__ import annotations

from layout.rules.base import Size, UnitKind
from layout.rules.files import DEFAULT_RULES_PATH, load_rules, parse_rules
from layout.rules.paywall import AccessRule, AccessWhen, Gifts, Meter, Paywall, Preview
from layout.rules.ruleset import Ads, Density, GlobalSpacing, LazyLoad, RuleSet
from layout.rules.units import (
    At,
    Avoid,
    Distance,
    KeepOut,
    Link,
    MinArticle,
    Spacing,
    Targeting,
    Unit,
    VideoItem,
)

__all__ = [
    "DEFAULT_RULES_PATH",
    "AccessRule",
    "AccessWhen",
    "Ads",
    "At",
    "Avoid",
    "Density",
    "Distance",
    "Gifts",
    "GlobalSpacing",
    "KeepOut",
    "LazyLoad",
    "Link",
    "Meter",
    "MinArticle",
    "Paywall",
    "Preview",
    "RuleSet",
    "Size",
    "Spacing",
    "Targeting",
    "Unit",
    "UnitKind",
    "VideoItem",
    "load_rules",
    "parse_rules",
]

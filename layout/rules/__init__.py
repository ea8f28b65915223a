"""Rule sets: which units exist, where they may go, and the paywall, as pydantic models
(``units``, ``ruleset``, on ``base``), read from YAML or JSON files (``files``).

Unknown keys are rejected, and every mistake is reported with file, line and column, the
field path, what was expected and what was found. ``layout schema rules`` prints the JSON
Schema. The names below are the package's interface.
"""

from __future__ import annotations

from layout.rules.ads import Ads, CollapseEmpty, Consent, LazyLoad, Prebid, PriceBucket
from layout.rules.base import Size, UnitKind
from layout.rules.files import DEFAULT_RULES_PATH, load_rules, parse_rules
from layout.rules.paywall import AccessRule, AccessWhen, Gifts, Meter, Paywall, Preview
from layout.rules.ruleset import Density, GlobalSpacing, RuleSet
from layout.rules.units import (
    AdFormat,
    At,
    Avoid,
    Bidder,
    Distance,
    KeepOut,
    Link,
    MinArticle,
    Refresh,
    Spacing,
    Targeting,
    Unit,
    VideoItem,
)

__all__ = [
    "DEFAULT_RULES_PATH",
    "AccessRule",
    "AccessWhen",
    "AdFormat",
    "Ads",
    "At",
    "Avoid",
    "Bidder",
    "CollapseEmpty",
    "Consent",
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
    "Prebid",
    "Preview",
    "PriceBucket",
    "Refresh",
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

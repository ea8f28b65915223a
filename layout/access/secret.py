"""The meter's signing secret: given, from LAYOUT_METER_SECRET, or in development a fixed,
public one. A production engine whose rules meter refuses to start without one."""

from __future__ import annotations

import os

from layout.development import is_development
from layout.errors import ConfigError, Problem
from layout.rules import RuleSet

DEVELOPMENT_SECRET = "layout-development-secret-not-for-production"
SECRET_ENV = "LAYOUT_METER_SECRET"


def resolve_meter_secret(
    rules: RuleSet, secret: str | None, development: bool | None
) -> bytes | None:
    """The meter signing secret; refuses to meter in production without one."""
    secret = secret or os.environ.get(SECRET_ENV) or None
    if secret is not None:
        return secret.encode("utf-8")
    if is_development(development):
        return DEVELOPMENT_SECRET.encode("utf-8")
    paywall = rules.paywall
    if paywall.mode != "metered" and all(rule.mode != "metered" for rule in paywall.rules):
        return None
    raise ConfigError(
        f"rules {rules.name}",
        [
            Problem(
                "paywall.mode",
                f"metering needs a signing secret: set {SECRET_ENV} (or pass meter_secret), "
                "or turn on development mode (LAYOUT_DEV=1) for local use",
            )
        ],
    )

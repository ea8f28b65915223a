"""The meter notice: "N of M free articles left", a fixed unit at the top of the page for a
reader the meter has just counted."""

from __future__ import annotations

from types import MappingProxyType

from layout.access.policy import AccessDecision
from layout.plan import PlacedUnit

METER_NOTICE_HEIGHT = 64.0


def meter_notice(access: AccessDecision) -> PlacedUnit | None:
    """The notice for a reader the meter just counted, else None."""
    if not access.counted or access.meter_remaining is None:
        return None
    # Numbers, strings and None only: read-only as it is, with nothing inside to freeze.
    data = MappingProxyType({
        "template": "units/meter-notice.html.j2",
        "remaining": access.meter_remaining,
        "limit": access.terms.meter.limit,
        "period": access.terms.meter.period,
        "meter": access.meter.name if access.meter is not None else "default",
        "label": access.terms.meter.label,
    })
    return PlacedUnit.with_frozen_data(
        "meter-notice-1", "meter-notice", "promo", 0, "top", METER_NOTICE_HEIGHT, data
    )

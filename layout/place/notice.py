"""The meter notice: "N of M free articles left", a fixed unit at the top of the page for a
reader the meter has just counted."""

from __future__ import annotations

from layout.access.policy import AccessDecision
from layout.plan import PlacedUnit

METER_NOTICE_HEIGHT = 64.0


def meter_notice(access: AccessDecision) -> PlacedUnit | None:
    """The notice for a reader the meter just counted, else None."""
    if not access.counted or access.meter_remaining is None:
        return None
    data = {
        "template": "units/meter-notice.html.j2",
        "remaining": access.meter_remaining,
        "limit": access.terms.meter.limit,
        "period": access.terms.meter.period,
        "meter": access.meter.name if access.meter is not None else "default",
        "label": access.terms.meter.label,
    }
    return PlacedUnit(
        id="meter-notice-1",
        unit="meter-notice",
        kind="promo",
        gap=0,
        position="top",
        reserved_height=METER_NOTICE_HEIGHT,
        data=data,
    )

"""Meter cookies for tests: a reader whose free articles are used up."""

from __future__ import annotations

from layout.access.meter import MeterState, encode_meter, period_key, utc_now
from layout.access.secret import DEVELOPMENT_SECRET


def exhausted_meter() -> str:
    """A valid token for this period that has counted the whole allowance."""
    period = period_key("month", utc_now())
    state = MeterState(period, tuple(f"read{n:08d}" for n in range(50)))
    return encode_meter(state, DEVELOPMENT_SECRET.encode())

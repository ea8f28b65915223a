"""Readers for memo tests: they share a device and an audience but not a cut, a consent or
a crawler flag, listed in an order where each one finds the memos filled by the others."""

from __future__ import annotations

from datetime import UTC, datetime

from layout import Engine, Viewer
from layout.access.meter import MeterState, article_digest, encode_meter, period_key
from layout.access.secret import DEVELOPMENT_SECRET

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
SECRET = DEVELOPMENT_SECRET.encode("utf-8")


def spent_meter(engine: Engine) -> str:
    """A signed meter token one article past the engine's limit."""
    meter = engine.rules.paywall.meter
    digests = tuple(article_digest(f"read-{n}") for n in range(meter.limit + 1))
    return encode_meter(MeterState(period_key(meter.period, NOW), digests), SECRET)


def mixed_readers(engine: Engine) -> list[Viewer]:
    spent = spent_meter(engine)
    return [
        Viewer(),
        Viewer(meter=spent),
        Viewer(consent=False),
        Viewer(verified_crawler=True),
        Viewer(audience="registered"),
        Viewer(audience="subscriber"),
        Viewer(device="desktop"),
        Viewer(device="desktop", meter=spent),
        Viewer(),
    ]

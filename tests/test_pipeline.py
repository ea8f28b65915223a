"""The pipeline's memos: what one reader's render leaves behind never changes another's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from layout import Engine, Viewer
from layout.meter import MeterState, article_digest, encode_meter, period_key
from layout.pipeline import DEVELOPMENT_SECRET, build_plan
from tests.support.corpus import Source, sample_sources

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
ENGINE = Engine(development=True)
RULES = ENGINE.rules
SECRET = DEVELOPMENT_SECRET.encode("utf-8")


def _spent_meter() -> str:
    meter = RULES.paywall.meter
    digests = tuple(article_digest(f"read-{n}") for n in range(meter.limit + 1))
    return encode_meter(MeterState(period_key(meter.period, NOW), digests), SECRET)


# Readers who share a device and an audience but not a cut, a consent or a crawler flag,
# in an order where each one finds the memo filled by the others.
READERS = [
    Viewer(),
    Viewer(meter=_spent_meter()),
    Viewer(consent=False),
    Viewer(verified_crawler=True),
    Viewer(audience="registered"),
    Viewer(audience="subscriber"),
    Viewer(device="desktop"),
    Viewer(device="desktop", meter=_spent_meter()),
    Viewer(),
]


@pytest.mark.parametrize("source", sample_sources(), ids=lambda s: s.name)
def test_a_shared_engine_plans_like_a_fresh_computation(source: Source) -> None:
    article = source.load()
    for viewer in READERS:
        shared = ENGINE.plan(article, viewer, now=NOW).to_json()
        fresh = build_plan(article, viewer, RULES, SECRET, NOW).to_json()
        assert shared == fresh, viewer


def test_plans_do_not_share_their_unit_lists() -> None:
    article = sample_sources()[0].load()
    first = ENGINE.plan(article, Viewer(), now=NOW)
    first.units.clear()
    first.decisions.clear()
    again = ENGINE.plan(article, Viewer(), now=NOW)
    assert again.units and again.decisions

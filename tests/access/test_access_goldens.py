"""Golden access plans: every sample for a fresh meter, a spent meter and a subscriber.

A change to the cut, the wall or the units around it shows up as a diff of these files.
Update them on purpose with ``pytest tests/test_access_goldens.py --update-goldens`` and
review the diff.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from layout import Engine, Viewer
from layout.access.meter import MeterState, article_digest, encode_meter, period_key
from layout.access.secret import DEVELOPMENT_SECRET
from layout.render.dump import dump_plan
from tests.support.corpus import SAMPLES, Source, sample_sources

GOLDEN = SAMPLES / "golden" / "access"
NOW = datetime(2026, 11, 15, tzinfo=UTC)
ENGINE = Engine(development=True)
_METER = ENGINE.rules.paywall.meter
SPENT = encode_meter(
    MeterState(
        period_key(_METER.period, NOW),
        tuple(article_digest(f"read-before-{n}") for n in range(_METER.limit)),
    ),
    DEVELOPMENT_SECRET.encode("utf-8"),
)
VIEWERS = {
    "anonymous-fresh": Viewer(device="mobile"),
    "anonymous-exhausted": Viewer(device="mobile", meter=SPENT),
    "subscriber": Viewer(device="mobile", audience="subscriber"),
}
CASES = [(source, viewer) for source in sample_sources() for viewer in VIEWERS]


def golden_path(source: Source, viewer: str) -> Path:
    return GOLDEN / f"{source.name}.{viewer}.txt"


@pytest.mark.parametrize(
    ("source", "viewer"), CASES, ids=[f"{s.name}-{v}" for s, v in CASES]
)
def test_access_plan_matches_golden(source: Source, viewer: str, update_goldens: bool) -> None:
    plan = ENGINE.plan(source.load(), VIEWERS[viewer], now=NOW)
    dump = dump_plan(plan, ENGINE.rules.name)
    path = golden_path(source, viewer)
    if update_goldens:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), dump.splitlines(True),
                                        str(path), "current"))
    assert dump == expected, f"access plan changed:\n{diff}"


def test_the_goldens_show_the_walls_the_policy_asks_for() -> None:
    """A sanity check of the stored files themselves, so a bad update is caught."""
    for source in sample_sources():
        access = source.load().access
        texts = {v: golden_path(source, v).read_text(encoding="utf-8") for v in VIEWERS}
        assert "applied=no" in texts["subscriber"], source.name
        assert "wall=" not in texts["subscriber"], source.name
        if access == "free":
            assert all("applied=no" in text for text in texts.values()), source.name
        elif access == "premium":
            assert "wall=subscribe@" in texts["anonymous-fresh"], source.name
            assert "wall=subscribe@" in texts["anonymous-exhausted"], source.name
        else:
            assert "applied=no" in texts["anonymous-fresh"], source.name
            assert "wall=meter-exhausted@" in texts["anonymous-exhausted"], source.name


def test_every_access_golden_file_belongs_to_a_case() -> None:
    expected = {golden_path(s, v) for s, v in CASES}
    assert set(GOLDEN.glob("*.txt")) <= expected

"""Golden access plans: every sample for a fresh meter, a spent meter, a subscriber, a
registered reader and a gift link's reader, with the default rules, and for anonymous and
registered readers with the access rules of ``samples/rules/access-models.yaml``.

A change to the cut, the wall or the units around it shows up as a diff of these files.
Update them on purpose with ``pytest tests/test_access_goldens.py --update-goldens`` and
review the diff.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from layout import Engine, Viewer
from layout.access.gift import mint_gift
from layout.access.meter import MeterState, article_digest, encode_meter, period_key
from layout.access.secret import DEVELOPMENT_SECRET
from layout.render.dump import dump_plan
from layout.rules import load_rules
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
    SECRET := DEVELOPMENT_SECRET.encode("utf-8"),
)
MODELS = Engine(load_rules(SAMPLES / "rules" / "access-models.yaml"), development=True)
# Each reader: the engine it reads with, and its viewer for an article id (a gift is made
# for the article being read, with a spent meter, so that only the gift can open it).
VIEWERS: dict[str, tuple[Engine, Callable[[str], Viewer]]] = {
    "anonymous-fresh": (ENGINE, lambda _: Viewer(device="mobile")),
    "anonymous-exhausted": (ENGINE, lambda _: Viewer(device="mobile", meter=SPENT)),
    "subscriber": (ENGINE, lambda _: Viewer(device="mobile", audience="subscriber")),
    "registered": (ENGINE, lambda _: Viewer(device="mobile", audience="registered")),
    "gift": (ENGINE, lambda article_id: Viewer(device="mobile", meter=SPENT, gift=mint_gift(
        article_id, "subscriber-1", secret=SECRET, now=NOW, days=7, per_month=10)[0])),
    "models-anonymous": (MODELS, lambda _: Viewer(device="mobile")),
    "models-registered": (MODELS, lambda _: Viewer(device="mobile", audience="registered")),
}
CASES = [(source, viewer) for source in sample_sources() for viewer in VIEWERS]


def golden_path(source: Source, viewer: str) -> Path:
    return GOLDEN / f"{source.name}.{viewer}.txt"


@pytest.mark.parametrize(
    ("source", "viewer"), CASES, ids=[f"{s.name}-{v}" for s, v in CASES]
)
def test_access_plan_matches_golden(source: Source, viewer: str, update_goldens: bool) -> None:
    engine, viewer_for = VIEWERS[viewer]
    article = source.load()
    plan = engine.plan(article, viewer_for(article.id), now=NOW)
    dump = dump_plan(plan, engine.rules.name)
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

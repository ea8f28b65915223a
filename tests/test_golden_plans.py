"""Golden plans: every sample under three rule sets, as readable text dumps.

A change in placement shows up as a diff of these files. Update them on purpose with
``pytest tests/test_golden_plans.py --update-goldens`` and review the diff.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from layout import Engine, Viewer
from layout.dump import dump_plan
from layout.rules import load_rules
from tests.support.corpus import SAMPLES, Source, sample_sources

GOLDEN = SAMPLES / "golden"
RULE_FILES = {"default": None, "ad-heavy": SAMPLES / "rules" / "ad-heavy.yaml",
              "subscriber": SAMPLES / "rules" / "subscriber.yaml"}
ENGINES = {name: Engine(load_rules(path)) for name, path in RULE_FILES.items()}
VIEWERS = [Viewer(device="mobile"), Viewer(device="desktop"),
           Viewer(device="mobile", audience="subscriber")]
CASES = [(rules, source, viewer) for rules in RULE_FILES for source in sample_sources()
         for viewer in VIEWERS]


def golden_path(rules: str, source: Source, viewer: Viewer) -> Path:
    return GOLDEN / rules / f"{source.name}.{viewer.device}.{viewer.audience}.txt"


@pytest.mark.parametrize(
    ("rules", "source", "viewer"), CASES,
    ids=[f"{r}-{s.name}-{v.device}-{v.audience}" for r, s, v in CASES],
)
def test_plan_matches_golden(rules: str, source: Source, viewer: Viewer,
                             update_goldens: bool) -> None:
    engine = ENGINES[rules]
    dump = dump_plan(engine.plan(source.load(), viewer), engine.rules.name)
    path = golden_path(rules, source, viewer)
    if update_goldens:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), dump.splitlines(True),
                                        str(path), "current"))
    assert dump == expected, f"plan changed:\n{diff}"


def test_every_golden_file_belongs_to_a_case() -> None:
    expected = {golden_path(r, s, v) for r, s, v in CASES}
    assert set(GOLDEN.rglob("*.txt")) <= expected

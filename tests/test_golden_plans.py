"""Golden plans: every sample under three rule sets, through ``layout check``'s machinery.

Each sample's golden plan sits beside it (``NAME.<rules>.layout.txt``): the readable dumps
of every device x audience. A change in placement shows as a diff. Update on purpose with
``pytest tests/test_golden_plans.py --update-goldens`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from layout import Engine
from layout.corpus.check import check_paths, viewer_matrix
from layout.rules import load_rules
from tests.support.corpus import SAMPLES

RULE_FILES = {
    "default": None,
    "ad-heavy": SAMPLES / "rules" / "ad-heavy.yaml",
    "subscriber": SAMPLES / "rules" / "subscriber.yaml",
}


@pytest.mark.parametrize("rules", RULE_FILES)
def test_every_sample_matches_its_golden_plan(rules: str, update_goldens: bool) -> None:
    engine = Engine(load_rules(RULE_FILES[rules]))
    folders = [SAMPLES / "articles", SAMPLES / "html"]
    results = check_paths(folders, engine, viewer_matrix(), update=update_goldens)
    assert len(results) >= 16
    problems = [f"{r.path}: {r.status}\n{r.diff}\n{r.violations}" for r in results if not r.ok]
    assert problems == []


def test_every_golden_file_belongs_to_a_sample_and_rule_set() -> None:
    names = {load_rules(path).name for path in RULE_FILES.values()}
    for golden in [*SAMPLES.glob("articles/*.layout.txt"), *SAMPLES.glob("html/*.layout.txt")]:
        stem, rules_name = golden.name.removesuffix(".layout.txt").rsplit(".", 1)
        assert rules_name in names, golden
        assert any(Path(golden.parent, stem + ext).exists() for ext in (".json", ".html")), golden

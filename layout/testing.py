"""A pytest helper for publishers' own test suites.

    from layout.testing import assert_layout

    def test_story_layout():
        assert_layout("stories/harbour.json", "rules/site.yaml",
                      {"mid-1": 3, "mid-2": 13}, device="mobile")
        assert_layout("stories/harbour.json", "rules/site.yaml", "stories/harbour.golden.txt")

``expected`` is either a mapping of unit ids to gaps (exactly the units placed in content)
or the path of a golden plan dump (``layout explain`` output), compared with a diff.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from layout.article import Article
from layout.engine import Engine
from layout.ingest.sources import load_article
from layout.render.dump import dump_plan
from layout.rules import RuleSet, load_rules
from layout.viewer import Audience, Device, Viewer


def assert_layout(
    article: Article | str | Path,
    rules: RuleSet | str | Path | None,
    expected: Mapping[str, int] | str | Path,
    *,
    device: Device = "mobile",
    audience: Audience = "anonymous",
) -> None:
    """Fail with a readable message when the article's layout is not the expected one."""
    loaded = article if isinstance(article, Article) else load_article(article)
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    engine = Engine(ruleset, development=True)
    plan = engine.plan(loaded, Viewer(device=device, audience=audience))
    if isinstance(expected, Mapping):
        placed = {u.id: u.gap for u in plan.units if u.position == "in_content"}
        if placed != dict(expected):
            raise AssertionError(
                f"{loaded.id} ({device}/{audience}): placed {placed}, expected {dict(expected)}\n"
                + dump_plan(plan, ruleset.name)
            )
        return
    golden = Path(expected).read_text(encoding="utf-8")
    dump = dump_plan(plan, ruleset.name)
    if dump != golden:
        diff = difflib.unified_diff(
            golden.splitlines(True), dump.splitlines(True), str(expected), "current"
        )
        raise AssertionError(f"{loaded.id}: layout differs from {expected}\n" + "".join(diff))

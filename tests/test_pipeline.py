"""The pipeline's memos: what one reader's render leaves behind never changes another's."""

from __future__ import annotations

import pytest

from layout import Engine, Viewer
from layout.pipeline import build_plan
from tests.support.corpus import Source, sample_sources
from tests.support.readers import NOW, SECRET, mixed_readers

ENGINE = Engine(development=True)
RULES = ENGINE.rules
READERS = mixed_readers(ENGINE)


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

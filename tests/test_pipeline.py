"""The pipeline's memos: what one reader's render leaves behind never changes another's."""

from __future__ import annotations

import gc
import weakref

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


@pytest.mark.parametrize("fmt", ["html", "fragment", "json"])
def test_an_article_does_not_outlive_its_last_reference(fmt: str) -> None:
    """The memos an engine keeps for an article go with it: a server that renders many
    articles holds only those it still refers to."""
    engine = Engine(development=True)
    alive = []
    for source in sample_sources():
        article = source.load()
        for viewer in mixed_readers(engine):
            engine.render(article, viewer, fmt, now=NOW)  # type: ignore[arg-type]
        alive.append(weakref.ref(article))
        del article
    gc.collect()
    assert [ref() is None for ref in alive] == [True] * len(alive)


def test_placed_units_cannot_be_changed_through_a_plan() -> None:
    article = next(s for s in sample_sources() if s.name == "news-harbour-strike").load()
    plan = ENGINE.plan(article, Viewer(audience="subscriber"), now=NOW)
    ad = next(unit for unit in plan.units if unit.kind == "ad")
    with pytest.raises(TypeError):
        ad.data["label"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        ad.data["targeting"]["pos"] = "changed"
    with pytest.raises(AttributeError):
        ad.data["sizes"]["mobile"].append((1, 1))

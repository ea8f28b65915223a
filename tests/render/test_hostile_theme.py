"""A theme cannot leak gated text: a theme whose every template prints everything it can
reach (the article, the plan, each block and unit, the context's other values) renders
every gated sample for every viewer, as page, fragment and plan, and no hidden block's
text comes out for a reader who is not entitled to it; one that tries to climb out of its
context (``__class__``, ``__globals__``) fails with the theme error, and no canary."""

from __future__ import annotations

import html as htmllib
from pathlib import Path

import pytest

from layout import Engine
from layout.errors import ConfigError
from layout.measure.sizes import block_text
from tests.conftest import report
from tests.support.corpus import corpus_sources
from tests.support.hostile_theme import hostile_theme
from tests.test_leak_matrix import GATED, NOW, READERS, entitled

CLIMBS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ article.__dict__ }}",
    "{{ plan.__class__ }}",
    "{{ article.blocks.append(article.blocks[0]) }}",
]


def _conclude(what: str, checked: int, leaks: list[str], *, minimum: int) -> None:
    """Report the search and fail on a leak (or on a search too small to mean much)."""
    report(f"{what}, {checked} hidden texts searched, leaks: {len(leaks)}")
    assert checked > minimum
    assert leaks == [], "\n".join(leaks[:20])


def _searchable(text: str) -> str:
    """The output as a search sees it: entities decoded, the escapes of Python's repr
    undone, whitespace collapsed."""
    text = htmllib.unescape(htmllib.unescape(text))
    text = text.replace("\\n", " ").replace("\\'", "'").replace('\\"', '"')
    return " ".join(text.split())


def test_a_theme_that_prints_all_it_can_reach_leaks_nothing(tmp_path: Path) -> None:
    engine = Engine(templates=hostile_theme(tmp_path))
    renders = checked = 0
    leaks: list[str] = []
    missing: list[str] = []
    for source, article_id in GATED:
        article = source.load()
        canary = f"canary-{article_id}"
        for reader in READERS:
            may_read = entitled(article.access, reader.name)
            viewer = reader.viewer_for(article.id)
            plan = engine.plan(article, viewer, now=NOW)
            hidden = [" ".join(block_text(block).split())
                      for block in article.blocks[plan.visible_blocks:]]
            for fmt in ("html", "fragment", "json"):
                result = engine.render(article, viewer, fmt, now=NOW)
                output = _searchable(result.html + str(result.plan))
                renders += 1
                where = f"{source.name} / {reader.name} / {fmt}"
                if may_read:
                    if fmt != "json" and canary not in output:
                        missing.append(where)
                    continue
                for text in [canary, *(t for t in hidden if len(t) >= 12)]:
                    checked += 1
                    if text in output:
                        leaks.append(f"{where}: {text[:50]!r}")
    _conclude(f"hostile theme: {renders} renders", checked, leaks, minimum=300)
    assert missing == [], "entitled readers lost the canary:\n" + "\n".join(missing)


@pytest.mark.parametrize("climb", CLIMBS)
def test_a_theme_cannot_climb_out_of_its_context(tmp_path: Path, climb: str) -> None:
    engine = Engine(templates=hostile_theme(tmp_path, page_extra=climb))
    source, article_id = next((s, name) for s, name in GATED if name == "news-harbour-strike")
    article = source.load()
    reader = next(r for r in READERS if r.name == "anon-exhausted")
    with pytest.raises(ConfigError) as raised:
        engine.render(article, reader.viewer, "html", now=NOW)
    assert "theme" in str(raised.value)
    assert f"canary-{article_id}" not in str(raised.value)
    # the article the engine holds is as it was
    assert len(article.blocks) == len(source.load().blocks)


def test_the_corpus_with_a_synthetic_cut_leaks_nothing_through_it(tmp_path: Path) -> None:
    """The 45 readability pages made premium, for every walled reader, as page and plan."""
    engine = Engine(templates=hostile_theme(tmp_path))
    walled = [r for r in READERS if not entitled("premium", r.name)]
    checked = 0
    leaks: list[str] = []
    for source in corpus_sources():
        article = source.load().model_copy(update={"access": "premium"})
        for reader in walled:
            viewer = reader.viewer_for(article.id)
            plan = engine.plan(article, viewer, now=NOW)
            assert plan.wall is not None, source.name
            # what every reader sees: the metadata (a dek may repeat the opening) and the
            # visible blocks
            parts = [article.headline, article.dek or "", article.byline or "", *article.summary,
                     *(block_text(block) for block in plan.shown_blocks)]
            shown = " ".join(" ".join(part.split()) for part in parts)
            hidden = [" ".join(block_text(block).split())
                      for block in article.blocks[plan.visible_blocks:]]
            page = engine.render(article, viewer, "html", now=NOW).html
            output = _searchable(page + str(engine.render(article, viewer, "json",
                                                          now=NOW).plan))
            for text in hidden:
                if len(text) < 16 or text in shown:
                    continue
                checked += 1
                if text in output:
                    leaks.append(f"{source.name} / {reader.name}: {text[:50]!r}")
    _conclude(f"hostile theme over the corpus: {len(walled)} walled readers", checked, leaks,
              minimum=1000)

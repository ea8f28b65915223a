"""State has one owner: the Engine (or the HTTP app) owns every memo and cache it uses;
nothing is cached at module level, and two engines in one process share nothing."""

from __future__ import annotations

import ast
from pathlib import Path

from layout import Engine, Viewer
from layout.ingest.sources import load_article
from layout.plan import BlockItem
from tests.support.corpus import ROOT, SAMPLES
from tests.support.readers import NOW, spent_meter

PACKAGE = ROOT / "layout"
CACHE_DECORATORS = {"lru_cache", "cache", "cached_property"}
CACHE_TYPES = {"ArticleMemo", "LruCache", "ArticleCache", "RenderPool", "PlanMemos", "dict",
               "OrderedDict", "WeakValueDictionary", "WeakKeyDictionary"}


def _name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def module_level_state(path: Path) -> list[str]:
    """Module-level functions memoized by a decorator, and module-level caches."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [f"{path.name}:{node.lineno} @{_name(d)} {node.name}"
                      for d in node.decorator_list if _name(d) in CACHE_DECORATORS]
        elif (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and isinstance(node.value, ast.Call)
            and _name(node.value) in CACHE_TYPES
        ):
            found.append(f"{path.name}:{node.lineno} {_name(node.value)}()")
    return found


def test_nothing_is_cached_at_module_level() -> None:
    found = [item for path in sorted(PACKAGE.rglob("*.py")) for item in module_level_state(path)]
    assert found == []


def test_the_check_sees_a_module_level_cache(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("import functools\nfrom layout.cache import LruCache\n"
                      "CACHE = LruCache(8)\n@functools.lru_cache\ndef f(): pass\n")
    assert module_level_state(source) == ["m.py:3 LruCache()", "m.py:5 @lru_cache f"]


def test_two_engines_share_no_memo() -> None:
    article = load_article(SAMPLES / "articles" / "news-harbour-strike.json")
    first, second = Engine(development=True), Engine(development=True)
    first.render(article, Viewer())
    memos = second._memos
    assert not memos.sizes._values and not memos.gaps._values and not memos.placements._values
    assert first._memos.sizes._values
    assert not second.renderer._markup._values and first.renderer._markup._values


def test_instance_prefixes_share_one_placement() -> None:
    """A render may name any instance: the engine keeps one placement per reader class,
    not one per instance, and each render still gets its own slot ids."""
    engine = Engine()
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    seen = set()
    for n in range(40):
        html = engine.render(article, Viewer(), "fragment", instance=f"feed-{n}").html
        assert f'id="ad-feed-{n}-mid-1"' in html
        seen.add(len(engine._memos.placements._values))
    assert seen == {1}
    # Their ad configurations are kept a few per article, not one per instance.
    (markup,) = engine.renderer._markup._values.values()
    assert len(markup._ad_configs) <= 16


def test_readers_of_one_placement_share_its_block_items_and_the_cut_is_theirs() -> None:
    """A repeat view reuses its placement's items for the blocks; a reader behind the
    wall gets the items of the teaser only, an entitled reader every block's."""
    engine = Engine(development=True)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    walled = Viewer(meter=spent_meter(engine))
    first, again = engine.plan(article, Viewer(), now=NOW), engine.plan(article, Viewer(), now=NOW)
    blocks = [item for item in first.items() if isinstance(item, BlockItem)]
    assert [item for item in again.items() if isinstance(item, BlockItem)] == blocks
    assert all(a is b for a, b in zip(first.visible_items, again.visible_items, strict=True))
    assert len(blocks) == first.visible_blocks
    subscriber = engine.plan(article, Viewer(audience="subscriber"), now=NOW)
    assert len(subscriber.visible_items) == len(article.blocks)
    gated = engine.plan(article, walled, now=NOW)
    assert gated.wall is not None
    assert len(gated.visible_items) == gated.visible_blocks < len(article.blocks)
    assert [item.index for item in gated.items() if isinstance(item, BlockItem)] == list(
        range(gated.visible_blocks))
    # The teaser's cut is worked out once for the article and the device.
    assert len(engine._memos.cuts._values) == 1

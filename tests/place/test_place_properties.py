"""Placement properties over random articles and random valid rule sets.

Every plan must pass the independent checker (tests/support/plan_checker.py), rendering
must be deterministic, and no block may be lost, duplicated or moved.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout import Engine, Viewer
from layout.article import Article, article_from_data
from layout.blocks import BLOCK_KINDS
from layout.rules import RuleSet
from tests.support.plan_checker import check_plan

# Every kind but raw markup and slot markers (an editor's marker overrides placement).
KINDS = tuple(kind for kind in BLOCK_KINDS if kind not in ("html", "slot"))
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _text(words: int) -> str:
    return " ".join(f"w{i}" for i in range(words))


@st.composite
def blocks(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    if kind == "paragraph":
        return {"kind": kind, "html": _text(draw(st.integers(1, 160)))}
    if kind == "heading":
        return {"kind": kind, "html": _text(draw(st.integers(1, 10))), "level": 2}
    if kind == "image":
        caption = draw(st.integers(0, 20))
        return {
            "kind": kind,
            "src": "https://img.news.test/a.jpg",
            "width": draw(st.integers(100, 2000)),
            "height": draw(st.integers(100, 2000)),
            **({"caption": _text(caption)} if caption else {}),
        }
    if kind == "quote":
        return {"kind": kind, "html": f"<p>{_text(draw(st.integers(1, 60)))}</p>"}
    if kind == "list":
        items = draw(st.lists(st.integers(1, 30), min_size=1, max_size=6))
        return {"kind": kind, "items": [_text(n) for n in items]}
    if kind == "table":
        rows = draw(st.integers(1, 6))
        return {"kind": kind, "html": "<table>" + "<tr><td>a b</td></tr>" * rows + "</table>"}
    if kind == "embed":
        return {
            "kind": kind,
            "provider": "twitter",
            "html": f"<blockquote><p>{_text(draw(st.integers(1, 30)))}</p></blockquote>",
        }
    if kind == "video":
        return {"kind": kind, "provider": "youtube", "video_id": "abc123", "title": "A clip"}
    if kind == "related":
        return {"kind": kind, "url": "https://news.test/other", "title": "Another story"}
    if kind == "audio":
        return {"kind": kind, "provider": "file", "sources": [{"src": "https://a.test/e.mp3"}]}
    if kind == "gallery":
        count = draw(st.integers(1, 5))
        return {"kind": kind, "images": [{"src": f"https://img.news.test/{n}.jpg"}
                                         for n in range(count)]}
    if kind in ("preformatted", "note"):
        return {"kind": kind, "html": _text(draw(st.integers(1, 80)))}
    return {"kind": kind}  # divider, pagebreak


@st.composite
def articles(draw: st.DrawFn) -> Article:
    body = draw(st.lists(blocks(), min_size=0, max_size=30))
    return article_from_data({"id": "story", "headline": "A headline", "blocks": body})


DISTANCE_FIELDS = {
    "words": st.integers(0, 500),
    "paragraphs": st.integers(0, 6),
    "blocks": st.integers(0, 8),
    "pixels": st.integers(0, 2000),
    "viewports": st.sampled_from([0, 0.5, 1, 1.5, 2]),
}
DISTANCE_NAMES = st.lists(st.sampled_from(sorted(DISTANCE_FIELDS)), max_size=3, unique=True)
AVOIDABLE = st.lists(st.sampled_from(BLOCK_KINDS), max_size=3, unique=True)
DESKTOP_SIZES = st.sampled_from([[[728, 90]], [[300, 250]], [[728, 90], [300, 250]]])
AT = st.one_of(
    st.builds(
        lambda n, end: {"after_paragraph": n, "from_end": end}, st.integers(1, 8), st.booleans()
    ),
    st.builds(lambda p: {"percent": p}, st.integers(1, 99)),
)
AUDIENCES = st.lists(
    st.sampled_from(["anonymous", "registered", "subscriber"]), max_size=2, unique=True
)
DEVICES = st.lists(st.sampled_from(["mobile", "desktop"]), max_size=1, unique=True)


def _distance(draw: st.DrawFn) -> dict[str, Any] | None:
    chosen = draw(DISTANCE_NAMES)
    if not chosen and draw(st.booleans()):
        return None
    return {name: draw(DISTANCE_FIELDS[name]) for name in chosen}


def _maybe(draw: st.DrawFn, make: Any) -> Any:
    """``make(draw)`` or None, half the time each."""
    return make(draw) if draw(st.booleans()) else None


def _ad_fields(draw: st.DrawFn, path: str) -> dict[str, Any]:
    sizes = {"mobile": [[300, 250]], "desktop": draw(DESKTOP_SIZES)}
    return {"kind": "ad", "ad_unit": path, "sizes": sizes}


def _spacing(draw: st.DrawFn) -> dict[str, Any]:
    found = {key: _distance(draw) for key in ("same_unit", "same_kind", "any_unit")}
    return {key: value for key, value in found.items() if value is not None}


@st.composite
def in_content_units(draw: st.DrawFn, index: int) -> dict[str, Any]:
    unit: dict[str, Any] = {"id": f"u{index}", "priority": draw(st.integers(-2, 2))}
    if draw(st.booleans()):
        unit.update(_ad_fields(draw, f"/1234/x/u{index}"))
    else:
        unit["kind"] = "promo"
    optional: dict[str, Any] = {
        "start": _distance(draw),
        "every": _maybe(draw, _distance),
        "spacing": _maybe(draw, _spacing),
        "keep_out": _maybe(
            draw,
            lambda d: {
                "last_words": d(st.integers(0, 300)),
                "last_paragraphs": d(st.integers(0, 3)),
            },
        ),
        "min_article": _maybe(
            draw, lambda d: {"words": d(st.integers(0, 800)), "paragraphs": d(st.integers(0, 6))}
        ),
        "min_paragraph_words": _maybe(draw, lambda d: d(st.integers(0, 60))),
        "at": _maybe(draw, lambda d: d(AT)),
        "only": _maybe(draw, lambda d: {"audiences": d(AUDIENCES), "devices": d(DEVICES)}),
    }
    unit.update({key: value for key, value in optional.items() if value is not None})
    unit["max"] = draw(st.integers(0, 5))
    unit["avoid"] = {
        "after": draw(AVOIDABLE),
        "before": draw(AVOIDABLE),
        "next_to": draw(AVOIDABLE),
        "shift": draw(st.integers(0, 3)),
    }
    return unit


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    count = draw(st.integers(1, 3))
    units = [draw(in_content_units(i)) for i in range(count)]
    for position in ("top", "bottom"):
        if draw(st.booleans()):
            fixed = {
                "id": position,
                "position": position,
                **_ad_fields(draw, f"/1234/x/{position}"),
            }
            units.insert(draw(st.integers(0, len(units))), fixed)
    data: dict[str, Any] = {
        "version": 1,
        "name": "random",
        "units": units,
        "density": {"max_ad_ratio": draw(st.sampled_from([0.15, 0.3, 0.5, 1.0]))},
    }
    between = _maybe(draw, _distance)
    if between is not None:
        data["spacing"] = {"between_units": between}
    return RuleSet.model_validate(data)


viewers = st.builds(
    Viewer,
    device=st.sampled_from(["mobile", "desktop"]),
    audience=st.sampled_from(["anonymous", "registered", "subscriber"]),
)


THEME = Engine(RuleSet.model_validate({"version": 1, "name": "theme"}))


def engine_for(rules: RuleSet) -> Engine:
    """An engine for ``rules`` (whose paywall is free) sharing one compiled theme: the theme
    does not depend on the rules, and compiling it for every example would take most of the
    run. The determinism test compares it with a freshly built engine."""
    engine = copy.copy(THEME)
    engine.rules = rules
    return engine


@SETTINGS
@given(article=articles(), rules=rule_sets(), viewer=viewers)
def test_every_plan_obeys_every_rule(article: Article, rules: RuleSet, viewer: Viewer) -> None:
    plan = engine_for(rules).render(article, viewer, format="json").plan
    kinds = [block.kind for block in article.blocks]
    assert check_plan(plan, rules, block_kinds=kinds) == []


@SETTINGS
@given(article=articles(), rules=rule_sets(), viewer=viewers)
def test_no_block_is_lost_duplicated_or_moved(
    article: Article, rules: RuleSet, viewer: Viewer
) -> None:
    plan = engine_for(rules).render(article, viewer, format="json").plan
    listed = [(item["index"], item["kind"]) for item in plan["items"] if item["type"] == "block"]
    assert listed == [(index, block.kind) for index, block in enumerate(article.blocks)]
    words = [item["words"] for item in plan["items"] if item["type"] == "block"]
    assert sum(words) == plan["article"]["words"] == plan["metrics"]["words"]
    units = [item for item in plan["items"] if item["type"] == "unit"]
    assert len({unit["id"] for unit in units}) == len(units)


@SETTINGS
@given(article=articles(), rules=rule_sets(), viewer=viewers)
def test_rendering_twice_gives_the_same_plan_and_html(
    article: Article, rules: RuleSet, viewer: Viewer
) -> None:
    shared, fresh = engine_for(rules), Engine(rules)
    plans = [json.dumps(e.render(article, viewer, format="json").plan) for e in (shared, shared)]
    plans.append(json.dumps(fresh.render(article, viewer, format="json").plan))
    assert plans[0] == plans[1] == plans[2]
    pages = [shared.render(article, viewer).html, fresh.render(article, viewer).html]
    assert pages[0] == pages[1]
    assert "<article" in pages[0]


def test_the_checker_reports_a_violating_plan() -> None:
    rules = RuleSet.model_validate(
        {
            "version": 1,
            "name": "checked",
            "units": [
                {
                    "id": "mid",
                    "kind": "ad",
                    "ad_unit": "/1234/x/mid",
                    "sizes": {"mobile": [[300, 250]]},
                    "start": {"paragraphs": 2},
                    "every": {"words": 100},
                    "max": 1,
                    "avoid": {"after": ["heading"]},
                }
            ],
            "density": {"max_ad_ratio": 0.3},
        }
    )

    def block(index: int, kind: str, words: int) -> dict[str, Any]:
        return {"type": "block", "index": index, "kind": kind, "words": words, "height": 100.0}

    def mid(copy: int, gap: int) -> dict[str, Any]:
        return {
            "type": "unit",
            "kind": "ad",
            "id": f"mid-{copy}",
            "unit": "mid",
            "gap": gap,
            "position": "in_content",
            "reserved_height": 274,
        }

    plan = {
        "article": {"id": "a", "headline": "h", "words": 50},
        "viewer": {"device": "mobile", "audience": "anonymous"},
        "items": [
            block(0, "paragraph", 20),
            mid(1, 1),
            block(1, "heading", 5),
            mid(2, 2),
            block(3, "paragraph", 20),
        ],
        "paywall": {"applied": False},
        "metrics": {
            "ad_density": 0.6,
            "content_height": 848,
            "words": 50,
            "header_height": 100.0,
            "viewport": [375, 740],
        },
        "decisions": [],
    }
    problems = check_plan(plan, rules, block_kinds=["paragraph", "heading", "quote"])
    text = "\n".join(problems)
    assert "block indexes are not 0..2" in text
    assert "mid-1: start: 1 paragraphs before gap 1 < 2" in text
    assert "mid-2: avoid: directly after a heading at gap 2" in text
    assert "spacing (same unit)" in text
    assert "mid: placed 2 times, max 1" in text
    assert "density: ad density 0.6 > cap 0.3" in text
    assert "block kinds" in text
    assert "blocks hold 45 words; the article has 50" in text
    clean = {**plan, "items": [block(0, "paragraph", 20)], "article": {"words": 20}}
    clean["metrics"] = {**plan["metrics"], "ad_density": 0.0, "content_height": 100}
    assert check_plan(clean, rules) == []

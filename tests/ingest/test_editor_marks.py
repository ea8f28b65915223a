"""What a WordPress editor marks in a post reaches the page as they meant it: the teaser's
end (``<!--more-->``) ends the paywall's preview, ``[ad]`` places an ad, ``[ad no]`` turns
ads off, and what ingest kept without understanding is reported to readers who may see it."""

from __future__ import annotations

from typing import Any

import pytest

from layout import Engine, Viewer
from layout.ingest.sources import article_from_html
from layout.rules import parse_rules
from tests.support.corpus import ROOT

ANONYMOUS = Viewer(device="mobile", audience="anonymous")
SUBSCRIBER = Viewer(device="mobile", audience="subscriber")
WORDS = " ".join(f"word{i}" for i in range(70))


def body(count: int, marks: dict[int, str]) -> str:
    """``count`` long paragraphs, with markup inserted before the paragraph of each index."""
    return "".join(marks.get(i, "") + f"<p>{WORDS} {i}</p>" for i in range(count))


def plan(html: str, viewer: Viewer, *, access: str = "premium",
         engine: Engine | None = None) -> dict[str, Any]:
    article = article_from_html(html, {"headline": "Marks", "access": access}, source="marks")
    return (engine or Engine(development=True)).render(article, viewer, format="json").plan


def engine_with_preview(preview: str) -> Engine:
    """The default rules with a registration wall (an anonymous reader always meets it)
    and this preview."""
    text = (ROOT / "layout" / "defaults" / "news-default.yaml").read_text(encoding="utf-8")
    text = text.replace("preview: {paragraphs: 3}", f"preview: {preview}")
    text = text.replace("mode: metered", "mode: registration")
    assert f"preview: {preview}" in text and "mode: registration" in text
    return Engine(rules=parse_rules(text, source="rules.yaml"), development=True)


def test_the_teaser_mark_ends_a_premium_articles_preview() -> None:
    html = body(8, {2: "<!--more-->"})
    assert plan(html, ANONYMOUS)["paywall"]["visible_blocks"] == 2
    assert plan(html, SUBSCRIBER)["paywall"]["visible_blocks"] == 8


@pytest.mark.parametrize(("preview", "access", "visible"), [
    ("{paragraphs: 3}", "metered", 3),  # by default only premium articles use the mark
    ("{paragraphs: 3}", "premium", 2),
    ("{paragraphs: 3, marker: true}", "metered", 2),
    ("{paragraphs: 3, marker: false}", "premium", 3),
])
def test_the_rules_say_whether_the_mark_ends_the_preview(
    preview: str, access: str, visible: int
) -> None:
    html = body(8, {2: "<!--more-->"})
    found = plan(html, ANONYMOUS, access=access, engine=engine_with_preview(preview))
    assert found["paywall"]["visible_blocks"] == visible


def test_an_ad_marker_places_the_first_in_content_ad_unit_there() -> None:
    found = plan(body(8, {6: "<p>[ad]</p>"}), SUBSCRIBER, access="free")
    placed = [(d["unit"], d["gap"], d["code"]) for d in found["decisions"]
              if d["outcome"] == "placed" and d["unit"] == "mid"]
    assert placed == [("mid", 6, "editor-slot")]


def test_ad_no_turns_the_articles_ads_off() -> None:
    found = plan(body(8, {3: "<p>[ad no]</p>"}), SUBSCRIBER, access="free")
    assert found["metrics"]["ad_count"] == 0
    assert all(item["kind"] != "ad" for item in found["items"] if item["type"] == "unit")


def test_a_report_names_only_blocks_the_reader_may_see() -> None:
    html = body(8, {1: "<p>[poll id=1]</p>", 6: "<p>[secret-plugin]</p>"})
    def reported(viewer: Viewer) -> list[str]:
        return [d["message"] for d in plan(html, viewer)["decisions"] if d["outcome"] == "reported"]
    assert reported(ANONYMOUS) == ["the shortcode [poll] is kept as text"]
    assert reported(SUBSCRIBER) == [
        "the shortcode [poll] is kept as text",
        "the shortcode [secret-plugin] is kept as text",
    ]


@pytest.mark.parametrize("holder", [
    '<p title="<!--more-->">Opening line.</p>',
    "<p>Opening <img alt='a <!--more--> b' src='https://img.example/a.png'> line.</p>",
    '<p>Opening <a href="https://e.example/" title="<!--nextpage-->">line</a>.</p>',
])
def test_a_mark_inside_an_attribute_value_is_no_mark(holder: str) -> None:
    """The tokenizer reads "<!--" in an attribute's value as text of the value: only the
    comment after the paragraph is the editor's mark, and the paragraph stays whole."""
    html = holder + "<!--more--><p>After the teaser.</p>"
    article = article_from_html(html, {"headline": "Marks"}, source="marks")
    assert [block.kind for block in article.blocks] == ["paragraph", "paragraph"]
    assert article.teaser_end == 1
    assert "Opening" in article.blocks[0].html and '"&gt;' not in article.blocks[0].html

"""Limits: oversized or absurd input is refused with a clear error, never truncated."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from layout import Article, Engine, Viewer
from layout.article import article_from_data
from layout.errors import InputError
from layout.ingest.sources import article_from_html
from layout.limits import MAX_SUPPORTED_DEPTH, LimitError, Limits
from tests.support.corpus import ROOT


def nested(depth: int) -> str:
    return "<div>" * depth + "<p>deep text</p>" + "</div>" * depth + "<p>after</p>"


def test_nesting_within_the_limit_keeps_every_text() -> None:
    article = article_from_html(nested(150), {}, source="body.html")
    assert [block.kind for block in article.blocks] == ["paragraph", "paragraph"]


@pytest.mark.parametrize("depth", [201, 1000, 10_000])
def test_nesting_over_the_limit_is_refused_not_truncated(depth: int) -> None:
    with pytest.raises(LimitError) as raised:
        article_from_html(nested(depth), {}, source="body.html")
    line = raised.value.lines()[0]
    assert line.startswith("body.html:") and "nesting depth" in line and "200" in line


def test_the_depth_limit_is_configurable() -> None:
    article_from_html(nested(230), {}, source="b", limits=Limits(max_depth=240))
    with pytest.raises(ValueError):
        Limits(max_depth=10_000)  # the walker's stack supports 250 at most
    with pytest.raises(LimitError):
        article_from_html(nested(30), {}, source="b", limits=Limits(max_depth=20))


def test_the_deepest_nesting_the_limits_accept_is_ingested_from_a_deep_stack() -> None:
    """MAX_SUPPORTED_DEPTH is a promise: a body at that depth is walked, not refused with a
    RecursionError, even when the caller is itself deep in a stack (a server, a test)."""
    body = nested(MAX_SUPPORTED_DEPTH - 2)  # + the paragraph + the fragment's own root
    limits = Limits(max_depth=MAX_SUPPORTED_DEPTH)

    def from_depth(frames: int) -> Article:
        if frames:
            return from_depth(frames - 1)
        return article_from_html(body, {}, source="b", limits=limits)

    article = from_depth(200)
    assert [block.kind for block in article.blocks] == ["paragraph", "paragraph"]


def test_body_over_the_size_limit_is_refused() -> None:
    with pytest.raises(LimitError) as raised:
        article_from_html("<p>" + "x" * 2000 + "</p>", {}, source="b",
                          limits=Limits(max_html_bytes=1000))
    assert "body size" in str(raised.value)


@pytest.mark.parametrize(("character", "allowed"), [("é", True), ("€", False), ("😀", False)])
def test_the_size_limit_counts_utf8_bytes_not_characters(character: str, allowed: bool) -> None:
    html = "<p>" + character * 400 + "</p>"  # 407 characters: 807, 1,207 or 1,607 bytes
    limits = Limits(max_html_bytes=1000)
    if allowed:
        assert article_from_html(html, {}, source="b", limits=limits).blocks
        return
    with pytest.raises(LimitError) as raised:
        article_from_html(html, {}, source="b", limits=limits)
    assert "body size" in str(raised.value)


def test_block_count_over_the_limit_is_refused() -> None:
    blocks = [{"kind": "paragraph", "html": f"p{i}"} for i in range(30)]
    article = article_from_data({"id": "many", "headline": "h", "access": "free",
                                 "blocks": blocks})
    with pytest.raises(LimitError) as raised:
        Engine(limits=Limits(max_blocks=20)).render(article, Viewer())
    assert "block count is 30" in str(raised.value)


def test_render_over_the_time_budget_is_an_error() -> None:
    article = article_from_data({"id": "t", "headline": "h", "access": "free",
                                 "blocks": [{"kind": "paragraph", "html": "x"}]})
    with pytest.raises(LimitError) as raised:
        Engine(limits=Limits(time_budget_seconds=0.0)).render(article, Viewer())
    assert "render time" in str(raised.value)


def test_cli_exits_2_with_one_line_for_deep_nesting(tmp_path: Path) -> None:
    body = tmp_path / "deep.html"
    body.write_text(nested(5000), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "layout", "render", str(body)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(body) in lines[0] and "nesting depth" in lines[0]
    assert "Traceback" not in done.stderr


# nh3's time grows with the square of the nesting depth: 8,000 levels of `<ul><li>x` (72 kB)
# took it 0.36 s, and 5 MB of them would take it half an hour. Markup over 4 kB is measured
# first, by lxml, and refused before nh3 sees it, on every path that sanitizes markup.
DEEP_LIST = "<ul><li>x" * 8_000


def test_a_deep_body_is_refused_before_it_is_sanitized() -> None:
    with pytest.raises(LimitError) as raised:
        article_from_html(DEEP_LIST, {}, source="deep.html")
    [line] = raised.value.lines()
    # libxml2 stops counting at its own cap (about 2,000): the depth shown is a floor
    assert re.fullmatch(r"deep\.html: the element nesting depth is \d{4,5}, over the limit of 200",
                        line), line


@pytest.mark.parametrize("block", [
    {"kind": "html", "html": DEEP_LIST},
    {"kind": "table", "html": f"<table><tr><td>{DEEP_LIST}</td></tr></table>"},
    {"kind": "list", "items": [DEEP_LIST]},
    {"kind": "paragraph", "html": DEEP_LIST},
    {"kind": "image", "src": "https://img.example/a.jpg", "caption": DEEP_LIST},
])
def test_deep_markup_in_article_json_is_an_input_error_naming_the_field(block: dict) -> None:
    from layout.ingest.sources import article_from_data_checked

    with pytest.raises(InputError) as raised:
        article_from_data_checked({"id": "d", "headline": "h", "blocks": [block]},
                                  source="deep.json")
    line = raised.value.lines()[0]
    assert line.startswith("deep.json: blocks[0].")
    assert "expected markup nested at most 200 elements deep; found " in line


def test_a_deep_hero_caption_in_a_sidecar_is_refused() -> None:
    with pytest.raises(LimitError) as raised:
        article_from_html("<p>Words.</p>", {"hero": {"src": "a.jpg", "caption": DEEP_LIST}},
                          source="story.meta.json")
    assert "the hero caption's nesting depth is " in raised.value.lines()[0]


@pytest.mark.parametrize("depth", [201, 1300])
def test_short_deep_markup_is_refused_on_every_path(depth: int) -> None:
    """Every markup string is measured before nh3, however short."""
    from layout.ingest.sources import article_from_data_checked

    markup = "<b>" * depth + "x"
    assert len(markup) < 4096
    with pytest.raises(LimitError):
        article_from_html(markup, {}, source="b.html")
    with pytest.raises(LimitError):
        article_from_html("<p>x</p>", {"hero": {"src": "a.jpg", "caption": markup}}, source="m")
    with pytest.raises(InputError):
        article_from_data_checked(
            {"id": "d", "headline": "h", "blocks": [{"kind": "paragraph", "html": markup}]},
            source="deep.json",
        )


def test_unclosed_formatting_markup_does_not_grow_when_sanitized() -> None:
    """An HTML5 parser re-opens formatting elements left open in every block after them:
    4 kB of unclosed <b title=n> and <p>x grew to 1.5 MB in nh3. Sanitized markup now
    grows at most by the end tags lxml writes (about twice)."""
    from layout.html.repair import clean_block_html, clean_inline_html

    markup = "<p>" + "".join(f"<b title={n}>" for n in range(150)) + "</p>" + "<p>x" * 900
    assert len(clean_block_html(markup)) < 3 * len(markup)
    assert len(clean_inline_html(markup)) < 3 * len(markup)
    article = article_from_html(markup * 20, {}, source="b.html")
    assert len(Engine(development=True).render(article, Viewer(audience="subscriber")).html) < (
        3 * 20 * len(markup) + 20_000
    )

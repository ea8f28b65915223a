"""The default theme's direct block writers: the same bytes as the templates they stand
in for, on every block of the samples and the corpus, and a theme's own template wins."""

from __future__ import annotations

import pytest

from layout import Engine
from layout.article import article_from_data
from layout.measure.outline import outline_levels
from layout.render.direct import WRITERS
from layout.render.renderer import BLOCK_TEMPLATES, Renderer, render_template
from tests.support.corpus import corpus_sources, gutenberg_sources, sample_sources


def _blocks_of_kind(kind):
    """(article, block, level) for every block of ``kind`` in every input."""
    for source in sample_sources() + corpus_sources() + gutenberg_sources():
        article = source.load()
        levels = outline_levels(article.blocks)
        for index, block in enumerate(article.blocks):
            if block.kind == kind:
                yield article, block, levels.get(index, 0)


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_writer_gives_the_bytes_of_the_default_template(kind):
    renderer = Renderer()
    template = renderer.template(BLOCK_TEMPLATES[kind])
    compared = 0
    for article, block, level in _blocks_of_kind(kind):
        expected = render_template(template, {"block": block, "level": level, "article": article})
        assert WRITERS[kind](block, level) == expected, (article.id, block)
        compared += 1
    assert compared > 20


@pytest.mark.parametrize("align", [None, "center", "right"])
def test_writer_matches_the_template_for_each_alignment(align):
    renderer = Renderer()
    for kind in ("paragraph", "heading"):
        block = {"kind": kind, "html": "Text & <b>more</b>", "align": align}
        built = article_from_data({"id": "a", "headline": "H", "blocks": [block]}).blocks[0]
        template = renderer.template(BLOCK_TEMPLATES[kind])
        expected = render_template(template, {"block": built, "level": 3, "article": None})
        assert WRITERS[kind](built, 3) == expected


@pytest.mark.parametrize("ordered", [False, True])
def test_list_writer_matches_the_template(ordered):
    renderer = Renderer()
    block = {"kind": "list", "ordered": ordered, "items": ["One &amp; <b>two</b>", ""]}
    built = article_from_data({"id": "a", "headline": "H", "blocks": [block]}).blocks[0]
    template = renderer.template(BLOCK_TEMPLATES["list"])
    expected = render_template(template, {"block": built, "level": 0, "article": None})
    assert WRITERS["list"](built, 0) == expected


def test_a_theme_template_for_a_kind_wins_over_its_writer(tmp_path):
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "paragraph.html.j2").write_text(
        '<p class="house">{{ block.markup }}</p>\n', encoding="utf-8"
    )
    article = article_from_data({
        "id": "a", "headline": "Headline",
        "blocks": [{"kind": "paragraph", "html": "Body text."},
                   {"kind": "heading", "html": "Part two", "level": 2}],
    })
    html = Engine(templates=tmp_path).render(article).html
    assert '<p class="house">Body text.</p>' in html
    assert "<h2>Part two</h2>" in html  # the kind the theme leaves alone keeps its writer


@pytest.mark.parametrize("fields", [
    {"src": "https://img.example/a.jpg?x=1&y=2", "alt": 'A "quoted" <alt>'},
    {"src": "https://img.example/a.jpg", "width": 1200, "height": 800, "align": "right",
     "link": "https://site.example/?a=1&b=2", "caption": "Cap <b>bold</b>", "credit": "R & D"},
    {"src": "https://img.example/a.jpg", "width": 1200, "credit": "Agency"},
    {"caption": "Only a caption"},
])
def test_image_writer_matches_the_template(fields):
    renderer = Renderer()
    built = article_from_data({"id": "a", "headline": "H",
                               "blocks": [{"kind": "image", **fields}]}).blocks[0]
    template = renderer.template(BLOCK_TEMPLATES["image"])
    expected = render_template(template, {"block": built, "level": 0, "article": None})
    assert WRITERS["image"](built, 0) == expected


def test_the_ad_writer_gives_the_bytes_of_the_default_template():
    """Every ad placed in every input, on both devices, with hostile labels too."""
    from layout import Viewer
    from layout.render.direct import UNIT_WRITERS

    engine = Engine(development=True)
    renderer = Renderer()
    template = renderer.template("units/ad.html.j2")
    compared = 0
    for source in sample_sources() + corpus_sources():
        article = source.load()
        for device in ("mobile", "desktop"):
            plan = engine.plan(article, Viewer(device=device), instance="feed-1")
            for unit in plan.units:
                if unit.kind != "ad" or unit.position in ("anchor", "interstitial"):
                    continue
                expected = render_template(template, {"unit": unit, "wall": None,
                                                   "article": article, "paywall": None})
                assert UNIT_WRITERS["units/ad.html.j2"](unit) == expected, (article.id, unit)
                compared += 1
    assert compared > 200


def test_a_theme_ad_template_wins_over_the_ad_writer(tmp_path):
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "ad.html.j2").write_text(
        '<div class="house-ad" id="{{ unit.slot_id }}"></div>\n', encoding="utf-8")
    article = article_from_data({
        "id": "a", "headline": "Headline",
        "blocks": [{"kind": "paragraph", "html": " ".join(["word"] * 80)}] * 12,
    })
    html = Engine(templates=tmp_path).render(article).html
    assert '<div class="house-ad" id="ad-a-top-1"></div>' in html
    assert "ad-slot" not in html.split("<style>")[0] + html.split("</style>")[1]

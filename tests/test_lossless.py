"""No text lost: every sample and corpus page, rendered for a reader entitled to it all."""

from __future__ import annotations

import json

import pytest

from layout import Engine, Viewer
from tests.conftest import report
from tests.support.corpus import Source, corpus_sources, gutenberg_sources, sample_sources
from tests.support.lossless import article_json_source, missing_media, missing_text

ENTITLED = Viewer(device="mobile", audience="subscriber")
SOURCES = sample_sources() + corpus_sources() + gutenberg_sources()


def source_html(source: Source) -> str:
    return source.text if source.is_html else article_json_source(json.loads(source.text))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_every_input_text_run_appears_in_order(engine: Engine, source: Source) -> None:
    for output in ("html", "fragment"):
        rendered = engine.render(source.load(), ENTITLED, format=output).html  # type: ignore[arg-type]
        assert missing_text(source_html(source), rendered) == []


@pytest.mark.parametrize("source", [s for s in SOURCES if s.is_html], ids=lambda s: s.name)
def test_every_media_source_and_image_link_reaches_the_page(engine: Engine, source: Source) -> None:
    rendered = engine.render(source.load(), ENTITLED, format="fragment").html
    assert missing_media(source.text, rendered) == []


def test_lossless_counts(engine: Engine) -> None:
    corpus = [s for s in SOURCES if s not in sample_sources()]
    lossless = sum(
        not missing_text(source_html(s), engine.render(s.load(), ENTITLED).html) for s in SOURCES
    )
    report(
        f"lossless: {lossless}/{len(SOURCES)} inputs "
        f"({len(corpus)} corpus pages, {len(SOURCES) - len(corpus)} samples)"
    )
    assert len(corpus) >= 45
    assert lossless == len(SOURCES)


def test_media_checker_detects_a_lost_link_source_and_player() -> None:
    source = (
        '<p><a href="https://example.test/full"><img src="https://img.test/a.jpg" alt=""></a></p>'
        '<video src="https://cdn.test/v.mp4"></video>'
        '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe>'
        '<iframe src="https://pixel.test/p" width="1" height="1"></iframe>'
    )
    kept = ('<img src="https://img.test/a.jpg"><button data-player='
            '"https://www.youtube-nocookie.com/embed/abcdefghijk?autoplay=1">')
    assert missing_media(source, kept) == ["https://example.test/full", "https://cdn.test/v.mp4"]
    assert missing_media(source, "") == [
        "https://img.test/a.jpg", "https://example.test/full", "https://cdn.test/v.mp4",
        "https://www.youtube.com/embed/abcdefghijk",
    ]


def test_checker_detects_a_dropped_paragraph() -> None:
    source = "<p>first words here</p><p>second words</p>"
    assert missing_text(source, "<p>first words here</p>") == ["secondwords"]
    assert missing_text(source, "<p>second words</p><p>first words here</p>") == ["secondwords"]

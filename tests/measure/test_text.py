"""The text measurements read: from markup, and from the parsed element during the walk."""

from __future__ import annotations

import pytest

from layout.article import article_from_data
from layout.blocks import Paragraph, Preformatted
from layout.blocks.base import MEASURED_TEXT
from layout.measure.text import block_text_of, plain_text, preformatted_text
from tests.support.corpus import corpus_sources, gutenberg_sources, sample_sources


@pytest.mark.parametrize(("html", "text"), [
    ("One  two\nthree", "One two three"),
    ("a\n<b>\nbold</b> c", "a bold c"),  # white space across a tag collapses once
    (" <em>edge</em> ", "edge"),
    ("first<br>second <br/> third", "first\nsecond\nthird"),
    ('<a href="https://x.test/?a>b">link</a> text', "link text"),  # ">" inside a value
    ("fish &amp; chips&nbsp;&lt;3", "fish & chips <3"),
    ("<pre>a\n  b</pre>", "a\nb"),
])
def test_plain_text_collapses_white_space_and_breaks_lines_at_breaks(html: str, text: str) -> None:
    assert plain_text(html) == text


def test_preformatted_text_keeps_its_spaces_and_lines() -> None:
    assert preformatted_text("def f():\n    return <b>1</b>\n") == "def f():\n    return 1"
    block = Preformatted(html="x = 1\n\n  y = 2")
    assert block.measured_text == ("x = 1\n\n  y = 2", 6)


def test_a_paragraph_from_json_is_measured_from_its_markup() -> None:
    article = article_from_data({"id": "a", "headline": "H", "blocks": [
        {"kind": "paragraph", "html": "Two <b>bold</b>\n words"}]})
    paragraph = article.blocks[0]
    assert isinstance(paragraph, Paragraph)
    assert paragraph.measured_text == ("Two bold words", 3)


def _walked_paragraphs() -> list[tuple[str, Paragraph]]:
    found = []
    for source in sample_sources() + corpus_sources() + gutenberg_sources():
        for block in source.load().blocks:
            if isinstance(block, Paragraph):
                found.append((source.name, block))
    return found


def test_the_walk_reads_each_paragraphs_text_as_its_markup_gives_it() -> None:
    """Ingest reads a paragraph's text off the element it writes the markup from; it
    must be what measuring the markup gives, on every paragraph it does it for."""
    paragraphs = _walked_paragraphs()
    walked = [(name, block) for name, block in paragraphs if MEASURED_TEXT in block.__dict__]
    # Most paragraphs are walked from an element (the rest: loose text, a frame's card).
    assert len(walked) >= 0.8 * len(paragraphs) > 1000
    for name, block in walked:
        assert block.measured_text == block_text_of(block.html), (name, block.html)


def test_a_walked_paragraph_is_equal_to_the_same_paragraph_from_json() -> None:
    """The kept text is not part of the model: not dumped, not compared."""
    _, block = next(item for item in _walked_paragraphs()
                    if MEASURED_TEXT in item[1].__dict__)
    again = Paragraph.model_validate(block.model_dump())
    assert "measured_text" not in block.model_dump()
    assert again == block and MEASURED_TEXT not in again.__dict__
    # A copy with other markup measures its own.
    shorter = block.model_copy(update={"html": "Two words"})
    assert shorter.measured_text == ("Two words", 2)

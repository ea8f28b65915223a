"""The article model: strict validation of structure, lenient with unsafe content."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from layout.article import article_from_data


def article(*blocks, **fields):
    data = {"id": "story", "headline": "Headline", "blocks": list(blocks)}
    data.update(fields)
    return article_from_data(data)


def error_locations(excinfo):
    return [tuple(str(step) for step in error["loc"]) for error in excinfo.value.errors()]


def test_minimal_article_is_valid_with_defaults():
    built = article()
    assert (built.lang, built.dir, built.access, built.blocks) == ("en", "ltr", "metered", [])


def test_unknown_top_level_field_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        article(colour="red")
    assert ("colour",) in error_locations(excinfo)


def test_unknown_field_in_a_block_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        article({"kind": "paragraph", "html": "x", "style": "bold"})
    assert any(loc[-1] == "style" for loc in error_locations(excinfo))


def test_missing_headline_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        article_from_data({"id": "story"})
    assert ("headline",) in error_locations(excinfo)


@pytest.mark.parametrize("level", [0, 7])
def test_heading_level_out_of_range_is_rejected(level):
    with pytest.raises(ValidationError) as excinfo:
        article({"kind": "heading", "level": level, "html": "x"})
    assert any(loc[-1] == "level" for loc in error_locations(excinfo))


@pytest.mark.parametrize("level", [1, 6])
def test_heading_levels_one_to_six_are_accepted(level):
    assert article({"kind": "heading", "level": level, "html": "x"}).blocks[0].level == level


def test_unknown_block_kind_is_rejected():
    with pytest.raises(ValidationError):
        article({"kind": "poem", "html": "roses"})


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>"]
)
def test_unsafe_image_src_is_removed_not_an_error(url):
    built = article({"kind": "image", "src": url, "alt": "a"}, hero={"src": url})
    assert built.blocks[0].src is None
    assert built.hero.src is None


def test_data_png_image_src_is_kept():
    src = "data:image/png;base64,iVBORw0KGgo="
    assert article({"kind": "image", "src": src}).blocks[0].src == src


@pytest.mark.parametrize("url", ["javascript:alert(1)", "vbscript:x", "data:image/png;base64,AA=="])
def test_unsafe_related_url_is_removed_not_an_error(url):
    block = article({"kind": "related", "url": url, "title": "Other"}).blocks[0]
    assert block.url is None
    assert block.title == "Other"


def test_safe_related_url_is_kept():
    url = "https://news.test/other"
    assert article({"kind": "related", "url": url, "title": "Other"}).blocks[0].url == url


def test_unsafe_article_url_is_removed():
    assert article(url="javascript:alert(1)").url is None


def test_paragraph_markup_is_sanitized_when_the_model_is_built():
    html = '<b onclick="x()">bold</b><script>alert(1)</script> <a href="javascript:x">l</a>'
    block = article({"kind": "paragraph", "html": html}).blocks[0]
    assert block.html == "<b>bold</b> <a>l</a>"


def test_heading_and_caption_markup_is_sanitized():
    built = article(
        {"kind": "heading", "html": "<div>Title<img src=x onerror=alert(1)></div>"},
        {"kind": "image", "src": "a.jpg", "caption": "<p>Cap</p><script>x</script>"},
    )
    assert built.blocks[0].html == 'Title<img src="x">'
    assert built.blocks[1].caption == "Cap"


def test_list_item_markup_is_sanitized_and_escaped_text_stays_text():
    items = ["<b onclick='x'>one</b>", "5 &lt; 6 &lt;img src=x onerror=alert(1)&gt;"]
    block = article({"kind": "list", "items": items}).blocks[0]
    assert block.items[0] == "<b>one</b>"
    assert "<img" not in block.items[1]
    assert "&lt;img" in block.items[1]


def test_quote_markup_is_sanitized_and_escaped_text_stays_text():
    block = article({"kind": "quote", "html": "&lt;script&gt;alert(1)&lt;/script&gt;"}).blocks[0]
    assert "<script" not in block.html
    assert block.html == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_markup_already_sanitized_by_ingest_is_not_cleaned_twice():
    html = '<span class="kept">x</span>'
    data = {"id": "s", "headline": "h", "blocks": [{"kind": "paragraph", "html": html}]}
    assert article_from_data(data, sanitized=True).blocks[0].html == html
    assert article_from_data(data).blocks[0].html == "<span>x</span>"

"""The page furniture a news article shows: the section tag linking to its section, the
comment count linking to the comments (and schema.org's commentCount), the hero's caption
and credit."""

from __future__ import annotations

import json
from typing import Any

import lxml.html
import pytest

from layout import Engine, Viewer
from layout.article import article_from_data

SUBSCRIBER = Viewer(audience="subscriber")


def page(**fields: Any) -> lxml.html.HtmlElement:
    data = {"id": "furniture", "headline": "Harbour reopens",
            "blocks": [{"kind": "paragraph", "html": "The harbour reopened."}], **fields}
    html = Engine(development=True).render(article_from_data(data), SUBSCRIBER).html
    return lxml.html.document_fromstring(html)


def json_ld(root: lxml.html.HtmlElement) -> dict[str, Any]:
    [script] = root.xpath('//script[@type="application/ld+json"]')
    data: dict[str, Any] = json.loads(script.text)
    return data


def test_the_section_tag_links_to_its_section() -> None:
    root = page(section="Business", section_url="https://news.test/business")
    [link] = root.xpath('//p[@class="story-section"]/a')
    assert (link.text, link.get("href")) == ("Business", "https://news.test/business")


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0 comments"), (1, "1 comment"), (12, "12 comments")]
)
def test_the_comment_count_links_to_the_comments(count: int, text: str) -> None:
    root = page(comment_count=count, comments_url="https://news.test/harbour#comments")
    [link] = root.xpath('//p[@class="story-comments"]/a')
    assert (link.text, link.get("href")) == (text, "https://news.test/harbour#comments")
    assert json_ld(root)["commentCount"] == count


def test_no_comment_furniture_without_a_count_or_a_link() -> None:
    root = page()
    assert root.xpath('//footer[@class="story-footer"]') == []
    assert "commentCount" not in json_ld(root)


def test_an_unsafe_comments_url_is_dropped() -> None:
    root = page(comment_count=3, comments_url="javascript:alert(1)")
    [link] = root.xpath('//p[@class="story-comments"]/a')
    assert link.get("href") == "#comments"


def test_the_hero_shows_its_caption_and_credit() -> None:
    root = page(hero={"src": "https://img.test/h.jpg", "alt": "", "caption": "Dawn at the quay",
                      "credit": "Ann Lee"})
    [caption] = root.xpath('//header//figcaption')
    assert caption.text_content().split() == ["Dawn", "at", "the", "quay", "Ann", "Lee"]

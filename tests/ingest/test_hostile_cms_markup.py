"""CMS markup written to break the reading of it: forged WordPress attributes, comments
that never close, blocks that hide text or media where a rule would not look, values
outside their grammar. Each case keeps its text and media, never leaks gated content and
raises nothing but the project's errors."""

from __future__ import annotations

import contextlib
import json

import pytest

from layout import Engine, Viewer
from layout.errors import InputError
from layout.html.grammar import is_html_datetime
from layout.ingest.sources import article_from_html, article_from_json
from layout.ingest.wordpress import mark_blocks
from tests.support.lossless import missing_media, missing_text

SUBSCRIBER = Viewer(audience="subscriber")
ANONYMOUS = Viewer(audience="anonymous")


def page(body: str, viewer: Viewer = SUBSCRIBER, **meta: object) -> str:
    article = article_from_html(body, {"headline": "Hostile", **meta}, source="hostile.html")
    return Engine(development=True).render(article, viewer).html


@pytest.mark.parametrize("body", [
    '<!-- wp:social-links --><ul class="wp-block-social-links"><!-- wp:social-link '
    '{"url":"javascript:alert(1)","service":"x"} /--></ul><!-- /wp:social-links -->',
    '<ul class="wp-block-social-links"><li><div data-wp-block="social-link" '
    "data-wp-attrs='{\"url\":\"javascript:alert(2)\"}' data-wp-void></div></li></ul>",
    "<div data-wp-block=\"embed\" data-wp-attrs='{\"url\":\"javascript:alert(3)\"}'>"
    "<figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">x</div>"
    "</figure></div>",
])
def test_no_script_url_comes_from_block_attributes(body: str) -> None:
    rendered = page(f"<p>Opening.</p>{body}")
    assert "javascript:" not in rendered
    assert "data-wp-" not in rendered


def test_attributes_written_into_the_body_are_not_the_walks() -> None:
    marked = mark_blocks('<div title="a>b" data-wp-block="gallery" DATA-WP-ATTRS="{}">t</div>')
    assert "data-wp-block" not in marked.lower() and "data-wp-attrs" not in marked.lower()


def test_the_attribute_names_as_text_stay_text() -> None:
    source = "<p>Set <code>data-wp-block</code> on the wrapper.</p>"
    assert missing_text(source, page(source)) == []


@pytest.mark.parametrize("body", [
    "<!-- wp:a {" * 2000 + "<p>after</p>",
    "<!--more " * 2000 + "<p>after</p>",
    "<!-- wp:group {--><p>Paragraph kept</p><!-- x } --><p>after</p>",
])
def test_comments_that_never_close_or_span_others_lose_no_text(body: str) -> None:
    """What a browser shows of the input (an unclosed comment hides the rest, as in a
    browser) is on the page; a delimiter never reaches across a comment's end."""
    source = f"<p>Opening.</p>{body}"
    assert missing_text(source, page(source)) == []


@pytest.mark.parametrize("body", [
    '<div data-wp-block="latest-posts" data-wp-void>Text inside a void block</div>',
    '<ul class="wp-block-social-links"><li><a href="https://social.test/@p">Follow us</a>'
    "</li></ul>",
    '<!-- wp:embed {"url":"https://example.com/post"} --><p>Text in the embed block</p>'
    "<!-- /wp:embed -->",
    '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">https://example.com/a'
    "</div><p>More words</p></figure>",
])
def test_text_where_a_wordpress_rule_looks_is_kept(body: str) -> None:
    source = f"<p>Opening.</p>{body}"
    assert missing_text(source, page(source)) == []


@pytest.mark.parametrize("body", [
    '<figure><video src="https://v.test/a.mp4"></video><img src="https://i.test/a.jpg" alt="">'
    "</figure>",
    '<figure class="wp-block-gallery"><figure><img src="https://i.test/1.jpg" alt=""></figure>'
    '<figure><img src="https://i.test/2.jpg" alt=""></figure>'
    '<video src="https://v.test/b.mp4"></video></figure>',
    '<figure><table><tr><td>cell</td></tr></table><img src="https://i.test/t.jpg" alt=""></figure>',
    '<ul><li><audio src="https://a.test/a.mp3">Listen: the full interview</audio></li></ul>',
])
def test_media_beside_other_media_is_kept(body: str) -> None:
    source = f"<p>Opening.</p>{body}"
    rendered = page(source)
    assert missing_media(source, rendered) == []
    assert missing_text(source, rendered) == []


def test_an_audio_card_loads_only_its_providers_player() -> None:
    article = {"id": "a", "headline": "h", "blocks": [
        {"kind": "audio", "provider": "spotify", "src": "https://evil.example/phish"}]}
    from layout.article import article_from_data

    html = Engine(development=True).render(article_from_data(article), SUBSCRIBER).html
    assert 'data-player="https://evil.example' not in html


def test_a_report_tied_to_no_block_is_not_shown_past_the_wall() -> None:
    story = {"type": "story", "version": "0.10.12", "_id": "s", "headlines": {"basic": "h"},
             "content_restrictions": {"content_code": "premium"},
             "content_elements": [{"type": "text", "content": f"Paragraph {i}."} for i in range(4)]
             + [{"type": "secret_poll_widget"}]}
    article = article_from_json(json.dumps(story), source="s.json")
    plan = Engine(development=True).render(article, ANONYMOUS, format="json").plan
    assert plan["paywall"]["applied"] and plan["paywall"]["hidden_blocks"] is None
    assert [d for d in plan["decisions"] if d["outcome"] == "reported"] == []
    plan = Engine(development=True).render(article, SUBSCRIBER, format="json").plan
    assert [d["code"] for d in plan["decisions"] if d["outcome"] == "reported"] == [
        "unknown-element"]


@pytest.mark.parametrize("meta", [{"teaser_end": "3"}, {"teaser_end": [1]}, {"teaser_end": True}])
def test_odd_metadata_beside_a_leading_heading_is_an_input_error_or_renders(meta: dict) -> None:
    with contextlib.suppress(InputError):  # the heading becomes the headline: marks shift
        page("<h1>Headline</h1><p>One.</p><!--more--><p>Two.</p>", headline="Headline", **meta)


def test_a_datetime_of_thousands_of_digits_is_not_one() -> None:
    assert not is_html_datetime("1" * 6000)
    assert "time" not in page('<p><time datetime="' + "1" * 6000 + '">then</time></p>')


def test_an_infinite_ans_duration_is_an_input_error() -> None:
    story = ('{"type":"story","version":"0.10.12","_id":"s","headlines":{"basic":"h"},'
             '"content_elements":[{"type":"video","_id":"v","duration":1e400}]}')
    with pytest.raises(InputError):
        article_from_json(story, source="s.json")


THEME_CLASSES = ["ad-slot", "ad-frame", "ad-label", "paywall", "story-body", "frame-play",
                 "related-card", "list"]


@pytest.mark.parametrize("name", THEME_CLASSES)
def test_the_body_cannot_dress_its_markup_as_the_theme(name: str) -> None:
    """The source's classes are read by the recognizers and go: on the page they would
    be the theme's (a body's ``class="ad-slot"`` is no ad slot)."""
    body = (f'<p class="{name}">One <a class="{name}" href="https://e.example/">link</a> '
            f'<span class="{name}">span</span></p><table class="{name}"><tr>'
            f'<td class="{name}">cell</td></tr></table><ul class="{name}"><li class="{name}">'
            f'item</li></ul><blockquote class="{name}"><p class="{name}">Quoted.</p>'
            f'</blockquote><div class="{name}"><section class="{name}">Raw</section></div>')
    article = article_from_html(body, {"headline": "Classes"}, source="classes.html")
    for block in article.blocks:
        kept = " ".join(filter(None, [getattr(block, "html", None),
                                      *(getattr(block, "items", None) or [])]))
        assert f'class="{name}"' not in kept, block
    assert not missing_text(body, Engine(development=True).render(article, SUBSCRIBER).html)


def test_the_engine_keeps_its_own_mark_on_a_frame_turned_link() -> None:
    article = article_from_html('<p>See <iframe src="https://unknown.example/x"></iframe></p>',
                                {"headline": "Frame"}, source="frame.html")
    assert 'class="frame-link"' in article.blocks[0].html

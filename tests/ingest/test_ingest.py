"""Ingest: body HTML becomes typed blocks, and no text a reader sees is lost."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from layout import Engine
from layout.ingest.body import ingest_html
from tests.support.lossless import missing_text

PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


def ingest(html, meta=None):
    meta = {"headline": "Headline"} if meta is None else meta
    return ingest_html(html, dict(meta), default_id="story")


def kinds(html, meta=None):
    return [block.kind for block in ingest(html, meta).blocks]


def test_nested_wrappers_are_unwrapped():
    html = "<div><section><article><main><p>One</p></main></article></section></div><p>Two</p>"
    assert [b.html for b in ingest(html).blocks] == ["One", "Two"]


def test_loose_text_between_blocks_becomes_a_paragraph():
    blocks = ingest("<p>One</p>Loose <b>text</b> here<p>Two</p>").blocks
    assert [b.kind for b in blocks] == ["paragraph"] * 3
    assert blocks[1].html == "Loose <b>text</b> here"


def test_paragraph_that_is_a_single_link_becomes_a_related_card():
    (block,) = ingest('<p><a href="https://news.test/other">Other story</a></p>').blocks
    assert block.kind == "related"
    assert block.url == "https://news.test/other"
    assert block.title == "Other story"


def test_paragraph_with_a_link_inside_text_stays_a_paragraph():
    assert kinds('<p>See <a href="https://news.test/o">this</a> too</p>') == ["paragraph"]


def test_figure_becomes_image_with_caption_and_credit():
    (block,) = ingest(
        '<figure><img src="https://i.test/a.jpg" alt="Gates"><figcaption>Pickets at <em>dawn</em>'
        ' <span class="credit">Jo Bloggs</span></figcaption></figure>'
    ).blocks
    assert block.kind == "image"
    assert block.src == "https://i.test/a.jpg"
    assert block.alt == "Gates"
    assert "Pickets at <em>dawn</em>" in block.caption
    assert "Jo Bloggs" not in block.caption
    assert block.credit == "Jo Bloggs"


@pytest.mark.parametrize("attribute", ["data-src", "data-original", "data-lazy-src"])
def test_lazy_image_gets_its_real_source(attribute):
    html = f'<p><img src="{PLACEHOLDER}" {attribute}="https://i.test/real.jpg" alt="r"></p>'
    (block,) = ingest(html).blocks
    assert block.kind == "image"
    assert block.src == "https://i.test/real.jpg"


def test_lazy_image_in_a_figure_gets_its_real_source():
    html = (
        f'<figure><img src="{PLACEHOLDER}" data-src="https://i.test/real.jpg" alt="">'
        "<figcaption>Cap</figcaption></figure>"
    )
    (block,) = ingest(html).blocks
    assert (block.src, block.caption) == ("https://i.test/real.jpg", "Cap")


@pytest.mark.parametrize(
    ("src", "provider", "video_id"),
    [
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("//www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://player.vimeo.com/video/76979871", "vimeo", "76979871"),
        ("https://www.dailymotion.com/embed/video/x8abc12", "dailymotion", "x8abc12"),
        ("https://cdn.jwplayer.com/players/AbCd1234-XyZ98765.html", "jwplayer", "AbCd1234"),
        (
            "https://players.brightcove.net/1234567890/default_default/index.html?videoId=6312345",
            "brightcove",
            "6312345",
        ),
    ],
)
def test_known_video_iframe_becomes_video_block(src, provider, video_id):
    blocks = ingest(f'<p>Before</p><iframe src="{src}" title="Clip"></iframe><p>After</p>').blocks
    assert [b.kind for b in blocks] == ["paragraph", "video", "paragraph"]
    video = blocks[1]
    assert (video.provider, video.video_id, video.title) == (provider, video_id, "Clip")


def test_unknown_iframe_becomes_a_link_to_its_page_and_loads_nothing():
    article = ingest(
        '<p>Before</p><iframe src="https://evil.example/x">fallback</iframe><p>After</p>'
    )
    assert [b.kind for b in article.blocks] == ["paragraph"] * 3
    assert article.blocks[1].html == (
        '<a href="https://evil.example/x" class="frame-link" rel="nofollow">evil.example</a>'
    )
    html = Engine().render(article).html
    assert "<iframe" not in html and "fallback" not in html


@pytest.mark.parametrize(
    "src", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "about:blank", ""]
)
def test_unknown_iframe_without_a_web_url_leaves_nothing(src):
    article = ingest(f'<p>Before</p><iframe src="{src}">fallback</iframe><p>After</p>')
    assert [b.html for b in article.blocks] == ["Before", "After"]


def test_tracking_frame_leaves_nothing():
    article = ingest(
        '<p>Before <iframe src="https://t.example/p" width="1" height="1"></iframe>after</p>'
    )
    assert [b.html for b in article.blocks] == ["Before after"]


@pytest.mark.parametrize(
    ("css_class", "provider", "url"),
    [
        ("twitter-tweet", "twitter", "https://twitter.com/u/status/1"),
        ("instagram-media", "instagram", "https://www.instagram.com/p/abc/"),
        ("tiktok-embed", "tiktok", "https://www.tiktok.com/@u/video/1"),
    ],
)
def test_social_blockquote_becomes_embed_block(css_class, provider, url):
    (block,) = ingest(
        f'<blockquote class="{css_class}"><p>Post text</p><a href="{url}">link</a></blockquote>'
    ).blocks
    assert (block.kind, block.provider, block.url) == ("embed", provider, url)
    assert "Post text" in block.html


def test_plain_blockquote_becomes_quote():
    (block,) = ingest("<blockquote><p>Said <em>this</em></p></blockquote>").blocks
    assert block.kind == "quote"
    assert block.html == "<p>Said <em>this</em></p>"


def test_lists_become_list_blocks_with_ordered_flag_and_inline_markup():
    blocks = ingest(
        '<ul><li>a <b>bold</b></li><li><a href="https://x.test/">b</a></li></ul><ol><li>one</li></ol>'
    ).blocks
    assert [(b.kind, b.ordered) for b in blocks] == [("list", False), ("list", True)]
    assert blocks[0].items == ["a <b>bold</b>", '<a href="https://x.test/">b</a>']
    assert blocks[1].items == ["one"]


def test_table_becomes_table_block():
    (block,) = ingest("<table><tr><th>Year</th></tr><tr><td>2026</td></tr></table>").blocks
    assert block.kind == "table"
    assert "<td>2026</td>" in block.html


def test_hr_becomes_divider():
    assert kinds("<p>a</p><hr><p>b</p>") == ["paragraph", "divider", "paragraph"]


def test_unknown_element_is_kept_as_raw_html_block():
    html = "<dl><dt>Term</dt><dd>Meaning</dd></dl>"
    (block,) = ingest(html).blocks
    assert block.kind == "html"
    assert block.html == html


def test_preformatted_text_keeps_its_lines_and_spaces():
    (block,) = ingest("<pre>line 1\n  line 2</pre>").blocks
    assert (block.kind, block.variant, block.html) == ("preformatted", "pre", "line 1\n  line 2")


def test_leading_h1_becomes_headline_when_metadata_has_none():
    article = ingest("<h1>Council votes</h1><p>Body</p>", meta={})
    assert article.headline == "Council votes"
    assert [b.kind for b in article.blocks] == ["paragraph"]


def test_leading_h1_equal_to_metadata_headline_is_shown_once():
    article = ingest("<h1>Council votes</h1><p>Body</p>", meta={"headline": "Council votes"})
    assert article.headline == "Council votes"
    assert [b.kind for b in article.blocks] == ["paragraph"]


def test_leading_h1_different_from_metadata_headline_stays_in_the_body():
    article = ingest("<h1>Kicker</h1><p>Body</p>", meta={"headline": "Council votes"})
    assert article.headline == "Council votes"
    assert [b.kind for b in article.blocks] == ["heading", "paragraph"]


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_leading_heading_of_any_level_titles_a_body_without_headline(level):
    article = ingest(f"<h{level}>Council votes</h{level}><p>Body</p>", meta={})
    assert article.headline == "Council votes"
    assert [b.kind for b in article.blocks] == ["paragraph"]


def test_a_leading_heading_with_an_image_or_link_titles_the_body_and_stays_in_it():
    html = ('<h1><img src="https://img.example/logo.png" alt="Logo"> Big <a href="/x">story</a>'
            "</h1><p>Body</p>")
    article = ingest(html, meta={})
    assert article.headline == "Big story"
    assert [b.kind for b in article.blocks] == ["heading", "paragraph"]
    assert "logo.png" in Engine().render(article).html


def test_a_line_break_in_a_leading_heading_is_a_space_in_the_headline():
    assert ingest("<h1>Lead<br>Sub</h1><p>Body</p>", meta={}).headline == "Lead Sub"


def test_a_body_without_headline_or_leading_heading_is_titled_by_its_id():
    article = ingest("<p>Opening words</p><h2>Later heading</h2>", meta={})
    assert article.headline == "story"
    assert [b.kind for b in article.blocks] == ["paragraph", "heading"]


TRICKY = {
    "text directly inside ul": "<ul>Intro text<li>one</li>between<li>two</li>after</ul>",
    "figcaption mid-figure": (
        '<figure><img src="https://i.test/a.jpg" alt=""><figcaption>Middle caption</figcaption>'
        "<p>Below the caption</p></figure>"
    ),
    "dl without dd": "<dl><dt>Term only</dt><dt>Second term</dt></dl>",
    "deeply nested wrappers": (
        "<div><div><section><div><article><div><main><div><p>Deep text</p>tail deep</div>"
        "</main></div></article></div></section></div>outer tail</div><p>Last</p>"
    ),
    "comments": "<p>Before<!-- hidden --> after</p><!-- between --><p>Next <!--x-->one</p>",
    "inline run around a block": "<div>lead <b>bold</b><p>para</p>trailing <i>it</i></div>",
}


@pytest.mark.parametrize("html", TRICKY.values(), ids=TRICKY.keys())
def test_ingest_and_render_lose_no_text(html):
    article = ingest(html)
    rendered = Engine().render(article).html
    assert missing_text(html, rendered) == []


def test_hero_caption_in_sidecar_metadata_is_sanitized() -> None:
    from layout.ingest.sources import article_from_html

    meta = {"headline": "h", "hero": {"src": "https://img.example-news.test/a.jpg",
                                      "caption": "Dawn <script>alert(1)</script><b>x</b>"}}
    article = article_from_html("<p>Body.</p>", meta, source="story.meta.json")
    assert article.hero is not None and article.hero.caption is not None
    assert "<script" not in article.hero.caption and "<b>x</b>" in article.hero.caption


def test_a_block_with_two_alignments_gets_the_same_one_in_every_process() -> None:
    """The block's place in the column wins over its text's, whatever the order of the
    classes and the process's string hashing (a set's order must not decide it)."""
    script = (
        "from layout.ingest.body import ingest_html\n"
        "for html in ('<h2 class=\"alignwide has-text-align-center\">T</h2><p>x</p>',\n"
        "             '<h2 class=\"has-text-align-center alignwide\">T</h2><p>x</p>'):\n"
        "    print(ingest_html(html, {'headline': 'H'}, default_id='a').blocks[0].align)\n"
    )
    seen = set()
    for seed in ("0", "1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed})
        seen.add(done.stdout)
    assert seen == {"wide\nwide\n"}

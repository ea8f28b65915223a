"""Rendering: deterministic, escaped, with a valid outline and safe theme failures."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from layout import Engine, Viewer, load_article
from layout.article import article_from_data
from layout.errors import ConfigError
from tests.support.corpus import SAMPLES, sample_sources
from tests.support.readers import NOW, mixed_readers, spent_meter

SAMPLE = SAMPLES / "articles" / "news-harbour-strike.json"
EVIL = "<script>alert(1)</script>"


def article(*blocks, **fields):
    data = {"id": "story", "headline": "Headline", "blocks": list(blocks)}
    data.update(fields)
    return article_from_data(data)


def page(built, **engine_options):
    return Engine(**engine_options).render(built).html


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("fmt", ["html", "fragment"])
def test_output_is_the_same_bytes_every_time(fmt):
    viewer = Viewer(device="desktop")
    first = Engine().render(load_article(SAMPLE), viewer, format=fmt).html
    second = Engine().render(load_article(SAMPLE), viewer, format=fmt).html
    assert first.encode() == second.encode()
    assert len(first) > 1000


def test_plan_json_is_the_same_every_time():
    engine = Engine()
    first = json.dumps(engine.render(load_article(SAMPLE), format="json").plan)
    assert json.dumps(engine.render(load_article(SAMPLE), format="json").plan) == first


def test_script_headline_is_escaped_in_title_h1_and_og_tags():
    html = page(article(headline=EVIL, url="https://news.test/a"))
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<title>{escaped}</title>" in html
    assert f'<h1 class="story-headline">{escaped}</h1>' in html
    assert f'<meta property="og:title" content="{escaped}">' in html
    assert EVIL not in html


def test_json_ld_cannot_close_its_script_element():
    built = article(
        {"kind": "paragraph", "html": "a &lt;/script&gt; b"},
        headline="</script><script>alert(1)</script>",
        byline="A <b>&</b> B",
    )
    script = json_ld(page(built))
    assert "</script" not in script.lower()
    assert "<" not in script
    data = json.loads(script)
    assert data["headline"] == "</script><script>alert(1)</script>"
    assert data["author"][0]["name"] == "A <b>&</b> B"


def test_heading_levels_never_skip():
    built = article(
        {"kind": "paragraph", "html": "Intro"},
        {"kind": "heading", "level": 4, "html": "First section"},
        {"kind": "heading", "level": 6, "html": "Subsection"},
        {"kind": "heading", "level": 2, "html": "Second section"},
    )
    html = page(built)
    assert re.findall(r"<h(\d)[ >]", html) == ["1", "2", "3", "2"]
    assert "<h2>First section</h2>" in html


def test_h1_in_the_body_renders_below_the_page_headline():
    html = page(article({"kind": "heading", "level": 1, "html": "Kicker"}))
    assert "<h2>Kicker</h2>" in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    ("block", "player"),
    [
        (
            {"provider": "youtube", "video_id": "dQw4w9WgXcQ"},
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
        ),
        (
            {"provider": "vimeo", "video_id": "76979871"},
            "https://player.vimeo.com/video/76979871?autoplay=1",
        ),
        (
            {
                "provider": "jwplayer",
                "src": "https://cdn.jwplayer.com/players/AbCd1234-XyZ98765.html",
            },
            "https://cdn.jwplayer.com/players/AbCd1234-XyZ98765.html",
        ),
    ],
)
def test_video_renders_a_click_to_play_button_with_player_url_and_duration(block, player):
    built = article({"kind": "video", "title": "Bridge lift", "duration": 125, **block})
    html = page(built)
    button = re.search(r'<button type="button" class="video-play"[^>]*>', html)
    assert button is not None
    assert f'data-player="{player}"' in button.group(0)
    assert '<span class="video-duration">2:05</span>' in html
    assert "<iframe" not in html


def test_video_duration_over_an_hour_shows_hours():
    html = page(
        article(
            {"kind": "video", "provider": "youtube", "video_id": "dQw4w9WgXcQ", "duration": 3725}
        )
    )
    assert '<span class="video-duration">1:02:05</span>' in html


def test_undefined_name_in_a_theme_template_raises(tmp_path):
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "paragraph.html.j2").write_text(
        "<p>{{ no_such_name }}</p>\n", encoding="utf-8"
    )
    engine = Engine(templates=tmp_path)
    with pytest.raises(ConfigError, match="UndefinedError: 'no_such_name' is undefined"):
        engine.render(article({"kind": "paragraph", "html": "x"}))


@pytest.mark.parametrize("name", ["page.html.j2", "blocks/paragraph.html.j2"])
def test_an_error_in_a_theme_template_points_at_the_templates_own_line(tmp_path, name):
    """A theme's bug is reported where it is: the traceback ends in the template's file,
    at its line, as Jinja's own rendering reports it."""
    (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / name).write_text("<p>\n{{ 1 // 0 }}</p>\n", encoding="utf-8")
    with pytest.raises(ZeroDivisionError) as raised:
        Engine(templates=tmp_path).render(article({"kind": "paragraph", "html": "x"}))
    last = raised.traceback[-1]
    assert str(last.path).endswith(name) and last.lineno + 1 == 2


def test_undefined_attribute_in_a_theme_template_raises(tmp_path):
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "paragraph.html.j2").write_text(
        "<p>{{ block.no_such_field }}</p>\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"UndefinedError: .*no_such_field"):
        Engine(templates=tmp_path).render(article({"kind": "paragraph", "html": "x"}))


def test_escaped_markup_in_list_and_quote_text_renders_as_text_not_tags():
    built = article(
        {"kind": "list", "items": ["&lt;img src=x onerror=alert(1)&gt;"]},
        {"kind": "quote", "html": "&lt;script&gt;alert(2)&lt;/script&gt;"},
    )
    html = Engine().render(built, format="fragment").html
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("source", sample_sources(), ids=lambda s: s.name)
def test_a_shared_engine_renders_like_a_fresh_one(source) -> None:
    """Blocks and units rendered for one reader and reused for others give the same page
    as rendering everything anew for each reader."""
    shared = Engine(development=True)
    article = source.load()
    for viewer in mixed_readers(shared):
        for fmt in ("html", "fragment"):
            reused = shared.render(article, viewer, fmt, now=NOW).html
            fresh = Engine(development=True).render(source.load(), viewer, fmt, now=NOW).html
            assert reused == fresh, (viewer, fmt)


def test_the_end_anchor_follows_the_gated_section() -> None:
    """The preview's last gap marker sits after the whole text, not inside its gated part."""
    engine = Engine(development=True)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    result = engine.render(article, Viewer(audience="subscriber"), annotate=True)
    document = lxml.html.document_fromstring(result.html)
    gated = document.xpath('//div[@class="gated"]')
    assert gated, "the sample should have a gated section for a subscriber"
    anchors = document.xpath("//template[@data-gap]")
    last = anchors[-1]
    assert last.get("data-gap") == str(result.layout_plan.visible_blocks)
    assert gated[0] not in list(last.iterancestors())


def test_the_page_metadata_is_made_once_per_reader_class(monkeypatch) -> None:
    """The description and JSON-LD are a function of the article, the part shown and the
    access mode: a repeat reader of the same class reuses them, another class gets its
    own."""
    import layout.render.renderer as renderer

    made = []
    original = renderer.news_article

    def counting(*args, **kwargs):
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(renderer, "news_article", counting)
    engine = Engine(development=True)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    def data(viewer: Viewer) -> dict:
        return json.loads(json_ld(engine.render(article, viewer, now=NOW).html))

    first = data(Viewer())
    again = data(Viewer(consent=False))
    subscriber = data(Viewer(audience="subscriber"))
    walled = data(Viewer(meter=spent_meter(engine)))
    assert len(made) == 2
    assert again == first == subscriber
    assert walled["wordCount"] < first["wordCount"]
    assert "hasPart" in first and "hasPart" not in walled

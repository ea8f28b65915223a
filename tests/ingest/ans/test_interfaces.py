"""ANS stories through every way in (file, CLI, HTTP API), the mapping's choices that the
fixtures do not pin down, and what stays as it was for article JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from layout import load_article
from layout.errors import InputError
from layout.ingest.ans import article_from_ans, is_ans
from layout.ingest.sources import article_from_data_checked, article_from_json
from layout.limits import LimitError
from tests.ingest.ans.corpus import FIXTURES
from tests.support.cli import layout
from tests.support.corpus import SAMPLES
from tests.support.server import running_server

STORY = FIXTURES / "story-fixture-good.json"
BAD_STORY = FIXTURES / "story-fixture-bad-wrong-version.json"


def story(*elements: Any, **fields: Any) -> dict[str, Any]:
    return {"type": "story", "version": "0.10.12", "_id": "s1",
            "headlines": {"basic": "Headline"}, "content_elements": list(elements), **fields}


def test_load_article_reads_an_ans_file() -> None:
    article = load_article(STORY)
    assert article.id == "unique ANS id"
    assert article.headline == "The default headline for this story"
    assert article.byline == "John Q. Reporter"
    assert article.tags == ["Fred", "Writing"]
    assert article.hero is not None and article.hero.credit == "Ansel Adams"
    assert article.published is not None and article.published.day == 25


def test_the_file_stem_is_the_id_of_a_story_without_one(tmp_path: Path) -> None:
    path = tmp_path / "no-id.json"
    data = story({"type": "text", "content": "Hello"})
    del data["_id"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_article(path).id == "no-id"


def test_a_bad_file_names_file_line_and_path() -> None:
    with pytest.raises(InputError) as caught:
        load_article(BAD_STORY)
    (line,) = caught.value.lines()
    assert line.startswith(f"{BAD_STORY}:4:")
    assert "version: expected an ANS version" in line and '"0.1.0"' in line


def test_cli_renders_a_story() -> None:
    result = layout("render", STORY, "--format", "json", "--audience", "subscriber")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["article"]["id"] == "unique ANS id"
    kinds = [item["kind"] for item in plan["items"] if item["type"] == "block"]
    assert kinds[:4] == ["paragraph", "paragraph", "image", "list"]


def test_cli_refuses_a_bad_story_in_one_line() -> None:
    result = layout("render", BAD_STORY, "--format", "json")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(BAD_STORY) in lines[0] and "version" in lines[0]


def test_http_api_renders_a_story_and_refuses_a_bad_one() -> None:
    data = json.loads(STORY.read_text(encoding="utf-8"))
    bad = json.loads(BAD_STORY.read_text(encoding="utf-8"))
    with running_server() as server:
        good = httpx.post(server.url + "/v1/render", timeout=30, json={
            "article": data, "viewer": {"audience": "subscriber"}, "format": "json"})
        refused = httpx.post(server.url + "/v1/render", timeout=30, json={"article": bad})
    assert good.status_code == 200, good.text
    assert good.json()["article"]["headline"] == "The default headline for this story"
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "version" in refused.text


def test_detection() -> None:
    assert is_ans(story())
    assert is_ans({"type": "not-a-story", "version": "0.10.12", "content_elements": []})
    sample = json.loads((SAMPLES / "articles" / "brief-council-vote.json").read_text("utf-8"))
    assert not is_ans(sample)
    assert article_from_data_checked(sample, source="request").id == sample["id"]


def test_article_json_errors_are_unchanged() -> None:
    with pytest.raises(InputError) as caught:
        article_from_json('{"id": "x", "headline": "h", "blocks": [{"kind": "nope"}]}',
                          source="a.json")
    assert all(not p.location.startswith("content_elements") for p in caught.value.problems)


def test_unknown_elements_are_kept_and_reported() -> None:
    article = article_from_ans(story(
        {"type": "text", "content": "First"},
        {"type": "poll", "title": "Which <one>?", "url": "https://polls.example/1"},
        {"type": "sparkle"},
    ), source="s.json")
    assert [block.kind for block in article.blocks] == ["paragraph", "html"]
    assert "Which &lt;one&gt;?" in article.blocks[1].html  # type: ignore[union-attr]
    assert "https://polls.example/1" in article.blocks[1].html  # type: ignore[union-attr]
    reports = [(r.code, r.block) for r in article.reports]
    assert reports == [("unknown-element", 1), ("unknown-element", None)]
    assert "'poll'" in article.reports[0].message


def test_video_in_milliseconds_and_file_sources() -> None:
    video = {"type": "video", "duration": 139_400, "headlines": {"basic": "Waves"},
             "streams": [{"url": "https://v.example/a.mp4", "stream_type": "mp4"},
                         {"url": "https://v.example/a.m3u8", "stream_type": "ts"},
                         {"url": "https://v.example/a.mp4", "stream_type": "mp4"}],
             "promo_items": {"basic": {"type": "image", "url": "https://i.example/p.jpg"}}}
    (block,) = article_from_ans(story(video), source="s").blocks
    assert block.kind == "video" and block.duration == 139 and block.title == "Waves"
    assert [(s.src, s.type) for s in block.sources] == [
        ("https://v.example/a.mp4", "video/mp4"),
        ("https://v.example/a.m3u8", "application/vnd.apple.mpegurl")]
    assert block.poster == "https://i.example/p.jpg"


def test_a_youtube_video_without_files_is_a_player() -> None:
    (block,) = article_from_ans(story({"type": "video", "youtube_content_id": "nKW3wvhnZoE"}),
                                source="s").blocks
    assert block.kind == "video" and (block.provider, block.video_id) == ("youtube", "nKW3wvhnZoE")


def test_quote_pull_and_citation_and_table_escaping() -> None:
    pull = {"type": "quote", "subtype": "pullquote",
            "content_elements": [{"type": "text", "content": "Said <b>so</b>"}],
            "citation": {"type": "text", "content": "A <em>Person</em>"}}
    table = {"type": "table", "header": [{"type": "text", "content": "</td></tr></table>x"}],
             "rows": [[{"type": "text", "content": "1 < 2"}]]}
    quote, grid = article_from_ans(story(pull, table), source="s").blocks
    assert quote.kind == "quote" and quote.pull and quote.attribution == "A Person"
    assert grid.kind == "table" and grid.html.count("<table>") == 1 and "1 &lt; 2" in grid.html


@pytest.mark.parametrize(("code", "access"), [("free", "free"), ("Premium", "premium"),
                                              ("metered", "metered"), ("green", "premium")])
def test_content_codes(code: str, access: str) -> None:
    """A code the engine does not know keeps the story behind the wall."""
    data = story(content_restrictions={"content_code": code})
    assert article_from_ans(data, source="s").access == access


def test_a_story_without_a_content_code_takes_the_rules_default() -> None:
    assert article_from_ans(story(), source="s").access == "metered"


def test_header_levels_are_clamped_and_odd_values_refused() -> None:
    blocks = article_from_ans(story({"type": "header", "content": "H", "level": 9}),
                              source="s").blocks
    assert blocks[0].kind == "heading" and blocks[0].level == 6
    with pytest.raises(InputError) as caught:
        article_from_ans(story({"type": "header", "content": "H", "level": "2"}), source="s")
    assert caught.value.problems[0].location == "content_elements[0].level"


def test_deeply_nested_groups_meet_the_document_limit() -> None:
    element: dict[str, Any] = {"type": "text", "content": "deep"}
    for _ in range(80):
        element = {"type": "element_group", "content_elements": [element]}
    with pytest.raises(LimitError):
        article_from_json(json.dumps(story(element)), source="deep.json")


def test_nesting_within_the_limit_is_read() -> None:
    element: dict[str, Any] = {"type": "text", "content": "deep"}
    for _ in range(25):
        element = {"type": "quote", "content_elements": [copy.deepcopy(element)]}
    (block,) = article_from_json(json.dumps(story(element)), source="q.json").blocks
    assert block.kind == "quote" and "deep" in block.html


@pytest.mark.parametrize(("url", "kind", "provider"), [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "video", "youtube"),
    ("https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk", "audio", "spotify"),
    ("https://twitter.com/paper/status/1234", "embed", "twitter"),
])
def test_an_oembed_of_a_player_is_that_players_card(url: str, kind: str, provider: str) -> None:
    element = json.loads((FIXTURES / "oembed-response-fixture-good.json").read_text())
    element["raw_oembed"]["url"] = url
    element["subtype"] = provider
    [block] = article_from_ans(story(element), source="s.json").blocks
    assert (block.kind, getattr(block, "provider", None)) == (kind, provider)

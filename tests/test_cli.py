"""The ``layout`` command, run as a real process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import layout
from tests.support.corpus import CORPUS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "articles" / "news-harbour-strike.json"


def assert_input_error(result, name, problems=1):
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == problems, result.stderr
    for line in lines:
        assert line.startswith("error: ")
        assert str(name) in line
    assert result.stdout == ""


def test_render_writes_a_full_page_to_the_output_file(tmp_path):
    out = tmp_path / "tmp" / "out.html"
    result = layout("render", SAMPLE, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    page = out.read_text(encoding="utf-8")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en" dir="ltr">' in page
    assert f'<link rel="canonical" href="{data["url"]}">' in page
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    json_ld = json.loads(page[start : page.index("</script>", start)])
    assert json_ld["@type"] == "NewsArticle"
    assert json_ld["headline"] == data["headline"]


def test_render_json_prints_the_plan_with_blocks_in_order():
    result = layout("render", SAMPLE, "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert set(plan) >= {"article", "viewer", "items", "paywall", "metrics", "decisions"}
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert plan["article"]["id"] == data["id"]
    blocks = [item for item in plan["items"] if item["type"] == "block"]
    assert [b["index"] for b in blocks] == list(range(len(data["blocks"])))
    assert [b["kind"] for b in blocks] == [b["kind"] for b in data["blocks"]]
    assert all(isinstance(b["words"], int) and b["words"] >= 0 for b in blocks)
    assert blocks[0]["words"] > 0


def test_render_fragment_has_no_document_wrapper():
    result = layout("render", SAMPLE, "--format", "fragment")
    assert result.returncode == 0, result.stderr
    assert "<html" not in result.stdout
    assert "<!DOCTYPE" not in result.stdout
    assert result.stdout.startswith("<article")


def test_templates_override_of_one_block_changes_paragraphs_only(tmp_path):
    theme = tmp_path / "theme"
    (theme / "blocks").mkdir(parents=True)
    (theme / "blocks" / "paragraph.html.j2").write_text(
        '<p class="house">{{ block.markup }}</p>\n', encoding="utf-8"
    )
    default = layout("render", SAMPLE, "--format", "fragment")
    themed = layout("render", SAMPLE, "--format", "fragment", "--templates", theme)
    assert themed.returncode == 0, themed.stderr
    paragraphs = sum(b["kind"] == "paragraph" for b in json.loads(SAMPLE.read_text())["blocks"])
    assert themed.stdout.count('<p class="house">') == paragraphs > 0
    assert themed.stdout.replace('<p class="house">', "<p>") == default.stdout


def test_render_of_a_corpus_page_as_json():
    source = CORPUS / "nytimes-1" / "expected.html"
    result = layout("render", source, "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["article"]["words"] > 0
    assert any(item["type"] == "block" for item in plan["items"])


def test_missing_input_file_is_one_error_line(tmp_path):
    path = tmp_path / "nowhere.json"
    assert_input_error(layout("render", path), path)


def test_broken_json_is_one_error_line_with_position(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"id": "a",\n  "headline": }\n', encoding="utf-8")
    result = layout("render", path)
    assert_input_error(result, path)
    assert f"{path}:2:15: invalid JSON" in result.stderr


def test_invalid_fields_give_one_error_line_each(tmp_path):
    path = tmp_path / "story.json"
    path.write_text(
        '{"id": "a", "headline": "h", "colour": "red",\n'
        ' "blocks": [{"kind": "heading", "level": 9, "html": "x"}]}\n',
        encoding="utf-8",
    )
    result = layout("render", path, "--format", "json")
    assert_input_error(result, path, problems=2)
    assert "colour" in result.stderr
    assert "blocks[0].level" in result.stderr


def test_templates_pointing_at_a_missing_directory_is_an_error(tmp_path):
    theme = tmp_path / "no-theme"
    assert_input_error(layout("render", SAMPLE, "--templates", theme), theme)


@pytest.mark.parametrize("fmt", ["html", "json"])
def test_invalid_utf8_input_is_an_error_line_not_a_traceback(tmp_path, fmt):
    path = tmp_path / "story.json"
    path.write_bytes(b'{"id": "a", "headline": "\xff"}')
    assert_input_error(layout("render", path, "--format", fmt), path)


def test_schema_article_prints_a_json_schema():
    result = layout("schema", "article")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert "$defs" in schema
    assert "headline" in schema["properties"]
    assert "headline" in schema["required"]


def test_render_fragment_with_an_instance_prefix():
    result = layout("render", SAMPLE, "--format", "fragment", "--instance", "feed-2")
    assert result.returncode == 0, result.stderr
    assert 'id="ad-feed-2-' in result.stdout


def test_a_bad_instance_prefix_is_one_error_line():
    result = layout("render", SAMPLE, "--format", "fragment", "--instance", "two words")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("error: instance: expected 1 to 64 ASCII letters")
    assert "found 'two words'" in lines[0]

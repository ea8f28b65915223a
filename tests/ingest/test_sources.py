"""Loading articles from files: JSON, or body HTML with an optional sidecar, and the errors."""

from __future__ import annotations

import json
import shutil

import pytest

from layout import InputError, load_article
from tests.support.corpus import SAMPLES

ARTICLES = SAMPLES / "articles"
HTML = SAMPLES / "html"


def load_error(path):
    with pytest.raises(InputError) as excinfo:
        load_article(path)
    lines = excinfo.value.lines()
    assert len(lines) == len(excinfo.value.problems) >= 1
    return lines


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(ARTICLES.glob("*.json")), ids=lambda p: p.stem)
def test_sample_json_article_loads_with_its_fields(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    article = load_article(path)
    assert (article.id, article.headline) == (data["id"], data["headline"])
    assert [b.kind for b in article.blocks] == [b["kind"] for b in data["blocks"]]


@pytest.mark.parametrize("path", sorted(HTML.glob("*.html")), ids=lambda p: p.stem)
def test_sample_html_article_takes_metadata_from_its_sidecar(path):
    meta = json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
    article = load_article(path)
    assert article.id == meta["id"]
    assert article.headline == meta["headline"]
    assert article.access == meta["access"]
    assert article.blocks


def test_html_without_sidecar_uses_file_name_and_leading_h1(tmp_path):
    source = HTML / "brief-council-vote.html"
    path = tmp_path / "story.html"
    shutil.copy(source, path)
    article = load_article(path)
    assert article.id == "story"
    assert article.headline == "Ashford Vale council votes to close Mill Street to cars"
    assert article.blocks[0].kind == "paragraph"
    assert article.access == "metered"


def test_invalid_json_syntax_names_line_and_column(tmp_path):
    path = write(
        tmp_path, "broken.json", '{\n  "id": "a",\n  "headline": "h",\n  "blocks": [,]\n}\n'
    )
    (line,) = load_error(path)
    assert line.startswith(f"{path}:4:14: invalid JSON")


def test_wrong_type_names_line_column_and_field_path(tmp_path):
    path = write(
        tmp_path,
        "story.json",
        '{\n  "id": "a",\n  "headline": "h",\n  "blocks": [\n'
        '    {"kind": "paragraph", "html": "x"},\n'
        '    {"kind": "heading", "level": "high", "html": "y"}\n  ]\n}\n',
    )
    (line,) = load_error(path)
    assert line.startswith(f"{path}:6:34: blocks[1].level: expected")
    assert '"high"' in line


def test_heading_level_out_of_range_names_the_field_path(tmp_path):
    path = write(
        tmp_path,
        "story.json",
        '{"id": "a", "headline": "h", "blocks": [\n'
        '  {"kind": "paragraph", "html": "x"},\n'
        '  {"kind": "heading", "level": 9, "html": "y"}\n]}\n',
    )
    (line,) = load_error(path)
    assert line.startswith(f"{path}:3:32: blocks[1].level:")
    assert "found 9" in line


def test_unknown_field_names_line_column_and_field(tmp_path):
    path = write(
        tmp_path, "story.json", '{\n  "id": "a",\n  "headline": "h",\n  "colour": "red"\n}\n'
    )
    (line,) = load_error(path)
    assert line.startswith(f"{path}:4:13: colour: unknown field")


def test_every_problem_gets_its_own_line(tmp_path):
    path = write(
        tmp_path, "story.json", '{\n  "id": "a",\n  "headline": 5,\n  "colour": "red"\n}\n'
    )
    lines = load_error(path)
    assert [line.split(": ")[1] for line in lines] == ["headline", "colour"]
    assert lines[0].startswith(f"{path}:3:15: ")


def test_tab_indented_json_still_gets_line_and_column(tmp_path):
    path = write(tmp_path, "story.json", '{\n\t"id": "a",\n\t"headline": 5\n}\n')
    (line,) = load_error(path)
    assert line.startswith(f"{path}:3:14: headline: expected")


def test_missing_file_names_the_file(tmp_path):
    path = tmp_path / "nowhere.json"
    assert load_error(path) == [f"{path}: file not found"]


def test_missing_html_file_names_the_html_file(tmp_path):
    path = tmp_path / "nowhere.html"
    assert load_error(path) == [f"{path}: file not found"]


def test_invalid_utf8_names_the_file_and_the_place(tmp_path):
    path = tmp_path / "story.json"
    path.write_bytes(b'{\n  "id": "a",\n  "headline": "caf\xe9"\n}\n')
    (line,) = load_error(path)
    assert line.startswith(f"{path}:")
    assert "UTF-8" in line
    assert ":3:17:" in line or "byte 33" in line


def test_top_level_json_array_is_rejected_with_line(tmp_path):
    path = write(tmp_path, "story.json", '[{"id": "a", "headline": "h"}]')
    (line,) = load_error(path)
    assert line == f"{path}:1: expected a JSON object; found list"


def test_sidecar_error_names_the_sidecar_and_the_field(tmp_path):
    (tmp_path / "story.html").write_text("<p>Body</p>", encoding="utf-8")
    meta = write(tmp_path, "story.meta.json", '{\n  "headline": "H",\n  "access": "gratis"\n}\n')
    (line,) = load_error(tmp_path / "story.html")
    assert line.startswith(f"{meta}:")
    assert "access:" in line and '"gratis"' in line


def test_sidecar_error_position_is_the_position_in_the_sidecar_file(tmp_path):
    (tmp_path / "story.html").write_text("<p>Body</p>", encoding="utf-8")
    meta = write(
        tmp_path, "story.meta.json", '{\n\n  "headline": "H",\n\n      "access": "gratis"\n}\n'
    )
    (line,) = load_error(tmp_path / "story.html")
    assert line.startswith(f"{meta}:5:17: access:")


def test_sidecar_with_blocks_is_rejected(tmp_path):
    (tmp_path / "story.html").write_text("<p>Body</p>", encoding="utf-8")
    meta = write(tmp_path, "story.meta.json", '{"headline": "H", "blocks": []}')
    (line,) = load_error(tmp_path / "story.html")
    assert line.startswith(f"{meta}:") and "blocks:" in line


def test_sidecar_that_is_not_an_object_is_rejected(tmp_path):
    (tmp_path / "story.html").write_text("<p>Body</p>", encoding="utf-8")
    meta = write(tmp_path, "story.meta.json", "[1, 2]")
    (line,) = load_error(tmp_path / "story.html")
    assert line.startswith(f"{meta}:1: expected a JSON object")


@pytest.mark.parametrize("depth", [65, 500, 990, 100_000])
@pytest.mark.parametrize("where", ["article", "sidecar"])
def test_json_nested_too_deeply_is_a_limit_error(tmp_path, depth, where):
    from layout.ingest.sources import load_article
    from layout.limits import LimitError

    deep = "[" * depth + "]" * depth
    if where == "article":
        path = tmp_path / "deep.json"
        path.write_text('{"id": "d", "headline": "h", "tags": ' + deep + "}", encoding="utf-8")
    else:
        path = tmp_path / "deep.html"
        path.write_text("<p>Words.</p>", encoding="utf-8")
        (tmp_path / "deep.meta.json").write_text('{"tags": ' + deep + "}", encoding="utf-8")
    with pytest.raises(LimitError) as raised:
        load_article(path)
    assert raised.value.lines() == [
        f"{tmp_path / ('deep.json' if where == 'article' else 'deep.meta.json')}: "
        "the document nests lists and mappings more than 64 levels deep"
    ]


def test_json_with_an_integer_of_thousands_of_digits_is_an_input_error(tmp_path):
    from layout.errors import InputError
    from layout.ingest.sources import load_article

    path = tmp_path / "big.json"
    path.write_text('{"id": "b", "headline": "h", "comment_count": ' + "9" * 5000 + "}",
                    encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_article(path)
    assert "invalid JSON: Exceeds the limit (4300 digits)" in raised.value.lines()[0]

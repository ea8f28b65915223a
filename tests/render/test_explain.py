"""``layout explain``, ``render --rules`` and ``schema rules``, run as real processes."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.cli import layout
from tests.support.corpus import SAMPLES

STRIKE = SAMPLES / "articles" / "news-harbour-strike.json"
GAP_LINE = re.compile(
    r"^\s*(?P<gap>\d+)\s+(?P<words>\d+)\s+(?P<px>\d+)\s+(?P<above>\S+)\s+(?P<below>\S+)"
    r"(?:\s+(?P<notes>.*))?$"
)

CUSTOM_RULES = """\
version: 1
name: house-test
units:
  - id: inline
    kind: ad
    ad_unit: /999/house/inline
    sizes: {mobile: [[300, 250]], desktop: [[300, 250]]}
    targeting: {pos: "inline{n}"}
    start: {paragraphs: 2}
    every: {words: 200}
    max: 2
paywall:
  mode: free
"""

BROKEN_RULES = """\
version: 2
name: broken
units:
  - id: mid
    kind: banner
    evrey: {words: 300}
"""


def plan_json(*args) -> dict:
    result = layout("render", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def explained():
    result = layout("explain", STRIKE)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.fixture(scope="module")
def plan():
    return plan_json(STRIKE)


def gap_lines(text: str) -> list[re.Match]:
    lines = text.splitlines()
    start = next(
        i
        for i, line in enumerate(lines)
        if line.split() == ["gap", "words", "px", "above", "below", "units"]
    )
    matches = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        match = GAP_LINE.match(line)
        assert match, line
        matches.append(match)
    return matches


def expected_gaps(plan: dict) -> list[dict]:
    """Per gap, from the plan JSON: words and px before it, its neighbours and its notes."""
    blocks = [item for item in plan["items"] if item["type"] == "block"]
    n = len(blocks)
    header = plan["metrics"]["header_height"]
    rows = []
    words = 0
    px = header
    for gap in range(n + 1):
        units = [
            f"+{item['id']}"
            for item in plan["items"]
            if item["type"] == "unit" and item["gap"] == gap
        ]
        rejected = [
            f"{d['unit']}:{d['code']}"
            for d in plan["decisions"]
            if d["gap"] == gap and d["outcome"] != "placed"
        ]
        rows.append(
            {
                "gap": gap,
                "words": words,
                "px": px,
                "above": blocks[gap - 1]["kind"] if gap > 0 else "-",
                "below": blocks[gap]["kind"] if gap < n else "-",
                "notes": units + rejected,
            }
        )
        if gap < n:
            words += blocks[gap]["words"]
            px += blocks[gap]["height"]
    return rows


def test_explain_header(explained, plan):
    lines = explained.splitlines()
    metrics, access = plan["metrics"], plan["paywall"]
    blocks = [item for item in plan["items"] if item["type"] == "block"]
    assert lines[0] == "article: news-harbour-strike"
    assert lines[1] == "viewer: mobile anonymous  rules: news-default"
    assert lines[2] == (
        f"words: {metrics['words']}  blocks: {len(blocks)}  ads: {metrics['ad_count']}  "
        f"density: {metrics['ad_density']:.2f}  height: {metrics['content_height']}px"
    )
    assert metrics["ad_count"] == sum(
        1 for item in plan["items"] if item["type"] == "unit" and item["kind"] == "ad"
    )
    assert metrics["words"] == plan["article"]["words"] == 861
    assert lines[3].startswith(f"paywall: {access['mode']} applied=")
    assert f"visible={access['visible_blocks']} hidden={access['hidden_blocks']}" in lines[3]
    assert lines[4] == ""


def test_explain_one_line_per_gap(explained, plan):
    rows = expected_gaps(plan)
    matches = gap_lines(explained)
    assert [int(m["gap"]) for m in matches] == list(range(len(rows)))
    for match, row in zip(matches, rows, strict=True):
        assert int(match["words"]) == row["words"], match.group(0)
        assert abs(int(match["px"]) - row["px"]) <= 1, match.group(0)
        assert match["above"] == row["above"], match.group(0)
        assert match["below"] == row["below"], match.group(0)
        assert (match["notes"] or "").split() == row["notes"], match.group(0)


def test_explain_shows_placements_and_rejections(explained):
    rows = {int(m["gap"]): (m["notes"] or "").split() for m in gap_lines(explained)}
    notes = [note for row in rows.values() for note in row]
    assert "+top-1" in rows[0]
    assert "+bottom-1" in rows[max(rows)]
    mids = [note for note in notes if note.startswith("+mid-")]
    assert mids == [f"+mid-{n}" for n in range(1, len(mids) + 1)]
    assert len(mids) >= 1
    assert "mid:before-start" in rows[1]
    for note in notes:
        assert re.fullmatch(r"\+[a-z][a-z0-9_-]*-\d+|[a-z][a-z0-9_-]*:[a-z][a-z-]*", note), note
    assert any(note.startswith("mid:") for note in notes)


def test_explain_lists_units_skipped_outright(explained, plan):
    skipped = [d for d in plan["decisions"] if d["gap"] is None]
    tail = [line for line in explained.splitlines() if line.startswith("skipped ")]
    assert tail == [f"skipped {d['unit']}: {d['code']} ({d['message']})" for d in skipped]
    assert "skipped rail: device (not shown on mobile)" in tail


def test_explain_desktop_uses_the_desktop_profile():
    result = layout("explain", STRIKE, "--device", "desktop")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "viewer: desktop anonymous  rules: news-default"
    plan = plan_json(STRIKE, "--device", "desktop")
    matches = gap_lines(result.stdout)
    for match, row in zip(matches, expected_gaps(plan), strict=True):
        assert (match["notes"] or "").split() == row["notes"]


# --------------------------------------------------------------------------- --rules


def test_explain_with_broken_rules_reports_each_problem(tmp_path):
    rules = tmp_path / "broken.yaml"
    rules.write_text(BROKEN_RULES, encoding="utf-8")
    result = layout("explain", STRIKE, "--rules", rules)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    expected = {
        f"error: {rules}:1:10: version: ",
        f"error: {rules}:5:11: units[0].kind: ",
        f"error: {rules}:6:12: units[0].evrey: ",
    }
    for prefix in expected:
        assert sum(line.startswith(prefix) for line in lines) == 1, (prefix, lines)
    for line in lines:
        assert re.match(rf"^error: {re.escape(str(rules))}:\d+:\d+: \S+: .+", line), line


def test_explain_with_missing_rules_file(tmp_path):
    rules = tmp_path / "missing.yaml"
    result = layout("explain", STRIKE, "--rules", rules)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"error: {rules}: rule file not found"]


def test_render_json_uses_the_rule_set(tmp_path):
    rules = tmp_path / "house.yaml"
    rules.write_text(CUSTOM_RULES, encoding="utf-8")
    custom = plan_json(STRIKE, "--rules", rules)
    default = plan_json(STRIKE)
    units = [item for item in custom["items"] if item["type"] == "unit"]
    assert units, "the custom rule set placed nothing"
    assert {item["unit"] for item in units} == {"inline"}
    assert [item["id"] for item in units] == [f"inline-{n}" for n in range(1, len(units) + 1)]
    assert len(units) <= 2
    assert {d["unit"] for d in custom["decisions"]} == {"inline"}
    assert custom["paywall"]["mode"] == "free"
    assert default["paywall"]["mode"] == "metered"
    assert {item["unit"] for item in default["items"] if item["type"] == "unit"} != {"inline"}


def test_render_html_with_rules_carries_the_rule_ad_unit(tmp_path):
    rules = tmp_path / "house.yaml"
    rules.write_text(CUSTOM_RULES, encoding="utf-8")
    result = layout("render", STRIKE, "--rules", rules)
    assert result.returncode == 0, result.stderr
    assert "/999/house/inline" in result.stdout
    assert "/1234/news/mid" not in result.stdout


def test_explain_names_the_rule_set(tmp_path):
    rules = tmp_path / "house.yaml"
    rules.write_text(CUSTOM_RULES, encoding="utf-8")
    result = layout("explain", STRIKE, "--rules", rules)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "viewer: mobile anonymous  rules: house-test"
    assert "+inline-1" in result.stdout
    assert "+mid-1" not in result.stdout


def test_render_json_with_broken_rules_fails_cleanly(tmp_path):
    rules = tmp_path / "broken.yaml"
    rules.write_text(BROKEN_RULES, encoding="utf-8")
    result = layout("render", STRIKE, "--rules", rules, "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 3


# --------------------------------------------------------------------------- schema


def test_schema_rules():
    result = layout("schema", "rules")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert {"units", "density", "paywall", "version", "name"} <= set(schema["properties"])
    assert set(schema["required"]) == {"version", "name"}
    assert schema["properties"]["units"]["type"] == "array"
    assert "$defs" in schema and "Unit" in schema["$defs"]
    assert schema["$defs"]["Unit"].get("additionalProperties") is False
    assert schema.get("additionalProperties") is False

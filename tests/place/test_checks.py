"""Every placement check, on its own, from readable case files (tests/place/cases/*.yaml).

A case file names its check and carries its cases, each with its own flags: the unit (over
a plain in-content ad), the article's blocks as a line of kinds (``p`` is a paragraph of
40 words, ``p12`` one of 12, ``h`` a heading, ``img``, ``video``, ``table``, ``list``,
``quote``, ``embed``, ``divider``), the viewer, article metadata, extra rule-set fields,
how many blocks the reader may see (``visible``), units already placed (``placed``:
gaps and units) and what the check answers: ``expect`` is a code or ``ok`` (unit checks)
or a map of gap to code or ``ok`` (gap checks); ``message`` is the message of a code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from layout.article import Article, article_from_data
from layout.pipeline import PlanMemos
from layout.place.checks import CHECKS
from layout.place.decisions import Verdict
from layout.place.ruler import GapRule, UnitRule
from layout.place.state import PlacementState
from layout.rules import RuleSet, Unit
from layout.viewer import Viewer

CASES = Path(__file__).parent / "cases"
BASE_UNIT: dict[str, Any] = {
    "id": "mid", "kind": "ad", "ad_unit": "/1234/news/mid",
    "sizes": {"mobile": [[300, 250]], "desktop": [[300, 250]]},
}
WORDS = ("harbour", "ferry", "council", "timetable", "residents", "quay", "crew", "island",
         "morning", "winter")
BLOCKS = {
    "p": lambda words: {"kind": "paragraph",
                        "html": " ".join(WORDS[n % len(WORDS)] for n in range(words))},
    "h": lambda _: {"kind": "heading", "level": 2, "html": "A heading"},
    "img": lambda _: {"kind": "image", "src": "https://img.example/a.jpg", "width": 1600,
                      "height": 900, "alt": ""},
    "video": lambda _: {"kind": "video", "provider": "youtube", "video_id": "dQw4w9WgXcQ"},
    "table": lambda _: {"kind": "table", "html": "<table><tr><td>1</td></tr></table>"},
    "list": lambda _: {"kind": "list", "items": ["one", "two"]},
    "quote": lambda _: {"kind": "quote", "html": "<p>Said so.</p>"},
    "embed": lambda _: {"kind": "embed", "provider": "twitter", "html": "<p>Post</p>"},
    "divider": lambda _: {"kind": "divider"},
}


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def cases() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in case_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            found.append((document["check"], case))
    return found


def block(token: str) -> dict[str, Any]:
    kind = token.rstrip("0123456789")
    words = int(token[len(kind):] or 40)
    return BLOCKS[kind](words)


def article(case: dict[str, Any]) -> Article:
    blocks = [block(token) for token in case.get("blocks", ["p"] * 6)]
    meta = case.get("article", {})
    return article_from_data({"id": "case", "headline": "Case", **meta, "blocks": blocks})


def rules(case: dict[str, Any], units: list[dict[str, Any]]) -> RuleSet:
    extra = case.get("rules", {})
    return RuleSet.model_validate({"version": 1, "name": "cases", "units": units, **extra})


def state_for(case: dict[str, Any]) -> tuple[Unit, PlacementState]:
    placed = case.get("placed", [])
    unit_data = [{**BASE_UNIT, **case.get("unit", {})}]
    unit_data += [{**BASE_UNIT, "id": f"other{n}", **p.get("unit", {})}
                  for n, p in enumerate(placed)]
    ruleset = rules(case, unit_data)
    viewer = Viewer(**case.get("viewer", {}))
    story = article(case)
    gaps = PlanMemos().measured_gaps(story, ruleset.device(viewer.device))
    state = PlacementState(story, viewer, gaps, ruleset, case.get("visible", gaps.count))
    for gap, height in case.get("reserved", {}).items():
        state.reserve(int(gap), float(height))
    for other, entry in zip(ruleset.units[1:], placed, strict=True):
        state.record(entry["gap"], other, state.height_of(other))
    return ruleset.units[0], state


def rule(name: str) -> UnitRule | GapRule:
    return next(r for r in (*CHECKS.unit_rules, *CHECKS.gap_rules) if r.name == name)


def answer(verdict: Verdict | None) -> str:
    return "ok" if verdict is None else verdict.code


@pytest.mark.parametrize(("check", "case"), cases(), ids=lambda value: value.get(
    "name", "") if isinstance(value, dict) else value)
def test_a_check_answers_each_case(check: str, case: dict[str, Any]) -> None:
    unit, state = state_for(case)
    found = rule(check)
    if isinstance(found, UnitRule):
        verdict = found.check(unit, state)
        assert answer(verdict) == case["expect"]
        verdicts = {"unit": verdict}
    else:
        verdicts = {gap: found.check(int(gap), unit, state) for gap in case["expect"]}
        assert {gap: answer(v) for gap, v in verdicts.items()} == case["expect"]
    if "message" in case:
        shown = [v.message for v in verdicts.values() if v is not None]
        assert case["message"] in shown


def test_every_check_has_a_case_file_with_both_answers() -> None:
    by_check: dict[str, set[str]] = {}
    for check, case in cases():
        expect = case["expect"]
        answers = {expect} if isinstance(expect, str) else set(expect.values())
        by_check.setdefault(check, set()).update(answers)
    assert sorted(by_check) == sorted(CHECKS.names())
    for check, answers in by_check.items():
        assert "ok" in answers and len(answers) > 1, f"{check}: cases that pass and that fail"


def test_a_check_can_be_left_out_by_name() -> None:
    without = CHECKS.without("first-screen", "audience")
    assert "first-screen" not in without.names() and "audience" not in without.names()
    assert len(without.names()) == len(CHECKS.names()) - 2
    with pytest.raises(Exception, match="expected one of"):
        CHECKS.without("no-such-check")

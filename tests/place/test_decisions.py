"""Decision codes: one Literal type, and docs/decisions.md documents exactly those codes."""

from __future__ import annotations

import re

from layout.blocks import BLOCK_KINDS
from layout.place.checks import CHECKS
from layout.place.decisions import AFTER, BEFORE, DECISION_CODES
from tests.support.corpus import ROOT

DOCS = ROOT / "docs" / "decisions.md"


def documented_codes() -> set[str]:
    """Every code in the first column of the tables of docs/decisions.md, with
    ``after-KIND`` and ``before-KIND`` standing for every block kind."""
    codes: set[str] = set()
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        first = line.split("|")[1]
        for code in re.findall(r"`([a-z][a-z-]*(?:-KIND)?)`", first):
            if code.endswith("-KIND"):
                codes |= {f"{code.removesuffix('-KIND')}-{kind}" for kind in BLOCK_KINDS}
            else:
                codes.add(code)
    return codes


def test_every_code_is_documented_and_every_documented_code_exists() -> None:
    documented = documented_codes()
    assert sorted(DECISION_CODES - documented) == [], "codes missing from docs/decisions.md"
    assert sorted(documented - DECISION_CODES) == [], "documented codes that do not exist"


def test_the_neighbour_codes_cover_every_block_kind() -> None:
    assert set(AFTER) == set(BEFORE) == set(BLOCK_KINDS)
    assert AFTER["heading"] == "after-heading" and BEFORE["table"] == "before-table"


def test_the_checks_are_one_named_table() -> None:
    assert CHECKS.names() == [
        "audience", "device", "section", "tag", "no-ads", "brand-safety", "article-video",
        "max", "min-article", "ad-size",
        "paywall", "start", "first-screen", "keep-out", "paragraph-length", "neighbours",
        "occupied", "spacing", "density",
    ]

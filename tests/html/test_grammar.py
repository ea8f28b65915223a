"""Attribute grammars (``html.grammar``) and the repairs that rest on them: what real pages
carry (``cases/unseen-markup.yaml``) keeps its text; tests/test_validity.py checks the
same cases with the Nu Html Checker."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from layout import Engine, Viewer
from layout.html.grammar import is_html_datetime, is_valid_data_image
from layout.ingest.sources import article_from_html
from tests.support.lossless import missing_text, shown_text_runs

FILE = Path(__file__).parent / "cases" / "unseen-markup.yaml"
CASES = {case["name"]: case for case in yaml.safe_load(FILE.read_text())["cases"]}


def unseen_markup() -> dict[str, str]:
    return {name: case["html"] for name, case in CASES.items()}


VALID_DATETIMES = [
    "2026", "2026-12", "2026-12-01", "12-01", "2026-W49", "14:30", "14:30:05.123",
    "2026-12-01T14:30", "2026-12-01 14:30:00Z", "2026-12-01T14:30+01:00",
    "2026-12-01T09:50:50.520+00:00", "Z", "+05:30", "PT4H18M3S", "P3D", "4h 18m 3s",
]
INVALID_DATETIMES = [
    "yesterday", "2026-13-45", "2026-02-30", "25:00", "PT", "P", "last week", "12",
    "2026-12-01T14:30:00.520000+00:00", "2026-12-01Tnoon", "",
]


@pytest.mark.parametrize("value", VALID_DATETIMES)
def test_valid_datetimes_are_valid(value: str) -> None:
    assert is_html_datetime(value)


@pytest.mark.parametrize("value", INVALID_DATETIMES)
def test_other_values_are_not_datetimes(value: str) -> None:
    assert not is_html_datetime(value)


@pytest.mark.parametrize(("url", "valid"), [
    ("data:image/png;base64,iVBORw0KGgo=", True),
    ("data:image/gif;base64,R0lGODlhAQABAAAAACw=", True),
    ("data:image/png;base64,iVBOR w0K", False),
    ("data:image/png;base64,AA<>AA", False),
    ("data:image/png;base64,abc", False),
    ("data:image/svg+xml,<svg>", False),
])
def test_data_image_urls_follow_their_grammar(url: str, valid: bool) -> None:
    assert is_valid_data_image(url) is valid


@pytest.mark.parametrize("name", list(CASES))
def test_unseen_markup_keeps_its_text(name: str) -> None:
    body = "<p>Opening words.</p>" + CASES[name]["html"]
    article = article_from_html(body, {"headline": "Case"}, source=name)
    page = Engine(development=True).render(article, Viewer(audience="subscriber")).html
    if CASES[name].get("moved"):
        runs = shown_text_runs(page)
        assert [run for run in shown_text_runs(body) if not any(run in r for r in runs)] == []
    else:
        assert missing_text(body, page) == []

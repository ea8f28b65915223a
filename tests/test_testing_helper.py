"""``layout.testing.assert_layout``: the helper publishers use in their own test suites."""

from __future__ import annotations

import subprocess
import sys

import pytest

from layout import load_article
from layout.rules import load_rules
from layout.testing import assert_layout
from tests.support.corpus import ROOT, SAMPLES

ARTICLE = SAMPLES / "articles" / "news-harbour-strike.json"
AD_HEAVY = SAMPLES / "rules" / "ad-heavy.yaml"
# In-content units of the committed golden (news-harbour-strike.news-default.layout.txt).
MOBILE_ANONYMOUS = {"mid-1": 3, "newsletter-1": 8, "mid-2": 13}
DESKTOP_SUBSCRIBER = {"mid-1": 3, "mid-2": 13}


@pytest.fixture(scope="module")
def goldens(tmp_path_factory):
    """Golden dumps written with ``layout explain`` (the runs start together)."""
    folder = tmp_path_factory.mktemp("goldens")
    runs = {
        "mobile": [],
        "desktop-subscriber": ["--device", "desktop", "--audience", "subscriber"],
        "ad-heavy": ["--rules", str(AD_HEAVY)],
    }
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "layout", "explain", str(ARTICLE), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in runs.items()
    }
    found = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        found[name] = folder / f"{name}.txt"
        found[name].write_text(out, encoding="utf-8")
    return found


def test_the_mapping_of_the_committed_golden_passes():
    golden = (SAMPLES / "articles" / "news-harbour-strike.news-default.layout.txt").read_text(
        encoding="utf-8"
    )
    rows = [line.split() for line in golden.split("\narticle: ")[0].splitlines()]
    for unit, gap in MOBILE_ANONYMOUS.items():
        assert any(row[:1] == [str(gap)] and f"+{unit}" in row for row in rows), unit
    assert_layout(str(ARTICLE), None, MOBILE_ANONYMOUS)
    assert_layout(ARTICLE, None, MOBILE_ANONYMOUS, device="mobile", audience="anonymous")
    assert_layout(ARTICLE, None, DESKTOP_SUBSCRIBER, device="desktop", audience="subscriber")


def test_rules_as_a_ruleset_object_and_as_a_path():
    default = ROOT / "layout" / "defaults" / "news-default.yaml"
    assert_layout(ARTICLE, load_rules(default), MOBILE_ANONYMOUS)
    assert_layout(ARTICLE, default, MOBILE_ANONYMOUS)
    assert_layout(ARTICLE, str(default), MOBILE_ANONYMOUS)
    # A loaded Article works as well as a path.
    assert_layout(load_article(ARTICLE), load_rules(), MOBILE_ANONYMOUS)


def test_a_wrong_mapping_fails_showing_what_was_placed():
    wrong = {"mid-1": 4, "newsletter-1": 8, "mid-2": 13}
    with pytest.raises(AssertionError) as caught:
        assert_layout(ARTICLE, None, wrong)
    message = str(caught.value)
    assert message.splitlines()[0] == (
        f"news-harbour-strike (mobile/anonymous): placed {MOBILE_ANONYMOUS}, expected {wrong}"
    )
    # the plan dump follows, so the reader sees why
    assert "article: news-harbour-strike" in message
    assert "+mid-1" in message and "mid:too-close" in message


def test_the_mapping_must_name_exactly_the_units_placed_in_content():
    with pytest.raises(AssertionError, match=r"placed \{'mid-1': 3, 'newsletter-1': 8"):
        assert_layout(ARTICLE, None, {"mid-1": 3, "mid-2": 13})
    with pytest.raises(AssertionError, match="desktop/subscriber"):
        assert_layout(ARTICLE, None, MOBILE_ANONYMOUS, device="desktop", audience="subscriber")
    with pytest.raises(AssertionError):  # top and bottom are not in content
        assert_layout(ARTICLE, None, {**MOBILE_ANONYMOUS, "top-1": 0})


def test_a_golden_dump_path_passes(goldens):
    assert_layout(ARTICLE, None, goldens["mobile"])
    assert_layout(ARTICLE, None, str(goldens["mobile"]))
    assert_layout(
        ARTICLE, None, goldens["desktop-subscriber"], device="desktop", audience="subscriber"
    )
    assert_layout(ARTICLE, AD_HEAVY, goldens["ad-heavy"])
    assert_layout(ARTICLE, load_rules(AD_HEAVY), goldens["ad-heavy"])


def test_a_wrong_golden_fails_with_a_diff(goldens):
    golden = goldens["desktop-subscriber"]
    with pytest.raises(AssertionError) as caught:
        assert_layout(ARTICLE, None, golden)  # mobile/anonymous against the desktop dump
    message = str(caught.value)
    lines = message.splitlines()
    assert lines[0] == f"news-harbour-strike: layout differs from {golden}"
    assert f"--- {golden}" in lines
    assert "+++ current" in lines
    assert "-viewer: desktop subscriber  rules: news-default" in lines
    assert "+viewer: mobile anonymous  rules: news-default" in lines


def test_a_golden_of_other_rules_fails(goldens):
    with pytest.raises(AssertionError) as caught:
        assert_layout(ARTICLE, load_rules(), goldens["ad-heavy"])
    message = str(caught.value)
    assert "-viewer: mobile anonymous  rules: ad-heavy" in message
    assert "+viewer: mobile anonymous  rules: news-default" in message


def test_an_edited_golden_line_is_shown_in_the_diff(goldens, tmp_path):
    text = goldens["mobile"].read_text(encoding="utf-8")
    assert text.count(" +mid-2") == 1
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace(" +mid-2", " +mid-3"), encoding="utf-8")
    with pytest.raises(AssertionError) as caught:
        assert_layout(ARTICLE, None, edited)
    changed = [line for line in str(caught.value).splitlines() if line.startswith(("-", "+"))]
    assert changed[:2] == [f"--- {edited}", "+++ current"]
    assert len(changed) == 4
    assert "+mid-3" in changed[2] and changed[2].startswith("-")
    assert "+mid-2" in changed[3] and changed[3].startswith("+")

"""Rule files: the built-in default, JSON and YAML forms, and every mistake reported in place."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from layout.errors import ConfigError
from layout.rules import DEFAULT_RULES_PATH, RuleSet, load_rules, parse_rules
from tests.support.corpus import ROOT

AD = """version: 1
name: t
units:
  - id: mid
    kind: ad
    ad_unit: /1234/news/mid
    sizes: {mobile: [[300, 250]]}
"""


def position(text: str, snippet: str) -> tuple[int, int]:
    """1-based line and column where ``snippet`` first occurs in ``text``."""
    assert text.count(snippet) == 1, f"ambiguous or missing snippet {snippet!r}"
    offset = text.index(snippet)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    error = caught.value
    assert error.source == str(path)
    return error


# --------------------------------------------------------------------------- valid rule sets


def test_builtin_default_loads():
    rules = load_rules()
    assert isinstance(rules, RuleSet)
    assert rules.name == "news-default"
    assert rules.version == 1
    assert [unit.id for unit in rules.units] == ["top", "mid", "newsletter", "rail", "bottom"]
    mid = next(unit for unit in rules.units if unit.id == "mid")
    assert mid.kind == "ad"
    assert mid.ad_unit == "/1234/news/mid"
    assert mid.sizes["mobile"] == [(300, 250), (320, 100)]
    assert mid.max == 5
    assert rules.density.max_ad_ratio == pytest.approx(0.30)
    assert rules.paywall.mode == "metered"
    assert rules.paywall.preview.paragraphs == 3
    assert rules.device("desktop").min_width == 768
    assert rules.device("mobile").column_width == 343


def test_builtin_default_is_the_shipped_file():
    assert DEFAULT_RULES_PATH == ROOT / "layout" / "defaults" / "news-default.yaml"
    assert load_rules(DEFAULT_RULES_PATH) == load_rules()


@pytest.mark.parametrize("indent", [None, 2], ids=["compact", "indented"])
def test_the_default_rules_as_json_load_identically(tmp_path, indent):
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    path = write(tmp_path, json.dumps(data, indent=indent), "rules.json")
    assert load_rules(path) == load_rules()
    assert parse_rules(path.read_text(encoding="utf-8"), source="x.json") == load_rules()


def test_tab_indented_json_loads_identically(tmp_path):
    # Valid JSON (RFC 8259 allows tabs as whitespace), as written by many JSON tools.
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    path = write(tmp_path, json.dumps(data, indent="\t"), "rules.json")
    assert load_rules(path) == load_rules()


def test_json_mistake_is_reported_at_its_json_line(tmp_path):
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["units"][1]["evrey"] = {"words": 300}
    text = json.dumps(data, indent=2)
    path = write(tmp_path, text, "rules.json")
    error = config_error(path)
    line, _ = position(text, '"evrey"')
    assert len(error.lines()) == 1
    message = error.lines()[0]
    assert message.startswith(f"{path}:{line}:")
    assert "units[1].evrey: unknown field" in message


# --------------------------------------------------------------------------- invalid rule sets


@dataclass(frozen=True)
class Case:
    text: str
    paths: tuple[str, ...]  # acceptable field paths
    at: tuple[str, ...]  # snippets whose position is an acceptable line:column
    says: tuple[str, ...]  # what the message must contain (expected and found)


CASES = {
    "unknown-top-level-key": Case(
        "version: 1\nname: t\ncolour: red\n",
        ("colour",),
        ("colour", "red"),
        ("unknown field",),
    ),
    "unknown-unit-key": Case(
        AD + "    evrey: {words: 300}\n",
        ("units[0].evrey",),
        ("evrey", "{words: 300}"),
        ("unknown field",),
    ),
    "wrong-version": Case(
        "version: 2\nname: t\n",
        ("version",),
        ("2\n",),
        ("expected 1", "found 2"),
    ),
    "missing-name": Case(
        "version: 1\nunits: []\n",
        ("name",),
        ("version",),
        ("required", "missing"),
    ),
    "unknown-unit-kind": Case(
        "version: 1\nname: t\nunits:\n  - id: x\n    kind: banner\n",
        ("units[0].kind",),
        ("banner",),
        ("'ad'", "'promo'", "'video'", "'related'", 'found "banner"'),
    ),
    "ad-without-ad-unit": Case(
        "version: 1\nname: t\nunits:\n  - id: x\n    kind: ad\n    sizes: {mobile: [[300, 250]]}\n",
        ("units[0]", "units[0].ad_unit"),
        ("id: x",),
        ("`ad_unit`", "found"),
    ),
    "ad-without-sizes": Case(
        "version: 1\nname: t\nunits:\n  - id: x\n    kind: ad\n    ad_unit: /1/news\n",
        ("units[0]", "units[0].sizes"),
        ("id: x",),
        ("`sizes`", "found"),
    ),
    "malformed-ad-unit-path": Case(
        AD.replace("ad_unit: /1234/news/mid", "ad_unit: news/mid"),
        ("units[0].ad_unit",),
        ("news/mid",),
        ("pattern", 'found "news/mid"'),
    ),
    "size-not-a-pair": Case(
        AD.replace("    sizes: {mobile: [[300, 250]]}\n", "")
        + "    sizes:\n      mobile:\n        - [300, 250, 5]\n",
        ("units[0].sizes.mobile[0]",),
        ("[300, 250, 5]",),
        ("at most 2 items", "found [300, 250, 5]"),
    ),
    "negative-width": Case(
        AD.replace("    sizes: {mobile: [[300, 250]]}\n", "")
        + "    sizes:\n      mobile:\n        - [-300, 250]\n",
        ("units[0].sizes.mobile[0][0]",),
        ("-300",),
        ("greater than 0", "found -300"),
    ),
    "at-with-two-targets": Case(
        AD + "    at: {after_paragraph: 3, percent: 50}\n",
        ("units[0].at",),
        ("{after_paragraph",),
        ("exactly one of after_paragraph or percent", "found"),
    ),
    "preview-with-two-measures": Case(
        "version: 1\nname: t\npaywall:\n  mode: hard\n  preview: {paragraphs: 3, words: 100}\n",
        ("paywall.preview",),
        ("{paragraphs",),
        ("exactly one of paragraphs, words or percent", "found"),
    ),
    "duplicate-unit-ids": Case(
        AD + "  - {id: mid, kind: ad, ad_unit: /1/b, sizes: {mobile: [[300, 250]]}}\n",
        ("units", "units[1]", "units[1].id"),
        ("{id: mid, kind: ad, ad_unit: /1/b", "mid, kind: ad, ad_unit: /1/b"),
        ("'mid'", "already used"),
    ),
    "negative-max": Case(
        AD + "    max: -1\n",
        ("units[0].max",),
        ("-1",),
        ("greater than or equal to 0", "found -1"),
    ),
    "ad-ratio-above-one": Case(
        "version: 1\nname: t\ndensity:\n  max_ad_ratio: 1.5\n",
        ("density.max_ad_ratio",),
        ("1.5",),
        ("less than or equal to 1", "found 1.5"),
    ),
    "avoid-unknown-block-kind": Case(
        AD + "    avoid:\n      after: [heading, sidebar]\n",
        ("units[0].avoid.after[1]",),
        ("sidebar",),
        ("'paragraph'", "'heading'", 'found "sidebar"'),
    ),
    "unknown-audience": Case(
        AD + "    only:\n      audiences: [vip]\n",
        ("units[0].only.audiences[0]",),
        ("vip",),
        ("'anonymous'", "'registered'", "'subscriber'", 'found "vip"'),
    ),
    "rail-unit-with-every": Case(
        AD.replace("    kind: ad\n", "    kind: ad\n    position: rail\n")
        + "    every: {words: 300}\n",
        ("units[0]", "units[0].every"),
        ("id: mid", "{words: 300}"),
        ("`rail`", "at/start/every", "found"),
    ),
    "video-without-source": Case(
        "version: 1\nname: t\nunits:\n  - id: clip\n    kind: video\n",
        ("units[0]", "units[0].source"),
        ("id: clip",),
        ("`source`", "article or playlist", "found"),
    ),
    "template-not-j2": Case(
        "version: 1\nname: t\nunits:\n  - id: promo\n    kind: promo\n"
        "    template: units/promo.html\n",
        ("units[0].template",),
        ("units/promo.html",),
        (".j2", 'found "units/promo.html"'),
    ),
    "promo-heading-not-text": Case(
        "version: 1\nname: t\nunits:\n  - id: promo\n    kind: promo\n    heading: [1, 2]\n",
        ("units[0].heading",),
        ("[1, 2]",),
        ("valid string", "found [1, 2]"),
    ),
    "bidders-without-prebid": Case(
        AD + "    bidders: [{bidder: appnexus, params: {placementId: 1}}]\n",
        ("ads",),
        ("version",),
        ("units mid name bidders", "`ads.prebid` must be set"),
    ),
    "prebid-failsafe-before-timeout": Case(
        AD + "ads:\n  prebid: {timeout_ms: 2000, failsafe_ms: 1500}\n",
        ("ads.prebid",),
        ("{timeout_ms",),
        ("failsafe_ms must be longer than timeout_ms",),
    ),
    "price-buckets-out-of-order": Case(
        AD + "ads:\n  prebid:\n    price_granularity: [{max: 20, increment: 0.5}, "
        "{max: 5, increment: 0.1}]\n",
        ("ads.prebid.price_granularity",),
        ("[{max: 20",),
        ("ascending order of `max`",),
    ),
    "failsafe-before-consent-and-bids": Case(
        AD + "ads:\n  prebid: {timeout_ms: 1000, failsafe_ms: 3000}\n"
        "  consent: {wait: false, timeout_ms: 2500}\n",
        ("ads",),
        ("prebid: {timeout_ms",),
        ("longer than timeout_ms and consent.timeout_ms together (3500)", "found 3000"),
    ),
    "two-anchors": Case(
        AD + "  - {id: anchor, kind: ad, position: anchor, ad_unit: /1/a, max: 2,\n"
        "     sizes: {mobile: [[320, 50]]}}\n",
        ("units[1]",),
        ("{id: anchor",),
        ("is one ad (`kind: ad`, `max: 1`)",),
    ),
    "refresh-too-often": Case(
        AD + "    refresh: {viewable_seconds: 10}\n",
        ("units[0].refresh.viewable_seconds",),
        ("10}",),
        ("greater than or equal to 30", "found 10"),
    ),
    "prebid-library-on-an-unknown-host": Case(
        AD + "ads:\n  prebid: {library: 'https://cdn.example.com/prebid.js'}\n",
        ("ads",),
        ("prebid: {library",),
        ("prebid.library", "ad-library host"),
    ),
    "unknown-consent-framework": Case(
        AD + "ads:\n  consent: {frameworks: [usp]}\n",
        ("ads.consent.frameworks[0]",),
        ("usp]",),
        ("'tcf' or 'gpp'", 'found "usp"'),
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_invalid_rule_file_names_file_line_column_path_and_expected_found(tmp_path, case):
    path = write(tmp_path, case.text)
    error = config_error(path)
    lines = error.lines()
    assert len(lines) == 1, lines
    message = lines[0]
    places = {position(case.text, snippet) for snippet in case.at}
    prefixes = [
        f"{path}:{line}:{column}: {field}: " for line, column in places for field in case.paths
    ]
    assert any(message.startswith(prefix) for prefix in prefixes), (message, prefixes)
    for fragment in case.says:
        assert fragment in message, (fragment, message)
    assert str(error) == message


def test_distinct_invalid_cases():
    assert len(CASES) >= 15
    assert len({case.text for case in CASES.values()}) == len(CASES)


def test_bad_yaml_syntax_reports_line_and_column(tmp_path):
    text = "version: 1\nname: t\nunits:\n  - id: x\n    kind: ad\n   bad: indentation\n"
    path = write(tmp_path, text)
    lines = config_error(path).lines()
    line, column = position(text, "bad: indentation")
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:{line}:{column}: invalid YAML: ")
    assert "expected" in lines[0] and "found" in lines[0]


def test_unclosed_flow_list_reports_the_line_it_stopped_at(tmp_path):
    text = "version: 1\nname: t\nunits: [a, b\nfoo: 1\n"
    path = write(tmp_path, text)
    lines = config_error(path).lines()
    line, column = position(text, "foo: 1")
    assert lines == [
        f"{path}:{line}:{column + 3}: invalid YAML: expected ',' or ']', but got ':'"
    ]


def test_a_yaml_list_instead_of_a_mapping(tmp_path):
    path = write(tmp_path, "- version: 1\n- name: t\n")
    lines = config_error(path).lines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:1:")
    assert "expected a mapping" in lines[0] and "found list" in lines[0]


@pytest.mark.parametrize("text", ["", "# only a comment\n"], ids=["empty", "comment-only"])
def test_an_empty_file(tmp_path, text):
    path = write(tmp_path, text)
    lines = config_error(path).lines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:1:")
    assert "expected a mapping" in lines[0] and "found nothing" in lines[0]


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_bytes(b"version: 1\nname: caf\xe9\n")
    lines = config_error(path).lines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: ")
    assert "cannot read the rule file" in lines[0]
    assert "utf-8" in lines[0].lower()


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere" / "rules.yaml"
    lines = config_error(path).lines()
    assert lines == [f"{path}: rule file not found"]


def test_three_mistakes_give_three_messages(tmp_path):
    text = "version: 2\nname: t\ncolour: red\nunits:\n  - id: x\n    kind: banner\n"
    path = write(tmp_path, text)
    lines = config_error(path).lines()
    assert len(lines) == 3, lines
    expected = {
        (position(text, "2\n"), "version"),
        (position(text, "red"), "colour"),
        (position(text, "banner"), "units[0].kind"),
    }
    for (line, column), field in expected:
        matching = [m for m in lines if m.startswith(f"{path}:{line}:{column}: {field}: ")]
        assert len(matching) == 1, (field, lines)
    assert all(message.startswith(str(path)) for message in lines)


def test_parse_rules_names_the_source_it_was_given():
    with pytest.raises(ConfigError) as caught:
        parse_rules("version: 1\nname: t\nmax: 3\n", source="request")
    assert caught.value.lines() == ["request:3:6: max: unknown field (not expected here)"]


# --- the URLs a rule set puts on the page ---------------------------------------------------

RULE_URLS = [
    # (field, value, accepted in production, accepted in development)
    ("link", "https://www.example-news.test/subscribe", True, True),
    ("link", "/subscribe", True, True),
    ("link", "?utm=promo", True, True),
    ("link", "http://www.example-news.test/subscribe", False, True),
    ("link", "javascript:alert(1)", False, False),
    ("link", "data:text/html,<script>alert(1)</script>", False, False),
    ("link", "//evil.example/x", False, False),
    ("link", "/\\evil.example/x", False, False),
    ("link", "\\\\evil.example/x", False, False),
    ("link", "https://user:pass@www.example-news.test/", False, False),
    ("link", "mailto:desk@example-news.test", False, False),
    ("link", " https://www.example-news.test/", False, False),
    ("poster", "https://img.example-news.test/p.jpg", True, True),
    ("poster", "data:image/png;base64,AAAA", False, False),
    ("library", "https://securepubads.g.doubleclick.net/tag/js/gpt.js", True, True),
    ("library", "http://securepubads.g.doubleclick.net/tag/js/gpt.js", False, True),
    ("library", "https://evil.example/gpt.js", False, False),
    ("library", "/js/gpt.js", False, False),
    ("library", "https:\\\\evil.example/gpt.js", False, False),
    ("library", "https://securepubads.g.doubleclick.net@evil.example/x.js", False, False),
    ("library", "https://securepubads.g.doubleclick.net.evil.example/x.js", False, False),
]


def rules_with_url(field: str, value: str) -> str:
    data: dict = {"version": 1, "name": "urls"}
    if field == "library":
        data["ads"] = {"library": value}
    elif field == "poster":
        data["units"] = [{"id": "clip", "kind": "video", "source": "playlist", "playlist": [
            {"provider": "youtube", "video_id": "dQw4w9WgXcQ", "title": "t", "poster": value}]}]
    else:
        data["units"] = [{"id": "p", "kind": "promo", "action": {"url": value, "title": "Go"}}]
    return json.dumps(data)


@pytest.mark.parametrize(("field", "value", "production", "development"), RULE_URLS)
def test_rule_set_urls_follow_one_policy(field, value, production, development):
    for mode, accepted in ((False, production), (True, development)):
        text = rules_with_url(field, value)
        if accepted:
            parse_rules(text, source="r.json", development=mode)
        else:
            with pytest.raises(ConfigError) as caught:
                parse_rules(text, source="r.json", development=mode)
            [line] = caught.value.lines()
            assert re.search(r": expected an? (http|script URL on an ad-library host)", line), line
            assert f"found {json.dumps(value)}" in line, line


def test_a_yaml_alias_bomb_is_refused_with_one_line():
    lines = ["version: 1", "name: bomb", "x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"x{n}: &x{n} [" + ", ".join([f"*x{n - 1}"] * 10) + "]" for n in range(1, 10)]
    with pytest.raises(ConfigError) as caught:
        parse_rules("\n".join(lines) + "\n", source="bomb.yaml")
    assert caught.value.lines() == [
        "bomb.yaml: the document holds more than 2,000,000 values (with its aliases expanded)"
    ]

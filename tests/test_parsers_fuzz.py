"""Every function that reads a value out of input (URLs, JSON, YAML, meter tokens, numbers,
dates, attribute values), fuzzed on its own with Hypothesis.

``TARGETS`` is the literal table: the function, what to feed it, the project's errors it may
raise (``LayoutError`` subclasses) and, where there is one, a property of its answer. Any
other exception is a defect: Hypothesis shrinks it and the test names the target. The
number of examples per target is bounded (``LAYOUT_PARSER_EXAMPLES``, default 300) and the
counts are in the run's summary.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.access.meter import MeterState, decode_meter, encode_meter, period_key
from layout.access.secret import DEVELOPMENT_SECRET
from layout.errors import ConfigError, InputError
from layout.html.providers import FRAME_PROVIDERS, frame_provider, frame_src, player_url
from layout.html.repair import clean_block_html, clean_inline_html
from layout.html.sanitize import clean_body, is_safe_url
from layout.html.text import scrub
from layout.html.urls import AD_LIBRARY_HOSTS, library_url_problem, rule_url_problem, split_url
from layout.html.values import ascii_int
from layout.ingest.sources import article_from_data_checked, article_from_html, article_from_json
from layout.ingest.sources import parse_json as parse_json_text
from layout.limits import document_problem
from layout.locate import node_at
from layout.rules import RuleSet, parse_rules
from tests.conftest import report
from tests.support.frames import embed_src_problem, frame_problem
from tests.test_fuzz import ATTRIBUTE_VALUES, text

EXAMPLES = int(os.environ.get("LAYOUT_PARSER_EXAMPLES", "300"))
# What HTML forbids in text (C0 controls but whitespace, DEL, noncharacters, surrogates).
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
SECRET = DEVELOPMENT_SECRET.encode("utf-8")
PERIOD = "2026-12"

# --- strategies -------------------------------------------------------------------------

URL_PIECES = [
    "https://", "http://", "//", "javascript:", "data:text/javascript,", "data:image/png;base64,",
    "[", "]", "[::1]", "[x", "@", ":", ":99999", ":80", "user:pass@", "\u2100", "\uff0f", "%",
    "%2F", "#", "?", "/", "\\", " ", "\t", "\n", "\x00", "www.youtube.com/embed/",
    "player.vimeo.com/video/", "securepubads.g.doubleclick.net", "attacker.example", ".", "..",
    "xn--", "\u0430", "LtOGa5M8AuU", "embed", "a", "1",
]
urls = st.one_of(
    st.lists(st.sampled_from(URL_PIECES), max_size=10).map("".join),
    st.sampled_from(ATTRIBUTE_VALUES),
    text,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=True, allow_infinity=True) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)
def nested_list(depth: int) -> list[Any]:
    """A list nested ``depth`` levels deep, built without recursion."""
    root: list[Any] = []
    current = root
    for _ in range(depth - 1):
        child: list[Any] = []
        current.append(child)
        current = child
    return root


depths = st.integers(0, 3000)
nested = depths.map(lambda depth: "[" * depth + "]" * depth)
big_numbers = st.integers(1, 6000).map(lambda digits: "9" * digits)


def _json_text(draw: st.DrawFn) -> str:
    value = draw(json_values)
    return json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True)


@st.composite
def json_documents(draw: st.DrawFn) -> str:
    """JSON text: valid documents, broken ones, deep ones and huge numbers."""
    kind = draw(st.sampled_from(["value", "broken", "deep", "number", "raw"]))
    if kind == "value":
        return _json_text(draw)
    if kind == "broken":
        whole = _json_text(draw)
        cut = draw(st.integers(0, len(whole)))
        return whole[:cut] + draw(st.sampled_from(["", "}", "]", ",", '"', "\\", "\ud800"]))
    if kind == "deep":
        return draw(nested)
    if kind == "number":
        return '{"a": ' + draw(big_numbers) + "}"
    return draw(text)


@st.composite
def article_documents(draw: st.DrawFn) -> str:
    """Article JSON with odd values in the fields that are parsed: dates, numbers, URLs."""
    data: dict[str, Any] = {"id": draw(st.one_of(text, st.just("a"))), "headline": "h"}
    date = st.one_of(text, st.sampled_from([
        "2026-13-01", "99999-01-01", "2026-02-30T25:61:00Z", "0000-00-00",
        "2026-01-01T00:00:00+99:00",
        "1e400", "-1", "2026-W48", "2026-12-01T00:00:00.123456789012Z", "",
    ]), st.integers(-(2**70), 2**70), st.floats(allow_nan=True))
    for field in draw(st.sets(st.sampled_from(["published", "updated", "comment_count", "url",
                                                "extra", "blocks", "hero"]))):
        if field in ("published", "updated"):
            data[field] = draw(date)
        elif field == "comment_count":
            data[field] = draw(st.one_of(st.integers(-(2**70), 2**70), text))
        elif field == "url":
            data[field] = draw(urls)
        elif field == "hero":
            data[field] = {"kind": "image", "src": draw(urls), "width": draw(json_values)}
        elif field == "blocks":
            data[field] = [{"kind": "image", "src": draw(urls), "width": draw(json_values)},
                           {"kind": "video", "provider": "jwplayer", "src": draw(urls)}]
        else:
            data[field] = draw(json_values)
    document = json.dumps(data, allow_nan=True)
    if draw(st.booleans()):
        document = document[:-1] + ', "comment_count": ' + draw(big_numbers) + "}"
    return document


def alias_bomb(levels: int) -> str:
    """A YAML document a few hundred bytes long that stands for 10**levels values."""
    lines = ["version: 1", "name: bomb", "x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"x{n}: &x{n} [" + ", ".join([f"*x{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


@st.composite
def rule_documents(draw: st.DrawFn) -> str:
    """Rule sets as YAML or JSON, broken in the ways that parse: odd values, deep values,
    huge numbers, URLs, YAML tags and anchors."""
    base: dict[str, Any] = {"version": 1, "name": "fuzz"}
    for field in draw(st.sets(st.sampled_from(["ads", "units", "unknown", "paywall"]))):
        if field == "ads":
            base["ads"] = {"library": draw(urls), "library_hosts": draw(st.lists(urls, max_size=2))}
        elif field == "units":
            base["units"] = [{"id": "p", "kind": "promo", "action": {"url": draw(urls),
                                                                     "title": "x"}},
                             {"id": "v", "kind": "video", "source": "playlist", "playlist": [
                                 {"provider": "youtube", "video_id": draw(text), "title": "t",
                                  "poster": draw(urls)}]}]
        elif field == "unknown":
            base["bogus"] = draw(json_values)
        else:
            base["paywall"] = {"mode": "metered", "meter": {"limit": draw(json_values)}}
    style = draw(st.sampled_from(["json", "yaml", "number", "yaml-tags", "deep", "raw"]))
    if style == "json":
        return json.dumps(base, allow_nan=True)
    if style == "deep":  # an unknown field holding a deep array, as JSON or YAML flow
        return '{"version": 1, "name": "deep", "bogus": ' + draw(nested) + "}"
    if style == "number":
        return "version: 1\nname: n\ndensity: {max_ad_ratio: " + draw(big_numbers) + "}\n"
    if style == "yaml-tags":
        return draw(st.sampled_from([
            "version: 1\nname: t\nunits: !!python/object:os.system {}\n",
            "version: &a 1\nname: *a\n", "a: &x [*x]\n", "version: 1\nname: t\n? [a, b]\n: c\n",
            "version: !!int 1e400\nname: x\n", "version: 1\nname: !!binary AAAA\n",
            "version: 1\nname: x\ndensity: {max_ad_ratio: .inf}\n", "\t{}", "- - - -\n",
            "version: 1\nname: t\nunits: [" * 50 + "]" * 50 + "\n",
            alias_bomb(draw(st.integers(3, 9))),
        ]))
    if style == "yaml":
        try:
            import yaml

            return yaml.safe_dump(base, allow_unicode=draw(st.booleans()))
        except (ValueError, RecursionError):
            return json.dumps(base, allow_nan=True)
    return draw(text)


@st.composite
def url_rules(draw: st.DrawFn) -> str:
    """Rule sets that are valid but for their URLs: the library, its hosts and links."""
    hosts = draw(st.lists(st.sampled_from(["cdn.example.test", "Evil Host", "a..b"]), max_size=2))
    data = {"version": 1, "name": "urls",
            "ads": {"library": draw(urls), "library_hosts": hosts},
            "units": [{"id": "p", "kind": "promo", "action": {"url": draw(urls), "title": "x"}},
                      {"id": "r", "kind": "related", "position": "bottom",
                       "links": [{"url": draw(urls), "title": "y"}]}]}
    if draw(st.booleans()):
        del data["ads"]
    return json.dumps(data)


@st.composite
def signed_tokens(draw: st.DrawFn) -> str:
    """Meter tokens signed with the right secret around any payload at all."""
    from layout.access.meter import _sign  # the token format, to reach past the signature
    from layout.access.tokens import b64encode

    payload = draw(st.one_of(
        json_documents(),
        st.builds(lambda p, a: json.dumps({"p": p, "a": a}), st.one_of(st.just(PERIOD), text),
                  json_values),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
    ))
    encoded = b64encode(payload.encode("utf-8", "surrogatepass"))
    return f"v1.{encoded}.{_sign(SECRET, encoded)}"


tokens = st.one_of(
    signed_tokens(), text, st.lists(st.sampled_from(["v1", ".", "A", "=", "-", "_", "\u00e9"]),
                                    max_size=20).map("".join),
)
datetimes = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
    timezones=st.one_of(st.none(), st.just(UTC),
                        st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m)))),
)
frames = st.builds(
    lambda src, width, height, title: (
        f'<table><tr><td><iframe src="{src}" width="{width}" height="{height}" '
        f'title="{title}"></iframe></td></tr></table>'
    ),
    urls.map(lambda u: u.replace('"', "&quot;")),
    st.sampled_from(["1", "0", "²", "x", "", "9" * 30]),
    st.sampled_from(["2", "250", "-1", "١٢"]), text.map(lambda t: t.replace('"', "")),
)
image_links = st.builds(
    lambda href, inner: f'<p><a href="{href}">{inner}</a></p>',
    urls.map(lambda u: u.replace('"', "&quot;")),
    st.sampled_from(['<img src="a.png" alt="">', '<img src="a.png">', "", "text"]),
)
paths = st.lists(st.one_of(st.integers(-3, 5), st.sampled_from(["units", "ads", "id", "", "0"])),
                 max_size=4)

# --- properties -------------------------------------------------------------------------


def _split_parses(value: str, result: object) -> None:
    assert result is None or result.geturl() is not None  # type: ignore[attr-defined]


def _is_a_phrase(value: object, result: object) -> None:
    assert result is None or (isinstance(result, str) and result)


def _player_is_a_provider_embed(value: tuple[str, str | None, str | None], result: object) -> None:
    assert result is None or embed_src_problem(str(result)) is None


def _only_known_frames(value: str, result: object) -> None:
    root = lxml.html.fragment_fromstring(str(result) or "<p></p>", create_parent="div")
    for frame in root.iter("iframe", "frame", "embed", "object"):
        assert frame_problem(frame.tag, dict(frame.attrib)) is None, dict(frame.attrib)


def _int_matches(value: tuple[str, int | None], result: object) -> None:
    text_value = value[0].strip()
    if result is not None:
        assert text_value.isascii() and int(text_value) == result


def _fresh_or_current(value: str, result: object) -> None:
    assert isinstance(result, MeterState) and result.period == PERIOD
    assert all(isinstance(a, str) for a in result.articles)


def _period_shape(value: tuple[str, datetime], result: object) -> None:
    assert re.fullmatch(r"\d{4}-(\d{2}|W\d{2})(-\d{2})?", str(result)), result


def _strings(value: Any) -> list[str]:
    """Every string in decoded JSON, keys included (walked without recursion)."""
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _scrub_cleans(value: Any, result: object) -> None:
    """No forbidden character is left; clean input comes back equal; a second pass is a no-op."""
    assert not [text for text in _strings(result) if FORBIDDEN.search(text)]
    if document_problem(value, depth=500):  # beyond what json.dumps compares: depth is kept
        assert document_problem(result, depth=500)
        return
    dumped = json.dumps(result, allow_nan=True)
    assert json.dumps(scrub(result), allow_nan=True) == dumped
    if not [text for text in _strings(value) if FORBIDDEN.search(text)]:
        assert dumped == json.dumps(value, allow_nan=True)


def _accepted_urls_are_safe(value: str, result: object) -> None:
    """A rule set that loads puts only an allowed-host https script and https or on-site
    links on the page (checked here with urllib after a browser's backslash reading)."""
    assert isinstance(result, RuleSet)
    if result.ads.library is not None:
        library = urlsplit(result.ads.library.replace("\\", "/"))
        assert library.scheme == "https" and library.username is None
        assert library.hostname in AD_LIBRARY_HOSTS | set(result.ads.library_hosts)
    for unit in result.units:
        for link in [unit.action, *unit.links]:
            if link is None:
                continue
            parts = urlsplit(link.url.replace("\\", "/"))
            assert parts.scheme in ("https", "") and parts.username is None, link.url
            assert parts.scheme == "https" or not parts.netloc, link.url


def _depth_is_right(value: int, result: object) -> None:
    assert (result is not None) == (value > 64)


# --- the table --------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One parser: how to call it on a drawn value, what it may raise, what must hold."""

    name: str
    values: st.SearchStrategy[Any]
    call: Callable[[Any], object]
    raises: tuple[type[BaseException], ...] = ()
    holds: Callable[[Any, object], None] | None = None


TARGETS: list[Target] = [
    Target("url split_url", urls, split_url, holds=_split_parses),
    Target("url is_safe_url", st.tuples(urls, st.booleans()),
           lambda v: is_safe_url(v[0], image=v[1])),
    Target("url rule_url_problem", st.tuples(urls, st.booleans(), st.booleans()),
           lambda v: rule_url_problem(v[0], development=v[1], relative=v[2]), holds=_is_a_phrase),
    Target("url library_url_problem", st.tuples(urls, st.lists(urls, max_size=2)),
           lambda v: library_url_problem(v[0], development=False, extra_hosts=v[1]),
           holds=_is_a_phrase),
    Target("url frame_provider", urls, lambda v: frame_provider(frame_src(v))),
    Target("url player_url",
           st.tuples(st.sampled_from([p.name for p in FRAME_PROVIDERS] + ["x", ""]),
                     st.one_of(st.none(), text, st.sampled_from(["LtOGa5M8AuU", "1", "a/b"])),
                     st.one_of(st.none(), urls)),
           lambda v: player_url(*v), holds=_player_is_a_provider_embed),
    Target("url iframe src, width and height (frame policy)", frames, clean_block_html,
           holds=_only_known_frames),
    Target("url iframe in inline text (frame policy)",
           frames.map(lambda markup: f"<b>Text</b> {markup} <i>more</i>"), clean_inline_html,
           holds=_only_known_frames),
    Target("url image-link naming", image_links, clean_block_html),
    Target("url srcset and attribute filters (nh3 callbacks)",
           st.builds(lambda u, n: f'<img src="{u}" srcset="{u} 1x, {u} 2x" width="{n}">'
                     f'<a href="{u}">x</a><td colspan="{n}">c</td>',
                     urls.map(lambda u: u.replace('"', "")),
                     st.sampled_from(["1", "²", "9" * 40, "-1", "1px", " 7 "])),
           clean_body),
    Target("number ascii_int", st.tuples(st.one_of(text, big_numbers, st.sampled_from(
        ["²", "١٢", " 12 ", "+1", "-1", "0x10", "1_000", "１２"])), st.one_of(st.none(),
                                                                          st.integers(0, 10**6))),
           lambda v: ascii_int(v[0], maximum=v[1]), holds=_int_matches),
    Target("token decode_meter", tokens, lambda v: decode_meter(v, SECRET, PERIOD),
           holds=_fresh_or_current),
    Target("token encode then decode", st.lists(text, max_size=5),
           lambda v: decode_meter(encode_meter(MeterState(PERIOD, tuple(v)), SECRET), SECRET,
                                  PERIOD), holds=_fresh_or_current),
    Target("date period_key", st.tuples(st.sampled_from(["month", "week", "day"]), datetimes),
           lambda v: period_key(v[0], v[1]), holds=_period_shape),
    Target("json parse_json", json_documents(), lambda v: parse_json_text(v, "x.json"),
           raises=(InputError,)),
    Target("json article_from_json (dates, numbers, URLs)", article_documents(),
           lambda v: article_from_json(v, source="a.json"), raises=(InputError,)),
    Target("json article_from_data_checked", json_values,
           lambda v: article_from_data_checked(v, source="request"), raises=(InputError,)),
    Target("json body HTML metadata", st.one_of(json_values, depths.map(nested_list)),
           lambda v: article_from_html("<p>Words.</p>", v, source="m.json"),
           raises=(InputError,)),
    Target("json scrub", st.one_of(json_values, depths.map(nested_list)), scrub,
           holds=_scrub_cleans),
    Target("json document_problem (depth)", depths, lambda v: document_problem(nested_list(v)),
           holds=_depth_is_right),
    Target("yaml parse_rules", rule_documents(),
           lambda v: parse_rules(v, source="r.yaml", development=False), raises=(ConfigError,)),
    Target("yaml parse_rules URLs", url_rules(),
           lambda v: parse_rules(v, source="r.yaml", development=False), raises=(ConfigError,),
           holds=_accepted_urls_are_safe),
    Target("yaml node_at", st.tuples(rule_documents(), paths), lambda v: node_at(v[0], v[1])),
]


def test_the_table_names_each_target_once() -> None:
    names = [target.name for target in TARGETS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_a_parser_raises_only_the_projects_errors(target: Target) -> None:
    seen = {"examples": 0, "refused": 0}

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(target.values)
    def run(value: Any) -> None:
        seen["examples"] += 1
        try:
            result = target.call(value)
        except target.raises:
            seen["refused"] += 1
            return
        if target.holds is not None:
            target.holds(value, result)

    run()
    report(f"parser fuzz {target.name}: {seen['examples']} examples, "
           f"{seen['refused']} refused with the project's error")
    assert seen["examples"] >= min(EXAMPLES, 50)

"""Fuzzing the inputs the engine reads: body HTML, article JSON, rule sets, bytes on disk.

The contract (layout/errors.py): bad input raises a LayoutError subclass (InputError for
articles, ConfigError for rules) and nothing else; input that is accepted renders a page
that parses, carries no script but the theme's own, no event handler and no script URL.

Every target runs a bounded number of Hypothesis examples. A crash does not stop the run:
each distinct crash site (exception type and the engine line that raised it) is kept with
its shortest input, and the test fails at the end listing all of them, so one bug does not
hide the next. The number of examples each target ran is reported in the summary.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from layout.cli import app as cli_app
from layout.engine import Engine
from layout.errors import ConfigError, InputError, LayoutError
from layout.ingest.sources import article_from_html, article_from_json, load_article
from layout.rules import DEFAULT_RULES_PATH, RuleSet, parse_rules
from layout.viewer import Viewer
from tests.conftest import report
from tests.support.corpus import ROOT, SAMPLES
from tests.support.frames import page_frame_problems
from tests.support.server import RunningServer, running_server, server_env

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SAMPLE_ARTICLES = sorted((SAMPLES / "articles").glob("*.json"))
DEFAULT_RULES = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
VIEWERS = [
    Viewer(device="mobile", audience="anonymous"),
    Viewer(device="desktop", audience="subscriber"),
    Viewer(device="mobile", audience="registered", consent=False),
]
# Characters HTML forbids in a document (C0 controls other than whitespace, DEL, noncharacters).
FORBIDDEN_OUTPUT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
URL_ATTRIBUTES = ("href", "src", "srcset", "poster", "action", "formaction", "data", "data-player")
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data:text|data:application)", re.IGNORECASE)


# --- crash collection ---------------------------------------------------------------------


@dataclass
class Crashes:
    """Unexpected failures by site, each with its shortest input; and the example count."""

    target: str
    examples: int = 0
    accepted: int = 0
    sites: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, site: str, detail: str, example: str) -> None:
        shown = example if len(example) <= 600 else example[:600] + f"... ({len(example)} chars)"
        kept = self.sites.get(site)
        if kept is None or len(shown) < len(kept[1]):
            self.sites[site] = (detail, shown)

    def crash(self, error: BaseException, example: str) -> None:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if "/layout/" in f.filename.replace("\\", "/")] or frames
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
        self.add(f"{type(error).__name__} at {where}", f"{type(error).__name__}: {error}"[:300],
                 example)

    def check(self) -> None:
        report(
            f"fuzz {self.target}: {self.examples} examples, {self.accepted} accepted, "
            f"{len(self.sites)} crash sites"
        )
        assert self.examples > 0
        lines = [f"{site}\n    {detail}\n    input: {ex}" for site, (detail, ex) in
                 sorted(self.sites.items())]
        assert not self.sites, f"{self.target}: unexpected failures:\n" + "\n".join(lines)


# --- checks on rendered output ------------------------------------------------------------


@cache
def theme_inline_scripts() -> frozenset[str]:
    """The theme's own inline bootstraps, taken from a page that has ads and a video."""
    engine = Engine(development=True)
    scripts: set[str] = set()
    for path in SAMPLE_ARTICLES:
        html = engine.render(load_article(path), Viewer()).html
        for script in lxml.html.document_fromstring(html).iter("script"):
            if not script.get("type") and not script.get("src"):
                scripts.add((script.text or "").strip())
    assert len(scripts) == 2, "expected the click-to-play and the GPT bootstraps"
    return frozenset(scripts)


def output_problems(html: str, rules: RuleSet) -> list[str]:
    """What is wrong with a rendered page: unparseable, foreign scripts, handlers, bad URLs."""
    problems = []
    try:
        html.encode("utf-8")
    except UnicodeEncodeError as error:
        return [f"output is not encodable as UTF-8: {error}"]
    bad = FORBIDDEN_OUTPUT.search(html)
    if bad:
        problems.append(f"forbidden character in the output: {bad.group()!r}")
    try:
        root = lxml.html.document_fromstring(html)
    except Exception as error:  # any parser failure is the finding
        return [*problems, f"output does not parse: {error!r}"]
    known = theme_inline_scripts()
    for script in root.iter("script"):
        kind, src, text = script.get("type"), script.get("src"), script.text or ""
        if kind == "application/ld+json" or (
            kind == "application/json" and script.get("data-layout-ads") is not None
        ):
            try:
                json.loads(text)
            except ValueError:
                problems.append(f"{kind} script is not JSON: {text[:200]!r}")
        elif src is not None:  # the bootstrap loads the libraries: none is in the markup
            problems.append(f"foreign script src {src!r}")
        elif text.strip() not in known:
            problems.append(f"foreign inline script: {text[:200]!r}")
    problems += page_frame_problems(root)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"event handler in the output: <{element.tag} {name}=...>")
            compact = re.sub(r"[\x00-\x20]", "", value)
            if name.lower() in URL_ATTRIBUTES and SCRIPT_URL.match(compact):
                problems.append(f"script URL in the output: <{element.tag} {name}={value[:80]!r}>")
    return problems


def render_and_check(engine: Engine, article: Any, viewer: Viewer) -> list[str]:
    return output_problems(engine.render(article, viewer).html, engine.rules)


@cache
def default_engine() -> Engine:
    return Engine(development=True)


# --- strategies: body HTML ----------------------------------------------------------------

TAGS = [
    "p", "div", "span", "a", "b", "i", "em", "strong", "h1", "h2", "h3", "h6", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "td", "th", "caption", "blockquote", "figure", "figcaption",
    "img", "iframe", "script", "style", "svg", "math", "mtext", "mglyph", "video", "audio",
    "source", "object", "embed", "form", "input", "button", "textarea", "select", "option",
    "template", "noscript", "title", "head", "body", "html", "br", "hr", "pre", "code", "details",
    "summary", "section", "article", "aside", "nav", "font", "center", "marquee", "frameset",
    "base", "meta", "link", "xmp", "plaintext", "noembed", "foreignObject", "desc",
    "annotation-xml", "x-custom", "P", "ScRiPt", "dl", "dt", "dd", "sup", "q", "time", "abbr",
]
ATTRIBUTES = [
    "class", "id", "href", "src", "srcset", "alt", "title", "style", "onclick", "onerror",
    "onload", "width", "height", "data-src", "data-srcset", "colspan", "cite", "lang", "dir",
    "action", "formaction", "poster", "xlink:href", "ONERROR", "value", "start", "type",
]
ATTRIBUTE_VALUES = [
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
    "&#106;avascript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,AAAA", "https://example.test/a.jpg", "//example.test/x", "x", "",
    "twitter-tweet", "instagram-media pull", "credit", "https://www.youtube.com/embed/abcdefgh",
    "https://player.vimeo.com/video/1234", "1", "0", "-5", "99999999999", "12px", "rtl",
    "' onerror='alert(1)", '"><script>alert(1)</script>', "a.jpg 1x, javascript:x 2x",
    "https://attacker.example/frame", "//attacker.example/frame", "about:blank",
    "https://www.youtube.com.attacker.example/embed/abcdefgh", "https://open.spotify.com/embed/x",
]
ENTITIES = ["&amp;", "&lt;", "&gt;", "&nbsp;", "&#0;", "&#x0;", "&#xD800;", "&#x110000;",
            "&#128512;", "&bogus;", "&", "&#", "&#x;", "&lt;script&gt;", "&quot;", "&#9;"]
SURROGATES = re.compile(r"[\ud800-\udfff]")

raw_text = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["<", ">", "&", '"', "'", "\x00", "\x01", "\x0b", "\x7f", "\ufeff",
                         "\u2028", "\ufffe", "\ud800", "\udfff", "\r\n", "]]>", "-->"]),
    ),
    max_size=40,
).map("".join)
# Lone surrogates cannot come out of a UTF-8 file: a decoder replaces them, and so do we.
text = raw_text.map(lambda s: SURROGATES.sub("\ufffd", s))


def _attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(ATTRIBUTES))
    value = draw(st.one_of(st.sampled_from(ATTRIBUTE_VALUES), text))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if not quote:
        return f" {name}={value.replace(' ', '')}" if value else f" {name}"
    return f" {name}={quote}{value.replace(quote, '&quot;')}{quote}"


@st.composite
def element(draw: st.DrawFn, children: st.SearchStrategy[list[str]]) -> str:
    tag = draw(st.sampled_from(TAGS))
    attributes = "".join(_attribute(draw) for _ in range(draw(st.integers(0, 3))))
    inner = "".join(draw(children))
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", f"</{tag.upper()} >"]))
    return f"<{tag}{attributes}>{inner}{close}"


leaf = st.one_of(
    text,
    st.sampled_from(ENTITIES),
    text.map(lambda t: f"<!-- {t} -->"),
    text.map(lambda t: f"<![CDATA[{t}]]>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"<{t} title='unterminated"),
    st.sampled_from(["<!DOCTYPE html>", "<?xml version='1.0'?>", "<!", "<", "</", "<!--",
                     "<br/>", "<img src=x onerror=alert(1)>", "<scr<script>ipt>alert(1)</script>",
                     "<svg onload=alert(1)>", "<math><mtext><table><mglyph><style><img src=x "
                     "onerror=alert(1)>", "\x00", "\x0c", "<a href=javascript:alert(1)>x</a>"]),
)
fragment_soup = st.recursive(
    leaf, lambda children: element(st.lists(children, max_size=4)), max_leaves=40
)

BIG_ATTRIBUTE = f'<p><img src="a.jpg" alt="{"A" * 100_000}" title="{"t" * 100_000}">x</p>'
BIG_PARAGRAPH = "<p>" + ("lorem ipsum dolor sit amet " * 40_000)[:1_000_000] + "</p>"
DEEP_NESTING = "<div>" * 10_000 + "deep" + "</div>" * 10_000
DEEP_UNCLOSED = "<span><b>" * 5_000 + "deep"
GIANTS = [BIG_ATTRIBUTE, BIG_PARAGRAPH, DEEP_NESTING, DEEP_UNCLOSED]

body_html = st.one_of(
    st.lists(fragment_soup, max_size=12).map("".join),
    st.tuples(st.lists(fragment_soup, max_size=3), st.sampled_from(GIANTS)).map(
        lambda parts: "".join(parts[0]) + parts[1]
    ),
)


# --- strategies: article JSON -------------------------------------------------------------

junk = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), text, st.lists(st.integers(), max_size=3),
    st.dictionaries(text, st.integers(), max_size=2),
)


def rare(odds: int) -> st.SearchStrategy[bool]:
    """True about one time in ``odds`` (a middle value: Hypothesis favours the ends)."""
    return st.integers(0, odds - 1).map(lambda n: n == odds // 2)


def maybe(valid: st.SearchStrategy[Any], odds: int = 12) -> st.SearchStrategy[Any]:
    """Mostly a value of the right type; one time in ``odds``, anything at all."""
    return rare(odds).flatmap(lambda hit: junk if hit else valid)


def mostly(valid: st.SearchStrategy[Any], wrong: st.SearchStrategy[Any], odds: int = 10) -> Any:
    """``valid`` but, one time in ``odds``, a value of the right type that breaks a rule."""
    return rare(odds).flatmap(lambda hit: wrong if hit else valid)


url_values = st.one_of(st.sampled_from(ATTRIBUTE_VALUES), text)
markup = st.one_of(text, st.lists(fragment_soup, max_size=4).map("".join))
dimension = mostly(st.integers(1, 100_000), st.integers(-5, 200_000))
BLOCK_FIELDS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "paragraph": {"html": markup},
    "heading": {"html": markup, "level": mostly(st.integers(1, 6), st.integers(-3, 9))},
    "note": {"html": markup},
    "image": {"src": url_values, "alt": text, "width": dimension, "height": dimension,
              "caption": markup, "credit": text},
    "quote": {"html": markup, "attribution": text, "pull": st.booleans()},
    "list": {"ordered": st.booleans(), "items": st.lists(markup, max_size=4)},
    "table": {"html": markup},
    "embed": {"html": markup, "provider": text, "url": url_values},
    "video": {"provider": st.sampled_from(["youtube", "vimeo", "dailymotion", "jwplayer", "x"]),
              "video_id": text, "src": url_values, "title": text,
              "duration": mostly(st.integers(0, 10**9), st.integers(-10, -1)),
              "poster": url_values},
    "related": {"url": url_values, "title": text},
    "html": {"html": markup},
    "divider": {},
    "slot": {"unit": st.sampled_from(["mid", "top", "newsletter", "bottom", "nope", ""])},
}
REQUIRED_BLOCK_FIELDS = {"html", "items", "provider", "title", "unit", "url"}


@st.composite
def block(draw: st.DrawFn, kinds: tuple[str, ...] = tuple(sorted(BLOCK_FIELDS))) -> Any:
    kind = draw(maybe(st.sampled_from(kinds), odds=30))
    fields = BLOCK_FIELDS.get(kind, {}) if isinstance(kind, str) else {}
    data: dict[str, Any] = {} if draw(rare(30)) else {"kind": kind}
    for name, strategy in fields.items():
        if not draw(rare(30 if name in REQUIRED_BLOCK_FIELDS else 3)):
            data[name] = draw(maybe(strategy, odds=40))
    if draw(rare(40)):
        data[draw(text)] = draw(junk)  # an unknown field
    return draw(junk) if draw(rare(60)) else data


DATES = mostly(
    st.sampled_from(["2024-03-01T08:00:00Z", "1999-12-31", "2024-03-01T08:00:00+14:00",
                     "9999-12-31T23:59:59", "0001-01-01T00:00:00Z"]),
    st.sampled_from(["2024-02-30", "yesterday", "", "2024-13-01"]),
)
ARTICLE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "id": mostly(st.text(min_size=1, max_size=20), st.sampled_from(["", "x" * 201])),
    "url": url_values, "headline": text, "dek": text, "summary": st.lists(text, max_size=3),
    "byline": text, "section": text, "tags": st.lists(text, max_size=3), "published": DATES,
    "updated": DATES, "lang": st.one_of(st.sampled_from(["en", "ar", "de-CH"]), text),
    "dir": mostly(st.sampled_from(["ltr", "rtl", "auto"]), st.just("up")),
    "hero": block(kinds=("image",)),
    "access": mostly(st.sampled_from(["free", "metered", "premium"]), st.just("gold")),
    "comment_count": mostly(st.integers(0, 10**6), st.just(-1)), "no_ads": st.booleans(),
    "brand_safety": st.lists(st.sampled_from(["tragedy", "adult", "sports", ""]), max_size=2),
    "blocks": st.lists(block(), max_size=12),
}


@st.composite
def article_data(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, strategy in ARTICLE_FIELDS.items():
        required = name in ("id", "headline", "blocks")
        if not draw(rare(30 if required else 3)):
            data[name] = draw(maybe(strategy, odds=40))
    if draw(rare(30)):
        data[draw(text)] = draw(junk)  # an unknown field
    return data


# --- strategies: rule sets ----------------------------------------------------------------

distance = st.fixed_dictionaries({}, optional={
    "words": maybe(st.integers(-5, 2000)), "paragraphs": maybe(st.integers(-1, 30)),
    "blocks": maybe(st.integers(-1, 30)), "pixels": maybe(st.integers(-1, 5000)),
    "viewports": maybe(st.floats(-1, 5)),
})
sizes = st.lists(st.tuples(st.integers(-1, 2500), st.integers(-1, 2500)).map(list), max_size=3)
link = st.fixed_dictionaries({"url": url_values, "title": text})
BLOCK_KINDS = [*sorted(BLOCK_FIELDS), "banner"]
TEMPLATES = ["units/promo.html.j2", "units/related.html.j2", "units/ad.html.j2",
             "blocks/paragraph.html.j2", "nope.j2", "../../etc/x.j2", "article.html.j2"]
UNIT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(st.sampled_from(["mid", "top", "promo", "rel", "vid", "r2"]), text),
    "kind": st.sampled_from(["ad", "promo", "video", "related", "popup"]),
    "position": st.sampled_from(["in_content", "top", "bottom", "rail", "left"]),
    "priority": st.integers(-10, 10),
    "ad_unit": st.sampled_from(["/1234/news/mid", "/1/a.b-c", "1234", "/x"]),
    "sizes": st.fixed_dictionaries({}, optional={"mobile": sizes, "desktop": sizes,
                                                 "watch": sizes}),
    "targeting": st.dictionaries(text, text, max_size=3),
    "label": text, "lazy": st.booleans(), "template": st.sampled_from(TEMPLATES),
    "heading": text, "text": text, "action": link,
    "height": st.dictionaries(st.sampled_from(["mobile", "desktop"]), st.integers(-10, 5000)),
    "source": st.sampled_from(["article", "playlist", "feed"]),
    "playlist": st.lists(st.fixed_dictionaries(
        {"provider": st.sampled_from(["youtube", "vimeo", "x"]), "video_id": text, "title": text},
        optional={"duration": st.integers(-5, 10**6), "poster": url_values}), max_size=2),
    "links": st.lists(link, max_size=3),
    "at": st.fixed_dictionaries({}, optional={"after_paragraph": st.integers(-1, 40),
                                             "from_end": st.booleans(),
                                             "percent": st.floats(-10, 110)}),
    "start": distance, "every": distance,
    "spacing": st.fixed_dictionaries({}, optional={"same_unit": distance,
                                                  "same_kind": distance, "any_unit": distance}),
    "max": st.integers(-1, 60),
    "min_article": st.fixed_dictionaries({}, optional={"words": st.integers(-1, 3000),
                                                      "paragraphs": st.integers(-1, 30)}),
    "keep_out": st.fixed_dictionaries({}, optional={"last_words": st.integers(-1, 500),
                                                   "last_paragraphs": st.integers(-1, 10)}),
    "min_paragraph_words": st.integers(-1, 100),
    "avoid": st.fixed_dictionaries({}, optional={
        "after": st.lists(st.sampled_from(BLOCK_KINDS), max_size=3),
        "before": st.lists(st.sampled_from(BLOCK_KINDS), max_size=3),
        "next_to": st.lists(st.sampled_from(BLOCK_KINDS), max_size=3),
        "shift": st.integers(-1, 12)}),
    "only": st.fixed_dictionaries({}, optional={
        "audiences": st.lists(st.sampled_from(["anonymous", "registered", "subscriber", "x"])),
        "devices": st.lists(st.sampled_from(["mobile", "desktop", "tv"])),
        "sections": st.lists(text, max_size=2), "exclude_sections": st.lists(text, max_size=2),
        "tags": st.lists(text, max_size=2), "exclude_tags": st.lists(text, max_size=2)}),
}
device_profile = st.fixed_dictionaries(
    {"viewport": maybe(st.lists(st.integers(-10, 5000), min_size=2, max_size=2), odds=30),
     "column_width": maybe(st.integers(-10, 3000), odds=30)},
    optional={"font_size": maybe(st.floats(-1, 1e309)), "line_height": maybe(st.floats(-1, 1e309)),
              "min_width": maybe(st.integers(-1, 3000)), "max_width": maybe(st.integers(-1, 3000))},
)


@st.composite
def unit(draw: st.DrawFn) -> dict[str, Any]:
    """A unit: sometimes one of the default rule set's units with a few fields changed."""
    if draw(st.booleans()):
        data: dict[str, Any] = dict(draw(st.sampled_from(DEFAULT_RULES["units"])))
    else:
        data = {}
    for name in draw(st.lists(st.sampled_from(sorted(UNIT_FIELDS)), max_size=3)):
        data[name] = draw(maybe(UNIT_FIELDS[name], odds=20))
    if draw(rare(30)):
        data[draw(text)] = draw(junk)
    return data


@st.composite
def rules_data(draw: st.DrawFn) -> Any:
    data: dict[str, Any] = {
        "version": draw(maybe(st.just(1), odds=30)),
        "name": draw(maybe(mostly(st.sampled_from(["fuzz", "a.b-c_1"]), st.just("x" * 61)))),
    }
    if draw(st.booleans()):
        data["devices"] = draw(st.dictionaries(
            st.sampled_from(["mobile", "mobile", "desktop", "desktop", "watch"]),
            maybe(device_profile, odds=30), max_size=2))
    data["units"] = draw(maybe(st.lists(unit(), max_size=6), odds=30))
    optional: dict[str, st.SearchStrategy[Any]] = {
        "description": text,
        "spacing": st.fixed_dictionaries({}, optional={"between_units": distance}),
        "density": st.fixed_dictionaries({}, optional={"max_ad_ratio": st.floats(-1, 2)}),
        "ads": st.fixed_dictionaries({}, optional={
            "library": st.one_of(st.none(), url_values), "single_request": st.booleans(),
            "brand_safety_off": st.lists(text, max_size=2)}),
        "paywall": st.fixed_dictionaries({}, optional={
            "mode": st.sampled_from(["free", "metered", "registration", "hard", "soft"]),
            "preview": st.fixed_dictionaries({}, optional={
                "paragraphs": st.integers(-1, 20), "words": st.integers(-1, 500),
                "percent": st.floats(-1, 101)}),
            "meter": st.fixed_dictionaries({}, optional={
                "limit": st.integers(-1, 2000), "period": st.sampled_from(["month", "year"])}),
            "fade": st.booleans()}),
    }
    for name, strategy in optional.items():
        if draw(rare(3)):
            data[name] = draw(maybe(strategy, odds=30))
    if draw(rare(30)):
        data[draw(text.filter(lambda t: t not in DEFAULT_RULES))] = draw(junk)  # unknown key
    return draw(junk) if draw(rare(40)) else data


def dump_rules(data: Any, style: int) -> str:
    if style == 0:
        return json.dumps(data)
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return json.dumps(data)


whole_rules = st.tuples(rules_data(), st.integers(0, 3)).map(lambda pair: dump_rules(*pair))
rules_text = st.one_of(
    whole_rules,
    whole_rules,
    whole_rules,
    whole_rules,
    st.tuples(rules_data(), st.integers(1, 3), st.integers(0, 400)).map(
        lambda t: dump_rules(t[0], t[1])[: t[2]]  # a truncated file
    ),
    text,
)


# --- (a) body HTML ------------------------------------------------------------------------


def test_random_body_html_renders_safely_or_raises_a_layout_error() -> None:
    crashes = Crashes("body html")
    engine = default_engine()

    @FUZZ
    @given(html=body_html, viewer=st.sampled_from(VIEWERS))
    @example(html=BIG_ATTRIBUTE, viewer=VIEWERS[0])
    @example(html=BIG_PARAGRAPH, viewer=VIEWERS[1])
    @example(html=DEEP_NESTING, viewer=VIEWERS[0])
    @example(html=DEEP_UNCLOSED, viewer=VIEWERS[2])
    def run(html: str, viewer: Viewer) -> None:
        crashes.examples += 1
        try:
            article = article_from_html(html, {}, source="fuzz.html")
            crashes.accepted += 1
            problems = render_and_check(engine, article, viewer)
        except LayoutError:
            return
        except Exception as error:  # collected: the test fails at the end
            crashes.crash(error, repr(html))
            return
        for problem in problems:
            crashes.add(problem.split(":")[0][:80], problem, repr(html))

    run()
    crashes.check()


def test_huge_inputs_stay_within_the_limits() -> None:
    engine = default_engine()
    with pytest.raises(LayoutError, match="nesting depth"):
        article_from_html(DEEP_NESTING, {}, source="deep.html")
    article = article_from_html(BIG_PARAGRAPH, {}, source="big.html")
    html = engine.render(article, VIEWERS[0]).html
    assert "lorem ipsum dolor sit amet " * 100 in html
    assert output_problems(html, engine.rules) == []
    article = article_from_html(BIG_ATTRIBUTE, {"headline": "Big"}, source="attr.html")
    html = engine.render(article, VIEWERS[1]).html
    assert f'alt="{"A" * 100_000}"' in html
    assert output_problems(html, engine.rules) == []


# --- (b) article JSON ---------------------------------------------------------------------


def test_random_article_json_raises_input_error_or_renders() -> None:
    crashes = Crashes("article json")
    engine = default_engine()

    @FUZZ
    @given(data=article_data(), viewer=st.sampled_from(VIEWERS))
    def run(data: dict[str, Any], viewer: Viewer) -> None:
        crashes.examples += 1
        text_ = json.dumps(data)
        try:
            article = article_from_json(text_, source="fuzz.json")
        except InputError:
            return
        except Exception as error:
            crashes.crash(error, text_)
            return
        crashes.accepted += 1
        try:
            problems = render_and_check(engine, article, viewer)
        except Exception as error:  # an accepted article must render
            crashes.crash(error, text_)
            return
        for problem in problems:
            crashes.add(problem.split(":")[0][:80], problem, text_)

    run()
    crashes.check()


# --- surrogates: JSON can carry what a UTF-8 file cannot ------------------------------------

SURROGATE_HEADLINE = '"Harbour \\ud800 strike"'  # a lone surrogate as a JSON escape


def _surrogate_article() -> str:
    text_ = SAMPLE_ARTICLES[0].read_text(encoding="utf-8")
    data = json.loads(text_)
    return json.dumps(data).replace(json.dumps(data["headline"]), SURROGATE_HEADLINE, 1)


def test_a_lone_surrogate_escape_in_article_json_is_an_input_error_or_renders_utf8() -> None:
    try:
        article = article_from_json(_surrogate_article(), source="surrogate.json")
    except InputError:
        return
    html = default_engine().render(article, VIEWERS[0]).html
    html.encode("utf-8")  # a page that cannot be written out is a crash in every front end


def test_a_lone_surrogate_in_body_html_is_an_input_error_or_renders_utf8() -> None:
    try:
        article = article_from_html("<p>tide \ud800 table</p>", {}, source="surrogate.html")
    except InputError:
        return
    default_engine().render(article, VIEWERS[0]).html.encode("utf-8")


def test_cli_render_of_a_lone_surrogate_escape_exits_0_or_2_without_traceback(
    tmp_path: Path,
) -> None:
    path = tmp_path / "surrogate.json"
    path.write_text(_surrogate_article(), encoding="utf-8")
    result = run_cli(path)
    assert result.returncode in (0, 2), result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]


# --- (c) invalid UTF-8 on disk ------------------------------------------------------------

INVALID_SEQUENCES = [b"\xff", b"\xfe\xff", b"\xc3", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80",
                     b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80", b"\xf8\x88\x80\x80\x80"]
invalid_utf8 = st.tuples(
    st.text(max_size=50).map(lambda s: s.encode("utf-8")),
    st.lists(st.sampled_from(INVALID_SEQUENCES), min_size=1, max_size=3).map(b"".join),
    st.binary(max_size=50),
).map(b"".join).filter(lambda b: not _decodes(b))


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_invalid_utf8_files_make_the_cli_exit_2_with_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    crashes = Crashes("cli invalid utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text(DEFAULT_RULES_PATH.read_text(encoding="utf-8"), encoding="utf-8")

    @FUZZ
    @given(data=invalid_utf8, which=st.sampled_from(["json", "html", "meta", "rules"]))
    def run(data: bytes, which: str) -> None:
        crashes.examples += 1
        folder = tmp_path / f"case{crashes.examples}"
        folder.mkdir()
        target = folder / ("story.json" if which == "json" else "story.html")
        args = [str(target)]
        if which == "json":
            target.write_bytes(data)
        elif which == "html":
            target.write_bytes(b"<p>ok</p>" + data)
        else:
            target.write_text("<p>fine text</p>", encoding="utf-8")
        if which == "meta":
            (folder / "story.meta.json").write_bytes(data)
        if which == "rules":
            (folder / "rules.yaml").write_bytes(data)
            args += ["--rules", str(folder / "rules.yaml")]
        result = runner.invoke(cli_app, ["render", *args])
        stderr = result.stderr
        lines = stderr.splitlines()
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            crashes.crash(result.exception, f"{which}: {data!r}")
        elif result.exit_code != 2 or len(lines) != 1 or "Traceback" in stderr:
            crashes.add(f"{which}: exit {result.exit_code}, {len(lines)} lines",
                        stderr[-300:], f"{which}: {data!r}")
        elif not lines[0].startswith("error: ") or "utf-8" not in lines[0].lower():
            crashes.add(f"{which}: unexpected message", lines[0][:300], f"{which}: {data!r}")

    run()
    crashes.check()


# --- (d) rule sets ------------------------------------------------------------------------


@cache
def sample_articles() -> list[Any]:
    return [load_article(path) for path in SAMPLE_ARTICLES]


def test_random_rule_sets_raise_config_error_or_render_a_sample() -> None:
    crashes = Crashes("rules")

    @FUZZ
    @given(text_=rules_text, pick=st.integers(0, 10**6), viewer=st.sampled_from(VIEWERS))
    def run(text_: str, pick: int, viewer: Viewer) -> None:
        crashes.examples += 1
        try:
            rules = parse_rules(text_, source="fuzz.yaml")
        except ConfigError:
            return
        except Exception as error:
            crashes.crash(error, text_)
            return
        crashes.accepted += 1
        articles = sample_articles()
        try:
            engine = Engine(rules, development=True)
            problems = render_and_check(engine, articles[pick % len(articles)], viewer)
        except LayoutError:
            return  # e.g. a ConfigError for a theme template the rules name but lack
        except Exception as error:
            crashes.crash(error, text_)
            return
        for problem in problems:
            crashes.add(problem.split(":")[0][:80], problem, text_)

    run()
    crashes.check()


def _default_rules_with(change: Callable[[dict[str, Any]], None]) -> str:
    data = json.loads(json.dumps(DEFAULT_RULES))
    change(data)
    return yaml.safe_dump(data)


RULE_CASES: dict[str, Callable[[dict[str, Any]], None]] = {
    "missing promo template": lambda d: d["units"][2].update(template="units/missing.j2"),
    "template outside the theme": lambda d: d["units"][2].update(template="../../x.j2"),
    "promo template that includes itself": lambda d: d["units"][2].update(
        template="article.html.j2"
    ),
    "viewport height 0": lambda d: d["devices"]["mobile"].update(viewport=[375, 0]),
    "line height 1e308": lambda d: d["devices"]["mobile"].update(line_height=1e308),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_rule_mistakes_found_by_fuzzing_are_config_errors(case: str) -> None:
    """Each input here once escaped as a non-LayoutError; correct: ConfigError or a page."""
    text_ = _default_rules_with(RULE_CASES[case])
    try:
        rules = parse_rules(text_, source="case.yaml")
        engine = Engine(rules, development=True)
        for article in sample_articles()[:4]:
            html = engine.render(article, VIEWERS[0]).html
            assert output_problems(html, rules) == []
    except ConfigError:
        pass


# --- the real CLI, 20 random bodies ---------------------------------------------------------


def run_cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "layout", "render", str(path), *args],
        cwd=ROOT, env=server_env(), capture_output=True, text=True, timeout=120, check=False,
    )


def test_cli_render_of_random_bodies_exits_0_or_2_without_traceback(tmp_path: Path) -> None:
    bodies: list[str] = []

    @settings(max_examples=1, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.lists(st.lists(fragment_soup, max_size=8).map("".join), min_size=20, max_size=20))
    def draw(found: list[str]) -> None:
        bodies[:] = found

    draw()
    assert len(bodies) == 20
    paths = []
    for number, body in enumerate(bodies):
        path = tmp_path / f"body{number}.html"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run_cli, paths))
    codes = [result.returncode for result in results]
    report(f"fuzz cli subprocess: {len(results)} bodies, exit codes {sorted(set(codes))}")
    for body, result in zip(bodies, results, strict=True):
        assert result.returncode in (0, 2), (body, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, (body, result.stderr[-2000:])
        if result.returncode == 2:
            assert len(result.stderr.splitlines()) == 1, result.stderr


# --- the real server, 50 random requests -----------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Any:
    with running_server() as running:
        yield running


request_body = st.one_of(
    st.builds(lambda html, meta: {"article_html": html, "meta": meta},
              st.lists(fragment_soup, max_size=8).map("".join),
              st.one_of(st.just({}), st.fixed_dictionaries({}, optional={
                  "headline": maybe(text), "id": maybe(text), "section": maybe(text)}))),
    st.builds(lambda data: {"article": data}, article_data()),
    st.builds(lambda rules, pick: {"rules": rules, "article": json.loads(
        SAMPLE_ARTICLES[pick % len(SAMPLE_ARTICLES)].read_text(encoding="utf-8"))},
        rules_data(), st.integers(0, 100)),
)


def test_random_requests_to_the_server_never_answer_5xx(server: RunningServer) -> None:
    crashes = Crashes("http /v1/render")
    statuses: dict[int, int] = {}
    with httpx.Client(base_url=server.url, timeout=60) as client:

        @settings(max_examples=50, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(body=request_body, viewer=st.sampled_from(VIEWERS),
               form=st.sampled_from(["html", "fragment", "json", None]))
        def run(body: dict[str, Any], viewer: Viewer, form: str | None) -> None:
            crashes.examples += 1
            payload = {**body, "viewer": viewer.model_dump(exclude_none=True), "format": form}
            content = json.dumps(payload)
            response = client.post("/v1/render", content=content,
                                   headers={"content-type": "application/json"})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            crashes.accepted += response.status_code == 200
            if response.status_code >= 500:
                crashes.add(f"HTTP {response.status_code}", response.text[:200], content)

        run()
    report(f"fuzz http statuses: {dict(sorted(statuses.items()))}")
    crashes.check()


@pytest.mark.parametrize(
    "body",
    [
        {"article_html": "<p>tide \ud800 table</p>"},
        {"article": {"id": "s", "headline": "Harbour \ud800 strike", "blocks": []}},
        {"rules": yaml.safe_load(_default_rules_with(RULE_CASES["missing promo template"])),
         "article_path": "longread-last-ferry"},
        {"rules": yaml.safe_load(_default_rules_with(RULE_CASES["viewport height 0"])),
         "article_path": "longread-last-ferry"},
    ],
    ids=["surrogate-html", "surrogate-headline", "missing-template", "viewport-0"],
)
def test_inputs_found_by_fuzzing_are_4xx_not_500(server: RunningServer, body: Any) -> None:
    body = dict(body)
    name = body.pop("article_path", None)
    if name is not None:
        body["article"] = json.loads((SAMPLES / "articles" / f"{name}.json").read_text("utf-8"))
    response = httpx.post(server.url + "/v1/render", content=json.dumps(body),
                          headers={"content-type": "application/json"}, timeout=60)
    assert response.status_code < 500, response.text[:500]

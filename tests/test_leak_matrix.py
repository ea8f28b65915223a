"""The canary leak matrix: gated text must reach no surface of a reader not entitled to it.

Every metered or premium sample ends with a paragraph holding ``canary-<id>``. Each is
rendered for every viewer and every surface (page, fragment, plan JSON, JSON-LD, meta tags,
attribute values, data-* attributes, the explain dump, the GPT config) is searched. Whether
a reader is entitled is worked out here from the policy, not from ``decide_access``.

A request from "Googlebot" cannot be expressed by User-Agent or X-Forwarded-For: those are
not inputs of the engine (``Viewer`` has no such field). An unverified Googlebot is therefore
an anonymous viewer, here with an exhausted meter; only ``verified_crawler=True`` opens.
"""

from __future__ import annotations

import html as htmllib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest

from layout import Engine, Viewer
from layout.access.gift import mint_gift
from layout.access.meter import MeterState, article_digest, encode_meter, period_key
from layout.access.secret import DEVELOPMENT_SECRET
from layout.ingest.sources import article_from_html
from layout.measure.sizes import block_text
from layout.render.adconfig import ad_config as page_ad_config
from layout.render.dump import dump_plan
from tests.conftest import report
from tests.support.corpus import Source, corpus_sources, sample_sources

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
SECRET = DEVELOPMENT_SECRET.encode("utf-8")
ENGINE = Engine()
RULES = ENGINE.rules
LIMIT = RULES.paywall.meter.limit
PERIOD = RULES.paywall.meter.period


def _meter(period_now: datetime, count: int) -> str:
    digests = tuple(article_digest(f"read-before-{n}") for n in range(count))
    return encode_meter(MeterState(period_key(PERIOD, period_now), digests), SECRET)


EXHAUSTED = _meter(NOW, LIMIT + 2)
FORGED = EXHAUSTED.rsplit(".", 1)[0] + ".bm90LWEtcmVhbC1zaWduYXR1cmUtYXQtYWxsLXJlYWxseQ"
EXPIRED = _meter(datetime(2026, 10, 20, tzinfo=UTC), LIMIT + 2)
assert EXPIRED.split(".")[1] != EXHAUSTED.split(".")[1]


HUGE = "v1." + "A" * 100_000 + ".x"


def _gift(article_id: str, *, days_ago: int = 0) -> str:
    made = NOW - timedelta(days=days_ago)
    return mint_gift(article_id, "subscriber-1", secret=SECRET, now=made, days=7,
                     per_month=10)[0]


@dataclass(frozen=True)
class Reader:
    """A reader state; a gift reader's token is made for the article being read (or for
    another one), with a spent meter, so that only the gift can open it."""

    name: str
    viewer: Viewer
    gift: str | None = None  # "valid", "expired" or "other article"

    def viewer_for(self, article_id: str) -> Viewer:
        if self.gift is None:
            return self.viewer
        token = {"valid": lambda: _gift(article_id),
                 "expired": lambda: _gift(article_id, days_ago=30),
                 "other article": lambda: _gift(article_id + "-other")}[self.gift]()
        return self.viewer.model_copy(update={"gift": token})


READERS = [
    Reader("anon-fresh", Viewer()),
    Reader("anon-exhausted", Viewer(meter=EXHAUSTED)),
    Reader("anon-forged", Viewer(meter=FORGED)),
    Reader("anon-expired", Viewer(meter=EXPIRED)),
    Reader("registered", Viewer(audience="registered")),
    Reader("subscriber", Viewer(audience="subscriber")),
    # "Googlebot" by User-Agent: not an input, so an anonymous reader with a spent meter
    Reader("googlebot-unverified", Viewer(audience="anonymous", meter=EXHAUSTED)),
    Reader("verified-crawler", Viewer(verified_crawler=True)),
    Reader("anon-huge-token", Viewer(meter=HUGE)),
    Reader("gift-valid", Viewer(meter=EXHAUSTED), "valid"),
    Reader("gift-expired", Viewer(meter=EXHAUSTED), "expired"),
    Reader("gift-other-article", Viewer(meter=EXHAUSTED), "other article"),
]


def entitled(access: str, reader: str) -> bool:
    """The policy, independently: subscribers and verified crawlers read everything;
    premium is walled for everyone else; on metered articles a reader whose meter has room
    (fresh, forged = fresh, expired = fresh, registered with a fresh meter) reads on."""
    if reader in ("subscriber", "verified-crawler", "gift-valid"):
        return True
    if access == "premium":
        return False
    return reader in ("anon-fresh", "anon-forged", "anon-expired", "registered",
                      "anon-huge-token")


def gated_sources() -> list[tuple[Source, str]]:
    found = []
    for source in sample_sources():
        article = source.load()
        if article.access in ("metered", "premium"):
            found.append((source, source.name.removeprefix("html-")))
    return found


GATED = gated_sources()
SURFACES = ["page", "fragment", "plan-json", "json-ld", "meta", "attributes", "data-attributes",
            "explain", "gpt-config"]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _visible_part(article, visible: int) -> str:
    """Everything the teaser may legitimately show: the header fields and the visible
    blocks' text and markup (link titles and URLs included)."""
    parts = [article.headline, article.dek or "", *article.summary, article.byline or ""]
    for block in article.blocks[:visible]:
        parts.append(block_text(block))
        parts.append(htmllib.unescape(json.dumps(block.model_dump(mode="json"),
                                                 ensure_ascii=False)))
    return _norm(" \n ".join(parts))


def _surfaces(source: Source, reader: Reader) -> tuple[dict[str, str], object]:
    article = source.load()
    viewer = reader.viewer_for(article.id)
    page = ENGINE.render(article, viewer, "html", now=NOW)
    fragment = ENGINE.render(article, viewer, "fragment", now=NOW)
    as_json = ENGINE.render(article, viewer, "json", now=NOW)
    plan = ENGINE.plan(article, viewer, now=NOW)
    doc = lxml.html.document_fromstring(page.html)
    frag = lxml.html.fragment_fromstring(fragment.html, create_parent="div")
    elements = [*doc.iter(), *frag.iter()]
    attributes = [value for el in elements if isinstance(el.tag, str)
                  for value in el.attrib.values()]
    data_attributes = [value for el in elements if isinstance(el.tag, str)
                       for key, value in el.attrib.items() if key.startswith("data-")]
    json_ld = [el.text or "" for el in doc.xpath('//script[@type="application/ld+json"]')]
    json_ld_values = [json.dumps(json.loads(text), ensure_ascii=False) for text in json_ld]
    metas = [el.get("content", "") for el in doc.iter("meta")]
    ad_config = [el.text or "" for el in doc.xpath('//script[@data-layout-ads]')]
    config = page_ad_config(plan, RULES)
    surfaces = {
        "page": "\n".join([page.html, htmllib.unescape(page.html), _norm(doc.text_content())]),
        "fragment": "\n".join(
            [fragment.html, htmllib.unescape(fragment.html), _norm(frag.text_content())]
        ),
        "plan-json": "\n".join(
            [json.dumps(page.plan, ensure_ascii=False), json.dumps(as_json.plan,
                                                                   ensure_ascii=False)]
        ),
        "json-ld": "\n".join([*json_ld, *json_ld_values]),
        "meta": "\n".join(metas),
        "attributes": "\n".join(attributes),
        "data-attributes": "\n".join(data_attributes),
        "explain": dump_plan(plan, RULES.name),
        "gpt-config": "\n".join([*ad_config, json.dumps(config, ensure_ascii=False)]),
    }
    assert set(surfaces) == set(SURFACES)
    assert json_ld, "the page has no JSON-LD"
    assert metas, "the page has no meta tags"
    return surfaces, plan


@dataclass
class Matrix:
    cells: int = 0
    leaks: list[str] | None = None
    missing: list[str] | None = None
    hidden_checked: int = 0
    hidden_leaks: list[str] | None = None


@pytest.fixture(scope="module")
def matrix() -> Matrix:
    result = Matrix(leaks=[], missing=[], hidden_leaks=[])
    for source, article_id in GATED:
        article = source.load()
        canary = f"canary-{article_id}"
        assert canary in block_text(article.blocks[-1]), f"{source.name}: canary not last"
        for reader in READERS:
            surfaces, plan = _surfaces(source, reader)
            may_read = entitled(article.access, reader.name)
            where = f"{source.name} / {reader.name}"
            for surface, text in surfaces.items():
                result.cells += 1
                if not may_read and canary in text:
                    result.leaks.append(f"{where} / {surface}")
            if may_read:
                for surface in ("page", "fragment"):
                    if canary not in surfaces[surface]:
                        result.missing.append(f"{where} / {surface}")
                continue
            # every hidden block's text, not just the canary
            hidden = article.blocks[plan.visible_blocks:]
            assert hidden, f"{where}: not entitled but nothing is hidden"
            shown = _visible_part(article, plan.visible_blocks)
            for block in hidden:
                text = _norm(block_text(block))
                if len(text) < 12 or text in shown:
                    continue
                for surface, haystack in surfaces.items():
                    result.hidden_checked += 1
                    if text in haystack or text in _norm(haystack):
                        result.hidden_leaks.append(f"{where} / {surface}: {text[:60]!r}")
    return result


def test_the_matrix_covers_every_gated_sample():
    names = {name for _, name in GATED}
    assert names == {
        "data-rents", "longread-last-ferry", "news-harbour-strike",
        "opinion-four-day-school-week", "photo-essay-salt-marsh", "rtl-date-harvest",
    }
    assert len(GATED) == 9  # six article JSONs and three body-HTML twins


def test_no_canary_reaches_a_reader_who_is_not_entitled(matrix):
    size = f"{len(GATED)} articles x {len(SURFACES)} surfaces x {len(READERS)} viewers"
    report(f"leak matrix: {size} = {matrix.cells} cells, canary leaks: {len(matrix.leaks)}")
    assert matrix.cells == len(GATED) * len(SURFACES) * len(READERS)
    assert matrix.leaks == [], "canary leaked:\n" + "\n".join(matrix.leaks)


def test_entitled_readers_get_the_canary(matrix):
    assert matrix.missing == [], "canary missing for entitled readers:\n" + "\n".join(
        matrix.missing
    )


def test_no_hidden_block_text_reaches_a_reader_who_is_not_entitled(matrix):
    report(f"leak matrix: hidden-block texts x surfaces checked: {matrix.hidden_checked}, "
           f"leaks: {len(matrix.hidden_leaks)}")
    assert matrix.hidden_checked > 500
    assert matrix.hidden_leaks == [], "hidden text leaked:\n" + "\n".join(matrix.hidden_leaks)


def test_the_walls_are_the_expected_variants():
    """The matrix's viewers really are what they claim: spent, forged, expired meters."""
    article = next(s for s, name in GATED if name == "news-harbour-strike").load()
    walls = {r.name: ENGINE.plan(article, r.viewer_for(article.id), now=NOW).wall
             for r in READERS}
    variants = {name: wall.variant if wall else None for name, wall in walls.items()}
    assert variants == {
        "anon-fresh": None, "anon-exhausted": "meter-exhausted", "anon-forged": None,
        "anon-expired": None, "registered": None, "subscriber": None,
        "googlebot-unverified": "meter-exhausted", "verified-crawler": None,
        "anon-huge-token": None, "gift-valid": None, "gift-expired": "meter-exhausted",
        "gift-other-article": "meter-exhausted",
    }


# --- synthetic cut over the corpus --------------------------------------------------------


def test_synthetic_cut_leaks_no_hidden_text_over_the_corpus():
    """The 45 readability pages made premium, for every reader state a premium article
    walls, as page (text, markup and attributes) and plan."""
    engine = Engine()
    checked, walled, leaks = 0, 0, []
    sources = corpus_sources()
    readers = [reader for reader in READERS if not entitled("premium", reader.name)]
    for source, reader in ((s, r) for s in sources for r in readers):
        article = source.load().model_copy(update={"access": "premium"})
        viewer = reader.viewer_for(article.id)
        result = engine.render(article, viewer, now=NOW)
        plan = engine.plan(article, viewer, now=NOW)
        visible = plan.visible_blocks
        assert result.plan["paywall"]["visible_blocks"] == visible
        if visible == len(article.blocks):
            continue
        walled += 1
        assert result.plan["paywall"]["wall"] == "subscribe", source.name
        doc = lxml.html.document_fromstring(result.html)
        attributes = [v for el in doc.iter() if isinstance(el.tag, str) for v in el.attrib.values()]
        page = "\n".join([result.html, htmllib.unescape(result.html),
                          _norm(doc.text_content()), *attributes,
                          json.dumps(result.plan, ensure_ascii=False)])
        shown = _visible_part(article, visible)
        for block in article.blocks[visible:]:
            text = _norm(block_text(block))
            if len(text) < 12 or text in shown:
                continue
            checked += 1
            if text in page or text in _norm(page):
                leaks.append(f"{source.name} / {reader.name}: {text[:60]!r}")
    report(f"synthetic cut: {len(sources)} corpus pages x {len(readers)} walled readers "
           f"({walled} walled renders), {checked} hidden block texts checked, "
           f"leaks: {len(leaks)}")
    assert len(sources) >= 45
    assert walled >= 35 * len(readers) and checked > 500 * len(readers)
    assert leaks == [], "\n".join(leaks)


def test_a_gated_video_never_becomes_a_video_card_for_a_walled_reader() -> None:
    """A `source: article` video unit uses only blocks the reader may see."""
    from layout.article import article_from_data
    from layout.rules import parse_rules

    rules = parse_rules(json.dumps({
        "version": 1, "name": "video-card",
        "paywall": {"mode": "hard", "preview": {"paragraphs": 2}},
        "units": [{"id": "clip", "kind": "video", "source": "article", "position": "top"}],
    }), source="rules.json")
    blocks = [{"kind": "paragraph", "html": f"Open paragraph {n}."} for n in range(3)]
    blocks.append({"kind": "video", "provider": "youtube", "video_id": "gatedclip01",
                   "title": "Gated clip title"})
    blocks.append({"kind": "paragraph", "html": "Closing paragraph."})
    article = article_from_data({"id": "v", "headline": "h", "access": "premium",
                                 "blocks": blocks})
    engine = Engine(rules, development=True)
    walled = engine.render(article, Viewer(audience="anonymous"))
    assert "gatedclip01" not in walled.html and "Gated clip title" not in walled.html
    assert "gatedclip01" in engine.render(article, Viewer(audience="subscriber")).html


# --- metadata derived from body HTML ------------------------------------------------------

# Bodies whose gated part holds GATED tokens, in every place a derived field could come
# from: headings (the old headline fallback), paragraphs (the description), captions,
# lists, tables. Nothing in the metadata names a headline or a dek, so each derived field
# has to come from the body. A leading heading is left token-free: by design it becomes
# the headline, shown to every reader.
TEASER = "<p>Teaser paragraph one.</p><p>Teaser paragraph two.</p><p>Teaser paragraph three.</p>"
GATED_TAIL = (
    "<h2>GATED heading one</h2><p>GATED paragraph with several words in it.</p>"
    "<h1>GATED late title</h1><ul><li>GATED item</li></ul>"
    "<figure><img src='https://img.example/g.jpg' alt='GATED alt'>"
    "<figcaption>GATED caption</figcaption></figure>"
    "<table><tr><td>GATED cell</td></tr></table><p>GATED closing words.</p>"
)
DERIVED_BODIES = {
    "reported": "<p>Teaser one.</p><p>Teaser two.</p><p>Teaser three.</p><h2>GATED SECRET</h2>"
                "<p>GATED.</p>",
    "teaser-then-gated": TEASER + GATED_TAIL,
    "lone-paragraph": "<p>GATED lone paragraph that is the whole story.</p>",
    "image-first": "<figure><img src='https://img.example/a.jpg' alt=''></figure>" + TEASER
                   + GATED_TAIL,
    "leading-heading": "<h3>Open lead heading</h3>" + TEASER + GATED_TAIL,
    "image-and-headings": "<p><img src='https://img.example/a.jpg' alt=''></p>"
                          "<h2>GATED one</h2><h3>GATED two</h3>",
}
WALLED = [Reader("anon-fresh", Viewer()), Reader("anon-exhausted", Viewer(meter=EXHAUSTED)),
          Reader("registered-exhausted", Viewer(audience="registered", meter=EXHAUSTED))]


def derived_fields(page_html: str, plan: dict[str, object]) -> dict[str, str]:
    """Every field of a page and its plan that is derived from the article as a whole."""
    doc = lxml.html.document_fromstring(page_html)

    def meta(attribute: str, value: str) -> str:
        found = doc.xpath(f'//meta[@{attribute}="{value}"]')
        return " | ".join(el.get("content", "") for el in found)

    json_ld = [json.loads(el.text or "{}")
               for el in doc.xpath('//script[@type="application/ld+json"]')]
    article = next(item for item in json_ld if item.get("@type") == "NewsArticle")
    return {
        "title": doc.findtext(".//title") or "",
        "h1": " | ".join(el.text_content() for el in doc.iter("h1")),
        "og:title": meta("property", "og:title"),
        "og:description": meta("property", "og:description"),
        "description": meta("name", "description"),
        "json-ld": json.dumps(article, ensure_ascii=False),
        "plan-article": json.dumps(plan["article"], ensure_ascii=False),
        "plan-metrics": json.dumps(plan["metrics"], ensure_ascii=False),
        "plan-paywall": json.dumps(plan["paywall"], ensure_ascii=False),
    }


@pytest.mark.parametrize("access", ["premium", "metered"])
@pytest.mark.parametrize("case", DERIVED_BODIES)
def test_metadata_derived_from_body_html_comes_from_what_the_reader_may_see(
    case: str, access: str
) -> None:
    body = DERIVED_BODIES[case]
    article = article_from_html(body, {"id": f"derived-{case}", "access": access},
                                source=f"{case}.meta.json")
    for reader in WALLED:
        if access == "metered" and reader.name == "anon-fresh":
            continue  # a fresh meter reads on: entitled
        page = ENGINE.render(article, reader.viewer, "html", now=NOW)
        plan = ENGINE.render(article, reader.viewer, "json", now=NOW).plan
        assert plan["paywall"]["applied"] or "GATED" not in body, f"{case}: nothing walled"
        fields = derived_fields(page.html, plan)
        leaked = {name: value for name, value in fields.items() if "GATED" in value}
        assert leaked == {}, f"{case} / {reader.name}"
        visible = plan["paywall"]["visible_blocks"]
        words = sum(size.words for size in ENGINE.plan(article, reader.viewer, now=NOW)
                    .sizes[:visible])
        assert plan["article"]["words"] == plan["metrics"]["words"] == words
        assert json.loads(fields["json-ld"])["wordCount"] == words
        assert "GATED" not in page.html and "GATED" not in json.dumps(plan)
        assert "GATED" not in json.dumps(page.cache_headers)
    subscriber = ENGINE.render(article, Viewer(audience="subscriber"), now=NOW).html
    assert "GATED" in subscriber or "GATED" not in body


def test_a_body_without_headline_is_titled_by_its_leading_heading_or_its_id() -> None:
    titled = article_from_html(DERIVED_BODIES["leading-heading"], {"id": "a"}, source="a")
    assert titled.headline == "Open lead heading"
    assert titled.blocks[0].kind == "paragraph"  # the heading moved into the header
    untitled = article_from_html(DERIVED_BODIES["teaser-then-gated"], {"id": "b"}, source="b")
    assert untitled.headline == "b"


def test_html_samples_without_headline_leak_no_hidden_text_into_derived_fields() -> None:
    """The gated body-HTML samples, their sidecar stripped of headline, dek and summary."""
    checked = 0
    for source, _ in GATED:
        if not source.is_html:
            continue
        meta = json.loads(source.path.with_name(source.path.stem + ".meta.json").read_text())
        meta = {k: v for k, v in meta.items() if k not in ("headline", "dek", "summary")}
        article = article_from_html(source.text, meta, source=source.name)
        for reader in WALLED[1:]:
            plan = ENGINE.plan(article, reader.viewer, now=NOW)
            fields = derived_fields(ENGINE.render(article, reader.viewer, now=NOW).html,
                                    ENGINE.render(article, reader.viewer, "json", now=NOW).plan)
            shown = _visible_part(article, plan.visible_blocks)
            haystack = _norm(" ".join(fields.values()))
            for block in article.blocks[plan.visible_blocks:]:
                text = _norm(block_text(block))
                if len(text) >= 12 and text not in shown:
                    checked += 1
                    assert text not in haystack, f"{source.name} / {reader.name}: {text[:60]}"
    assert checked > 50

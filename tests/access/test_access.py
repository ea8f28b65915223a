"""The access decision: the preview cut, per-article access, registration, verified crawlers,
cache classes, and renders that do not depend on who was served before."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from layout import Engine, Viewer, load_article
from layout.access.meter import MeterState, article_digest, encode_meter
from layout.access.policy import CACHE_HEADERS, MEDIA_WORDS, decide_access, preview_cut
from layout.access.secret import DEVELOPMENT_SECRET
from layout.access.terms import access_terms, effective_mode
from layout.article import article_from_data
from layout.measure.sizes import BlockSize
from layout.rules import Meter, Paywall, Preview, load_rules
from tests.support.corpus import ROOT, SAMPLES

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
SECRET = DEVELOPMENT_SECRET.encode("utf-8")
PERSONAL = {"anon-metered", "registered", "subscriber", "crawler", "gift"}
PUBLIC = {"anon-full", "anon-preview"}


def size(kind: str, words: int = 40) -> BlockSize:
    return BlockSize(kind, words if kind not in ("image", "video") else 0, words * 6, 100.0)


def sizes(*spec: str | tuple[str, int]) -> list[BlockSize]:
    return [size(item) if isinstance(item, str) else size(*item) for item in spec]


def cut(blocks: list[BlockSize], **preview: float) -> int:
    """The cut for a preview; its count alone, unless the test gives a ``max_share``."""
    return preview_cut(blocks, Preview(**{"max_share": 1.0, **preview}))


def exhausted(period: str = "2026-11", limit: int = 10) -> str:
    state = MeterState(period, tuple(article_digest(f"seen-{n}") for n in range(limit)))
    return encode_meter(state, SECRET)


def story(access: str = "metered", article_id: str = "story", blocks: list | None = None):
    if blocks is None:
        blocks = [{"kind": "paragraph", "html": f"Paragraph {n} says something."}
                  for n in range(1, 8)]
        blocks.append({"kind": "paragraph", "html": f"Final words canary-{article_id}."})
    return article_from_data({"id": article_id, "headline": "Headline", "access": access,
                              "blocks": blocks})


def rules_with(**paywall):
    return load_rules().model_copy(update={"paywall": Paywall(**paywall)})


# --- the preview cut --------------------------------------------------------------------


def test_preview_by_paragraphs_counts_body_text_not_blocks():
    # paragraphs, lists and quotes are body text (docs/decisions.md); images are not
    blocks = sizes("paragraph", "image", "paragraph", "image", "quote", "list", "paragraph")
    assert cut(blocks, paragraphs=1) == 1
    assert cut(blocks, paragraphs=2) == 3
    assert cut(blocks, paragraphs=3) == 5
    assert cut(blocks, paragraphs=4) == 6
    assert cut(blocks, paragraphs=5) == 6  # never the whole article: the last block is kept back


def test_preview_longer_than_the_article_still_keeps_the_last_block_back():
    blocks = sizes("paragraph", "paragraph")
    assert cut(blocks, paragraphs=3) == 1
    assert cut(blocks, words=1000) == 1


def test_an_article_without_body_text_shows_no_block_to_a_walled_reader():
    assert cut(sizes("html", "table", "image"), paragraphs=3) == 0


def test_preview_by_words_rounds_up_to_a_block_boundary():
    blocks = sizes(*["paragraph"] * 4)  # 40 words each
    assert cut(blocks, words=1) == 1
    assert cut(blocks, words=40) == 1
    assert cut(blocks, words=41) == 2
    assert cut(blocks, words=80) == 2
    assert cut(blocks, words=81) == 3


def test_preview_by_percent_of_the_words():
    blocks = sizes(*["paragraph"] * 10)  # 400 words
    assert cut(blocks, percent=10) == 1
    assert cut(blocks, percent=25) == 3  # 100 words: inside the third paragraph
    assert cut(blocks, percent=50) == 5
    assert cut(blocks, percent=50.5) == 6


@pytest.mark.parametrize("preview", [{"words": 41}, {"words": 43}, {"percent": 30}])
def test_the_cut_never_lands_right_after_a_heading(preview):
    # 40 + 3 + 3 words: the goal is reached on a heading; the cut moves above both headings
    blocks = sizes("paragraph", ("heading", 3), ("heading", 3), "paragraph", "paragraph")
    assert cut(blocks, **preview) == 1


def test_heading_image_paragraph_opening_keeps_the_paragraph_visible():
    blocks = sizes(("heading", 4), "image", ("paragraph", 30), "paragraph", "paragraph")
    for preview in ({"paragraphs": 1}, {"words": 1}, {"words": 4}, {"percent": 1}):
        assert cut(blocks, **preview) == 3, preview


def test_an_opening_of_captions_and_headings_only_is_not_a_teaser():
    blocks = sizes("image", "image", ("heading", 5), "paragraph", "paragraph", "paragraph")
    assert cut(blocks, words=2) == 4


BODY = {"paragraph", "list", "quote"}
KINDS = st.sampled_from(["paragraph", "heading", "image", "quote", "list", "video"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(KINDS, st.integers(1, 80)), min_size=1, max_size=30),
    st.one_of(
        st.builds(lambda n: {"paragraphs": n}, st.integers(1, 8)),
        st.builds(lambda n: {"words": n}, st.integers(1, 600)),
        st.builds(lambda n: {"percent": n}, st.floats(0.5, 99.5)),
    ),
)
def test_cut_properties(spec, preview):
    blocks = sizes(*spec)
    at = cut(blocks, **preview)
    assert 0 <= at < max(1, len(blocks))  # something is always kept back
    if at > 0:
        assert blocks[at - 1].kind != "heading"
        assert any(block.kind in BODY for block in blocks[:at])
    elif blocks:
        # nothing shown only when no body text can be shown without giving all away
        assert not any(block.kind in BODY for block in blocks[: len(blocks) - 1])


def test_render_of_a_heading_image_paragraph_opening_shows_the_first_paragraph():
    blocks = [
        {"kind": "heading", "html": "What happened"},
        {"kind": "image", "src": "https://img.example-news.test/a.jpg", "alt": "A quay",
         "caption": "The quay at dawn"},
        {"kind": "paragraph", "html": "Opening paragraph teaser-text here."},
        *({"kind": "paragraph", "html": f"Later paragraph {n}" + " with more words" * 10}
          for n in range(5)),
        {"kind": "paragraph", "html": "Closing canary-opening."},
    ]
    engine = Engine(rules_with(mode="hard", preview=Preview(words=1)))
    result = engine.render(story("metered", "opening", blocks), Viewer(), now=NOW)
    assert result.plan["paywall"]["visible_blocks"] == 3
    assert "teaser-text" in result.html
    assert "canary-opening" not in result.html


# --- decide_access ----------------------------------------------------------------------


BLOCKS = sizes(*["paragraph"] * 8)


def decide(access, viewer, state=None, **paywall):
    article = story(access)
    terms = access_terms(article, viewer, Paywall(**paywall), NOW)
    return decide_access(article, viewer, terms, BLOCKS, state)


@pytest.mark.parametrize("mode", ["free", "metered", "registration", "hard"])
def test_free_articles_stay_free_under_every_mode(mode):
    decision = decide("free", Viewer(), MeterState("2026-11", ()), mode=mode)
    assert decision.mode == "free"
    assert decision.entitled and decision.wall is None
    assert decision.visible_blocks == len(BLOCKS)
    assert decision.cache_class == "anon-full"


@pytest.mark.parametrize("mode", ["metered", "registration", "hard"])
def test_premium_articles_are_hard_walled_even_with_meter_left(mode):
    for audience in ("anonymous", "registered"):
        decision = decide("premium", Viewer(audience=audience), MeterState("2026-11"), mode=mode)
        assert decision.mode == "hard"
        assert not decision.entitled
        assert decision.wall == "subscribe"
        assert decision.visible_blocks == 3
        assert not decision.counted
    subscriber = decide("premium", Viewer(audience="subscriber"), None, mode=mode)
    assert subscriber.entitled and subscriber.visible_blocks == len(BLOCKS)


def test_free_rules_open_premium_articles():
    assert effective_mode(story("premium"), Paywall(mode="free")) == "free"


def test_registration_mode():
    anonymous = decide("metered", Viewer(), None, mode="registration")
    assert anonymous.wall == "register" and not anonymous.entitled
    assert anonymous.visible_blocks == 3
    registered = decide("metered", Viewer(audience="registered"), None, mode="registration")
    assert registered.entitled and registered.wall is None
    assert registered.visible_blocks == len(BLOCKS)
    assert registered.cache_class == "registered"


def test_metered_decision_counts_and_walls():
    meter = MeterState("2026-11", ())
    first = decide("metered", Viewer(), meter, mode="metered", meter=Meter(limit=1))
    assert first.entitled and first.counted and first.meter_remaining == 0
    assert first.meter is not None and first.meter.has_read("story")
    full = MeterState("2026-11", (article_digest("other"),))
    walled = decide("metered", Viewer(), full, mode="metered", meter=Meter(limit=1))
    assert walled.wall == "meter-exhausted" and not walled.entitled and not walled.counted


def test_verified_crawler_gets_the_full_text():
    decision = decide("premium", Viewer(verified_crawler=True), None, mode="hard")
    assert decision.entitled and decision.visible_blocks == len(BLOCKS)
    assert decision.cache_class == "crawler"
    result = Engine().render(story("premium", "crawl"), Viewer(verified_crawler=True), now=NOW)
    assert "canary-crawl" in result.html


def test_an_unverified_crawler_gets_the_wall():
    # There is no User-Agent input at all: a request claiming to be Googlebot is just an
    # anonymous viewer unless the application verified it and set verified_crawler.
    assert "user_agent" not in Viewer.model_fields
    assert not any("agent" in name or "header" in name for name in Viewer.model_fields)
    with pytest.raises(ValidationError):
        Viewer(user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)")
    engine = Engine()
    premium = engine.render(story("premium", "p1"), Viewer(verified_crawler=False), now=NOW)
    assert premium.plan["paywall"]["wall"] == "subscribe"
    assert "canary-p1" not in premium.html
    metered = engine.render(story("metered", "m1"), Viewer(meter=exhausted()), now=NOW)
    assert metered.plan["paywall"]["wall"] == "meter-exhausted"
    assert "canary-m1" not in metered.html


# --- cache classes ----------------------------------------------------------------------


def test_cache_headers_table():
    assert set(CACHE_HEADERS) == PERSONAL | PUBLIC
    for name, headers in CACHE_HEADERS.items():
        control = headers["Cache-Control"]
        assert headers["Vary"] == "Cookie"
        if name in PERSONAL:
            assert "private" in control and "no-store" in control, name
            assert "public" not in control and "s-maxage" not in control, name
        else:
            assert control.startswith("public"), name


VIEWERS = {
    "anon-fresh": Viewer(),
    "anon-exhausted": Viewer(meter=exhausted()),
    "anon-forged": Viewer(meter=exhausted()[:-4] + "AAAA"),
    "registered": Viewer(audience="registered"),
    "registered-exhausted": Viewer(audience="registered", meter=exhausted()),
    "subscriber": Viewer(audience="subscriber"),
    "crawler": Viewer(verified_crawler=True),
}
RULE_MODES = ["free", "metered", "registration", "hard"]


def _all_renders():
    renders = []
    for mode in RULE_MODES:
        engine = Engine(rules_with(mode=mode))
        for access in ("free", "metered", "premium"):
            article = story(access, f"{access}-{mode}")
            for name, viewer in VIEWERS.items():
                renders.append((mode, access, name, engine.render(article, viewer, now=NOW)))
    return renders


@pytest.fixture(scope="module")
def all_renders():
    return _all_renders()


def test_every_render_gets_the_headers_of_its_class(all_renders):
    for mode, access, name, result in all_renders:
        assert result.cache_headers == CACHE_HEADERS[result.cache_class], (mode, access, name)
        assert result.plan["paywall"]["cache_class"] == result.cache_class


def test_personal_renders_are_never_public(all_renders):
    for mode, access, name, result in all_renders:
        where = (mode, access, name)
        if result.plan["paywall"]["meter"] is not None and result.plan["paywall"]["entitled"]:
            assert result.cache_class in PERSONAL, where
        if name == "subscriber" and access != "free" and mode != "free":
            assert result.cache_class == "subscriber", where
        if name == "crawler" and access != "free" and mode != "free":
            assert result.cache_class == "crawler", where
        if 'class="meter-notice"' in result.html:
            assert result.cache_class in PERSONAL, where


def test_public_pages_carry_no_meter_dependent_content(all_renders):
    """A CDN may keep a public page for everyone: it must not show one reader's meter (the
    meter notice, the "you have read all N free articles" wall, the meter in the plan)."""
    offenders = []
    for mode, access, name, result in all_renders:
        if result.cache_class not in PUBLIC:
            continue
        dependent = (
            'class="meter-notice"' in result.html
            or 'class="paywall paywall-meter-exhausted"' in result.html
            or result.plan["paywall"]["meter"] is not None
        )
        if dependent:
            offenders.append(f"{mode}/{access}/{name}: {result.cache_class}")
    assert offenders == [], "public cache class with meter-dependent content:\n" + "\n".join(
        offenders
    )


def test_one_copy_per_public_class(all_renders):
    """Everyone served the same public class of the same article gets the same bytes."""
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    clashes = []
    for mode, access, name, result in all_renders:
        if result.cache_class not in PUBLIC:
            continue
        key = (mode, access, result.cache_class)
        if key in seen and seen[key][1] != result.html:
            clashes.append(f"{key}: {seen[key][0]} != {name}")
        seen.setdefault(key, (name, result.html))
    assert seen, "no public render at all"
    assert clashes == [], "\n".join(clashes)


# --- reader-order independence ------------------------------------------------------------


ORDER_SAMPLES = ["news-harbour-strike", "opinion-four-day-school-week", "data-rents"]


@pytest.mark.parametrize("name", ORDER_SAMPLES)
def test_anonymous_bytes_do_not_depend_on_who_was_served_before(name):
    path = SAMPLES / "articles" / f"{name}.json"
    article = load_article(path)
    shared = Engine()
    for fmt in ("html", "fragment", "json"):
        shared.render(article, Viewer(audience="subscriber"), fmt, now=NOW)
        shared.render(article, Viewer(verified_crawler=True), fmt, now=NOW)
    after_subscriber = shared.render(article, Viewer(), now=NOW)
    brand_new = Engine().render(article, Viewer(), now=NOW)
    assert after_subscriber.html.encode() == brand_new.html.encode()
    assert after_subscriber.plan == brand_new.plan
    assert f"canary-{name}" not in after_subscriber.html or (
        after_subscriber.plan["paywall"]["entitled"]
    )
    env = {k: v for k, v in os.environ.items() if k != "LAYOUT_METER_SECRET"}
    cli = subprocess.run(
        [sys.executable, "-m", "layout", "render", str(path.relative_to(ROOT))],
        cwd=ROOT, env=env, capture_output=True, check=True,
    )
    assert cli.stdout == brand_new.html.encode()


def _weight(block: BlockSize) -> int:
    return MEDIA_WORDS if block.kind in ("image", "video") else block.words


def test_a_preview_never_shows_more_than_its_share():
    """A three-paragraph preview of a five-paragraph brief would show 60% of it."""
    brief = sizes(*["paragraph"] * 5)
    assert cut(brief, paragraphs=3) == 3
    assert cut(brief, paragraphs=3, max_share=0.5) == 2
    assert preview_cut(brief, Preview(paragraphs=3)) == 2  # the default share is a half


def test_media_count_in_the_share():
    """A data story: a paragraph, then charts and tables; the preview's paragraph count
    is never reached, and the cut stays within the share, media weighed as words."""
    story_sizes = sizes("paragraph", "image", ("table", 30), "image", ("paragraph", 20),
                        "image", "image", ("paragraph", 10))
    at = preview_cut(story_sizes, Preview(paragraphs=3))
    shown = sum(_weight(block) for block in story_sizes[:at])
    assert at > 0 and shown <= 0.5 * sum(_weight(block) for block in story_sizes)


def test_a_share_too_small_for_the_first_paragraph_leaves_the_header_alone():
    blocks = sizes(("paragraph", 200), ("paragraph", 20), ("paragraph", 20))
    assert preview_cut(blocks, Preview(paragraphs=1)) == 0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(KINDS, st.integers(1, 80)), min_size=1, max_size=30),
    st.one_of(st.builds(lambda n: {"paragraphs": n}, st.integers(1, 8)),
              st.builds(lambda n: {"words": n}, st.integers(1, 600))),
    st.floats(0.05, 1.0),
)
def test_the_share_holds_for_any_article(spec, preview, share):
    blocks = sizes(*spec)
    at = preview_cut(blocks, Preview(**preview, max_share=share))
    assert sum(_weight(b) for b in blocks[:at]) <= share * sum(_weight(b) for b in blocks) + 1e-9
    if at > 0:
        assert blocks[at - 1].kind != "heading"
        assert any(block.kind in BODY for block in blocks[:at])


def _plan_weight(plan: dict) -> int:
    media = {"image", "gallery", "video", "audio", "embed", "related"}
    return sum(MEDIA_WORDS if item["kind"] in media else item["words"]
               for item in plan["items"] if item["type"] == "block")


@pytest.mark.parametrize("path", sorted((ROOT / "samples" / "articles").glob("*.json")),
                         ids=lambda path: path.stem)
def test_every_sample_made_premium_previews_at_most_half(path):
    """The briefs and data stories too: a premium brief once showed 80% of its text."""
    article = load_article(path).model_copy(update={"access": "premium"})
    engine = Engine(development=True)
    walled = engine.render(article, Viewer(), "json", now=NOW).plan
    whole = engine.render(article, Viewer(audience="subscriber"), "json", now=NOW).plan
    assert walled["paywall"]["wall"] == "subscribe"
    assert 0 < _plan_weight(walled) <= 0.5 * _plan_weight(whole)

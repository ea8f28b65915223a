"""Access rules: per audience and per article, in order, the first that applies sets the
mode, the preview, the meter and the wall; the plan says which rule it was and why."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from layout import Engine, Viewer
from layout.article import article_from_data
from layout.errors import ConfigError
from layout.render.dump import dump_plan
from layout.rules import parse_rules

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
RULES = """\
version: 1
name: models
paywall:
  mode: metered
  preview: {paragraphs: 2}
  meter: {limit: 3, period: month}
  rules:
    - name: weather-free
      when: {sections: [weather]}
      mode: free
    - name: breaking-free
      when: {published_within_hours: 6, access: [metered]}
      mode: free
    - name: premium-hard
      when: {access: [premium]}
      mode: hard
    - name: register-first
      when: {audiences: [anonymous], tags: [investigation]}
      mode: registration
    - name: editors-cut
      when: {tags: [longread]}
      mode: metered
      preview: {paragraphs: 4, marker: true}
    - name: registered-meter
      when: {audiences: [registered]}
      mode: metered
      meter: {limit: 2, period: week, name: registered, label: for registered readers}
      wall: register
"""
ENGINE = Engine(parse_rules(RULES, source="models.yaml"), meter_secret="s" * 32)


def story(article_id: str, *, access: str = "metered", section: str = "news",
          tags: tuple[str, ...] = (), hours_old: float = 48, teaser_end: int | None = None):
    blocks = [{"kind": "paragraph", "html": f"Paragraph {n} of {article_id} " + "word " * 40}
              for n in range(10)]
    return article_from_data({
        "id": article_id, "headline": article_id, "access": access, "section": section,
        "tags": list(tags), "published": (NOW - timedelta(hours=hours_old)).isoformat(),
        "blocks": blocks, "teaser_end": teaser_end,
    })


def paywall(article, viewer: Viewer = Viewer()) -> dict:
    return ENGINE.render(article, viewer, "json", now=NOW).plan["paywall"]


@pytest.mark.parametrize(("article", "rule", "mode"), [
    (story("w", section="weather"), "weather-free", "free"),
    (story("w-premium", section="weather", access="premium"), "weather-free", "free"),
    (story("new", hours_old=2), "breaking-free", "free"),
    (story("new-premium", hours_old=2, access="premium"), "premium-hard", "hard"),
    (story("old", hours_old=7), None, "metered"),
    (story("inv", tags=("investigation",)), "register-first", "registration"),
    (story("long", tags=("longread",)), "editors-cut", "metered"),
], ids=["section", "section-beats-access", "date", "date-not-for-premium", "old", "tag",
        "editors-cut"])
def test_the_first_rule_that_applies_sets_the_mode(article, rule, mode):
    found = paywall(article)
    assert (found["rule"], found["mode"]) == (rule, mode)
    assert found["why"]


def test_the_plan_says_why_a_rule_applies():
    found = paywall(story("inv", tags=("investigation", "court")))
    assert found["why"] == "the reader is anonymous, tag investigation"
    assert paywall(story("old"))["why"] == "no access rule applies; the article is metered"


def test_an_article_marked_free_is_free_whatever_the_rules():
    found = paywall(story("gift", access="free", tags=("investigation",)))
    assert found["mode"] == "free" and found["wall"] is None


def test_a_registration_wall_first_then_a_meter_of_their_own_for_registered_readers():
    investigation = story("inv-1", tags=("investigation",))
    assert paywall(investigation)["wall"] == "register"
    registered = Viewer(audience="registered")
    token = None
    walls = []
    for number in range(3):
        result = ENGINE.render(story(f"r{number}"), Viewer(audience="registered", meter=token),
                               "json", now=NOW)
        token = result.meter_token or token
        meter = result.plan["paywall"]["meter"]
        assert (meter["name"], meter["period"], meter["limit"]) == ("registered", "week", 2)
        walls.append(result.plan["paywall"]["wall"])
    assert walls == [None, None, "register"]  # the rule names the wall
    assert paywall(investigation, registered)["rule"] == "registered-meter"


def test_a_token_of_one_meter_is_fresh_for_another():
    token = None
    for number in range(3):  # the anonymous meter, spent
        token = ENGINE.render(story(f"a{number}"), Viewer(meter=token), now=NOW).meter_token
    assert paywall(story("a-next"), Viewer(meter=token))["wall"] == "meter-exhausted"
    registered = paywall(story("a-next"), Viewer(audience="registered", meter=token))
    assert registered["wall"] is None and registered["meter"]["remaining"] == 1


def test_rereading_does_not_count_again_on_any_meter():
    viewer = Viewer(audience="registered")
    first = ENGINE.render(story("again"), viewer, "json", now=NOW)
    again = ENGINE.render(story("again"), Viewer(audience="registered", meter=first.meter_token),
                          "json", now=NOW)
    assert again.plan["paywall"]["meter"]["counted"] is False
    assert again.plan["paywall"]["meter"]["remaining"] == 1


def test_a_rule_can_end_the_preview_at_the_editors_mark():
    token = None
    for number in range(3):
        token = ENGINE.render(story(f"s{number}"), Viewer(meter=token), now=NOW).meter_token
    marked = paywall(story("long", tags=("longread",), teaser_end=3), Viewer(meter=token))
    unmarked = paywall(story("plain", teaser_end=3), Viewer(meter=token))
    assert marked["visible_blocks"] == 3  # the editor's mark, as the rule asks
    assert unmarked["visible_blocks"] == 2  # the paywall's own preview ignores it


def test_the_explain_dump_names_the_rule():
    plan = ENGINE.plan(story("inv", tags=("investigation",)), Viewer(), now=NOW)
    assert "rule=register-first" in dump_plan(plan, "models")


@pytest.mark.parametrize(("change", "line", "expected"), [
    ("      mode: free\n", 10, "paywall.rules[0].mode: expected 'free'"),
    ("      when: {sections: [weather]}\n", 9, "paywall.rules[0].when.sectons: unknown field"),
])
def test_a_mistake_in_an_access_rule_names_its_line(change, line, expected):
    broken = RULES.replace(change, change.replace("free", "gratis").replace("sections", "sectons"),
                           1)
    with pytest.raises(ConfigError) as raised:
        parse_rules(broken, source="models.yaml")
    text = str(raised.value)
    assert f"models.yaml:{line}" in text and expected in text


def test_access_rule_names_are_unique():
    twice = RULES + "    - name: weather-free\n      mode: hard\n"
    with pytest.raises(ConfigError) as raised:
        parse_rules(twice, source="models.yaml")
    assert "used twice" in str(raised.value)


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_the_json_ld_names_the_subscription_product():
    rules = parse_rules(RULES.replace("  mode: metered\n", "  mode: metered\n"
                                      "  product_id: example.com:basic\n"
                                      "  product_name: Example Times\n", 1),
                        source="models.yaml")
    engine = Engine(rules, meter_secret="s" * 32)
    premium = story("p", access="premium")
    for viewer in (Viewer(), Viewer(audience="subscriber"), Viewer(verified_crawler=True)):
        data = _json_ld(engine.render(premium, viewer, now=NOW).html)
        assert data["isAccessibleForFree"] is False
        assert data["isPartOf"] == {"@type": ["CreativeWork", "Product"],
                                    "name": "Example Times", "productID": "example.com:basic"}
    crawled = _json_ld(engine.render(premium, Viewer(verified_crawler=True), now=NOW).html)
    assert crawled["hasPart"]["cssSelector"] == ".gated"
    free = _json_ld(engine.render(story("w", section="weather"), Viewer(), now=NOW).html)
    assert free["isAccessibleForFree"] is True and "isPartOf" not in free


def test_the_meter_notice_says_which_meter():
    page = ENGINE.render(story("notice"), Viewer(audience="registered"), now=NOW).html
    assert 'data-meter="registered"' in page
    assert "1 of 2 free articles for registered readers left this week" in page
    anonymous = ENGINE.render(story("notice"), Viewer(), now=NOW).html
    assert 'data-meter="default"' in anonymous and "free articles left this month" in anonymous


def test_counting_on_one_meter_never_resets_another():
    """One cookie holds every meter: a registered reader's count survives reads that an
    anonymous meter counts, and the other way round."""
    token = None
    for number in range(3):  # the anonymous meter, spent
        token = ENGINE.render(story(f"m{number}"), Viewer(meter=token), now=NOW).meter_token
    registered = ENGINE.render(story("r-one"), Viewer(audience="registered", meter=token),
                               now=NOW)
    token = registered.meter_token
    assert registered.plan["paywall"]["meter"]["remaining"] == 1
    again = ENGINE.render(story("m-next"), Viewer(meter=token), "json", now=NOW)
    assert again.plan["paywall"]["wall"] == "meter-exhausted"  # still spent
    second = ENGINE.render(story("r-two"), Viewer(audience="registered", meter=token),
                           "json", now=NOW)
    assert second.plan["paywall"]["meter"]["remaining"] == 0  # still counted


def test_a_future_date_is_no_news_just_out():
    assert paywall(story("embargoed", hours_old=-48))["rule"] is None


def test_a_rule_that_meters_needs_a_signing_secret_in_production(monkeypatch):
    monkeypatch.delenv("LAYOUT_METER_SECRET", raising=False)
    hard = RULES.replace("  mode: metered\n", "  mode: hard\n", 1)
    with pytest.raises(ConfigError) as raised:
        Engine(parse_rules(hard, source="models.yaml"), development=False)
    assert "signing secret" in str(raised.value)

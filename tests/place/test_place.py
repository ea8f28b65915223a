"""Placement behaviours one at a time, on tiny hand-built articles and rule sets."""

from __future__ import annotations

from typing import Any

from layout import Engine, Viewer
from layout.article import article_from_data
from layout.rules import RuleSet

AD_SIZES = {"mobile": [[300, 250]], "desktop": [[300, 250]]}


def para(words: int) -> dict[str, Any]:
    return {"kind": "paragraph", "html": " ".join(f"w{i}" for i in range(words))}


HEADING = {"kind": "heading", "html": "A heading", "level": 2}
IMAGE = {"kind": "image", "src": "https://img.news.test/a.jpg", "width": 800, "height": 600}


def ad(unit_id: str = "mid", **fields: Any) -> dict[str, Any]:
    return {
        "id": unit_id,
        "kind": "ad",
        "ad_unit": f"/1234/news/{unit_id}",
        "sizes": AD_SIZES,
        **fields,
    }


def promo(unit_id: str = "promo", **fields: Any) -> dict[str, Any]:
    return {"id": unit_id, "kind": "promo", **fields}


def rules(*units: dict[str, Any], **extra: Any) -> RuleSet:
    return RuleSet.model_validate({"version": 1, "name": "test", "units": list(units), **extra})


def render(
    blocks: list[dict[str, Any]],
    ruleset: RuleSet,
    *,
    device: str = "mobile",
    audience: str = "anonymous",
    **article: Any,
) -> dict[str, Any]:
    built = article_from_data({"id": "story", "headline": "Headline", "blocks": blocks, **article})
    viewer = Viewer(device=device, audience=audience)
    return Engine(ruleset).render(built, viewer, format="json").plan


def placed(plan: dict[str, Any], unit: str | None = None) -> list[int]:
    return [
        item["gap"]
        for item in plan["items"]
        if item["type"] == "unit" and (unit is None or item["unit"] == unit)
    ]


def tried(plan: dict[str, Any], unit: str) -> list[tuple[int | None, str, str]]:
    return [(d["gap"], d["outcome"], d["code"]) for d in plan["decisions"] if d["unit"] == unit]


def test_a_gap_after_a_heading_is_rejected_with_after_heading() -> None:
    blocks = [para(30), para(30), HEADING, para(30), para(30)]
    plan = render(blocks, rules(promo(start={"blocks": 3}, avoid={"after": ["heading"]})))
    assert tried(plan, "promo") == [
        (1, "rejected", "before-start"),
        (2, "rejected", "before-start"),
        (3, "rejected", "after-heading"),
        (4, "placed", "placed"),
    ]
    assert placed(plan) == [4]


def test_a_gap_before_an_image_is_rejected_and_after_it_is_not() -> None:
    blocks = [para(30), para(30), IMAGE, para(30)]
    plan = render(blocks, rules(promo(start={"blocks": 2}, avoid={"before": ["image"]})))
    assert tried(plan, "promo") == [
        (1, "rejected", "before-start"),
        (2, "rejected", "before-image"),
        (3, "placed", "placed"),
    ]


def test_the_first_screen_is_kept_free() -> None:
    blocks = [para(40) for _ in range(12)]
    plan = render(blocks, rules(promo(start={"viewports": 1})))
    heights = [item["height"] for item in plan["items"] if item["type"] == "block"]
    offset, first = plan["metrics"]["header_height"], None
    for gap, height in enumerate(heights, start=1):
        offset += height
        if offset >= 740:
            first = gap
            break
    assert first is not None and first > 2
    assert tried(plan, "promo") == [
        *[(gap, "rejected", "first-screen") for gap in range(1, first)],
        (first, "placed", "placed"),
    ]


def test_copies_of_a_unit_keep_their_every_distance() -> None:
    blocks = [para(100) for _ in range(8)]
    plan = render(blocks, rules(promo(every={"words": 200}, max=10)))
    assert placed(plan) == [1, 3, 5, 7]
    rejected = {gap: code for gap, outcome, code in tried(plan, "promo") if outcome == "rejected"}
    assert rejected == {2: "too-close", 4: "too-close", 6: "too-close", 8: "too-close"}


def test_ads_stop_at_the_density_cap() -> None:
    blocks = [para(60) for _ in range(10)]
    plan = render(blocks, rules(ad(max=20), density={"max_ad_ratio": 0.3}))
    codes = [code for _, _, code in tried(plan, "mid")]
    assert "density-cap" in codes
    metrics = plan["metrics"]
    assert 0 < metrics["ad_density"] <= 0.3
    ads = metrics["ad_density"] * metrics["content_height"]
    assert (ads + 274) / (metrics["content_height"] + 274) > 0.3  # one more would break it


def test_units_keep_out_of_the_end() -> None:
    blocks = [para(100) for _ in range(4)]
    plan = render(blocks, rules(promo(keep_out={"last_words": 150}, max=10)))
    assert tried(plan, "promo") == [
        (1, "placed", "placed"),
        (2, "placed", "placed"),
        (3, "rejected", "near-end"),
        (4, "rejected", "near-end"),
    ]


def test_a_short_paragraph_above_rejects_the_gap() -> None:
    blocks = [para(10), para(50), para(10), para(50)]
    plan = render(blocks, rules(promo(min_paragraph_words=40)))
    assert tried(plan, "promo") == [(1, "rejected", "short-paragraph"), (2, "placed", "placed")]


def test_at_percent_shifts_down_then_up() -> None:
    # words above each gap: 0, 100, 200, 200, 300, 400: 50% is gap 2, just before the image
    blocks = [para(100), para(100), IMAGE, para(100), para(100)]
    unit = promo(at={"percent": 50}, avoid={"next_to": ["image"], "shift": 1})
    plan = render(blocks, rules(unit))
    assert tried(plan, "promo") == [
        (2, "rejected", "before-image"),
        (3, "rejected", "after-image"),
        (1, "placed", "placed"),
    ]
    stiff = promo(at={"percent": 50}, avoid={"next_to": ["image"], "shift": 0})
    assert tried(render(blocks, rules(stiff)), "promo") == [(2, "rejected", "before-image")]


def test_at_percent_places_at_the_target_when_it_is_free() -> None:
    blocks = [para(100) for _ in range(4)]
    plan = render(blocks, rules(promo(at={"percent": 50}, max=3)))
    assert tried(plan, "promo") == [(2, "placed", "placed")]  # `at` places one copy


def test_at_after_paragraph_from_the_end() -> None:
    blocks = [para(30), para(30), HEADING, para(30), para(30), para(30)]
    plan = render(blocks, rules(promo(at={"after_paragraph": 2, "from_end": True})))
    assert placed(plan) == [5]  # after the 4th of 5 paragraphs: one paragraph follows
    missing = rules(promo(at={"after_paragraph": 9, "from_end": True}))
    assert tried(render(blocks, missing), "promo") == [(None, "skipped", "no-target")]


def test_max_is_respected_and_nothing_is_tried_after_it() -> None:
    blocks = [para(50) for _ in range(10)]
    plan = render(blocks, rules(promo(max=2)))
    assert placed(plan) == [1, 2]
    assert tried(plan, "promo") == [(1, "placed", "placed"), (2, "placed", "placed")]


def test_audience_targeting_skips_other_readers() -> None:
    blocks = [para(50) for _ in range(4)]
    ruleset = rules(promo(only={"audiences": ["subscriber"]}))
    anonymous = render(blocks, ruleset)
    assert placed(anonymous) == []
    assert tried(anonymous, "promo") == [(None, "skipped", "audience")]
    assert placed(render(blocks, ruleset, audience="subscriber")) == [1]


def test_brand_safety_switches_every_ad_off_but_not_promos() -> None:
    blocks = [para(80) for _ in range(8)]
    ruleset = rules(
        ad("top", position="top"),
        ad("mid", max=3, every={"words": 100}),
        promo(at={"percent": 50}),
        ad("bottom", position="bottom"),
    )
    normal = render(blocks, ruleset)
    assert placed(normal, "top") == [0] and placed(normal, "mid") != []
    plan = render(blocks, ruleset, brand_safety=["tragedy"])
    for unit in ("top", "mid", "bottom"):
        assert tried(plan, unit) == [(None, "skipped", "brand-safety")]
    assert [item["unit"] for item in plan["items"] if item["type"] == "unit"] == ["promo"]
    assert plan["metrics"]["ad_count"] == 0


def test_an_article_marked_no_ads_gets_promos_only() -> None:
    blocks = [para(80) for _ in range(8)]
    ruleset = rules(ad("top", position="top"), ad("mid", max=3), promo(at={"percent": 50}))
    plan = render(blocks, ruleset, no_ads=True)
    assert tried(plan, "top") == tried(plan, "mid") == [(None, "skipped", "no-ads")]
    assert [item["unit"] for item in plan["items"] if item["type"] == "unit"] == ["promo"]


def test_an_editor_slot_marker_places_the_unit_exactly_there_and_only_there() -> None:
    blocks = [para(50), {"kind": "slot", "unit": "mid"}, *[para(200) for _ in range(8)]]
    # the rules alone would never use gap 1 (start) and would place several copies
    plan = render(blocks, rules(ad(start={"paragraphs": 3}, max=5)))
    assert placed(plan, "mid") == [1]
    assert tried(plan, "mid") == [(1, "placed", "editor-slot")]
    unmarked = render([para(50), *[para(200) for _ in range(8)]], rules(ad(max=5)))
    assert len(placed(unmarked, "mid")) > 1


def test_a_higher_priority_unit_wins_a_contested_gap() -> None:
    blocks = [para(50) for _ in range(5)]
    ruleset = rules(
        promo("low", at={"after_paragraph": 2}, avoid={"shift": 0}),
        promo("high", priority=5, at={"after_paragraph": 2}, avoid={"shift": 0}),
    )
    plan = render(blocks, ruleset)
    assert placed(plan, "high") == [2]
    assert placed(plan, "low") == []
    assert tried(plan, "low") == [(2, "rejected", "occupied")]
    assert plan["decisions"].index(
        {
            "unit": "high",
            "gap": 2,
            "outcome": "placed",
            "code": "placed",
            "message": "every check allows this gap",
        }
    ) < [d["unit"] for d in plan["decisions"]].index("low")


def test_the_rail_exists_on_desktop_only() -> None:
    blocks = [para(50) for _ in range(4)]
    rail = {**ad("rail", position="rail"), "sizes": {"desktop": [[300, 600]]}}
    mobile = render(blocks, rules(rail))
    assert placed(mobile) == []
    assert tried(mobile, "rail") == [(None, "skipped", "device")]
    desktop = render(blocks, rules(rail), device="desktop")
    units = [item for item in desktop["items"] if item["type"] == "unit"]
    assert [(u["unit"], u["position"], u["gap"]) for u in units] == [("rail", "rail", 0)]


def test_decisions_record_every_tried_gap() -> None:
    blocks = [para(40), HEADING, para(40), IMAGE, para(40), para(40)]
    plan = render(blocks, rules(promo(avoid={"after": ["paragraph", "heading", "image"]})))
    decisions = tried(plan, "promo")
    assert [gap for gap, _, _ in decisions] == list(range(1, len(blocks) + 1))
    assert [code for _, _, code in decisions] == [
        "after-paragraph",
        "after-heading",
        "after-paragraph",
        "after-image",
        "after-paragraph",
        "after-paragraph",
    ]
    assert placed(plan) == []


def test_a_fixed_ad_slot_keeps_within_the_density_cap() -> None:
    """Bug: fixed top/bottom ads skip the density check, so a short article gets a page that
    is mostly ads (here 274px of ad over a 47px paragraph: density 0.85 with a 0.30 cap)."""
    plan = render([para(10)], rules(ad("top", position="top"), density={"max_ad_ratio": 0.3}))
    assert plan["metrics"]["ad_density"] <= 0.3


def test_a_later_unit_keeps_the_spacing_an_earlier_unit_asks_for() -> None:
    """Bug: spacing is checked only with the rules of the unit being placed, so a unit
    placed later ignores the distance an already placed unit asks to keep from any unit."""
    blocks = [para(50) for _ in range(10)]
    ruleset = rules(
        promo("wide", priority=1, at={"after_paragraph": 5}, spacing={"any_unit": {"words": 200}}),
        promo("narrow", max=10),
    )
    plan = render(blocks, ruleset)
    assert placed(plan, "wide") == [5]
    assert all(abs(gap - 5) * 50 >= 200 for gap in placed(plan, "narrow")), placed(plan)


# --- out-of-page ads ----------------------------------------------------------------------

ANCHOR = ad("anchor", position="anchor", sizes={"mobile": [[320, 50]]})
INTERSTITIAL = {"id": "interstitial", "kind": "ad", "position": "interstitial",
                "ad_unit": "/1234/news/interstitial"}


def units_of(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["unit"]: item for item in plan["items"] if item["type"] == "unit"}


def test_an_anchor_counts_its_height_once_and_adds_nothing_to_the_text() -> None:
    blocks = [para(60) for _ in range(12)]
    without = render(blocks, rules(ad(start={"paragraphs": 3})))
    plan = render(blocks, rules(ad(start={"paragraphs": 3}), ANCHOR))
    anchor = units_of(plan)["anchor"]
    assert anchor["position"] == "anchor" and anchor["gap"] == 0
    assert anchor["reserved_height"] == 50  # GPT's container: no label of the page's
    assert plan["metrics"]["content_height"] == without["metrics"]["content_height"]
    ads_height = without["metrics"]["ad_density"] * without["metrics"]["content_height"]
    expected = (ads_height + 50) / plan["metrics"]["content_height"]
    assert abs(plan["metrics"]["ad_density"] - expected) < 1e-3
    decision = [d for d in plan["decisions"] if d["unit"] == "anchor"]
    assert [d["code"] for d in decision] == ["fixed-anchor"]


def test_an_anchor_takes_its_share_of_the_density_cap() -> None:
    blocks = [para(60) for _ in range(6)]
    mid = ad(start={"paragraphs": 2})
    cap = {"density": {"max_ad_ratio": 0.15}}  # the mid ad alone: 0.14; with the anchor: 0.17
    assert placed(render(blocks, rules(mid, **cap)), "mid")
    crowded = render(blocks, rules(dict(ANCHOR, priority=1), mid, **cap))
    assert not placed(crowded, "mid")
    assert "density-cap" in {d["code"] for d in crowded["decisions"] if d["unit"] == "mid"}


def test_an_interstitial_is_between_pages_not_in_the_text() -> None:
    blocks = [para(60) for _ in range(8)]
    without = render(blocks, rules(ad(start={"paragraphs": 3})))
    for device in ("mobile", "desktop"):
        plan = render(blocks, rules(ad(start={"paragraphs": 3}), INTERSTITIAL), device=device)
        item = units_of(plan)["interstitial"]
        assert item["position"] == "interstitial" and item["reserved_height"] == 0
        if device == "mobile":
            assert plan["metrics"]["ad_density"] == without["metrics"]["ad_density"]
            assert plan["metrics"]["content_height"] == without["metrics"]["content_height"]


def test_out_of_page_ads_have_no_slot_in_the_page() -> None:
    built = article_from_data({"id": "story", "headline": "Headline",
                               "blocks": [para(60) for _ in range(8)]})
    html = Engine(rules(ANCHOR, INTERSTITIAL)).render(built, Viewer()).html
    assert "ad-slot-anchor" not in html and "ad-slot-interstitial" not in html
    assert '"format":"anchor"' in html and '"format":"interstitial"' in html


def test_an_anchor_that_fits_no_screen_is_skipped() -> None:
    wide = ad("anchor", position="anchor", sizes={"mobile": [[728, 90]]})
    plan = render([para(60) for _ in range(8)], rules(wide))
    assert "anchor" not in units_of(plan)
    assert [d["code"] for d in plan["decisions"] if d["unit"] == "anchor"] == ["no-size"]


def test_an_ads_own_height_never_reserves_less_than_its_tallest_size() -> None:
    """A creative taller than its space would move the text: ``height`` only adds."""
    blocks = [para(60) for _ in range(8)]
    low = render(blocks, rules(ad(start={"paragraphs": 3}, height={"mobile": 100})))
    high = render(blocks, rules(ad(start={"paragraphs": 3}, height={"mobile": 400})))
    assert units_of(low)["mid"]["reserved_height"] == 250 + 24
    assert units_of(high)["mid"]["reserved_height"] == 400 + 24


def test_an_ads_data_is_made_once_per_copy_and_a_videos_per_article() -> None:
    """The engine keeps each ad copy's and promo's frozen data for every article; a video
    card's data comes from the article, so each article gets its own."""
    playlist = [{"provider": "youtube", "video_id": "dQw4w9WgXcQ", "title": "Clip A"},
                {"provider": "vimeo", "video_id": "76979871", "title": "Clip B"}]
    ruleset = rules(ad("mid", max=2, every={"blocks": 3}, targeting={"pos": "mid{n}"}),
                    promo(start={"blocks": 1}),
                    {"id": "clip", "kind": "video", "source": "playlist", "playlist": playlist,
                     "start": {"blocks": 2}})
    engine = Engine(ruleset)
    viewer = Viewer(device="mobile")
    units = {}
    for story in ("one", "two"):
        built = article_from_data({"id": story, "headline": "Headline",
                                   "blocks": [para(60) for _ in range(12)]})
        plan = engine.plan(built, viewer)
        units[story] = {unit.id: unit for unit in plan.units}
    one, two = units["one"], units["two"]
    assert {"mid-1", "mid-2", "promo-1", "clip-1"} <= set(one) & set(two)
    assert one["mid-1"].data is two["mid-1"].data
    assert one["mid-2"].data is not one["mid-1"].data
    assert one["mid-1"].data["targeting"] == {"pos": "mid1"}
    assert one["mid-2"].data["targeting"] == two["mid-2"].data["targeting"] == {"pos": "mid2"}
    assert one["promo-1"].data is two["promo-1"].data
    assert one["clip-1"].data is not two["clip-1"].data


def test_each_render_gets_its_instances_slot_ids_and_a_repeat_reuses_them() -> None:
    engine = Engine(rules(ad("mid", max=2, every={"blocks": 3})))
    built = article_from_data({"id": "story", "headline": "Headline",
                               "blocks": [para(60) for _ in range(12)]})
    viewer = Viewer(device="mobile")
    first = engine.plan(built, viewer, instance="left")
    for instance in ("right", *(f"page-{n}" for n in range(20)), "left"):
        plan = engine.plan(built, viewer, instance=instance)
        ads = [unit for unit in plan.units if unit.kind == "ad"]
        assert ads and all(unit.slot_id == f"ad-{instance}-{unit.id}" for unit in ads)
    again = engine.plan(built, viewer, instance="left")
    assert [unit.slot_id for unit in again.units] == [unit.slot_id for unit in first.units]
    repeat = engine.plan(built, viewer, instance="left")
    assert all(a is b for a, b in zip(again.units, repeat.units, strict=True))

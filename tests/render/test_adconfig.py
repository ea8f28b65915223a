"""The Google Publisher Tag configuration embedded in a rendered page, read back from the HTML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import lxml.html
import pytest
import yaml

from layout import Engine, Viewer, load_article
from layout.rules import DEFAULT_RULES_PATH, RuleSet, load_rules
from tests.support.corpus import SAMPLES

LONGREAD = SAMPLES / "articles" / "longread-last-ferry.json"
GPT_URL = "https://securepubads.g.doubleclick.net/tag/js/gpt.js"
CONFIG = "//script[@data-layout-ads]"
AD_FRAME = '//div[contains(concat(" ", normalize-space(@class), " "), " ad-frame ")]'
HOSTILE = "</script><script>alert(1)</script>"


def default_data() -> dict:
    return yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def render(device="mobile", *, consent=True, rules: RuleSet | None = None, article=LONGREAD):
    result = Engine(rules).render(load_article(article), Viewer(device=device, consent=consent))
    return result, lxml.html.fromstring(result.html)


def ad_config(doc) -> dict:
    (element,) = doc.xpath(CONFIG)
    assert element.get("type") == "application/json"
    return json.loads(element.text)


def plan_ads(result) -> list[dict]:
    return [
        item for item in result.plan["items"] if item["type"] == "unit" and item["kind"] == "ad"
    ]


def frame_heights(frame) -> dict[str, int]:
    style = frame.get("style") or ""
    return {name: int(px) for name, px in re.findall(r"--h-(\w+):\s*(\d+)px", style)}


@pytest.fixture(scope="module", params=["mobile", "desktop"])
def page(request):
    result, doc = render(request.param)
    return request.param, result, doc


# --------------------------------------------------------------------------- structure


def test_one_slot_per_planned_ad_with_matching_frames(page):
    _, result, doc = page
    config = ad_config(doc)
    ads = plan_ads(result)
    assert len(ads) >= 3
    assert [slot["id"] for slot in config["slots"]] == [ad["ad"]["slot_id"] for ad in ads]
    frame_ids = [frame.get("id") for frame in doc.xpath(AD_FRAME)]
    assert sorted(frame_ids) == sorted(slot["id"] for slot in config["slots"])
    assert len(set(frame_ids)) == len(frame_ids)
    for slot in config["slots"]:
        assert len(doc.xpath(f'//*[@id="{slot["id"]}"]')) == 1


def test_slot_ad_unit_paths_come_from_the_rules(page):
    _, result, doc = page
    rules = load_rules()
    by_id = {unit.id: unit for unit in rules.units}
    slots = {slot["id"]: slot for slot in ad_config(doc)["slots"]}
    for ad in plan_ads(result):
        assert slots[ad["ad"]["slot_id"]]["adUnitPath"] == by_id[ad["unit"]].ad_unit


def test_size_mapping_one_entry_per_breakpoint_widest_first_and_fitting(page):
    _, _, doc = page
    rules = load_rules()
    breakpoints = {(profile.min_width or 0): name for name, profile in rules.devices.items()}
    assert breakpoints[768] == "desktop"
    for slot in ad_config(doc)["slots"]:
        mapping = slot["sizeMapping"]
        assert len(mapping) == len(rules.devices)
        widths = [entry[0][0] for entry in mapping]
        assert widths[0] == 768
        assert widths == sorted(widths, reverse=True)
        assert sorted(widths) == sorted(breakpoints)
        for (min_width, min_height), sizes in mapping:
            assert min_height == 0
            column = rules.devices[breakpoints[min_width]].column_width
            for width, height in sizes:
                assert 0 < width <= column, (slot["id"], min_width, width)
                assert height > 0
            for size in sizes:
                assert size in slot["sizes"]


def test_mapped_sizes_are_the_rule_sizes_that_fit(page):
    _, result, doc = page
    rules = load_rules()
    by_id = {unit.id: unit for unit in rules.units}
    slots = {slot["id"]: slot for slot in ad_config(doc)["slots"]}
    for ad in plan_ads(result):
        unit = by_id[ad["unit"]]
        for (min_width, _), sizes in slots[ad["ad"]["slot_id"]]["sizeMapping"]:
            device = "desktop" if min_width == 768 else "mobile"
            column = rules.devices[device].column_width
            expected = [list(size) for size in unit.sizes.get(device, []) if size[0] <= column]
            assert sizes == expected


def test_mid_targeting_counts_copies_in_order(page):
    _, _, doc = page
    slots = ad_config(doc)["slots"]
    mids = [slot for slot in slots if slot["adUnitPath"] == "/1234/news/mid"]
    assert len(mids) >= 2
    assert [slot["targeting"]["pos"] for slot in mids] == [
        f"mid{n}" for n in range(1, len(mids) + 1)
    ]
    assert [slot["id"] for slot in mids] == [
        f"ad-longread-last-ferry-mid-{n}" for n in range(1, len(mids) + 1)
    ]


def test_single_request_and_lazy_load(page):
    _, _, doc = page
    config = ad_config(doc)
    assert config["page"]["singleRequest"] is True
    assert config["privacy"] == {"nonPersonalizedAds": False, "restrictDataProcessing": False}
    assert all(slot["lazy"] is True for slot in config["slots"])
    assert config["page"]["targeting"]["article"] == "longread-last-ferry"
    assert config["instance"] == "longread-last-ferry"


@pytest.mark.parametrize("consent", [True, False])
@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_non_personalised_ads_follow_consent(device, consent):
    _, doc = render(device, consent=consent)
    assert ad_config(doc)["privacy"]["nonPersonalizedAds"] is (not consent)


def test_reserved_heights_are_the_tallest_mapped_size_per_device(page):
    _, _, doc = page
    rules = load_rules()
    names = {(profile.min_width or 0): name for name, profile in rules.devices.items()}
    frames = {frame.get("id"): frame for frame in doc.xpath(AD_FRAME)}
    for slot in ad_config(doc)["slots"]:
        heights = frame_heights(frames[slot["id"]])
        expected = {
            names[min_width]: max((height for _, height in sizes), default=0)
            for (min_width, _), sizes in slot["sizeMapping"]
        }
        assert heights == expected, slot["id"]
    # The mid slot's reservation is a real one, not zero.
    assert frame_heights(frames["ad-longread-last-ferry-mid-1"]) == {"mobile": 250, "desktop": 250}


def test_rail_only_on_desktop_and_top_bottom_only_where_they_fit():
    mobile, mobile_doc = render("mobile")
    desktop, desktop_doc = render("desktop")
    mobile_units = {ad["unit"] for ad in plan_ads(mobile)}
    desktop_units = {ad["unit"] for ad in plan_ads(desktop)}
    assert "rail" not in mobile_units
    assert "rail" in desktop_units
    assert {"top", "bottom"} <= mobile_units
    assert len(ad_config(desktop_doc)["slots"]) == len(plan_ads(desktop))
    assert len(ad_config(mobile_doc)["slots"]) == len(plan_ads(mobile))


# --------------------------------------------------------------------------- escaping


def hostile_rules() -> RuleSet:
    data = default_data()
    for unit in data["units"]:
        if unit["id"] == "mid":
            unit["targeting"] = {"pos": "mid{n}", "evil": HOSTILE}
            unit["label"] = "<b>x</b>"
    return RuleSet.model_validate(data)


@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_targeting_and_label_cannot_break_out_of_the_page(device):
    result, doc = render(device, rules=hostile_rules())
    html = result.html
    assert "</script><script>alert" not in html
    assert "<script>alert" not in html
    assert "<b>x</b>" not in html
    config = ad_config(doc)
    mids = [slot for slot in config["slots"] if slot["adUnitPath"] == "/1234/news/mid"]
    assert mids
    for slot in mids:
        assert slot["targeting"]["evil"] == HOSTILE
    labels = doc.xpath('//aside[@data-unit="mid"]')
    assert len(labels) == len(mids)
    for aside in labels:
        assert aside.get("aria-label") == "<b>x</b>"
        (label,) = aside.xpath('./p[@class="ad-label"]')
        assert label.text_content() == "<b>x</b>"
        assert not label.xpath(".//b")
    # No extra script elements were smuggled in.
    assert len(doc.xpath("//script")) == len(render(device)[1].xpath("//script"))


# --------------------------------------------------------------------------- inert bootstrap

NODE_HARNESS = r"""
const vm = require("vm");
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const queries = [];
const appended = [];
const configNode = { textContent: input.config };
const context = {
  document: {
    currentScript: { getAttribute: function (name) {
      return name === "data-layout-ad-libraries" ? input.libraries : null;
    } },
    querySelectorAll: function (selector) {
      queries.push(selector);
      return selector.indexOf("data-layout-ads") >= 0 ? [configNode] : [];
    },
    createElement: function (tag) { return { tag: tag }; },
    head: { appendChild: function (node) { appended.push({ tag: node.tag, src: node.src }); } },
  },
};
context.window = context;
vm.createContext(context);
for (let run = 0; run < input.runs; run++) {
  vm.runInContext(input.script, context, { filename: "bootstrap.js", timeout: 2000 });
}
const googletag = context.window.googletag;
process.stdout.write(JSON.stringify({
  queries: queries,
  appended: appended,
  keys: Object.keys(context).sort(),
  googletagKeys: googletag ? Object.keys(googletag) : null,
  cmdTypes: googletag && googletag.cmd ? googletag.cmd.map(function (c) { return typeof c; }) : [],
  fetch: typeof context.fetch,
  xhr: typeof context.XMLHttpRequest,
}));
"""


def bootstrap_script(doc):
    (config,) = doc.xpath(CONFIG)
    following = config.xpath("following-sibling::script[1]")
    assert following, "no bootstrap script after the ad config"
    script = following[0]
    assert script.get("src") is None
    assert script.get("type") in (None, "text/javascript")
    return config.text, script


def run_bootstrap(doc, runs: int = 1) -> dict:
    node = shutil.which("node")
    assert node, "node must be on PATH"
    config_text, script = bootstrap_script(doc)
    libraries = script.get("data-layout-ad-libraries")
    run = subprocess.run(
        [node, "-e", NODE_HARNESS],
        input=json.dumps({"config": config_text, "script": script.text, "runs": runs,
                          "libraries": libraries}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_bootstrap_is_inert_without_the_library(device):
    """Without GPT the bootstrap queues one command and asks for the library: nothing
    else runs, and nothing is fetched."""
    _, doc = render(device)
    out = run_bootstrap(doc)
    assert out["appended"] == [{"tag": "script", "src": GPT_URL}]
    assert out["googletagKeys"] == ["cmd"]
    assert out["cmdTypes"] == ["function"]
    assert out["fetch"] == "undefined"
    assert out["xhr"] == "undefined"
    assert out["keys"] == ["document", "googletag", "layoutAds", "window"]


def test_a_second_copy_of_the_bootstrap_starts_nothing_twice():
    """Every fragment carries the bootstrap: the copies after the first only scan."""
    _, doc = render("mobile")
    out = run_bootstrap(doc, runs=3)
    assert out["cmdTypes"] == ["function"]
    assert out["appended"] == [{"tag": "script", "src": GPT_URL}]
    assert len(out["queries"]) == 3 + 1  # a scan per copy, and the first looked for the library


# --------------------------------------------------------------------------- libraries


def external_scripts(doc) -> list[str]:
    return [script.get("src") for script in doc.xpath("//script[@src]")]


@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_default_rules_load_only_the_gpt_library(device):
    _, doc = render(device)
    assert external_scripts(doc) == []  # the bootstrap loads it, once for the page
    (bootstrap,) = doc.xpath("//script[@data-layout-ad-libraries]")
    assert json.loads(bootstrap.get("data-layout-ad-libraries")) == [GPT_URL]
    assert "libraries" not in ad_config(doc)  # a configuration never names a script


@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_no_library_means_no_external_script(device):
    data = default_data()
    data["ads"] = {"library": None}
    rules = RuleSet.model_validate(data)
    assert rules.ads.library is None
    _, doc = render(device, rules=rules)
    (bootstrap,) = doc.xpath("//script[@data-layout-ad-libraries]")
    assert json.loads(bootstrap.get("data-layout-ad-libraries")) == []
    assert ad_config(doc)["slots"]  # the configuration is still there for the page to load
    assert run_bootstrap(doc)["appended"] == []


def test_no_ads_no_config_and_no_library():
    data = default_data()
    data["units"] = [unit for unit in data["units"] if unit["kind"] != "ad"]
    _, doc = render("mobile", rules=RuleSet.model_validate(data))
    assert doc.xpath(CONFIG) == []
    assert external_scripts(doc) == []
    assert doc.xpath(AD_FRAME) == []


# --------------------------------------------------------------------------- the plan's ad spec


def test_every_ad_item_of_the_plan_is_a_complete_ad_spec(page):
    """An app that renders the plan itself can request each ad from its item alone."""
    device, result, _ = page
    rules = load_rules()
    by_id = {unit.id: unit for unit in rules.units}
    ads = plan_ads(result)
    assert ads
    for item in ads:
        spec, unit = item["ad"], by_id[item["unit"]]
        assert spec["unit_path"] == unit.ad_unit
        copy = item["id"].rsplit("-", 1)[1]
        assert spec["targeting"] == {k: v.replace("{n}", copy) for k, v in unit.targeting.items()}
        widths = [point["min_width"] for point in spec["size_mapping"]]
        assert widths == sorted(widths, reverse=True)  # widest first, as GPT reads them
        assert {p["device"] for p in spec["size_mapping"]} == set(rules.devices)
        mapped = {tuple(size) for point in spec["size_mapping"] for size in point["sizes"]}
        assert mapped == {tuple(size) for size in spec["sizes"]}
        assert spec["reserved_height"][device] == item["reserved_height"]
        assert set(spec["reserved_height"]) == set(rules.devices)
        assert spec["lazy"] is unit.lazy and spec["format"] == "banner"


def test_the_page_configuration_is_the_plans_ad_spec(page):
    _, result, doc = page
    config = ad_config(doc)
    slots = {slot["id"]: slot for slot in config["slots"]}
    assert set(slots) == {item["ad"]["slot_id"] for item in plan_ads(result)}
    for item in plan_ads(result):
        slot, spec = slots[item["ad"]["slot_id"]], item["ad"]
        assert slot["adUnitPath"] == spec["unit_path"] and slot["sizes"] == spec["sizes"]
        assert slot["sizeMapping"] == [[[p["min_width"], 0], p["sizes"]]
                                       for p in spec["size_mapping"]]
    assert config["page"]["targeting"] == result.plan["ads"]["targeting"]


def test_page_targeting_comes_from_the_metadata_and_the_readers_access():
    article = load_article(SAMPLES / "articles" / "opinion-four-day-school-week.json")
    walled = Engine().render(article, Viewer(), "json").plan["ads"]
    open_ = Engine().render(article, Viewer(audience="subscriber"), "json").plan["ads"]
    assert walled["targeting"] == {
        "article": article.id, "section": article.section or "", "tags": list(article.tags),
        "author": article.byline or "", "audience": "anonymous", "access": "hard",
        "paywall": "walled", "brand_safety": list(article.brand_safety),
    }
    assert open_["targeting"]["paywall"] == "open"
    assert open_["targeting"]["audience"] == "subscriber"
    assert walled["non_personalized"] is False
    assert Engine().render(article, Viewer(consent=False), "json").plan["ads"][
        "non_personalized"] is True


def test_lazy_load_margins_come_from_the_rules():
    data = default_data()
    data.setdefault("ads", {})["lazy_load"] = {
        "fetch_margin_percent": 50, "mobile_scaling": 1.5,
    }
    _, doc = render(rules=RuleSet.model_validate(data))
    assert ad_config(doc)["page"]["lazyLoad"] == {"fetchMarginPercent": 50, "mobileScaling": 1.5}
    _, doc = render()
    assert ad_config(doc)["page"]["lazyLoad"] == {"fetchMarginPercent": 200, "mobileScaling": 2.0}


# --------------------------------------------------------------------------- the ad stack


BIDDER = {"bidder": "appnexus", "params": {"placementId": 13144370}}


def stack_rules(change=None) -> RuleSet:
    """The default rules with header bidding on every ad unit and a consent platform."""
    data = default_data()
    for unit in data["units"]:
        if unit["kind"] == "ad":
            unit["bidders"] = [BIDDER]
    data["ads"] = {"prebid": {"timeout_ms": 900, "failsafe_ms": 2000},
                   "consent": {"frameworks": ["tcf", "gpp"], "timeout_ms": 1200}}
    if change is not None:
        change(data)
    return RuleSet.model_validate(data)


@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_prebid_ad_units_are_the_bidding_slots_one_to_one(device):
    rules = stack_rules()
    result, doc = render(device, rules=rules)
    config = ad_config(doc)
    prebid = config["prebid"]
    assert [unit["code"] for unit in prebid["adUnits"]] == [s["id"] for s in config["slots"]]
    for unit, slot in zip(prebid["adUnits"], config["slots"], strict=True):
        assert unit["mediaTypes"] == {"banner": {"sizeConfig": [
            {"minViewPort": viewport, "sizes": sizes} for viewport, sizes in slot["sizeMapping"]
        ]}}
        assert unit["bids"] == [BIDDER]
    assert prebid["timeout"] == 900 and prebid["failsafe"] == 2000
    assert prebid["config"]["bidderTimeout"] == 900
    assert prebid["config"]["priceGranularity"] == "medium"
    assert prebid["config"]["consentManagement"] == {
        "gdpr": {"cmpApi": "iab", "timeout": 1200, "defaultGdprScope": True},
        "gpp": {"cmpApi": "iab", "timeout": 1200},
    }
    assert config["consent"] == {"wait": True, "frameworks": ["tcf", "gpp"], "timeout": 1200}
    assert all(item["ad"]["bidders"] == [BIDDER] for item in plan_ads(result))


def test_custom_price_buckets_and_no_user_sync():
    rules = stack_rules(lambda data: data["ads"]["prebid"].update(
        price_granularity=[{"max": 5, "increment": 0.05}, {"max": 20, "increment": 0.5}],
        user_sync=False))
    config = ad_config(render("mobile", rules=rules)[1])["prebid"]["config"]
    assert "customPriceBucket" not in config
    assert config["priceGranularity"] == {"buckets": [
        {"max": 5.0, "increment": 0.05, "precision": 2},
        {"max": 20.0, "increment": 0.5, "precision": 2}]}
    assert config["userSync"] == {"syncEnabled": False}


def test_units_without_bidders_get_no_prebid_config():
    data = default_data()
    data["ads"] = {"prebid": {}}
    config = ad_config(render("mobile", rules=RuleSet.model_validate(data))[1])
    assert config["prebid"] is None


def test_global_privacy_control_from_the_server():
    _, doc = render("mobile", rules=stack_rules())
    assert ad_config(doc)["privacy"] == {"nonPersonalizedAds": False,
                                         "restrictDataProcessing": False}
    gpc = Engine(stack_rules()).render(load_article(LONGREAD), Viewer(gpc=True))
    config = ad_config(lxml.html.fromstring(gpc.html))
    assert config["privacy"] == {"nonPersonalizedAds": True, "restrictDataProcessing": True}
    assert config["prebid"]["config"]["ortb2"] == {"regs": {"ext": {"gpc": "1"}}}
    assert gpc.plan["ads"]["non_personalized"] is True
    assert gpc.plan["ads"]["restrict_data_processing"] is True


def with_units(*units: dict) -> RuleSet:
    return stack_rules(lambda data: data["units"].extend(units))


def test_formats_reach_gpt_and_prebid_as_their_media_types():
    rules = with_units(
        {"id": "native", "kind": "ad", "ad_unit": "/1234/news/native", "format": "native",
         "at": {"percent": 40}, "sizes": {"mobile": [[300, 250]], "desktop": [[300, 250]]},
         "height": {"mobile": 320, "desktop": 320}, "bidders": [BIDDER]},
        {"id": "outstream", "kind": "ad", "ad_unit": "/1234/news/video", "format": "outstream",
         "at": {"percent": 70}, "sizes": {"mobile": [[320, 180]], "desktop": [[640, 360]]},
         "bidders": [BIDDER]},
        {"id": "interstitial", "kind": "ad", "position": "interstitial",
         "ad_unit": "/1234/news/interstitial", "bidders": [BIDDER]},
    )
    result, doc = render("desktop", rules=rules)
    config = ad_config(doc)
    slots = {slot["adUnitPath"]: slot for slot in config["slots"]}
    units = {unit["code"]: unit for unit in config["prebid"]["adUnits"]}
    native = slots["/1234/news/native"]
    assert native["format"] == "native" and native["sizes"][0] == "fluid"
    assert all(sizes[0] == "fluid" for _, sizes in native["sizeMapping"])
    assert set(units[native["id"]]["mediaTypes"]) == {"native"}
    video = units[slots["/1234/news/video"]["id"]]["mediaTypes"]["video"]
    assert video["context"] == "outstream" and video["plcmt"] == 4
    assert video["sizeConfig"] == [{"minViewPort": [768, 0], "playerSize": [[640, 360]]},
                                   {"minViewPort": [0, 0], "playerSize": [[320, 180]]}]
    interstitial = slots["/1234/news/interstitial"]
    assert interstitial["format"] == "interstitial" and interstitial["lazy"] is False
    prebid_interstitial = units[interstitial["id"]]
    assert prebid_interstitial["ortb2Imp"] == {"instl": 1}
    assert prebid_interstitial["mediaTypes"]["banner"]["sizes"]
    # Out of the page: no slot element, and no reserved height in the text.
    assert not doc.xpath(f'//*[@id="{interstitial["id"]}"]')
    (item,) = [i for i in plan_ads(result) if i["unit"] == "interstitial"]
    assert item["position"] == "interstitial" and item["reserved_height"] == 0
    reserved = {i["unit"]: i["reserved_height"] for i in plan_ads(result)}
    assert reserved["native"] == 320 + 24  # the rule's height, and the label


def test_refresh_and_collapse_policies_reach_each_slot():
    def change(data):
        for unit in data["units"]:
            if unit["id"] == "mid":
                unit["refresh"] = {"viewable_seconds": 45, "max": 2}
                unit["collapse_empty"] = "never"
        data["ads"]["collapse_empty"] = "always"

    result, doc = render("mobile", rules=stack_rules(change))
    for slot in ad_config(doc)["slots"]:
        mid = slot["adUnitPath"] == "/1234/news/mid"
        assert slot["collapse"] == ("never" if mid else "always")
        assert slot["refresh"] == ({"viewableSeconds": 45, "max": 2} if mid else None)
    for item in plan_ads(result):
        mid = item["unit"] == "mid"
        assert item["ad"]["refresh"] == ({"viewable_seconds": 45, "max": 2} if mid else None)
        assert item["ad"]["collapse_empty"] == ("never" if mid else "always")


# --------------------------------------------------------------------------- instances


def test_every_element_id_carries_the_instance_prefix():
    article = load_article(LONGREAD)
    html = Engine().render(article, Viewer(), "fragment", instance="feed-7").html
    ids = re.findall(r' id="([^"]+)"', html)
    assert ids and all(element_id.startswith("ad-feed-7-") for element_id in ids)
    assert ad_config(lxml.html.fromstring(html))["instance"] == "feed-7"
    plan = Engine().render(article, Viewer(), "json", instance="feed-7").plan
    assert plan["ads"]["instance"] == "feed-7"
    assert [i["ad"]["slot_id"] for i in plan_ads_of(plan)] == [
        f"ad-feed-7-{i['id']}" for i in plan_ads_of(plan)]


def plan_ads_of(plan: dict) -> list[dict]:
    return [item for item in plan["items"] if item["type"] == "unit" and item["kind"] == "ad"]


@pytest.mark.parametrize("article_id, expected", [
    ("longread-last-ferry", "longread-last-ferry"),
    ("12345", "12345"),
    ("news/2026/harbour strike", r"news-2026-harbour-strike-[0-9a-f]{8}"),
    ("news/2026/harbour-strike", r"news-2026-harbour-strike-[0-9a-f]{8}"),
    ("Ünïcode ✓", r"n-code-[0-9a-f]{8}"),
    ("✓✓", r"a-[0-9a-f]{8}"),
])
def test_the_default_instance_comes_from_the_article_id(article_id, expected):
    from layout.plan import INSTANCE, instance_prefix

    prefix = instance_prefix(article_id)
    assert re.fullmatch(expected, prefix)
    assert INSTANCE.fullmatch(prefix)


def test_ids_that_slug_alike_still_get_their_own_prefix():
    from layout.plan import instance_prefix

    assert instance_prefix("news/2026/a b") != instance_prefix("news/2026/a-b")


@pytest.mark.parametrize("instance", ["", "two words", "-x", "x" * 65, "é", "a/b"])
def test_a_bad_instance_is_refused(instance):
    from layout.errors import InputError

    with pytest.raises(InputError, match="instance: expected 1 to 64 ASCII letters"):
        Engine().render(load_article(LONGREAD), Viewer(), "fragment", instance=instance)


def test_every_script_the_page_runs_carries_the_nonce():
    nonce = "cGFnZS1ub25jZS0xMjM0NQ"
    html = Engine().render(load_article(LONGREAD), Viewer(), nonce=nonce).html
    scripts = lxml.html.fromstring(html).xpath("//script")
    running = [s for s in scripts if s.get("type") in (None, "text/javascript")]
    assert len(running) == 2  # the ad bootstrap and the players' script
    assert all(script.get("nonce") == nonce for script in running)
    assert Engine().render(load_article(LONGREAD), Viewer()).html.count("nonce=") == 0


@pytest.mark.parametrize("nonce", ["short", 'x" onload="alert(1)', "n" * 129])
def test_a_bad_nonce_is_refused(nonce):
    from layout.errors import InputError

    with pytest.raises(InputError, match="nonce: expected 16 to 128 base64 characters"):
        Engine().render(load_article(LONGREAD), Viewer(), nonce=nonce)


def test_the_header_bidding_sample_rules():
    rules = load_rules(SAMPLES / "rules" / "header-bidding.yaml")
    result, doc = render("mobile", rules=rules)
    config = ad_config(doc)
    (bootstrap,) = doc.xpath("//script[@data-layout-ad-libraries]")
    libraries = json.loads(bootstrap.get("data-layout-ad-libraries"))
    assert libraries == [rules.ads.library, rules.ads.prebid.library]
    formats = [slot["format"] for slot in config["slots"]]
    assert "anchor" in formats and "interstitial" in formats
    bidding = {unit["code"] for unit in config["prebid"]["adUnits"]}
    assert bidding == {slot["id"] for slot in config["slots"] if slot["format"] != "interstitial"}
    buckets = config["prebid"]["config"]["priceGranularity"]["buckets"]
    assert [bucket["max"] for bucket in buckets] == [5, 20, 50]
    assert config["consent"]["frameworks"] == ["tcf", "gpp"]
    assert result.plan["metrics"]["ad_density"] <= rules.density.max_ad_ratio

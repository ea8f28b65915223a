"""The ad stack in headless Chromium: the page's bootstrap with the real Prebid.js (from
npm, with its debugging module answering for the bidder), a consent platform built on the
IAB's TCF libraries, and a GPT stand-in that records every call.

Every page is served from a loopback site; a request anywhere else is a failure, and so
is a console error. The GPT and Prebid calls of two pages are compared with golden call
logs (``tests/render/ads/*.calls.txt``, rewritten by ``--update-goldens``).
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from layout import Engine, Viewer, load_article
from layout.rules import RuleSet
from tests.conftest import report
from tests.support.ad_stack import (
    LoopbackSite,
    build_bundles,
    fragments_page,
    stack_rules,
    with_harness,
)
from tests.support.corpus import CORPUS, SAMPLES, load_corpus_article
from tests.support.preview_server import running_chromium

pytestmark = pytest.mark.browser

GOLDEN = Path(__file__).with_name("ads")
SAMPLE_INPUTS = sorted([*(SAMPLES / "articles").glob("*.json"),
                        *(SAMPLES / "html").glob("*.html")])
CORPUS_PAGES = ("nytimes-1", "wikipedia-2", "lwn-1", "ars-1", "medium-2", "yahoo-2",
                "embedded-videos", "table-style-attributes", "rtl-2", "blogger")
VIEWPORTS = {"mobile": (375, 740), "desktop": (1280, 900)}
GRANTED = '{"tcf": "granted", "gpp": "optin"}'
LOAD_TIMEOUT_MS = 20_000

# Counts layout shifts (not caused by input) from the first paint on, as CLS counts them.
OBSERVE_SHIFTS = """
window.__cls = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) {
    if (!entry.hadRecentInput) { window.__cls += entry.value; }
  });
}).observe({ type: "layout-shift", buffered: true });
"""

COLLECT = """() => {
  const ids = Array.from(document.querySelectorAll("[id]")).map((e) => e.id);
  const configs = Array.from(document.querySelectorAll("script[data-layout-ads]"))
    .map((s) => JSON.parse(s.textContent));
  const states = {};
  document.querySelectorAll("[data-ad-state]").forEach((e) => {
    const holder = e.closest("[data-slot]") || e;
    const hidden = holder.style.display === "none" ? "/hidden" : "";
    states[e.id] = e.getAttribute("data-ad-state") + hidden;
  });
  const events = window.pbjs && window.pbjs.getEvents ? window.pbjs.getEvents() : [];
  const requested = events.filter((e) => e.eventType === "bidRequested").flatMap((e) =>
    e.args.bids.map((bid) => ({ code: bid.adUnitCode, sizes: bid.sizes,
      consent: (e.args.gdprConsent || {}).consentString || null,
      gpc: ((e.args.ortb2 || {}).regs || {}).ext ? e.args.ortb2.regs.ext.gpc : null })));
  return {
    ids, configs, states, requested,
    calls: window.__gptCalls || [],
    adUnits: window.pbjs && window.pbjs.adUnits ? window.pbjs.adUnits.map((u) => u.code) : [],
    started: window.layoutAds ? window.layoutAds.slots() : [],
    cls: window.__cls,
    firstRefreshAt: window.__firstRefreshAt === undefined ? null : window.__firstRefreshAt,
    cmpAnsweredAt: window.__cmpAnsweredAt === undefined ? null : window.__cmpAnsweredAt,
    width: window.innerWidth,
  };
}"""

SERVED_COUNT = """() => (window.__gptCalls || []).filter((c) => c[0] === "served")
  .reduce((n, c) => n + c[1].length, 0)"""


# A 1x1 GIF stands in for the article's own images, which are on the publisher's hosts.
PIXEL = bytes.fromhex(
    "47494638396101000100800000ffffff00000021f904010000000"
    "02c00000000010001000002024401003b"
)


@dataclass
class Loaded:
    """What a page did: its calls, slots, requests and errors. ``refused`` are the
    requests off the loopback site that were not the article's own media."""

    data: dict[str, Any]
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_places: list[str] = field(default_factory=list)  # the document of each error

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)
            self.error_places.append(message.location.get("url", ""))

    @property
    def calls(self) -> list[list[Any]]:
        return self.data["calls"]

    def named(self, name: str) -> list[list[Any]]:
        return [call for call in self.calls if call[0] == name]

    def served(self) -> list[dict[str, Any]]:
        return [slot for call in self.named("served") for slot in call[1]]

    def slots(self) -> list[dict[str, Any]]:
        return [slot for config in self.data["configs"] for slot in config["slots"]]

    def in_page(self) -> list[dict[str, Any]]:
        return [slot for slot in self.slots() if slot["format"] not in ("anchor", "interstitial")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackSite]:
    root = tmp_path_factory.mktemp("ad-site")
    build_bundles(root)
    with LoopbackSite(root) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with running_chromium() as chromium:
        yield chromium


def load(browser: Any, site: LoopbackSite, name: str, html: str, device: str, *,
         scroll: bool = True, expect_served: int | None = None, before: str = "",
         clock: bool = False, then: Any = None, content: str = "") -> Loaded:
    """Open ``html`` from the loopback site at the device's viewport, scroll through it
    (lazy slots load as they come near), wait for ``expect_served`` slot requests (by
    default one per slot of the page) and collect what happened. The article's media
    (any URL in ``html`` or ``content``) is answered with a pixel."""
    media = html + content
    (site.root / name).write_text(html, encoding="utf-8")
    width, height = VIEWPORTS[device]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  is_mobile=device == "mobile", has_touch=device == "mobile")
    loaded = Loaded({})
    context.on("request", lambda request: loaded.requests.append(request.url))

    def elsewhere(route: Any) -> None:
        url = route.request.url
        own = url in media or htmllib.escape(url) in media
        if own and route.request.resource_type == "image":  # the article's own images
            route.fulfill(status=200, content_type="image/gif", body=PIXEL)
        else:
            loaded.refused.append(url)
            route.abort()

    context.route(re.compile(r"^(?!" + re.escape(site.origin) + r"/)https?://.*"), elsewhere)
    try:
        page = context.new_page()
        if clock:
            page.clock.install()
        page.add_init_script(OBSERVE_SHIFTS + before)
        page.on("console", loaded.console)
        page.on("pageerror", lambda error: loaded.errors.append(f"page error: {error}"))
        page.goto(site.url(name), wait_until="load", timeout=LOAD_TIMEOUT_MS)
        if scroll:
            total = page.evaluate("document.documentElement.scrollHeight")
            for top in range(0, total + height, height):
                page.evaluate(f"window.scrollTo(0, {top})")
                page.wait_for_timeout(60)
        want = expect_served
        if want is None:
            # Every slot of the page, with one anchor and one interstitial at most.
            want = page.evaluate("""() => {
                const slots = Array.from(document.querySelectorAll("script[data-layout-ads]"))
                  .flatMap((s) => JSON.parse(s.textContent).slots);
                const outOfPage = new Set(slots.map((s) => s.format)
                  .filter((f) => f === "anchor" || f === "interstitial"));
                return slots.filter((s) => s.format !== "anchor" && s.format !== "interstitial")
                  .length + outOfPage.size;
            }""")
        page.wait_for_function(f"() => ({SERVED_COUNT})() >= {want}", timeout=LOAD_TIMEOUT_MS)
        if then is not None:
            then(page)
        page.wait_for_timeout(200)
        loaded.data = page.evaluate(COLLECT)
    finally:
        context.close()
    return loaded


def render(article: Any, device: str, rules: RuleSet, *, format: str = "html",
           viewer: Viewer | None = None) -> str:
    reader = viewer or Viewer(device=device)  # type: ignore[arg-type]
    return Engine(rules, development=True).render(article, reader, format).html  # type: ignore[arg-type]


def changed_rules(site: LoopbackSite, change: Any, *, eager: bool = False) -> RuleSet:
    """The test rules with ``change`` made to their data (and every unit eager)."""
    data = stack_rules(site.origin).model_dump(mode="json", exclude_none=True)
    change(data)
    if eager:
        for unit in data["units"]:
            unit["lazy"] = False
    return RuleSet.model_validate(data, context={"development": True})


def expected_sizes(slot: dict[str, Any], width: int) -> list[Any]:
    for (min_width, _), sizes in slot["sizeMapping"]:
        if width >= min_width:
            return sizes
    return []


def check_stack(loaded: Loaded) -> list[str]:
    """Everything the acceptance asks of one page, as a list of what is wrong."""
    problems: list[str] = []
    in_page = loaded.in_page()
    defined = [call[3] for call in loaded.named("defineSlot")]
    if sorted(defined) != sorted(slot["id"] for slot in in_page):
        problems.append(f"defineSlot for {defined}, slots {[s['id'] for s in in_page]}")
    started = {slot["id"]: slot for slot in loaded.data["started"]}
    displayed = [call[1] for call in loaded.named("display")]
    if len(displayed) != len(set(displayed)) or len(displayed) != len(started):
        problems.append(f"display calls {displayed}")
    # Prebid's ad units are the bidding slots, one to one, by the slot's element id.
    bidding = {unit["code"] for config in loaded.data["configs"] if config["prebid"]
               for unit in config["prebid"]["adUnits"]}
    expected = sorted(started[i]["code"] for i in bidding if i in started)
    codes = loaded.data["adUnits"]
    if sorted(codes) != expected or any(not started[i]["bidding"] for i in bidding & set(started)):
        problems.append(f"Prebid ad units {codes}, bidding slots {expected}")
    # Bids reached GPT's targeting before each bidding slot's first request.
    first: dict[str, dict[str, Any]] = {}
    for served in loaded.served():
        first.setdefault(served["id"], served)
    for code in expected:
        if code not in first or "hb_pb" not in first[code]["targeting"]:
            problems.append(f"{code} was requested without its bid's targeting")
    # Prebid asked the bidder for the sizes of GPT's size mapping at this width.
    by_id = {slot["id"]: slot for slot in in_page}
    for request in loaded.data["requested"]:
        slot = by_id.get(request["code"])
        wanted = sorted(map(tuple, expected_sizes(slot, loaded.data["width"]))) if slot else None
        if slot is not None and sorted(map(tuple, request["sizes"])) != wanted:
            problems.append(f"{request['code']}: Prebid sizes {request['sizes']}, GPT {wanted}")
    ids = loaded.data["ids"]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        problems.append(f"repeated ids {repeated}")
    problems += [f"request off loopback: {url}" for url in loaded.refused]
    problems += [f"console error: {error}" for error in loaded.errors]
    if loaded.data["cls"] != 0:
        problems.append(f"layout shift {loaded.data['cls']:.4f}")
    return problems


# --------------------------------------------------------------------------- every input


def sweep_inputs() -> list[tuple[str, Any]]:
    inputs: list[tuple[str, Any]] = [(f"{path.parent.name}-{path.stem}", path)
                                     for path in SAMPLE_INPUTS]
    return inputs + [(name, CORPUS / name) for name in CORPUS_PAGES]


@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_every_sample_and_corpus_page_runs_the_whole_stack(browser, site, device):
    """The acceptance over the samples and ten corpus pages, on both devices."""
    rules = stack_rules(site.origin)
    problems: list[str] = []
    pages = slots = units = bid_first = requests = 0
    cls = 0.0
    for name, source in sweep_inputs():
        article = load_article(source) if isinstance(source, Path) and source.suffix else (
            load_corpus_article(source))
        html = render(article, device, rules)
        if "data-layout-ads" not in html:
            continue  # no ad for this article (brand safety, no_ads)
        loaded = load(browser, site, f"{name}-{device}.html", with_harness(html, scenario=GRANTED),
                      device)
        pages += 1
        slots += len(loaded.slots())
        units += len(loaded.data["adUnits"])
        first: dict[str, dict[str, Any]] = {}
        for served in loaded.served():
            first.setdefault(served["id"], served)
        bid_first += sum("hb_pb" in served["targeting"] for served in first.values())
        requests += len(loaded.requests)
        cls = max(cls, loaded.data["cls"])
        problems += [f"{name}: {problem}" for problem in check_stack(loaded)]
    assert pages >= len(sweep_inputs()) - 3
    assert not problems, "\n".join(problems)
    report(f"ad stack browser ({device}): {pages} pages, {slots} slots each defined and "
           f"displayed once, {units} Prebid ad units one to one with the bidding slots, "
           f"{bid_first} first requests with bid targeting, {requests} requests, 0 off "
           f"loopback, 0 console errors, CLS max {cls:.4f}")


# --------------------------------------------------------------------------- many articles


def test_three_fragments_on_one_page_share_one_bootstrap(browser, site):
    rules = stack_rules(site.origin)
    names = ["news-harbour-strike", "longread-last-ferry", "data-rents"]
    articles = [load_article(SAMPLES / "articles" / f"{name}.json") for name in names]
    fragments = [render(article, "mobile", rules, format="fragment") for article in articles]
    page = fragments_page(render(articles[0], "mobile", rules), fragments)
    assert page.count('<script type="application/json" data-layout-ads>') == 3
    loaded = load(browser, site, "three-fragments.html", with_harness(page, scenario=GRANTED),
                  "mobile")
    assert not check_stack(loaded)
    instances = [config["instance"] for config in loaded.data["configs"]]
    assert instances == names
    started = [slot["id"] for slot in loaded.data["started"]]
    # Every slot of every article, but one anchor for the page (the first article's).
    anchors = [slot["id"] for slot in loaded.slots() if slot["format"] == "anchor"]
    assert len(anchors) == 3 and len(loaded.named("defineOutOfPageSlot")) == 1
    assert sorted(started) == sorted(
        slot["id"] for slot in loaded.slots() if slot["id"] not in anchors[1:])
    for config in loaded.data["configs"]:
        assert all(slot["id"].startswith(f"ad-{config['instance']}-") for slot in config["slots"])
    # One bootstrap for the page: GPT was set up once, and every slot displayed once.
    assert len(loaded.named("enableServices")) == 1
    assert len([c for c in loaded.named("pubads.addEventListener")
                if c[1] == "slotRenderEnded"]) == 1
    served = {slot["id"] for slot in loaded.served()}
    assert {slot["id"] for slot in loaded.in_page()} <= served
    report(f"ad stack browser: 3 fragments on one page, {len(loaded.data['ids'])} element ids "
           f"(0 repeated), {len(started)} slots defined and displayed once, one GPT set-up")


def test_a_fragment_added_later_is_started_by_its_own_copy(browser, site):
    """Infinite scroll: a fragment inserted after load starts its slots, and only its."""
    rules = stack_rules(site.origin)
    first = load_article(SAMPLES / "articles" / "news-harbour-strike.json")
    later = load_article(SAMPLES / "articles" / "data-rents.json")
    page = render(first, "mobile", rules)
    fragment = render(later, "mobile", rules, format="fragment")
    def add_fragment(tab: Any) -> None:
        tab.evaluate("""(html) => document.querySelector("main").appendChild(
            document.createRange().createContextualFragment(html))""", fragment)
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        tab.wait_for_function(
            "() => window.layoutAds.slots().some((s) => s.id.startsWith('ad-data-rents-'))")
        tab.wait_for_timeout(1500)

    loaded = load(browser, site, "added-later.html", with_harness(page, scenario=GRANTED),
                  "mobile", then=add_fragment, content=fragment)
    assert not check_stack(loaded)
    assert [config["instance"] for config in loaded.data["configs"]] == [
        "news-harbour-strike", "data-rents"]
    assert len(loaded.named("enableServices")) == 1


# --------------------------------------------------------------------------- consent


CONSENT_CASES = {
    "granted": ('{"tcf": "granted"}', {"nonPersonalizedAds": False, "limitedAds": False,
                                        "restrictDataProcessing": False}, True),
    "basic": ('{"tcf": "basic"}', {"nonPersonalizedAds": True, "limitedAds": False,
                                   "restrictDataProcessing": False}, False),
    "denied": ('{"tcf": "denied"}', {"nonPersonalizedAds": True, "limitedAds": True,
                                     "restrictDataProcessing": False}, False),
    "gpp-opt-out": ('{"gpp": "optout"}', {"nonPersonalizedAds": True, "limitedAds": False,
                                          "restrictDataProcessing": True}, None),
}


@pytest.mark.parametrize("case", sorted(CONSENT_CASES))
def test_consent_decides_the_privacy_of_every_request(browser, site, case):
    scenario, privacy, bids = CONSENT_CASES[case]
    frameworks = ["gpp"] if case.startswith("gpp") else ["tcf"]
    rules = changed_rules(site, lambda data: data["ads"]["consent"].update(frameworks=frameworks))
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    loaded = load(browser, site, f"consent-{case}.html",
                  with_harness(render(article, "mobile", rules), scenario=scenario), "mobile")
    assert loaded.served()
    for served in loaded.served():
        assert served["privacy"] == privacy, served["id"]
    if bids is not None:
        with_bids = [s for s in loaded.served() if "hb_pb" in s["targeting"]]
        assert bool(with_bids) is bids
    consents = {request["consent"] for request in loaded.data["requested"]}
    if case == "granted":
        assert consents and None not in consents  # Prebid passed the CMP's TC string on
    report(f"ad stack consent {case}: {len(loaded.served())} requests, each with {privacy}")
    assert not loaded.refused
    assert not loaded.errors


def test_the_page_waits_for_the_cmp_before_any_request(browser, site):
    rules = stack_rules(site.origin)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    loaded = load(browser, site, "consent-slow.html",
                  with_harness(render(article, "mobile", rules),
                               scenario='{"tcf": "granted", "gpp": "optin", "delay": 700}'),
                  "mobile", scroll=False, expect_served=1)
    assert loaded.data["cmpAnsweredAt"] is not None
    assert loaded.data["firstRefreshAt"] > loaded.data["cmpAnsweredAt"]
    assert all(not s["privacy"]["nonPersonalizedAds"] for s in loaded.served())


def test_a_framework_without_its_cmp_on_the_page_is_not_waited_for(browser, site):
    """The rules name TCF and GPP; a European reader's page has the TCF CMP only."""
    rules = stack_rules(site.origin)
    assert rules.ads.consent is not None and rules.ads.consent.frameworks == ["tcf", "gpp"]
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    loaded = load(browser, site, "consent-tcf-only.html",
                  with_harness(render(article, "mobile", rules), scenario='{"tcf": "granted"}'),
                  "mobile", scroll=False, expect_served=1)
    assert loaded.data["firstRefreshAt"] < rules.ads.consent.timeout_ms
    assert all(not s["privacy"]["nonPersonalizedAds"] for s in loaded.served())
    assert [s for s in loaded.served() if "hb_pb" in s["targeting"]]
    assert not loaded.errors


def test_no_answer_from_the_cmp_means_non_personalised_after_the_timeout(browser, site):
    rules = stack_rules(site.origin)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    loaded = load(browser, site, "consent-none.html",
                  with_harness(render(article, "mobile", rules), scenario="{}"), "mobile",
                  scroll=False, expect_served=1)
    assert loaded.data["firstRefreshAt"] >= rules.ads.consent.timeout_ms
    assert all(s["privacy"]["nonPersonalizedAds"] for s in loaded.served())
    assert not [s for s in loaded.served() if "hb_pb" in s["targeting"]]  # no auction
    assert not loaded.errors


@pytest.mark.parametrize("signal", ["server", "browser"])
def test_global_privacy_control_restricts_every_request(browser, site, signal):
    rules = stack_rules(site.origin)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    viewer = Viewer(device="mobile", gpc=signal == "server")
    before = ("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', "
              "{ get: () => true });") if signal == "browser" else ""
    loaded = load(browser, site, f"gpc-{signal}.html",
                  with_harness(render(article, "mobile", rules, viewer=viewer), scenario=GRANTED),
                  "mobile", before=before)
    for served in loaded.served():
        assert served["privacy"]["nonPersonalizedAds"] is True
        assert served["privacy"]["restrictDataProcessing"] is True
    if signal == "server":
        assert {request["gpc"] for request in loaded.data["requested"]} == {"1"}


# --------------------------------------------------------------------------- formats


def test_out_of_page_formats_and_fluid_slots(browser, site):
    rules = changed_rules(site, lambda data: data["units"].extend([
        {"id": "interstitial", "kind": "ad", "position": "interstitial",
         "ad_unit": "/1234/news/interstitial",
         "bidders": [{"bidder": "appnexus", "params": {"placementId": 13144370}}]},
        {"id": "native", "kind": "ad", "ad_unit": "/1234/news/native", "format": "fluid",
         "at": {"percent": 50}, "sizes": {"mobile": [[300, 250]], "desktop": [[300, 250]]},
         "height": {"mobile": 320, "desktop": 320}},
    ]))
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    loaded = load(browser, site, "formats.html",
                  with_harness(render(article, "mobile", rules), scenario=GRANTED), "mobile")
    assert not check_stack(loaded)
    out_of_page = loaded.named("defineOutOfPageSlot")
    assert sorted(call[2] for call in out_of_page) == [3, 5]  # BOTTOM_ANCHOR, INTERSTITIAL
    (fluid,) = [call for call in loaded.named("defineSlot") if call[1] == "/1234/news/native"]
    assert fluid[2][0] == "fluid"
    # The out-of-page slots' Prebid ad units took GPT's own element ids.
    gpt_ids = {s["id"] for s in loaded.served() if s["id"].startswith("gpt_unit_")}
    assert len(gpt_ids) == 2 and gpt_ids <= set(loaded.data["adUnits"])


def test_a_viewable_slot_refreshes_by_its_rule_with_a_new_auction(browser, site):
    rules = stack_rules(site.origin)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    html = with_harness(render(article, "mobile", rules), scenario=GRANTED)
    refresh = next(u for u in rules.units if u.id == "mid").refresh
    assert refresh is not None

    def keep_mid_in_view(tab: Any) -> None:
        tab.evaluate("document.querySelector('[id$=\"-mid-1\"]').scrollIntoView()")
        tab.wait_for_timeout(1500)  # viewable: half in view for a second
        for _ in range(refresh.max + 1):
            tab.clock.fast_forward(refresh.viewable_seconds * 1000 + 1000)
            tab.wait_for_timeout(1500)

    loaded = load(browser, site, "refresh.html", html, "mobile", scroll=False,
                  expect_served=1, clock=True, then=keep_mid_in_view)
    mid = [s for s in loaded.served() if s["id"].endswith("-mid-1")]
    assert len(mid) == 1 + refresh.max  # the first request and at most `max` refreshes
    assert [s["targeting"].get("refresh") for s in mid] == [None, ["1"], ["2"]]
    assert all("hb_pb" in s["targeting"] for s in mid)  # each refresh had its own auction
    assert loaded.data["cls"] == 0


# --------------------------------------------------------------------------- empty slots


def test_empty_slots_collapse_below_the_viewport_only(browser, site):
    """Every slot comes back empty: those below the screen give up their space, those in
    view keep it (giving it up would move the text being read)."""
    rules = changed_rules(site, lambda data: None, eager=True)
    article = load_article(SAMPLES / "articles" / "liveblog-storm-darra.json")
    html = render(article, "mobile", rules)
    slot_ids = re.findall(r'class="ad-frame" id="([\w-]+)"', html)
    positions: dict[str, float] = {}

    def settled(tab: Any) -> None:
        tab.wait_for_function(f"() => document.querySelectorAll('[data-ad-state]').length "
                              f">= {len(slot_ids)}")
        positions.update(tab.evaluate("""(ids) => Object.fromEntries(ids.map((id) =>
            [id, document.getElementById(id).closest('[data-slot]').getBoundingClientRect().top
             || Infinity]))""", slot_ids))

    empty = json.dumps(dict.fromkeys(slot_ids, True))
    loaded = load(browser, site, "empty.html", with_harness(html, scenario=GRANTED, empty=empty),
                  "mobile", scroll=False, then=settled)
    states = loaded.data["states"]
    height = VIEWPORTS["mobile"][1]
    kept = {i for i in slot_ids if states[i] == "empty"}
    collapsed = {i for i in slot_ids if states[i] == "collapsed/hidden"}
    assert kept and collapsed and kept | collapsed == set(slot_ids)
    assert all(positions[i] < height for i in kept)
    assert loaded.data["cls"] == 0


def test_lazy_slots_wait_for_the_fetch_margin(browser, site):
    rules = stack_rules(site.origin)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    html = with_harness(render(article, "mobile", rules), scenario=GRANTED)
    lazy = rules.ads.lazy_load
    margin = VIEWPORTS["mobile"][1] * lazy.fetch_margin_percent / 100 * lazy.mobile_scaling
    positions = """() => Object.fromEntries(Array.from(document.querySelectorAll(
        '.ad-frame')).map((e) => [e.id, e.getBoundingClientRect().top]))"""
    seen: dict[str, Any] = {}

    def measure(tab: Any) -> None:
        seen.update(tab.evaluate(positions))

    loaded = load(browser, site, "lazy.html", html, "mobile", scroll=False,
                  expect_served=1, then=measure)
    served = {slot["id"] for slot in loaded.served()}
    far = {slot_id for slot_id, top in seen.items()
           if top > VIEWPORTS["mobile"][1] + margin + 50}
    near = {slot_id for slot_id, top in seen.items() if top < VIEWPORTS["mobile"][1] + margin - 50}
    assert far and not (far & served)
    assert near <= served


# --------------------------------------------------------------------------- golden logs


def normalised(loaded: Loaded) -> str:
    """The GPT calls as text, one per line, with Prebid's random ids numbered in order."""
    names: dict[str, str] = {}

    def stable(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: stable(item) for key, item in sorted(value.items())}
        if isinstance(value, list):
            return [stable(item) for item in value]
        if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{10,}", value):
            return names.setdefault(value, f"<id{len(names) + 1}>")
        return value

    def timeless(call: list[Any]) -> list[Any]:
        if call[0] == "served":
            return [call[0], [{k: v for k, v in s.items() if k != "at"} for s in call[1]]]
        return call

    lines = [json.dumps(stable(timeless(call)), separators=(",", ":")) for call in loaded.calls]
    lines += [json.dumps(["pbjs.adUnits", loaded.data["adUnits"]])]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("device", ["mobile", "desktop"])
def test_gpt_and_prebid_calls_match_the_golden_log(browser, site, device, update_goldens):
    # Every slot eager: all in the first request, in one order of calls.
    rules = changed_rules(site, lambda data: None, eager=True)
    article = load_article(SAMPLES / "articles" / "news-harbour-strike.json")
    loaded = load(browser, site, f"golden-{device}.html",
                  with_harness(render(article, device, rules), scenario=GRANTED), device,
                  scroll=False)
    text = normalised(loaded)
    golden = GOLDEN / f"news-harbour-strike.{device}.calls.txt"
    if update_goldens:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run pytest with --update-goldens"
    assert text == golden.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- review cases


def test_custom_price_buckets_round_the_bids_gpt_sees(browser, site):
    buckets = [{"max": 5, "increment": 1.0}, {"max": 20, "increment": 5.0}]
    rules = changed_rules(site, lambda data: data["ads"]["prebid"].update(
        price_granularity=buckets), eager=True)
    article = load_article(SAMPLES / "articles" / "news-harbour-strike.json")
    loaded = load(browser, site, "buckets.html",
                  with_harness(render(article, "mobile", rules), scenario=GRANTED), "mobile",
                  scroll=False)
    prices = {served["targeting"]["hb_pb"][0] for served in loaded.served()
              if "hb_pb" in served["targeting"]}
    assert prices == {"2.00"}  # the 2.50 bid, down to its bucket's increment


def test_a_consent_given_after_the_timeout_applies_to_the_later_requests(browser, site):
    """A first visit: the dialogue is up past the timeout, then the reader accepts."""
    rules = stack_rules(site.origin)
    timeout = rules.ads.consent.timeout_ms
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    html = with_harness(render(article, "mobile", rules),
                        scenario=json.dumps({"tcf": "granted", "ui": timeout + 1000}))

    def scroll_after_the_answer(tab: Any) -> None:
        tab.wait_for_function("() => window.__cmpAnsweredAt !== undefined")
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        tab.wait_for_function(f"() => ({SERVED_COUNT})() >= 3")

    loaded = load(browser, site, "consent-late.html", html, "mobile", scroll=False,
                  expect_served=1, then=scroll_after_the_answer)
    answered = loaded.data["cmpAnsweredAt"]
    before = [s for s in loaded.served() if s["at"] < answered]
    after = [s for s in loaded.served() if s["at"] > answered]
    assert before and all(s["privacy"] == {"nonPersonalizedAds": True, "limitedAds": True,
                                           "restrictDataProcessing": False} for s in before)
    assert after and all(not s["privacy"]["nonPersonalizedAds"] for s in after)
    # No auction without an answer; with it, the slots requested next are auctioned.
    assert not [s for s in before if "hb_pb" in s["targeting"]]
    assert all("hb_pb" in s["targeting"] for s in after)
    assert not loaded.errors


@pytest.mark.parametrize("scenario, personalised", [
    ({"tcf": "outside"}, True),     # the GDPR does not apply: TCF asks for nothing
    ({"tcf": "granted", "late": 400}, True),   # the CMP's API arrives after the page's
    ({"tcf": "denied", "ui": 300}, False),     # the reader refuses in the dialogue
])
def test_the_cmp_is_read_as_it_answers(browser, site, scenario, personalised):
    rules = changed_rules(site, lambda data: data["ads"]["consent"].update(frameworks=["tcf"]))
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    name = "cmp-" + "-".join(f"{k}{v}" for k, v in scenario.items()) + ".html"
    loaded = load(browser, site, name, with_harness(render(article, "mobile", rules),
                                                    scenario=json.dumps(scenario)),
                  "mobile", scroll=False, expect_served=1)
    assert loaded.served()
    assert all(s["privacy"]["nonPersonalizedAds"] is not personalised for s in loaded.served())
    assert loaded.data["firstRefreshAt"] < rules.ads.consent.timeout_ms
    assert not loaded.errors


def test_a_forged_configuration_loads_no_script(browser, site):
    """Markup injected into the page can add a configuration; it cannot load a script."""
    rules = stack_rules(site.origin)
    article = load_article(SAMPLES / "articles" / "news-harbour-strike.json")
    forged = ('<script type="application/json" data-layout-ads>{"instance": "forged", '
              '"libraries": ["https://evil.example/x.js"], "slots": [], "page": {}, '
              '"privacy": {}, "consent": null, "prebid": null}</script>')
    html = render(article, "mobile", rules).replace("</main>", forged + "</main>")
    loaded = load(browser, site, "forged.html", with_harness(html, scenario=GRANTED), "mobile",
                  scroll=False, expect_served=1)
    assert not [url for url in loaded.requests if "evil.example" in url]
    assert not loaded.refused


def test_the_stack_runs_under_a_nonce_content_security_policy(browser, site):
    """script-src 'nonce-N' 'strict-dynamic': every script of the page carries the nonce,
    and what the bootstrap loads is trusted through it."""
    nonce = "c3RhY2stdGVzdC1ub25jZQ"
    rules = stack_rules(site.origin)
    article = load_article(SAMPLES / "articles" / "longread-last-ferry.json")
    html = Engine(rules, development=True).render(article, Viewer(), nonce=nonce).html
    loaded = load(browser, site, "csp.html", with_harness(html, scenario=GRANTED, nonce=nonce),
                  "mobile")
    # Prebid renders a winning creative with an inline script in a same-origin srcdoc
    # frame, which inherits the page's policy; an ad server's creatives come in frames of
    # their own origin. Nothing of the page itself may be refused.
    page_errors = [error for error, place in zip(loaded.errors, loaded.error_places,
                                                 strict=True) if place != "about:srcdoc"]
    assert not page_errors
    loaded.errors = page_errors
    assert not check_stack(loaded)
    assert [s for s in loaded.served() if "hb_pb" in s["targeting"]]


def test_destroying_an_article_takes_its_ads_off_the_page(browser, site):
    rules = stack_rules(site.origin)
    first = load_article(SAMPLES / "articles" / "news-harbour-strike.json")
    second = load_article(SAMPLES / "articles" / "data-rents.json")
    fragments = [render(article, "mobile", rules, format="fragment") for article in (first, second)]
    page = fragments_page(render(first, "mobile", rules), fragments)

    def remove_and_restore(tab: Any) -> None:
        tab.evaluate("""() => {
          window.layoutAds.destroy("data-rents");
          document.querySelector('article[data-article-id="data-rents"]').remove();
        }""")
        tab.wait_for_timeout(300)
        tab.evaluate("""(html) => document.querySelector("main").appendChild(
            document.createRange().createContextualFragment(html))""", fragments[1])
        tab.wait_for_function(
            "() => window.layoutAds.slots().some((s) => s.id.startsWith('ad-data-rents-'))")

    loaded = load(browser, site, "destroy.html", with_harness(page, scenario=GRANTED),
                  "mobile", then=remove_and_restore, content=fragments[1])
    (destroyed,) = loaded.named("destroySlots")
    assert destroyed[1] and all(code.startswith("slot:ad-data-rents-") for code in destroyed[1])
    assert sum(c[3].startswith("ad-data-rents-") for c in loaded.named("defineSlot")) == 2 * len(
        destroyed[1])  # defined, destroyed, defined again when the fragment came back
    assert not loaded.errors

"""The preview's rendered pages in a real browser: every sample and ten corpus pages, at the
mobile and desktop viewports, with the stub creatives filled.

Each page is loaded once per device (one browser, one context per device, one tab reused);
the checks below read that one measurement: ad density, layout shift, the engine's height
estimate against the real height, axe-core, console errors and off-loopback requests.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import report
from tests.support.corpus import CORPUS, SAMPLES
from tests.support.preview_server import (
    PreviewServer,
    launch_chromium,
    require_axe,
    running_preview,
)

pytestmark = pytest.mark.browser

CORPUS_PAGES = (
    "nytimes-1",
    "wikipedia-2",
    "lwn-1",
    "ars-1",
    "medium-2",
    "yahoo-2",
    "embedded-videos",
    "table-style-attributes",
    "rtl-2",
    "blogger",
)
DEVICES = {"mobile": (375, 740), "desktop": (1280, 900)}
MAX_MOBILE_DENSITY = 0.30
HEIGHT_TOLERANCE = 0.20
SETTLE_MS = 500
FILL_TIMEOUT_MS = 3000
LOAD_TIMEOUT_MS = 15000

# Links whose only content is an alt="" image (Wikipedia thumbnails, Blogger image anchors)
# get a name from the repair pass; no axe violation is allowed anywhere.
SOURCE_CONTENT_VIOLATIONS: dict[str, set[str]] = {}


def _sample_keys() -> list[str]:
    keys = [path.stem for path in sorted((SAMPLES / "articles").glob("*.json"))]
    for path in sorted((SAMPLES / "html").glob("*.html")):
        keys.append(f"{path.stem}-html" if path.stem in keys else path.stem)
    return keys


KEYS = [*_sample_keys(), *CORPUS_PAGES]
PAGES = [(key, device) for key in KEYS for device in DEVICES]


# Installed before any page script: the layout-shift observer (buffered, so shifts before it
# registered count too) and the ad slot heights before stubs.js fills them.
INIT_SCRIPT = """
(() => {
  window.__loShift = { cls: 0, entries: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) { continue; }
      window.__loShift.cls += entry.value;
      window.__loShift.entries.push({
        value: entry.value,
        time: Math.round(entry.startTime),
        sources: (entry.sources || []).map((source) => {
          const node = source.node;
          const name = node ? node.nodeName.toLowerCase() +
            (node.className ? "." + String(node.className).split(" ").join(".") : "") : "?";
          return name + " y " + Math.round(source.previousRect.y) + "->" +
            Math.round(source.currentRect.y);
        }),
      });
    }
  }).observe({ type: "layout-shift", buffered: true });
  document.addEventListener("DOMContentLoaded", () => {
    window.__loSlotsBeforeFill = Array.from(document.querySelectorAll(".ad-slot"))
      .map((slot) => slot.getBoundingClientRect().height);
  });
})();
"""

MEASURE_SCRIPT = """
() => {
  const body = document.querySelector(".story-body");
  const slots = body ? Array.from(body.querySelectorAll("aside.ad-slot"))
    .filter((slot) => !slot.classList.contains("ad-slot-rail")) : [];
  const frames = Array.from(document.querySelectorAll(".ad-frame"));
  return {
    bodyHeight: body ? body.getBoundingClientRect().height : 0,
    slotHeights: slots.map((slot) => slot.getBoundingClientRect().height),
    shift: window.__loShift || null,
    slotsBefore: window.__loSlotsBeforeFill || null,
    slotsAfter: Array.from(document.querySelectorAll(".ad-slot"))
      .map((slot) => slot.getBoundingClientRect().height),
    frames: frames.length,
    filledFrames: frames.filter((frame) => frame.getAttribute("data-filled")).length,
    stubsFilled: document.documentElement.getAttribute("data-stubs-filled"),
  };
}
"""

AXE_SCRIPT = """
async () => {
  const context = document.querySelector(".story") || document;
  const result = await axe.run(context, { resultTypes: ["violations"] });
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.map((node) => ({ target: node.target.join(" "), html: node.html })),
  }));
}
"""


@dataclass
class Measurement:
    key: str
    device: str
    status: int
    stubs_filled: bool
    body_height: float
    slot_heights: list[float]
    cls: float | None
    shifts: list[dict[str, Any]]
    slots_before: list[float] | None
    slots_after: list[float]
    frames: int
    filled_frames: int
    plan: dict[str, Any]
    violations: list[dict[str, Any]]
    console_errors: list[str]
    requests: list[str]

    @property
    def density(self) -> float:
        return sum(self.slot_heights) / self.body_height

    @property
    def height_ratio(self) -> float:
        return float(self.plan["metrics"]["content_height"]) / self.body_height

    def serious(self, *, allow_source: bool = True) -> list[dict[str, Any]]:
        allowed = SOURCE_CONTENT_VIOLATIONS.get(self.key, set()) if allow_source else set()
        return [
            v
            for v in self.violations
            if v["impact"] in ("serious", "critical") and v["id"] not in allowed
        ]

    def off_loopback(self) -> list[str]:
        return [url for url in self.requests if not is_loopback(url)]


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in (
        "127.0.0.1",
        "localhost",
    )


@dataclass
class Tab:
    """One reused tab per device, with what it logged since the last navigation."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.console_errors.clear()
        self.requests.clear()


def _console_error(tab: Tab, message: Any) -> None:
    if message.type != "error":
        return
    location = message.location.get("url", "") if message.location else ""
    # A fresh tab asks for /favicon.ico once; test_fresh_tab_logs_no_console_error covers it.
    if urlsplit(location).path == "/favicon.ico":
        return
    tab.console_errors.append(f"{message.text} ({location})")


@pytest.fixture(scope="module")
def preview() -> Iterator[PreviewServer]:
    folders = [CORPUS / name for name in CORPUS_PAGES]
    missing = [str(folder) for folder in folders if not (folder / "expected.html").is_file()]
    assert not missing, f"corpus pages not found: {missing}"
    with running_preview([SAMPLES / "articles", SAMPLES / "html", *folders]) as server:
        yield server


@pytest.fixture(scope="module")
def playwright(preview: PreviewServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = launch_chromium(playwright)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def tabs(browser: Any) -> Iterator[dict[str, Tab]]:
    tabs: dict[str, Tab] = {}
    contexts = []
    for device, (width, height) in DEVICES.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(LOAD_TIMEOUT_MS)
        context.add_init_script(INIT_SCRIPT)
        contexts.append(context)
        tab = Tab(context.new_page())
        tab.page.on("console", lambda message, tab=tab: _console_error(tab, message))
        tab.page.on("pageerror", lambda error, tab=tab: tab.console_errors.append(str(error)))
        tab.page.on("request", lambda request, tab=tab: tab.requests.append(request.url))
        tabs[device] = tab
    try:
        yield tabs
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="module")
def measure(preview: PreviewServer, tabs: dict[str, Tab]) -> Any:
    axe = require_axe()
    cache: dict[tuple[str, str], Measurement] = {}

    def run(key: str, device: str) -> Measurement:
        if (key, device) in cache:
            return cache[(key, device)]
        tab = tabs[device]
        tab.reset()
        response = tab.page.goto(f"{preview.url}/render/{key}?device={device}", wait_until="load")
        try:
            # a selector, not wait_for_function: the page's CSP forbids eval
            tab.page.wait_for_selector(
                "html[data-stubs-filled]", state="attached", timeout=FILL_TIMEOUT_MS
            )
            filled = True
        except Exception:  # a timeout: the check on it is test_stub_creatives_fill_every_slot
            filled = False
        tab.page.wait_for_timeout(SETTLE_MS)
        data = tab.page.evaluate(MEASURE_SCRIPT)
        plan = preview.get(f"/plan/{key}?device={device}").json()
        tab.page.add_script_tag(path=str(axe))
        violations = tab.page.evaluate(AXE_SCRIPT)
        shift = data["shift"]
        result = Measurement(
            key=key,
            device=device,
            status=response.status if response else 0,
            stubs_filled=filled,
            body_height=data["bodyHeight"],
            slot_heights=data["slotHeights"],
            cls=shift["cls"] if shift else None,
            shifts=shift["entries"] if shift else [],
            slots_before=data["slotsBefore"],
            slots_after=data["slotsAfter"],
            frames=data["frames"],
            filled_frames=data["filledFrames"],
            plan=plan,
            violations=violations,
            console_errors=list(tab.console_errors),
            requests=list(tab.requests),
        )
        cache[(key, device)] = result
        return result

    return run


def test_index_lists_every_page(preview: PreviewServer) -> None:
    html = preview.get("/").text
    listed = {part.split('"', 1)[0] for part in html.split('href="/a/')[1:]}
    assert listed == set(KEYS)


@pytest.mark.parametrize(("key", "device"), PAGES)
def test_page_renders(measure: Any, key: str, device: str) -> None:
    m = measure(key, device)
    assert m.status == 200
    assert m.body_height > 0, ".story-body has no height"
    assert "metrics" in m.plan, f"/plan failed: {m.plan}"


@pytest.mark.parametrize(("key", "device"), PAGES)
def test_stub_creatives_fill_every_slot(measure: Any, key: str, device: str) -> None:
    m = measure(key, device)
    assert m.stubs_filled, (
        f"html[data-stubs-filled] not set within {FILL_TIMEOUT_MS} ms "
        f"({m.frames} ad frames on the page)"
    )
    assert m.filled_frames == len(m.slots_after) == m.frames


@pytest.mark.parametrize("key", KEYS)
def test_mobile_ad_density_at_most_30_percent(measure: Any, key: str) -> None:
    m = measure(key, "mobile")
    assert m.density <= MAX_MOBILE_DENSITY, (
        f"ads are {m.density:.3f} of .story-body ({sum(m.slot_heights):.0f} of "
        f"{m.body_height:.0f} px; slots {m.slot_heights})"
    )


@pytest.mark.parametrize(("key", "device"), PAGES)
def test_filling_slots_changes_no_slot_height(measure: Any, key: str, device: str) -> None:
    m = measure(key, device)
    assert m.slots_before is not None, "the DOMContentLoaded probe did not run"
    assert len(m.slots_before) == len(m.slots_after)
    changed = [
        (index, before, after)
        for index, (before, after) in enumerate(zip(m.slots_before, m.slots_after, strict=True))
        if abs(before - after) > 0.5
    ]
    assert not changed, f"slot (index, reserved px, filled px): {changed}"


@pytest.mark.parametrize(("key", "device"), PAGES)
def test_no_layout_shift(measure: Any, key: str, device: str) -> None:
    m = measure(key, device)
    assert m.cls is not None, "the layout-shift observer was not installed"
    assert m.cls == 0, f"CLS {m.cls:.4f}: {m.shifts}"


@pytest.mark.parametrize(("key", "device"), PAGES)
def test_estimated_height_within_20_percent(measure: Any, key: str, device: str) -> None:
    m = measure(key, device)
    estimated = m.plan["metrics"]["content_height"]
    assert abs(m.height_ratio - 1) <= HEIGHT_TOLERANCE, (
        f"estimated {estimated} px, measured {m.body_height:.0f} px (ratio {m.height_ratio:.3f})"
    )


@pytest.mark.parametrize(("key", "device"), PAGES)
def test_axe_finds_no_serious_violations(measure: Any, key: str, device: str) -> None:
    m = measure(key, device)
    serious = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:5]) for v in m.serious()
    ]
    assert not serious, serious


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("key", ["blogger", "wikipedia-2"])
def test_image_only_links_in_source_content_get_a_name(measure: Any, key: str,
                                                       device: str) -> None:
    """Their source has links wrapping only alt="" images; axe finds none nameless."""
    assert [v for v in measure(key, device).violations if v["id"] == "link-name"] == []


@pytest.mark.parametrize(("key", "device"), PAGES)
def test_no_console_errors(measure: Any, key: str, device: str) -> None:
    assert measure(key, device).console_errors == []


@pytest.mark.parametrize(("key", "device"), PAGES)
def test_no_request_leaves_loopback(measure: Any, key: str, device: str) -> None:
    m = measure(key, device)
    assert any(f"/render/{key}" in url for url in m.requests), "the request listener saw nothing"
    assert m.off_loopback() == []


def test_fresh_tab_logs_no_console_error(playwright: Any, preview: PreviewServer) -> None:
    """A new browser on a preview page: nothing in the console, the favicon request included
    (Chromium asks for /favicon.ico once per browser, so this one starts its own)."""
    chromium = launch_chromium(playwright)
    try:
        page = chromium.new_page(viewport={"width": 375, "height": 740})
        errors: list[str] = []
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and errors.append(f"{message.text} ({message.location.get('url', '')})")
            ),
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{preview.url}/render/{KEYS[0]}?device=mobile", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_selector("html[data-stubs-filled]", state="attached", timeout=5000)
        page.wait_for_timeout(1000)
        assert errors == []
    finally:
        chromium.close()


def test_loopback_classifier() -> None:
    assert is_loopback("http://127.0.0.1:8001/x")
    assert is_loopback("http://localhost/x")
    assert is_loopback("data:image/png;base64,AA")
    assert not is_loopback("https://securepubads.g.doubleclick.net/tag/js/gpt.js")
    assert not is_loopback("http://127.0.0.1.example.test/")


def test_report_summary(measure: Any) -> None:
    """Every page on both devices, measured, and the numbers for the summary."""
    results = [measure(key, device) for key, device in PAGES]
    assert len(results) == len(KEYS) * len(DEVICES)
    mobile = [m for m in results if m.device == "mobile"]
    densest = max(mobile, key=lambda m: m.density)
    desktop_densest = max((m for m in results if m.device == "desktop"), key=lambda m: m.density)
    worst_shift = max(results, key=lambda m: m.cls or 0.0)
    ratios = sorted(m.height_ratio for m in results)
    within_10 = sum(1 for ratio in ratios if abs(ratio - 1) <= 0.10)
    within_20 = sum(1 for ratio in ratios if abs(ratio - 1) <= HEIGHT_TOLERANCE)
    theme_serious = sum(len(v["nodes"]) for m in results for v in m.serious())
    all_serious = sum(len(v["nodes"]) for m in results for v in m.serious(allow_source=False))
    by_rule: dict[str, int] = {}
    for m in results:
        for v in m.serious(allow_source=False):
            by_rule[f"{v['id']}({v['impact']})"] = by_rule.get(f"{v['id']}({v['impact']})", 0) + 1
    pages_serious = sum(1 for m in results if m.serious())
    off = sum(len(m.off_loopback()) for m in results)
    total_requests = sum(len(m.requests) for m in results)
    console = sum(len(m.console_errors) for m in results)
    fill_changes = sum(
        1
        for m in results
        if m.slots_before is not None
        and any(abs(a - b) > 0.5 for a, b in zip(m.slots_before, m.slots_after, strict=False))
    )
    report(
        f"preview browser: {len(KEYS)} pages x {len(DEVICES)} devices = {len(results)} "
        f"page loads ({len(mobile)} mobile at 375x740, {len(results) - len(mobile)} desktop)"
    )
    report(
        f"preview browser: ad density max (mobile) {densest.density:.3f} ({densest.key}); "
        f"desktop max {desktop_densest.density:.3f} ({desktop_densest.key})"
    )
    report(
        f"preview browser: CLS max {worst_shift.cls or 0.0:.4f} ({worst_shift.key}/"
        f"{worst_shift.device}); pages with CLS > 0: "
        f"{sum(1 for m in results if (m.cls or 0) > 0)}; pages whose slot heights changed "
        f"when filled: {fill_changes}"
    )
    report(
        f"preview browser: estimated/measured content height: min {ratios[0]:.3f}, "
        f"median {statistics.median(ratios):.3f}, max {ratios[-1]:.3f}; within 10%: "
        f"{within_10}/{len(ratios)}, within 20%: {within_20}/{len(ratios)}"
    )
    report(
        f"preview browser: axe serious/critical nodes {all_serious} on "
        f"{sum(1 for m in results if m.serious(allow_source=False))} page loads "
        f"({theme_serious} on {pages_serious} loads outside the source-content allowance); "
        f"by rule (page loads): {dict(sorted(by_rule.items()))}"
    )
    report(
        f"preview browser: requests {total_requests}, off loopback {off}; "
        f"console errors {console}; stub signal missing on "
        f"{sum(1 for m in results if not m.stubs_filled)} page loads"
    )

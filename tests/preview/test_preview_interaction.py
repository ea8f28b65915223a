"""The preview shell in a real browser: device frames, the overlay and its gap tooltips, the
audience and meter toggles, and live reload of articles, rules and templates.

The server runs on a private copy of the samples, the rules and a theme override folder, so
the tests can edit them; every test that edits a file puts it back before it ends.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import report
from tests.support.corpus import ROOT
from tests.support.preview_server import (
    ARTIFACTS,
    PreviewServer,
    copy_samples,
    running_chromium,
    running_preview,
)

pytestmark = pytest.mark.browser

KEY = "news-harbour-strike"  # metered, with mid ads, headings and images
SHELL_VIEWPORT = {"width": 1800, "height": 1100}
WAIT_MS = 10000
RELOAD_WAIT_S = 5.0


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    copied = copy_samples(tmp_path_factory.mktemp("preview"))
    blocks = copied["templates"] / "blocks"
    blocks.mkdir()
    shutil.copy2(ROOT / "templates" / "blocks" / "paragraph.html.j2", blocks)
    return copied


@pytest.fixture(scope="module")
def preview(files: dict[str, Path]) -> Iterator[PreviewServer]:
    with running_preview(
        [files["articles"], files["html"]], rules=files["rules"], templates=files["templates"]
    ) as server:
        yield server


@pytest.fixture(scope="module")
def browser(preview: PreviewServer) -> Iterator[Any]:
    with running_chromium() as chromium:
        yield chromium


class Shell:
    """An open shell page with what it logged: console errors and event-stream connections."""

    def __init__(self, browser: Any, preview: PreviewServer) -> None:
        self.preview = preview
        self.context = browser.new_context(viewport=SHELL_VIEWPORT)
        self.context.set_default_timeout(WAIT_MS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.streams: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "response",
            lambda response: (
                response.url.endswith("/events") and self.streams.append(response.frame.url)
            ),
        )

    def _console(self, message: Any) -> None:
        url = message.location.get("url", "") if message.location else ""
        # the favicon 404 is test_preview_browser.py::test_fresh_tab_logs_no_console_error
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.errors.append(f"{message.text} ({url})")

    def open(self, key: str = KEY) -> Shell:
        self.streams.clear()
        self.page.goto(f"{self.preview.url}/a/{key}")
        for device in ("mobile", "desktop"):
            self.frame(device, "audience=anonymous")
        self.wait_streams(3)  # the shell and both frames listen for reloads
        return self

    def frame(
        self, device: str, contains: str = "", selector: str = "html[data-stubs-filled]"
    ) -> Any:
        """The device frame once its URL contains ``contains`` and ``selector`` is in it."""
        deadline = time.monotonic() + WAIT_MS / 1000
        while time.monotonic() < deadline:
            handle = self.page.query_selector(f"#frame-{device}")
            frame = handle.content_frame() if handle else None
            if frame is not None and "/render/" in frame.url and contains in frame.url:
                try:
                    frame.wait_for_selector(selector, state="attached", timeout=1000)
                except Exception:  # still navigating: look again
                    continue
                return frame
            time.sleep(0.05)
        raise AssertionError(f"#frame-{device} never showed {selector} with {contains!r}")

    def wait_streams(self, count: int) -> None:
        deadline = time.monotonic() + WAIT_MS / 1000
        while len(self.streams) < count:
            assert time.monotonic() < deadline, f"event streams opened: {self.streams}"
            self.page.wait_for_timeout(50)

    def count(self, device: str, selector: str) -> int:
        frame = self.page.query_selector(f"#frame-{device}").content_frame()
        try:
            return int(frame.evaluate(f"document.querySelectorAll({selector!r}).length"))
        except Exception:  # navigating
            return -1

    def wait_count(self, device: str, selector: str, predicate: Any) -> int:
        deadline = time.monotonic() + RELOAD_WAIT_S
        value = self.count(device, selector)
        while not predicate(value):
            assert time.monotonic() < deadline, f"{selector} in {device}: {value}"
            self.page.wait_for_timeout(50)
            value = self.count(device, selector)
        return value

    def wait_panel(self, text: str) -> str:
        """The explain panel's text once it shows ``text`` (it is refreshed after the
        frames reload, so it may still show the previous layout for a moment)."""
        deadline = time.monotonic() + RELOAD_WAIT_S
        shown = self.page.locator("#panel").inner_text()
        while text not in shown:
            assert time.monotonic() < deadline, f"the panel never showed {text!r}: {shown!r}"
            self.page.wait_for_timeout(50)
            shown = self.page.locator("#panel").inner_text()
        return shown

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def shell(browser: Any, preview: PreviewServer) -> Iterator[Shell]:
    opened = Shell(browser, preview)
    try:
        yield opened
    finally:
        opened.close()


def settle(preview: PreviewServer, since: int) -> None:
    """Wait until the server reloaded after ``since`` and no further change came in."""
    status = preview.wait_for_status(lambda s: s["version"] > since, timeout=RELOAD_WAIT_S)
    deadline = time.monotonic() + RELOAD_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(0.4)
        again = preview.status()
        if again["version"] == status["version"]:
            return
        status = again
    raise AssertionError(f"the preview kept reloading: {status}")


def plan(preview: PreviewServer, **query: str) -> dict[str, Any]:
    args = "&".join(f"{name}={value}" for name, value in query.items())
    response = preview.get(f"/plan/{KEY}?{args}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_shell_loads_both_frames(shell: Shell) -> None:
    shell.open()
    mobile, desktop = shell.frame("mobile"), shell.frame("desktop")
    assert "device=mobile" in mobile.url and "device=desktop" in desktop.url
    assert mobile.evaluate("window.innerWidth") == 375
    assert desktop.evaluate("window.innerWidth") == 1280
    for frame in (mobile, desktop):
        assert frame.query_selector(".story-body p") is not None
        assert frame.query_selector(".ad-slot .stub-creative") is not None
    panel = shell.page.locator("#panel")
    panel.locator("p.metrics").nth(1).wait_for()
    assert panel.locator("h3").all_inner_texts() == ["mobile", "desktop"]
    assert shell.page.locator("#preview-error").is_hidden()
    assert shell.errors == []


def test_overlay_marks_gaps_and_outlines(shell: Shell) -> None:
    shell.open()
    shell.page.check("#overlay")
    for device in ("mobile", "desktop"):
        frame = shell.frame(device, "overlay=1", "html[data-overlay-ready]")
        expected = plan(shell.preview, device=device)["paywall"]["visible_blocks"] + 1
        gaps = frame.eval_on_selector_all(".lo-gap", "(els) => els.map((e) => e.dataset.gap)")
        assert len(gaps) == len(set(gaps)), f"duplicate gap markers: {gaps}"
        assert sorted(gaps, key=int) == [str(n) for n in range(expected)]
        slots = frame.query_selector_all(".ad-slot")
        assert slots, "no ad slot to outline"
        for slot in slots:
            assert "lo-outline" in (slot.get_attribute("class") or "")
            assert slot.query_selector(".lo-label").inner_text().startswith("AD ")
        assert frame.query_selector_all(".lo-gap.lo-has-unit"), "no gap marked as placed"
    assert shell.errors == []


def test_gap_marker_tooltip_lists_decisions(shell: Shell) -> None:
    shell.open()
    shell.page.check("#overlay")
    shell.frame("mobile", "overlay=1", "html[data-overlay-ready]")
    decisions = plan(shell.preview, device="mobile")["decisions"]
    rejected = next(
        d
        for code in ("after-heading", "too-close")
        for d in decisions
        if d["outcome"] == "rejected" and d["code"] == code and d["gap"] is not None
    )
    placed = next(d for d in decisions if d["code"] == "placed" and d["gap"] is not None)
    frame = shell.page.frame_locator("#frame-mobile")
    tip = frame.locator(".lo-tip")

    frame.locator(f'.lo-gap[data-gap="{rejected["gap"]}"]').hover()
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert f"{rejected['unit']}: rejected {rejected['code']} — {rejected['message']}" in text

    frame.locator(f'.lo-gap[data-gap="{placed["gap"]}"]').click()
    tip.wait_for(state="visible")
    assert f"{placed['unit']}: placed — {placed['message']}" in tip.inner_text()
    assert tip.count() == 1, "an earlier tooltip was left behind"
    assert shell.errors == []


def test_audience_and_meter_change_the_frames(shell: Shell) -> None:
    shell.open()
    panel = shell.page.locator("#panel")
    assert shell.frame("mobile").query_selector(".paywall") is None

    shell.page.select_option("#meter", "exhausted")
    for device in ("mobile", "desktop"):
        frame = shell.frame(device, "meter=exhausted")
        wall = frame.query_selector(".paywall")
        assert wall is not None, f"no wall in the {device} frame"
        assert "paywall-meter-exhausted" in (wall.get_attribute("class") or "")
    deadline = time.monotonic() + RELOAD_WAIT_S
    while panel.inner_text().count("paywall meter-exhausted") < 2:
        assert time.monotonic() < deadline, panel.inner_text()
        shell.page.wait_for_timeout(50)

    shell.page.select_option("#audience", "subscriber")
    for device in ("mobile", "desktop"):
        frame = shell.frame(device, "audience=subscriber&meter=exhausted")
        assert frame.query_selector(".paywall") is None, f"subscriber walled on {device}"
        assert frame.query_selector(".meter-notice") is None
    deadline = time.monotonic() + RELOAD_WAIT_S
    while panel.inner_text().count("paywall none") < 2:
        assert time.monotonic() < deadline, panel.inner_text()
        shell.page.wait_for_timeout(50)
    assert "meter-exhausted" not in panel.inner_text()
    assert shell.errors == []


def test_editing_an_article_reloads_the_open_page(
    shell: Shell, preview: PreviewServer, files: dict[str, Path]
) -> None:
    path = files["articles"] / f"{KEY}.json"
    original = path.read_text(encoding="utf-8")
    data = json.loads(original)
    assert data["blocks"][0]["kind"] == "paragraph"
    marker = f"Live reload marker {time.time_ns()}"
    data["blocks"][0]["html"] = marker
    shell.open()
    version = preview.status()["version"]
    try:
        started = time.monotonic()
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        shown = shell.page.frame_locator("#frame-mobile").locator(".story-body p", has_text=marker)
        shown.wait_for(state="attached", timeout=RELOAD_WAIT_S * 1000)
        elapsed = time.monotonic() - started
        shell.page.frame_locator("#frame-desktop").locator(
            ".story-body p", has_text=marker
        ).wait_for(state="attached", timeout=RELOAD_WAIT_S * 1000)
        both = time.monotonic() - started
    finally:
        path.write_text(original, encoding="utf-8")
        settle(preview, version)
    report(
        f"preview live reload: article edit shown in the mobile frame after {elapsed:.2f} s, "
        f"in both frames after {both:.2f} s (waited up to {RELOAD_WAIT_S:.0f} s)"
    )
    assert elapsed <= RELOAD_WAIT_S
    assert shell.errors == []


def test_editing_the_rules_reloads_with_fewer_ads(
    shell: Shell, preview: PreviewServer, files: dict[str, Path]
) -> None:
    rules = files["rules"]
    original = rules.read_text(encoding="utf-8")
    assert original.count("    max: 5\n") == 1, "the mid unit's max moved"
    shell.open()
    mids = shell.count("mobile", '.ad-slot[data-unit="mid"]')
    total = shell.count("mobile", ".ad-slot")
    assert mids >= 2, f"{KEY} needs two mid ads for this test, has {mids}"
    version = preview.status()["version"]
    try:
        started = time.monotonic()
        rules.write_text(original.replace("    max: 5\n", "    max: 1\n"), encoding="utf-8")
        shell.wait_count("mobile", '.ad-slot[data-unit="mid"]', lambda n: n == 1)
        elapsed = time.monotonic() - started
        assert shell.count("mobile", ".ad-slot") == total - mids + 1
        shell.wait_count("desktop", '.ad-slot[data-unit="mid"]', lambda n: n == 1)
        shell.wait_panel(f"ads {total - mids + 1} ")
    finally:
        rules.write_text(original, encoding="utf-8")
        settle(preview, version)
    shell.wait_count("mobile", '.ad-slot[data-unit="mid"]', lambda n: n == mids)
    report(f"preview live reload: rules edit (mid max 5 -> 1) re-rendered in {elapsed:.2f} s")
    assert shell.errors == []


def test_broken_rules_show_the_error_and_recover(
    shell: Shell, preview: PreviewServer, files: dict[str, Path]
) -> None:
    rules = files["rules"]
    original = rules.read_text(encoding="utf-8")
    shell.open()
    version = preview.status()["version"]
    error_box = shell.page.locator("#preview-error")
    try:
        rules.write_text("version: 1\nunits: [\n  - id: broken\n", encoding="utf-8")
        status = preview.wait_for_status(lambda s: s["error"] is not None, RELOAD_WAIT_S)
        assert "rules.yaml" in status["error"] and "invalid YAML" in status["error"]
        error_box.wait_for(state="visible", timeout=RELOAD_WAIT_S * 1000)
        assert "rules.yaml" in error_box.inner_text()
        for device in ("mobile", "desktop"):
            frame = shell.frame(device, selector=".render-error")
            assert "rules.yaml" in frame.inner_text(".render-error")
        assert preview.get(f"/render/{KEY}").status_code == 422
        for _ in range(3):  # the server keeps answering while the rules are broken
            assert preview.status()["articles"] == 16
    finally:
        rules.write_text(original, encoding="utf-8")
        settle(preview, version)
    assert preview.status()["error"] is None
    error_box.wait_for(state="hidden", timeout=RELOAD_WAIT_S * 1000)
    for device in ("mobile", "desktop"):
        assert shell.frame(device).query_selector(".story-body p") is not None
    errors = [e for e in shell.errors if "status of 422" not in e]
    assert errors == [], "only the 422 of the error page itself is expected"


def test_editing_a_theme_template_shows_the_change(
    shell: Shell, preview: PreviewServer, files: dict[str, Path]
) -> None:
    template = files["templates"] / "blocks" / "paragraph.html.j2"
    original = template.read_text(encoding="utf-8")
    shell.open()
    assert shell.count("mobile", "p.tpl-override") == 0
    first = json.loads((files["articles"] / f"{KEY}.json").read_text(encoding="utf-8"))
    opening = first["blocks"][0]["html"][:40]
    version = preview.status()["version"]
    try:
        template.write_text('<p class="tpl-override">{{ block.markup }}</p>\n', encoding="utf-8")
        shell.wait_count("mobile", "p.tpl-override", lambda n: n > 0)
        shell.wait_count("desktop", "p.tpl-override", lambda n: n > 0)
        overridden = shell.page.frame_locator("#frame-mobile").locator("p.tpl-override")
        assert opening in overridden.first.inner_text()
    finally:
        template.write_text(original, encoding="utf-8")
        settle(preview, version)
    shell.wait_count("mobile", "p.tpl-override", lambda n: n == 0)
    assert shell.errors == []


@pytest.mark.parametrize("key", [KEY, "rtl-date-harvest", "photo-essay-salt-marsh"])
def test_overlay_screenshots(browser: Any, preview: PreviewServer, key: str) -> None:
    """Mobile (full page) and desktop (first screen) with the overlay, kept as artifacts."""
    folder = ARTIFACTS / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    for device, viewport in (("mobile", (375, 740)), ("desktop", (1280, 900))):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        try:
            page = context.new_page()
            page.goto(f"{preview.url}/render/{key}?device={device}&overlay=1", timeout=WAIT_MS)
            page.wait_for_selector("html[data-overlay-ready]", state="attached", timeout=WAIT_MS)
            page.wait_for_selector("html[data-stubs-filled]", state="attached", timeout=WAIT_MS)
            assert page.locator(".lo-gap").count() > 0
            path = folder / f"{key}-{device}-overlay.png"
            path.unlink(missing_ok=True)
            page.screenshot(path=str(path), full_page=device == "mobile", timeout=WAIT_MS)
            assert path.stat().st_size > 10_000, f"{path} looks empty"
        finally:
            context.close()


def test_shell_screenshot_with_overlay(shell: Shell) -> None:
    shell.open()
    shell.page.check("#overlay")
    shell.frame("mobile", "overlay=1", "html[data-overlay-ready]")
    shell.frame("desktop", "overlay=1", "html[data-overlay-ready]")
    shell.page.locator("#panel p.metrics").nth(1).wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "preview" / f"shell-{KEY}-overlay.png"
    path.parent.mkdir(exist_ok=True)
    shell.page.screenshot(path=str(path), timeout=WAIT_MS)
    assert path.stat().st_size > 10_000
    assert shell.errors == []

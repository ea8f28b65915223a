"""Run the real ``layout preview`` as a subprocess on a free loopback port, and Chromium for it.

    with running_preview([SAMPLES / "articles"], rules=rules_file) as preview:
        preview.get("/status").json()
        preview.url + "/a/news-harbour-strike"

The process always ends when the block exits, whatever happened inside it. Tests install
nothing: Chromium (/usr/bin/chromium) and axe-core (node_modules) come from scripts/setup.sh.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.corpus import ROOT, SAMPLES
from tests.support.server import free_port, server_env, stop, wait_until_answers

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


def require_chromium() -> str:
    """The Chromium executable, or a test failure that says how to get it."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's chromium, which "
            "scripts/setup.sh installs (apt-get install chromium)",
            pytrace=False,
        )
    return str(CHROMIUM)


def require_axe() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run scripts/setup.sh (npm ci)", pytrace=False)
    return AXE


def launch_chromium(playwright: Any) -> Any:
    """Headless Chromium with everything that would talk to the network switched off."""
    return playwright.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)


@contextmanager
def running_chromium() -> Iterator[Any]:
    """``launch_chromium`` under Playwright's sync API, closed when the block exits."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PreviewServer:
    """A started preview: its base URL, its process and its captured output."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str, timeout: float = 10.0) -> httpx.Response:
        return httpx.get(self.url + path, timeout=timeout)

    def status(self) -> dict[str, Any]:
        response = self.get("/status", timeout=5.0)
        assert response.status_code == 200, f"/status answered {response.status_code}"
        data: dict[str, Any] = response.json()
        return data

    def wait_for_status(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0
    ) -> dict[str, Any]:
        """/status once ``predicate`` holds for it; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        status = self.status()
        while not predicate(status):
            if time.monotonic() > deadline:
                raise AssertionError(f"/status never matched within {timeout} s: {status}")
            time.sleep(0.05)
            status = self.status()
        return status


@contextmanager
def running_preview(
    paths: Sequence[Path],
    *,
    rules: Path | None = None,
    templates: Path | None = None,
    timeout: float = START_TIMEOUT,
) -> Iterator[PreviewServer]:
    """Start ``layout preview PATHS --port PORT [--rules R] [--templates T]``, wait, stop."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "layout",
        "preview",
        *(str(path) for path in paths),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *(["--rules", str(rules)] if rules is not None else []),
        *(["--templates", str(templates)] if templates is not None else []),
    ]
    with tempfile.TemporaryDirectory(prefix="layout-preview-") as folder:
        log_path = Path(folder) / "preview.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=server_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = PreviewServer(f"http://127.0.0.1:{port}", process, log_path)
        try:
            wait_until_answers(
                process, server.url + "/status", timeout, server.log, "layout preview"
            )
            yield server
        finally:
            stop(process)


def copy_samples(destination: Path) -> dict[str, Path]:
    """A private, editable copy of the sample articles and the rules the preview watches.

    Returns the copied folders and files: ``articles``, ``html``, ``rules`` (the built-in
    news-default rule set) and ``templates`` (an empty theme override folder).
    """
    articles = destination / "articles"
    html = destination / "html"
    articles.mkdir(parents=True)
    html.mkdir()
    for source in sorted((SAMPLES / "articles").glob("*.json")):
        shutil.copy2(source, articles / source.name)
    for source in sorted((SAMPLES / "html").iterdir()):
        if source.name.endswith((".html", ".meta.json")):
            shutil.copy2(source, html / source.name)
    rules = destination / "rules.yaml"
    shutil.copy2(ROOT / "layout" / "defaults" / "news-default.yaml", rules)
    templates = destination / "theme"
    templates.mkdir()
    return {"articles": articles, "html": html, "rules": rules, "templates": templates}

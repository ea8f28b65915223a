"""The ad stack under test in Chromium: real Prebid.js and the IAB's TCF libraries from
npm, bundled here with esbuild, a recording GPT stand-in, and a loopback site to serve
them with the rendered pages.

    bundles = build_bundles(tmp_dir)            # prebid.js, cmp.js, gpt.js
    with LoopbackSite(tmp_dir) as site:         # http://localhost:PORT/...
        rules = stack_rules(site.origin)

Nothing here reaches the network: pages load from the loopback site only, and the tests
count every request that would go elsewhere.
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import threading
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from layout.rules import RuleSet, parse_rules
from tests.support.corpus import ROOT

ASSETS = Path(__file__).with_name("adstack")
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
STACK_RULES = ROOT / "tests" / "render" / "ads" / "stack-rules.yaml"
ORIGIN_MARK = "http://localhost:0"  # stands for the loopback site's origin in rule files


def build_bundles(out: Path) -> dict[str, Path]:
    """Bundle Prebid.js (with its appnexus adapter, the consent modules and the debugging
    module's bid interception) and the CMP, and copy the GPT stand-in, into ``out``."""
    if not ESBUILD.is_file():
        pytest.fail(f"{ESBUILD} is missing: run scripts/setup.sh (npm ci)", pytrace=False)
    out.mkdir(parents=True, exist_ok=True)
    made = {"prebid.js": ASSETS / "prebid-entry.mjs", "cmp.js": ASSETS / "cmp-entry.mjs"}
    for name, entry in made.items():
        subprocess.run(
            [str(ESBUILD), str(entry), "--bundle", "--format=iife", "--target=es2020",
             f"--outfile={out / name}", "--log-level=warning"],
            check=True, cwd=ROOT, timeout=120,
        )
    shutil.copyfile(ASSETS / "gpt-stub.js", out / "gpt.js")
    return {name: out / name for name in [*made, "gpt.js"]}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class LoopbackSite:
    """A static site on a free loopback port, serving ``root`` from a thread."""

    def __init__(self, root: Path) -> None:
        handler = partial(_QuietHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://localhost:{self.server.server_address[1]}"
        self.root = root
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"{self.origin}/{path.lstrip('/')}"


def stack_rules(origin: str) -> RuleSet:
    """The browser tests' rule set (``tests/render/ads/stack-rules.yaml``) with its
    libraries on the loopback site."""
    text = STACK_RULES.read_text(encoding="utf-8").replace(ORIGIN_MARK, origin)
    return parse_rules(text, source=str(STACK_RULES), development=True)


# Every appnexus bid request answered locally with a 2.50 bid and a creative that loads
# nothing (the debugging module's default creative is an image from the bidder's CDN).
INTERCEPT = json.dumps([{
    "when": {"bidder": "appnexus"},
    "then": {"cpm": 2.5, "ad": '<p style="margin:0;font:12px sans-serif">Test creative</p>'},
}])
# The article's images are answered with a pixel (they are on the publisher's hosts); a
# fixed box for them keeps their loading from shifting the page, so that every layout
# shift measured is the ads' doing.
HARNESS = """<style>.story img {{ height: 200px !important; object-fit: cover; }}</style>
<script{nonce}>
window.__cmpScenario = {scenario};
window.__gptEmpty = {empty};
window.pbjs = window.pbjs || {{ que: [] }};
window.pbjs.que = window.pbjs.que || [];
window.pbjs.que.push(function () {{
  window.pbjs.setConfig({{ debugging: {{ enabled: true, intercept: {intercept} }} }});
}});
</script>
<script{nonce} src="/cmp.js"></script>
"""


def with_harness(html: str, *, scenario: str = "{}", empty: str = "{}",
                 intercept: str = INTERCEPT, nonce: str | None = None) -> str:
    """A rendered page with the test's consent scenario, empty slots and Prebid bid
    interception put first in its head (before anything of the page runs); with a
    ``nonce``, the page's content security policy allows only scripts that carry it (and
    those they load)."""
    harness = HARNESS.format(scenario=scenario, empty=empty, intercept=intercept,
                             nonce=f' nonce="{nonce}"' if nonce else "")
    if nonce:
        policy = f"script-src 'nonce-{nonce}' 'strict-dynamic'"
        harness = f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n' + harness
    return html.replace("<head>\n", "<head>\n" + harness, 1)


def fragments_page(page_html: str, fragments: list[str]) -> str:
    """A page whose main holds several articles' fragments, as an infinite-scroll page
    would hold them (the first article's page around them, for its head and styles)."""
    start = page_html.index('<main class="page">') + len('<main class="page">')
    end = page_html.index("</main>")
    return page_html[:start] + "\n" + "\n".join(fragments) + page_html[end:]

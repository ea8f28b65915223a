"""Estimated against laid-out height: every sample, corpus page and CMS fixture on both
devices, in headless Chromium.

Pixel spacing, the first-screen rule and the density cap rest on the estimated height of
each block (``layout.measure.sizes``). This renders each input with a rule set of no units
(so only the article's blocks are on the page), lays the page out in Chromium with the
network shut (images never load: the page must reserve their space itself) and compares
the estimated body height (the plan's block heights) with the measured height of the
story body. It reports the distribution of estimate / measured and the share within 10%,
and fails (exit 1) under the floor.

    python benchmarks/heights.py                  # all inputs, both devices
    python benchmarks/heights.py --worst 15       # and list the 15 furthest off
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layout import Article, Engine, Viewer  # noqa: E402
from layout.rules import parse_rules  # noqa: E402
from tests.ingest.ans.corpus import good_read  # noqa: E402
from tests.support.corpus import corpus_sources, gutenberg_sources, sample_sources  # noqa: E402
from tests.support.preview_server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FLOOR = 0.90  # share of renders whose estimate is within 10% of the layout
BLOCKS_ONLY = """\
version: 1
name: blocks-only
paywall: {mode: free}
"""
DEVICES = {"mobile": (375, 740), "desktop": (1280, 900)}
MEASURE = """() => {
  const body = document.querySelector('.story-body');
  return body ? body.getBoundingClientRect().height : 0;
}"""


def inputs() -> Iterator[tuple[str, Callable[[], Article]]]:
    for source in sample_sources() + corpus_sources() + gutenberg_sources():
        yield source.name, source.load
    for fixture in good_read():
        yield f"ans-{fixture.path.stem}", fixture.article


def estimated_height(plan: dict[str, object]) -> float:
    items = plan["items"]
    assert isinstance(items, list)
    return sum(float(item.get("height", 0)) for item in items if item["type"] == "block")


def measure(worst: int) -> int:
    from playwright.sync_api import sync_playwright

    engine = Engine(rules=parse_rules(BLOCKS_ONLY, source="blocks-only.yaml"), development=True)
    ratios: list[tuple[float, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for device, (width, height) in DEVICES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda route: route.abort())  # nothing loads: no image, no font
            viewer = Viewer(device=device, audience="subscriber")
            for name, load in inputs():
                article = load()
                if not article.blocks:
                    continue
                result = engine.render(article, viewer, format="html")
                estimate = estimated_height(engine.render(article, viewer, format="json").plan)
                page.set_content(result.html, wait_until="domcontentloaded")
                laid_out = float(page.evaluate(MEASURE))
                if laid_out > 0:
                    ratios.append((estimate / laid_out, f"{name} ({device})"))
            page.close()
        browser.close()
    return report(ratios, worst)


def report(ratios: list[tuple[float, str]], worst: int) -> int:
    values = sorted(ratio for ratio, _ in ratios)
    within = sum(0.9 <= ratio <= 1.1 for ratio in values)
    share = within / len(values)
    quartiles = statistics.quantiles(values, n=4)
    print(f"renders: {len(values)}  within 10%: {within} ({share:.1%}, floor {FLOOR:.0%})")
    print(f"estimate / measured: min {values[0]:.2f}  q1 {quartiles[0]:.2f}  "
          f"median {quartiles[1]:.2f}  q3 {quartiles[2]:.2f}  max {values[-1]:.2f}")
    for ratio, name in sorted(ratios, key=lambda pair: abs(pair[0] - 1), reverse=True)[:worst]:
        print(f"  {ratio:5.2f}  {name}")
    return 0 if share >= FLOOR else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=10, help="list this many furthest off")
    return measure(parser.parse_args().worst)


if __name__ == "__main__":
    raise SystemExit(main())

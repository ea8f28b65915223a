"""Engine against floors and a peer, measured in one run on the same corpus pages.

    python benchmarks/compare.py [--rounds 5]

- floor A: lxml parses the body fragment and serializes it back to a string;
- floor B: Jinja2 renders the same pre-extracted blocks through a trivial template;
- peer: the common hand-rolled inserter: BeautifulSoup (html.parser) puts an ad container
  after every 4th paragraph and serializes;
- engine: body HTML in, full page out, default rules, paywall on, mobile.

Each page's time is the best of ``--rounds`` runs (the least disturbed by the machine);
the report gives means per page and the ratios the targets are stated in. Exit 0 when the
targets hold: engine <= 2.0 x (floor A + floor B), engine >= 8 x faster than the peer.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import mean
from typing import Any

import jinja2
import lxml.html
from bs4 import BeautifulSoup
from markupsafe import Markup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layout import Engine, Viewer  # noqa: E402
from layout.sources import article_from_html  # noqa: E402
from tests.support.corpus import corpus_dirs  # noqa: E402

TRIVIAL = jinja2.Environment(autoescape=True).from_string(
    "<!DOCTYPE html><html><body>{% for b in blocks %}<div>{{ b }}</div>{% endfor %}</body></html>"
)
ENGINE = Engine(development=True)
VIEWER = Viewer(device="mobile", audience="anonymous")


def floor_a(html: str) -> str:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return lxml.html.tostring(root, encoding="unicode")


def extract_blocks(html: str) -> list[Markup]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    blocks = root.xpath(".//p | .//h1 | .//h2 | .//h3 | .//ul | .//ol | .//table | .//figure")
    return [Markup(lxml.html.tostring(b, encoding="unicode")) for b in blocks]


def floor_b(blocks: list[Markup]) -> str:
    return TRIVIAL.render(blocks=blocks)


def peer(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for count, paragraph in enumerate(soup.find_all("p"), start=1):
        if count % 4 == 0:
            ad = soup.new_tag("div", attrs={"class": "ad-slot", "data-slot": f"mid{count // 4}"})
            paragraph.insert_after(ad)
    return str(soup)


def engine(html: str) -> str:
    article = article_from_html(html, {}, source="corpus", default_id="page")
    return ENGINE.render(article, VIEWER).html


def best(work: Callable[[Any], Any], arg: Any, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work(arg)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = [(d.name, (d / "expected.html").read_text(encoding="utf-8")) for d in corpus_dirs()]
    totals: dict[str, list[float]] = {"floor_a": [], "floor_b": [], "peer": [], "engine": []}
    for _, html in pages:
        blocks = extract_blocks(html)
        engine(html)  # warm caches (templates, regexes) before timing
        totals["floor_a"].append(best(floor_a, html, args.rounds))
        totals["floor_b"].append(best(floor_b, blocks, args.rounds))
        totals["peer"].append(best(peer, html, args.rounds))
        totals["engine"].append(best(engine, html, args.rounds))
    means = {name: mean(values) * 1000 for name, values in totals.items()}
    floors = means["floor_a"] + means["floor_b"]
    vs_floors = means["engine"] / floors
    vs_peer = means["peer"] / means["engine"]
    print(f"corpus pages: {len(pages)}, best of {args.rounds} rounds each; mean ms per page")
    for name, value in means.items():
        print(f"  {name:<8} {value:8.3f} ms")
    print(f"engine / (floor A + floor B) = {vs_floors:.2f}  (target <= 2.0)")
    print(f"peer / engine               = {vs_peer:.2f}  (target >= 8.0)")
    return 0 if vs_floors <= 2.0 and vs_peer >= 8.0 else 1


if __name__ == "__main__":
    sys.exit(main())

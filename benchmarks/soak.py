"""Soak the HTTP API against ``layout serve --dev``, or measure what a cached article costs.

    python benchmarks/soak.py [--seconds 60] [--rate 20]
    python benchmarks/soak.py --large 24 [--article-cache-mb N] [--size BYTES]
    python benchmarks/soak.py --article-cost

The steady soak starts the server on a free 127.0.0.1 port, warms up for 3 s, then sends
``--rate`` requests per second for ``--seconds``, rotating through the sample articles. It
prints the requests, errors, server RSS at the start and end (and its growth) and open
file descriptors. Exit 0 when there were no errors, RSS grew by less than 10% and
descriptors by at most 5; 1 otherwise. The loop is the one tests/test_soak.py runs
(tests/support/soak.py).

``--large N`` sends N distinct large body HTML articles (4.3 MB each, built from the
sample paragraphs) one after the other and prints the server's RSS after each, the growth
per article overall and over the second half, and the second half's mean (the plateau),
against the article cache budget (``--article-cache-mb``, passed to the server; without
it the server's default). Meanwhile /healthz is probed (``--probe-rate`` a second, as
load_api.py does) for 3 s idle and then throughout the stream. Exit 0 when every render
answered 200 and RSS grew by less than 60 MB over the second half (the test's bound); 1
otherwise.

``--article-cost`` measures in this process, with tracemalloc, what an ingested article
costs once rendered for both devices and all three audiences (the article and the
engine's memos of it), next to the article cache's estimate of it (layout/serve/article_cache.py).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load_api import HealthProber  # noqa: E402
from tests.support.server import running_server  # noqa: E402
from tests.support.soak import (  # noqa: E402
    LARGE_ARTICLE_BYTES,
    large_article_html,
    run_large_stream,
    run_soak,
)

MAX_SECOND_HALF_GROWTH_MB = 60


def steady(args: argparse.Namespace) -> int:
    with running_server() as server:
        result = run_soak(server.url, server.process.pid, seconds=args.seconds, rate=args.rate)
    for line in result.lines():
        print(line)
    for sample in result.error_samples:
        print(f"error: {sample}")
    ok = (
        result.errors == 0
        and result.rss_growth_percent < 10.0
        and result.fds_end <= result.fds_start + 5
    )
    print("soak: OK" if ok else "soak: FAILED")
    return 0 if ok else 1


def large(args: argparse.Namespace) -> int:
    options = (
        [] if args.article_cache_mb is None else ["--article-cache-mb", str(args.article_cache_mb)]
    )
    with running_server(*options, timeout=60) as server:
        with HealthProber(server.url, args.probe_rate, timeout=30) as idle:
            time.sleep(3)
        with HealthProber(server.url, args.probe_rate, timeout=30) as loaded:
            result = run_large_stream(
                server.url, server.process.pid, articles=args.large, size=args.size
            )
    for line in result.lines(args.article_cache_mb):
        print(line)
    print("large stream:" + idle.describe("idle").lstrip(" "))
    print("large stream:" + loaded.describe("loaded").lstrip(" "))
    growth_mb = (result.rss_end_kb - result.rss_mid_kb) / 1024
    ok = set(result.statuses) == {200} and growth_mb < MAX_SECOND_HALF_GROWTH_MB
    print(f"large stream: second half grew {growth_mb:.0f} MB (bound {MAX_SECOND_HALF_GROWTH_MB})")
    print("large stream: OK" if ok else "large stream: FAILED")
    return 0 if ok else 1


def _cost_shapes() -> dict[str, Callable[[int], str]]:
    from tests.support.corpus import corpus_dirs

    pages = [
        (folder / "expected.html").read_text(encoding="utf-8")
        for folder in corpus_dirs()
        if 2000 < (folder / "expected.html").stat().st_size < 200_000
    ]

    def corpus_4mb(number: int) -> str:
        parts, size = [], 0
        while size < 4_000_000:
            part = (
                f"<p>Story {number} part {len(parts)}.</p>\n"
                + pages[(len(parts) + number) % len(pages)]
            )
            parts.append(part)
            size += len(part)
        return "".join(parts)

    return {
        "stream article (4.3 MB)": large_article_html,
        "dense article (2.6 MB)": lambda n: large_article_html(n, 2_600_000, dense=True),
        "corpus pages (4 MB)": corpus_4mb,
        "one corpus page": lambda n: f"<p>{n}</p>" + pages[n % len(pages)],
    }


def article_cost(args: argparse.Namespace) -> int:
    """Traced memory per article after one view and after six, next to the estimate."""
    from layout import Engine, Viewer
    from layout.ingest.sources import article_from_html
    from layout.serve.article_cache import article_weight

    engine = Engine(development=True)
    viewers = [
        Viewer(device=device, audience=audience)
        for device in ("mobile", "desktop")
        for audience in ("anonymous", "registered", "subscriber")
    ]
    for name, make in _cost_shapes().items():
        count = 3 if "MB" in name else 40
        bodies = [make(number) for number in range(count)]
        gc.collect()
        tracemalloc.start()
        kept = []
        for body in bodies:
            kept.append(article_from_html(body, {"id": "cost"}, source="cost"))
            engine.render(kept[-1], viewers[0])
        gc.collect()
        one_view = tracemalloc.get_traced_memory()[0] / count
        for article in kept:
            for viewer in viewers[1:]:
                engine.render(article, viewer)
        gc.collect()
        six_views = tracemalloc.get_traced_memory()[0] / count
        tracemalloc.stop()
        estimate = sum(article_weight(article) for article in kept) / count
        blocks = sum(len(article.blocks) for article in kept) / count
        size = sum(len(body.encode("utf-8")) for body in bodies) / count
        print(
            f"{name:24s} {size / 1e6:5.2f} MB HTML, {blocks:6.0f} blocks: cost "
            f"{one_view / 1e6:6.2f} MB after one view, {six_views / 1e6:6.2f} MB after six; "
            f"estimate {estimate / 1e6:6.2f} MB ({estimate / six_views:.2f} of the cost)"
        )
        del kept, bodies
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="soak length (max 3600)")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--large", type=int, metavar="N", help="stream N distinct large articles")
    parser.add_argument("--size", type=int, default=LARGE_ARTICLE_BYTES, help="bytes per article")
    parser.add_argument("--article-cache-mb", type=int, help="the server's article cache budget")
    parser.add_argument("--article-cost", action="store_true", help="cost of a cached article")
    parser.add_argument("--probe-rate", type=float, default=20.0, help="/healthz probes a second")
    args = parser.parse_args(argv)
    if args.article_cost:
        return article_cost(args)
    if args.large is not None:
        return large(args)
    return steady(args)


if __name__ == "__main__":
    sys.exit(main())

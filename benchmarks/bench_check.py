"""Benchmark of ``layout check`` work: plan, dump and verify every corpus page per viewer.

Every corpus page (45) is checked for the full matrix of 2 devices x 3 audiences with
:func:`layout.corpus.check.check_article`, without ``--update``: the corpus has no goldens, so
each article comes back "new" and nothing is written.

Two ways to run it:

    python -m pytest benchmarks/bench_check.py --benchmark-only -p no:xdist
    python benchmarks/bench_check.py [--rounds N]

The script mode runs in one process and prints plans per second and pages per second per
core (plans per second divided by the one core used).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from layout.corpus.check import check_article, viewer_matrix
from layout.engine import Engine
from layout.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]


def corpus_pages() -> list[Path]:
    """The corpus pages, found the way the test suite finds them."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.support.corpus import corpus_dirs

    return [folder / "expected.html" for folder in corpus_dirs()]


def check_all(paths: list[Path], engine: Engine) -> list[str]:
    """``layout check`` without its report: every page for every viewer; the statuses."""
    viewers = viewer_matrix()
    return [check_article(path, engine, viewers, update=False).status for path in paths]


def test_check_corpus(benchmark) -> None:
    paths = corpus_pages()
    engine = Engine(load_rules(), development=True)
    statuses = benchmark.pedantic(check_all, args=(paths, engine), rounds=3, iterations=1)
    assert len(statuses) == len(paths) >= 45
    assert set(statuses) <= {"new", "match", "changed"}
    plans = len(paths) * len(viewer_matrix())
    benchmark.extra_info["plans_per_round"] = plans
    if benchmark.stats is not None:  # None under --benchmark-disable (the CI smoke run)
        benchmark.extra_info["plans_per_second"] = round(plans / benchmark.stats.stats.mean, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    rounds = parser.parse_args(argv).rounds
    paths = corpus_pages()
    engine = Engine(load_rules(), development=True)
    plans = len(paths) * len(viewer_matrix())
    check_all(paths[:3], engine)  # warm-up: imports, templates, caches
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        check_all(paths, engine)
        times.append(time.perf_counter() - start)
    best, cores = min(times), 1
    print(f"{len(paths)} pages x {len(viewer_matrix())} viewers = {plans} plans per round")
    print(f"rounds: {', '.join(f'{t:.3f}s' for t in times)} (best {best:.3f}s)")
    print(f"plans per second: {plans / best:.1f}")
    print(f"pages per second per core: {plans / best / cores:.1f}")


if __name__ == "__main__":
    main()

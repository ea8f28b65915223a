"""Instructions executed per corpus page, counted by valgrind's callgrind: the engine's
cold path against the selectolax + nh3 inserter, and a repeat view against the floors.

    python benchmarks/instructions.py [--pages N]

On a shared virtual machine a timed ratio moves by a tenth from one run to the next; the
number of instructions a piece of work executes moves by less than a thousandth. It is no
stand-in for time (an instruction that misses the cache costs more, and the engine's
Python work misses more often than the peer's C), and the targets stay stated in time
(``compare.py``). What the count tells, and a timed run on a noisy machine cannot, is
whether a change made the engine do less work: run it before and after.

Each work runs in a process of its own under callgrind, after one pass over the pages
to warm up, and only the measured pass is counted (collection is switched on inside
``functools.reduce``, which runs it). Needs valgrind (``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import functools
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORKS = ("engine", "selectolax_nh3", "per_view", "floors")
_COLLECTED = re.compile(r"Collected\s*:\s*([\d,]+)")


def _measured(work: str, pages: int | None) -> tuple[Callable[[Any], object], list[Any]]:
    """The work's function and the inputs it is run on, one per page."""
    sys.path.insert(0, str(ROOT))
    from benchmarks import compare
    from layout.ingest.sources import article_from_html

    bodies = compare.corpus_pages(pages)
    if work == "per_view":
        articles = [article_from_html(html, {}, source="corpus", default_id=f"page{index}")
                    for index, html in enumerate(bodies)]
        return compare.engine_per_view, articles
    if work == "floors":
        def floors(html: str) -> None:
            compare.floor_a(html)
            compare.floor_b(compare.extract_blocks(html))
        return floors, bodies
    function: Callable[[Any], object] = getattr(compare, work)
    return function, bodies


def run_child(work: str, pages: int | None) -> None:
    """The measured process: warm up, then the pass callgrind counts."""
    function, inputs = _measured(work, pages)
    for item in inputs:
        function(item)
    functools.reduce(lambda _, item: function(item), inputs, None)


def count(work: str, pages: int | None) -> int:
    """Instructions of one pass of ``work`` over the pages, in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/out",
            "--collect-atstart=no", "--toggle-collect=functools_reduce",
            sys.executable, __file__, "--child", work,
            *(["--pages", str(pages)] if pages else []),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None or found.group(1) in ("0", ""):
        raise SystemExit(f"callgrind counted nothing for {work}: {done.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="the first N corpus pages")
    parser.add_argument("--child", choices=WORKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, args.pages)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    pages = args.pages or len(_measured("engine", None)[1])
    # Two processes at a time: each is single-threaded under callgrind.
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(zip(WORKS, pool.map(lambda work: count(work, args.pages), WORKS),
                          strict=True))
    print(f"instructions per page, {pages} corpus pages (callgrind):")
    for work, total in counts.items():
        print(f"  {work:<16} {total / pages / 1e6:8.2f} M")
    print(f"engine / (selectolax + nh3)      = {counts['engine'] / counts['selectolax_nh3']:8.3f}")
    print(f"per view / (floor A + floor B)   = {counts['per_view'] / counts['floors']:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

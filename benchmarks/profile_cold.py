"""Profile the engine's cold path over the corpus with pyinstrument.

    python benchmarks/profile_cold.py [--rounds 3] [--pages N] [--html profile.html]

Each round renders every corpus page the way ``compare.py`` times the engine: body HTML
in, full page out, default rules, paywall on, mobile, nothing cached for the page. The
call tree goes to standard output as text; ``--html`` also writes pyinstrument's
interactive page. A sampling profiler is used, so the shares are close to those of an
unprofiled run (a tracing profiler inflates the many small calls of the walk and the
templates).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyinstrument import Profiler

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.compare import corpus_pages, engine  # noqa: E402

INTERVAL_SECONDS = 0.0002


def profile(pages: list[str], rounds: int) -> Profiler:
    """A stopped profiler that has sampled ``rounds`` renders of every page."""
    for html in pages:
        engine(html)  # templates and rule sets are compiled before sampling starts
    profiler = Profiler(interval=INTERVAL_SECONDS)
    profiler.start()
    for _ in range(rounds):
        for html in pages:
            engine(html)
    profiler.stop()
    return profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=None, help="the first N corpus pages")
    parser.add_argument("--html", type=Path, default=None, help="also write an HTML report")
    args = parser.parse_args(argv)
    profiler = profile(corpus_pages(args.pages), args.rounds)
    print(profiler.output_text(unicode=True, color=False))
    if args.html is not None:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
        print(f"wrote {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

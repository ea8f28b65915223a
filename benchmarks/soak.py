"""Soak the HTTP API: a fixed-rate loop of POST /v1/render against ``layout serve --dev``.

    python benchmarks/soak.py [--seconds 60] [--rate 20]

Starts the server on a free 127.0.0.1 port, warms up for 3 s, then sends ``--rate``
requests per second for ``--seconds``, rotating through the sample articles. Prints the
requests, errors, server RSS at the start and end (and its growth) and open file
descriptors. Exit 0 when there were no errors, RSS grew by less than 10% and descriptors by
at most 5; 1 otherwise. The loop is the one tests/test_soak.py runs (tests/support/soak.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.server import running_server  # noqa: E402
from tests.support.soak import run_soak  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="soak length (max 3600)")
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())

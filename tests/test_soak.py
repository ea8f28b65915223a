"""A bounded soak of the real ``layout serve --dev``: steady traffic, no errors, no leaks.

20 requests/s for 15 s (``LAYOUT_SOAK_SECONDS=60`` for a longer run) after a 3 s warm-up,
over loopback, one request at a time. Memory (VmRSS) may not grow by 10% or more between
the end of the warm-up and the end, and open file descriptors may not grow by more than 5.
"""

from __future__ import annotations

import os

from tests.conftest import report
from tests.support.server import running_server
from tests.support.soak import run_soak

SECONDS = float(os.environ.get("LAYOUT_SOAK_SECONDS", "15"))
RATE = float(os.environ.get("LAYOUT_SOAK_RATE", "20"))
MAX_RSS_GROWTH_PERCENT = 10.0
MAX_FD_GROWTH = 5


def test_soak_has_no_errors_and_no_leaks() -> None:
    with running_server() as server:
        result = run_soak(server.url, server.process.pid, seconds=SECONDS, rate=RATE)
        alive = server.process.poll() is None
    for line in result.lines():
        report(line)
    assert alive, "the server died during the soak"
    expected = RATE * (SECONDS + 3.0)
    assert result.requests >= 0.9 * expected, f"only {result.requests} of {expected:.0f} sent"
    assert result.errors == 0, result.error_samples
    assert result.rss_growth_percent < MAX_RSS_GROWTH_PERCENT, result.lines()
    assert result.fds_end <= result.fds_start + MAX_FD_GROWTH, result.lines()

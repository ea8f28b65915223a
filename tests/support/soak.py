"""A bounded soak of the real server: a fixed-rate loop of POST /v1/render over loopback.

Shared by tests/test_soak.py (CI: 15 s, or LAYOUT_SOAK_SECONDS) and benchmarks/soak.py.
The loop rotates through the sample articles (article JSON and body HTML) and a few
viewers, sends one request at a time on a schedule of ``rate`` per second, and never sends
more than ``rate * (warmup + seconds) + 1`` requests. The server's resident memory and open
file descriptors are read from /proc after the warm-up and at the end.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx

from tests.support.corpus import SAMPLES

WARMUP_SECONDS = 3.0
REQUEST_TIMEOUT = 10.0
VIEWERS = [
    {"device": "mobile", "audience": "anonymous"},
    {"device": "desktop", "audience": "subscriber"},
    {"device": "mobile", "audience": "registered", "consent": False},
]


@dataclass
class SoakResult:
    """What one soak measured."""

    seconds: float
    rate: float
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    rss_start_kb: int = 0
    rss_end_kb: int = 0
    fds_start: int = 0
    fds_end: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rss_growth_percent(self) -> float:
        return 100.0 * (self.rss_end_kb - self.rss_start_kb) / self.rss_start_kb

    def latency_ms(self, quantile: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return 1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]

    def lines(self) -> list[str]:
        return [
            f"soak: {self.requests} requests in {self.elapsed:.1f} s "
            f"({self.requests / max(self.elapsed, 1e-9):.1f}/s, target {self.rate:g}/s), "
            f"{self.errors} errors",
            f"soak: RSS {self.rss_start_kb} kB -> {self.rss_end_kb} kB "
            f"({self.rss_growth_percent:+.1f}%), fds {self.fds_start} -> {self.fds_end}",
            f"soak: latency p50 {self.latency_ms(0.5):.1f} ms, p99 {self.latency_ms(0.99):.1f} ms",
        ]


def request_bodies() -> list[dict[str, Any]]:
    """One request per sample article, JSON and body HTML (with its sidecar metadata)."""
    bodies: list[dict[str, Any]] = []
    for path in sorted((SAMPLES / "articles").glob("*.json")):
        bodies.append({"article": json.loads(path.read_text(encoding="utf-8"))})
    for path in sorted((SAMPLES / "html").glob("*.html")):
        meta_path = path.with_name(path.stem + ".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        bodies.append({"article_html": path.read_text(encoding="utf-8"), "meta": meta})
    assert bodies, f"no sample articles under {SAMPLES}"
    return bodies


def _rotation() -> Iterator[bytes]:
    """Request bodies in a fixed cycle (articles x viewers), encoded once."""
    bodies = request_bodies()
    encoded = [
        json.dumps({**body, "viewer": viewer}).encode("utf-8")
        for viewer in VIEWERS
        for body in bodies
    ]
    return cycle(encoded)


def server_pid(pid: int) -> int:
    """The process that serves: ``pid`` itself, or its uvicorn child when it forked one."""
    children = _children(pid)
    return children[0] if children else pid


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return sorted(found)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _send(client: httpx.Client, body: bytes, result: SoakResult) -> None:
    started = time.perf_counter()
    try:
        response = client.post(
            "/v1/render", content=body, headers={"content-type": "application/json"}
        )
    except httpx.HTTPError as error:
        result.errors += 1
        if len(result.error_samples) < 10:
            result.error_samples.append(repr(error))
        return
    finally:
        result.requests += 1
    result.latencies.append(time.perf_counter() - started)
    client.cookies.clear()  # every request is a new reader: no meter carried over
    if response.status_code != 200 or not response.content:
        result.errors += 1
        if len(result.error_samples) < 10:
            result.error_samples.append(f"HTTP {response.status_code}: {response.text[:200]}")


def _paced(
    client: httpx.Client, bodies: Iterator[bytes], rate: float, seconds: float, result: SoakResult
) -> None:
    """Send at ``rate`` per second for ``seconds``: bounded in count and in time."""
    interval = 1.0 / rate
    budget = int(rate * seconds) + 1
    start = time.monotonic()
    deadline = start + seconds
    for number in range(budget):
        due = start + number * interval
        now = time.monotonic()
        if now >= deadline:
            break
        if due > now:
            time.sleep(min(due - now, deadline - now))
        if time.monotonic() >= deadline:
            break
        _send(client, next(bodies), result)


def run_soak(
    url: str, pid: int, *, seconds: float, rate: float, warmup: float = WARMUP_SECONDS
) -> SoakResult:
    """Warm up, read RSS and fds, soak for ``seconds`` at ``rate``/s, read them again."""
    if not (0 < rate <= 1000 and 0 < seconds <= 3600):
        raise ValueError("rate must be in (0, 1000] and seconds in (0, 3600]")
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the soak only talks to 127.0.0.1")
    serving = server_pid(pid)
    result = SoakResult(seconds=seconds, rate=rate)
    bodies = _rotation()
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        started = time.monotonic()
        _paced(client, bodies, rate, warmup, result)
        result.rss_start_kb, result.fds_start = rss_kb(serving), fd_count(serving)
        _paced(client, bodies, rate, seconds, result)
        result.elapsed = time.monotonic() - started
    result.rss_end_kb, result.fds_end = rss_kb(serving), fd_count(serving)
    return result

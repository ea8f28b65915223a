"""A bounded soak of the real server: a fixed-rate loop of POST /v1/render over loopback.

Shared by tests/test_soak.py (CI: 15 s, or LAYOUT_SOAK_SECONDS) and benchmarks/soak.py.
The loop rotates through the sample articles (article JSON and body HTML) and a few
viewers, sends one request at a time on a schedule of ``rate`` per second, and never sends
more than ``rate * (warmup + seconds) + 1`` requests. The server's resident memory and open
file descriptors are read from /proc after the warm-up and at the end.

The large-article stream (``run_large_stream``) sends a bounded number of distinct large
body HTML articles instead, one after the other, and reads the server's RSS after each:
with the article cache bounded by bytes, RSS levels off instead of growing by what every
cached article costs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any

import httpx

from tests.support.corpus import SAMPLES
from tests.support.server import fd_count, rss_kb, server_pid

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


# --- a stream of distinct large articles ---------------------------------------------------

LARGE_ARTICLE_BYTES = 4_300_000  # body HTML, within the 5 MB body and HTML limits as JSON
LARGE_REQUEST_TIMEOUT = 120.0


def _sample_paragraphs() -> list[str]:
    """The paragraphs (inline markup) of every sample article JSON, in a fixed order."""
    found = []
    for path in sorted((SAMPLES / "articles").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found += [b["html"] for b in data["blocks"] if b.get("kind") == "paragraph"]
    assert found, f"no sample paragraphs under {SAMPLES}"
    return found


def large_article_html(number: int, size: int = LARGE_ARTICLE_BYTES, *, dense: bool = False) -> str:
    """About ``size`` bytes of body HTML built from the samples' paragraphs, headings
    every 12 blocks and a figure every 40; every block names ``number``, so no two
    articles share content (or a cache key). ``dense`` makes every paragraph one short
    line, for the most blocks (and the longest render) the size allows."""
    paragraphs = _sample_paragraphs()
    parts: list[str] = []
    total = 0
    index = 0
    while total < size:
        if index % 12 == 0:
            part = f"<h2>Part {index // 12} of story {number}</h2>\n"
        elif index % 40 == 1:
            part = (
                f'<figure><img src="https://img.example-news.test/{number}/{index}.jpg" '
                f'alt="Photo {index} of story {number}"><figcaption>Story {number}, '
                f"photo {index}</figcaption></figure>\n"
            )
        elif dense:
            part = f"<p>Line {index} of story {number}, short and to the point.</p>\n"
        else:
            text = paragraphs[(number * 31 + index) % len(paragraphs)]
            part = f"<p>[{number}.{index}] {text}</p>\n"
        parts.append(part)
        total += len(part.encode("utf-8"))
        index += 1
    return "".join(parts)


def large_render_body(
    number: int, size: int = LARGE_ARTICLE_BYTES, *, dense: bool = False, **fields: Any
) -> bytes:
    """A render request for large article ``number`` (``fields`` add to the request)."""
    meta = {"id": f"large-{number}", "headline": f"Large story {number}"}
    html = large_article_html(number, size, dense=dense)
    body = {"article_html": html, "meta": meta, **fields}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


@dataclass
class StreamResult:
    """What one stream of distinct large articles measured: RSS before and after each."""

    articles: int
    article_bytes: int
    rss_start_kb: int = 0
    rss_kb: list[int] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    @property
    def rss_mid_kb(self) -> int:
        """RSS after the first half of the stream."""
        return self.rss_kb[len(self.rss_kb) // 2 - 1]

    @property
    def rss_end_kb(self) -> int:
        return self.rss_kb[-1]

    def growth_per_article_mb(self, first: int = 0) -> float:
        """Mean RSS growth per article from article ``first`` on (0: from the start)."""
        before = self.rss_start_kb if first == 0 else self.rss_kb[first - 1]
        return (self.rss_end_kb - before) / 1024 / max(1, len(self.rss_kb) - first)

    @property
    def plateau_kb(self) -> int:
        """Mean RSS over the second half of the stream: where it levels off, if it does."""
        half = self.rss_kb[len(self.rss_kb) // 2 :]
        return sum(half) // len(half)

    def lines(self, budget_mb: float | None = None) -> list[str]:
        budget = f", article cache budget {budget_mb:g} MiB" if budget_mb is not None else ""
        trail = " ".join(f"{kb / 1024:.0f}" for kb in self.rss_kb)
        half = len(self.rss_kb) // 2
        ordered = sorted(self.latencies)
        return [
            f"large stream: {self.articles} distinct articles of "
            f"{self.article_bytes / 1e6:.1f} MB body HTML{budget}; statuses "
            f"{sorted(set(self.statuses))}, latency median {ordered[len(ordered) // 2]:.2f} s",
            f"large stream: RSS MB {self.rss_start_kb / 1024:.0f} -> {trail}",
            f"large stream: growth {self.growth_per_article_mb():.1f} MB per article overall, "
            f"{self.growth_per_article_mb(half):.1f} MB per article in the second half; "
            f"RSS {self.rss_mid_kb / 1024:.0f} MB at half, {self.rss_end_kb / 1024:.0f} MB "
            f"at the end, peak {max(self.rss_kb) / 1024:.0f} MB, second-half mean "
            f"{self.plateau_kb / 1024:.0f} MB",
        ]


def run_large_stream(
    url: str, pid: int, *, articles: int, size: int = LARGE_ARTICLE_BYTES
) -> StreamResult:
    """Send ``articles`` distinct large articles one at a time; RSS after each."""
    if not (2 <= articles <= 200 and 10_000 <= size <= LARGE_ARTICLE_BYTES):
        raise ValueError(f"articles must be in [2, 200] and size in [10 kB, {size} B]")
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the stream only talks to 127.0.0.1")
    serving = server_pid(pid)
    result = StreamResult(articles=articles, article_bytes=size, rss_start_kb=rss_kb(serving))
    headers = {"content-type": "application/json", "accept": "text/html"}
    with httpx.Client(base_url=url, timeout=LARGE_REQUEST_TIMEOUT) as client:
        for number in range(articles):
            body = large_render_body(number, size)
            started = time.perf_counter()
            response = client.post("/v1/render", content=body, headers=headers)
            result.latencies.append(time.perf_counter() - started)
            result.statuses.append(response.status_code)
            result.rss_kb.append(rss_kb(serving))
    return result

"""The server's Prometheus metrics, served at ``GET /metrics`` by the Prometheus client
library in its text format.

- ``layout_requests_total{method, route, status}`` and
  ``layout_request_duration_seconds{route}``: every request, by its route (the route's
  path template, or ``other`` for a path no route has: a label per path would let any
  caller make a series per URL);
- ``layout_render_stage_seconds{stage}``: where a render's time goes (``ingest``, the
  article's parse or its cache hit; ``plan``; ``html``);
- ``layout_article_cache_{hits,misses}_total`` and ``layout_article_cache_entries``: the
  ingested-article cache, read from the cache when scraped (the hit ratio is
  hits / (hits + misses));
- ``layout_render_queue_depth`` and ``layout_render_queue_capacity``: renders admitted to
  the pool (running or waiting) and how many it takes.

The app owns one ``ServerMetrics`` and its registry: nothing is registered in the client
library's global registry, so two apps in a process never mix their counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Final

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

# Request and stage durations: a fast repeat view is a millisecond, a cold render of a
# long article tens, a saturated queue seconds.
DURATION_BUCKETS: Final = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                           1.0, 2.5, 5.0, 10.0)
RENDER_STAGES: Final = ("ingest", "plan", "html")
OTHER_ROUTE: Final = "other"


class _Readings(Collector):
    """Values read from their owners when scraped: the article cache and the pool."""

    def __init__(self, readings: dict[str, Callable[[], float]]) -> None:
        self._readings = readings

    def collect(self) -> Iterator[Metric]:
        read = self._readings
        yield CounterMetricFamily("layout_article_cache_hits", "articles found in the cache",
                                  value=read["cache_hits"]())
        yield CounterMetricFamily("layout_article_cache_misses",
                                  "articles ingested for want of a cached one",
                                  value=read["cache_misses"]())
        yield GaugeMetricFamily("layout_article_cache_entries", "articles kept",
                                value=read["cache_entries"]())
        yield GaugeMetricFamily("layout_render_queue_depth",
                                "renders admitted to the pool, running or waiting",
                                value=read["queue_depth"]())
        yield GaugeMetricFamily("layout_render_queue_capacity",
                                "renders the pool admits before it answers 503",
                                value=read["queue_capacity"]())


class ServerMetrics:
    """One app's metrics: a registry of its own, the routes it labels by, and the
    readings of the app's cache and pool."""

    def __init__(self, routes: Iterable[str], readings: dict[str, Callable[[], float]]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._routes = frozenset(routes)
        self._requests = Counter("layout_requests", "requests answered",
                                 ["method", "route", "status"], registry=self.registry)
        self._durations = Histogram("layout_request_duration_seconds",
                                    "time from a request's start to its response's end",
                                    ["route"], buckets=DURATION_BUCKETS,
                                    registry=self.registry)
        self._stages = Histogram("layout_render_stage_seconds", "time a render spends in a stage",
                                 ["stage"], buckets=DURATION_BUCKETS, registry=self.registry)
        for stage in RENDER_STAGES:
            self._stages.labels(stage)  # every stage is listed from the start, at zero
        self.registry.register(_Readings(readings))

    def add_routes(self, routes: Iterable[str]) -> None:
        self._routes = self._routes | frozenset(routes)

    def route_of(self, path: str) -> str:
        return path if path in self._routes else OTHER_ROUTE

    def observe_request(self, method: str, path: str, status: int, seconds: float) -> None:
        route = self.route_of(path)
        self._requests.labels(method, route, str(status)).inc()
        self._durations.labels(route).observe(seconds)

    def observe_stages(self, timings: dict[str, float]) -> None:
        for stage, seconds in timings.items():
            self._stages.labels(stage).observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus's text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

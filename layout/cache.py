"""Caches for pure results: a weighted LRU (the API's ingested articles), memos tied to
one live article, and a few values kept per owner (``FewKept``). All are shared by the
threads that render, so all are thread-safe."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
K = TypeVar("K", bound=Hashable)
_MISSING = object()


class FewKept(Generic[K, V]):
    """A few pure values by key, each made on first use: for keys a caller may vary on
    every call (a page instance, say), so the values kept stay few. Past ``size`` of them
    all are let go at once, which needs no lock between threads; two threads that miss
    one key together may both make it, and either value is right."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._values)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        values = self._values
        found = values.get(key, _MISSING)
        if found is _MISSING:
            found = make()
            if len(values) >= self.size:
                values = self._values = {}
            values[key] = found
        return found  # type: ignore[return-value]


def _unit_weight(value: object) -> int:
    return 1


class LruCache(Generic[V]):
    """Keeps the most recently used values within two bounds: at most ``size`` entries,
    and at most ``max_weight`` in total, where ``weigh(value)`` is a value's weight (an
    estimate of the memory it holds, say). Without ``max_weight`` only the entry count
    bounds it. A value heavier than ``max_weight`` on its own is returned, never kept:
    caching it would evict everything else and still break the bound.

    Values must be immutable: one value is handed to every thread that asks for its key.
    ``make`` runs outside the lock, so a slow ``make`` never holds up other keys; two
    threads that miss the same key at once may both make it, and the first one kept wins.
    """

    def __init__(
        self,
        size: int,
        *,
        max_weight: int | None = None,
        weigh: Callable[[V], int] = _unit_weight,
    ) -> None:
        if size < 0 or (max_weight is not None and max_weight < 0):
            raise ValueError("an LRU cache's bounds cannot be negative")
        self.size = size
        self.max_weight = max_weight
        self._weigh = weigh
        self._values: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self.hits = 0  # lookups that found their key, and those that made the value
        self.misses = 0

    @property
    def weight(self) -> int:
        """The total weight of the values kept now."""
        with self._lock:
            return self._weight

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._values

    def get_or_make(self, key: str, make: Callable[[], V]) -> V:
        """The cached value for ``key``, or ``make()``'s (errors are not cached)."""
        with self._lock:
            entry = self._values.get(key)
            if entry is not None:
                self._values.move_to_end(key)
                self.hits += 1
                return entry[0]
            self.misses += 1
        value = make()
        return self._keep(key, value, self._weigh(value))

    def _keep(self, key: str, value: V, weight: int) -> V:
        """Insert ``value`` (or return the one another thread kept first), then evict the
        least recently used entries until both bounds hold again."""
        if self.size == 0 or (self.max_weight is not None and weight > self.max_weight):
            return value
        with self._lock:
            entry = self._values.get(key)
            if entry is not None:
                self._values.move_to_end(key)
                return entry[0]
            self._values[key] = (value, weight)
            self._weight += weight
            while len(self._values) > self.size or (
                self.max_weight is not None and self._weight > self.max_weight
            ):
                _, (_, evicted) = self._values.popitem(last=False)
                self._weight -= evicted
        return value


class ArticleMemo(Generic[V]):
    """Values derived from an immutable object (an article), kept while that object lives.

    Keyed by the object's identity and a hashable ``key`` (a device profile, say): an
    article kept for many renders (the API's article cache) pays for the work once, and
    the entries leave with the article, so an identity is never reused for a stale value.

    Safe under threads: ``make`` runs without a lock (it may be slow), and when two threads
    make the same entry at once both get the one that was kept first, so every caller sees
    one value per entry (and one finalizer is registered for it).
    """

    def __init__(self) -> None:
        self._values: dict[tuple[int, Hashable], V] = {}
        self._lock = threading.Lock()

    def get_or_make(self, owner: object, key: Hashable, make: Callable[[], V]) -> V:
        slot = (id(owner), key)
        value = self._values.get(slot)
        if value is not None:
            return value
        made = make()
        with self._lock:
            value = self._values.setdefault(slot, made)
        if value is made:
            weakref.finalize(owner, self._values.pop, slot, None)
        return value

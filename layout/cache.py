"""Caches for pure results: an LRU of ingested articles, and memos tied to one live article."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LruCache(Generic[V]):
    """Keeps the ``size`` most recently used values; values must be immutable."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: str, make: Callable[[], V]) -> V:
        """The cached value for ``key``, or ``make()``'s (errors are not cached)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


class ArticleMemo(Generic[V]):
    """Values derived from an immutable object (an article), kept while that object lives.

    Keyed by the object's identity and a hashable ``key`` (a device profile, say): an
    article kept for many renders (the API's article cache) pays for the work once, and
    the entries leave with the article, so an identity is never reused for a stale value.
    """

    def __init__(self) -> None:
        self._values: dict[tuple[int, Hashable], V] = {}

    def get_or_make(self, owner: object, key: Hashable, make: Callable[[], V]) -> V:
        slot = (id(owner), key)
        value = self._values.get(slot)
        if value is None:
            value = make()
            if self._values.setdefault(slot, value) is value:
                weakref.finalize(owner, self._values.pop, slot, None)
        return value

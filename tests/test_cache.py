"""The weighted LRU, the per-article memos and the few kept values, on their own
(deterministic, no server)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

import pytest

from layout.cache import ArticleMemo, FewKept, LruCache


def weighed(size: int, max_weight: int | None) -> LruCache[str]:
    return LruCache(size, max_weight=max_weight, weigh=len)


def in_two_threads(work: Callable[[], None]) -> None:
    """Run ``work`` in two threads at once and wait for both."""
    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)


def test_keeps_values_and_makes_each_key_once() -> None:
    cache = weighed(10, None)
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value

    assert cache.get_or_make("a", lambda: make("alpha")) == "alpha"
    assert cache.get_or_make("a", lambda: make("other")) == "alpha"
    assert made == ["alpha"]


def test_the_entry_bound_evicts_the_least_recently_used() -> None:
    cache = weighed(2, None)
    cache.get_or_make("a", lambda: "1")
    cache.get_or_make("b", lambda: "2")
    cache.get_or_make("a", lambda: "unused")  # "a" is now the most recent
    cache.get_or_make("c", lambda: "3")
    assert "a" in cache and "c" in cache and "b" not in cache
    assert len(cache) == 2


def test_the_weight_bound_evicts_until_the_total_fits() -> None:
    cache = weighed(100, 10)
    for key in "abcd":
        cache.get_or_make(key, lambda: "xxx")  # weight 3 each
    assert cache.weight == 9 and len(cache) == 3 and "a" not in cache
    cache.get_or_make("big", lambda: "y" * 8)
    assert cache.weight <= 10
    assert "big" in cache and "d" not in cache
    assert cache.weight == 8


def test_a_value_heavier_than_the_budget_is_returned_but_not_kept() -> None:
    cache = weighed(100, 10)
    cache.get_or_make("small", lambda: "xx")
    assert cache.get_or_make("huge", lambda: "z" * 11) == "z" * 11
    assert "huge" not in cache
    assert "small" in cache and cache.weight == 2


def test_an_error_is_not_cached() -> None:
    cache = weighed(10, 100)

    def fail() -> str:
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        cache.get_or_make("k", fail)
    assert "k" not in cache and cache.weight == 0
    assert cache.get_or_make("k", lambda: "ok") == "ok"


def test_a_size_of_zero_keeps_nothing() -> None:
    cache = weighed(0, None)
    assert cache.get_or_make("a", lambda: "v") == "v"
    assert len(cache) == 0


def test_threads_that_miss_one_key_at_once_get_the_value_kept_first() -> None:
    cache: LruCache[object] = LruCache(10)
    both_made = threading.Barrier(2)
    results: list[object] = []

    def make() -> object:
        value = object()
        both_made.wait(timeout=10)  # both threads are inside make before either keeps
        return value

    def worker() -> None:
        results.append(cache.get_or_make("k", make))

    in_two_threads(worker)
    assert len(results) == 2 and results[0] is results[1]
    assert cache.get_or_make("k", object) is results[0]


class Owner:
    """Something a memo can be tied to (weak-referenceable)."""


def test_memo_threads_that_make_one_entry_at_once_share_one_value() -> None:
    memo: ArticleMemo[object] = ArticleMemo()
    owner = Owner()
    both_made = threading.Barrier(2)
    results: list[object] = []

    def make() -> object:
        value = object()
        both_made.wait(timeout=10)
        return value

    def worker() -> None:
        results.append(memo.get_or_make(owner, "key", make))

    in_two_threads(worker)
    assert len(results) == 2 and results[0] is results[1]
    assert memo.get_or_make(owner, "key", object) is results[0]


def test_memo_entries_leave_with_their_owner() -> None:
    memo: ArticleMemo[list[int]] = ArticleMemo()
    owner = Owner()
    memo.get_or_make(owner, "a", lambda: [1])
    memo.get_or_make(owner, "b", lambda: [2])
    assert len(memo._values) == 2
    del owner
    gc.collect()
    assert memo._values == {}


def test_few_kept_makes_a_value_once_and_lets_all_go_past_its_size() -> None:
    kept: FewKept[str, list[str]] = FewKept(2)
    made: list[str] = []

    def make(key: str) -> list[str]:
        made.append(key)
        return [key]

    first = kept.get_or_make("a", lambda: make("a"))
    assert kept.get_or_make("a", lambda: make("a")) is first
    kept.get_or_make("b", lambda: make("b"))
    kept.get_or_make("c", lambda: make("c"))  # past two: "a" and "b" are let go
    assert len(kept) == 1
    assert kept.get_or_make("a", lambda: make("a")) is not first
    assert made == ["a", "b", "c", "a"]


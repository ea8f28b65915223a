"""Running one function over many articles: all local cores, or an existing Dask cluster.

The same worker function and arguments run either way, so a corpus job grows into a
cluster job by passing an address, not by a rewrite. Results come back in input order.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from rich.progress import Progress

from layout.errors import ConfigError, Problem

Work = Callable[..., Any]


def run_all(
    work: Work,
    items: Sequence[Any],
    args: tuple[Any, ...],
    *,
    workers: int | None = None,
    dask_address: str | None = None,
    label: str = "batches",
) -> list[Any]:
    """``[work(item, *args) for item in items]``, spread over processes or a Dask cluster."""
    with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task(label, total=len(items))
        if dask_address is not None:
            return _on_dask(work, items, args, dask_address, lambda: progress.advance(task))
        workers = workers or os.cpu_count() or 1
        if workers == 1 or len(items) < 2:
            results = []
            for item in items:
                results.append(work(item, *args))
                progress.advance(task)
            return results
        chunk = max(1, len(items) // (workers * 4))  # items may be batches already
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = []
            for result in pool.map(
                work, items, *([arg] * len(items) for arg in args), chunksize=chunk
            ):
                results.append(result)
                progress.advance(task)
            return results


def _on_dask(
    work: Work,
    items: Sequence[Any],
    args: tuple[Any, ...],
    address: str,
    advance: Callable[[], None],
) -> list[Any]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ConfigError(
            "--dask", [Problem("", "needs the dask extra: pip install 'layout[dask]'")]
        ) from None

    with Client(address) as client:  # type: ignore[no-untyped-call]
        futures = [client.submit(work, item, *args, pure=False) for item in items]
        for _ in as_completed(futures):  # type: ignore[no-untyped-call]
            advance()
        results: list[Any] = client.gather(futures)
        return results

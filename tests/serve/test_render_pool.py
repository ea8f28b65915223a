"""The render pool on its own: jobs blocked on events fill it, and the next one is refused."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future

import pytest

from layout.serve.pool import PoolFull, RenderPool

WAIT = 10.0  # a bound on waiting for a thread, never a measurement


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Blocked jobs wait on this; it is always opened at the end, so no thread is left."""
    event = threading.Event()
    yield event
    event.set()


def blocked_job(gate: threading.Event, started: threading.Semaphore) -> Callable[[], str]:
    def job() -> str:
        started.release()
        assert gate.wait(WAIT)
        return "done"

    return job


def test_a_full_pool_refuses_the_next_job_at_once(gate: threading.Event) -> None:
    pool = RenderPool(threads=2, queue=1)
    started = threading.Semaphore(0)
    futures: list[Future[str]] = [pool.submit(blocked_job(gate, started)) for _ in range(3)]
    assert started.acquire(timeout=WAIT) and started.acquire(timeout=WAIT)  # 2 run, 1 waits
    assert pool.admitted == 3
    ran: list[str] = []

    def refused() -> str:
        ran.append("the refused job ran")
        return ""

    with pytest.raises(PoolFull):
        pool.submit(refused)
    gate.set()
    assert [future.result(timeout=WAIT) for future in futures] == ["done"] * 3
    pool.shutdown()
    assert ran == []
    assert pool.admitted == 0


def test_room_comes_back_when_a_job_finishes(gate: threading.Event) -> None:
    pool = RenderPool(threads=1, queue=0)
    started = threading.Semaphore(0)
    first = pool.submit(blocked_job(gate, started))
    assert started.acquire(timeout=WAIT)
    with pytest.raises(PoolFull):
        pool.submit(lambda: "refused")
    gate.set()
    assert first.result(timeout=WAIT) == "done"
    assert pool.submit(lambda: "accepted").result(timeout=WAIT) == "accepted"
    pool.shutdown()


def test_a_failing_job_gives_its_place_back_and_its_error_to_the_caller() -> None:
    pool = RenderPool(threads=1, queue=0)

    def fail() -> str:
        raise ValueError("bad article")

    with pytest.raises(ValueError, match="bad article"):
        pool.submit(fail).result(timeout=WAIT)
    assert pool.submit(lambda: "next").result(timeout=WAIT) == "next"
    pool.shutdown()


def test_run_awaits_a_job_on_a_pool_thread() -> None:
    pool = RenderPool(threads=1, queue=0)

    async def main() -> tuple[str, str]:
        name = await pool.run(lambda: threading.current_thread().name)
        return name, threading.current_thread().name

    worker, loop_thread = asyncio.run(main())
    pool.shutdown()
    assert worker != loop_thread
    assert worker.startswith("layout-render")


def test_shutdown_lets_running_and_waiting_jobs_finish(gate: threading.Event) -> None:
    pool = RenderPool(threads=1, queue=1)
    started = threading.Semaphore(0)
    running = pool.submit(blocked_job(gate, started))
    waiting = pool.submit(lambda: "waited")
    assert started.acquire(timeout=WAIT)
    stopper = threading.Thread(target=pool.shutdown)
    stopper.start()
    gate.set()
    stopper.join(timeout=WAIT)
    assert not stopper.is_alive()
    assert running.result(timeout=0) == "done"
    assert waiting.result(timeout=0) == "waited"
    with pytest.raises(PoolFull):
        pool.submit(lambda: "after shutdown")


@pytest.mark.parametrize(("threads", "queue"), [(0, 1), (1, -1)])
def test_sizes_are_checked(threads: int, queue: int) -> None:
    with pytest.raises(ValueError):
        RenderPool(threads, queue)

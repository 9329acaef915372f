"""The listeners' pool: work runs and reports through its future, spare threads are started by
the pool's own spawner (never by the caller of ``submit``), the limit holds, shutdown ends it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.warm_pool import WarmThreadPool


def eventually(check: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.005)
    raise AssertionError("condition not met in time")


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def test_work_runs_and_its_result_and_error_reach_the_future() -> None:
    pool = WarmThreadPool(4, 2, thread_name_prefix="t")
    try:
        assert pool.submit(lambda x, y: x + y, 2, y=3).result(timeout=5) == 5

        def fails() -> None:
            raise ValueError("boom")

        with pytest.raises(ValueError, match="boom"):
            pool.submit(fails).result(timeout=5)
    finally:
        pool.shutdown()


def test_spare_threads_are_started_before_they_are_needed(release: threading.Event) -> None:
    pool = WarmThreadPool(50, 3, thread_name_prefix="t")
    try:
        assert pool.thread_count == 3  # started with the pool
        started_by: list[str] = []
        real_start = threading.Thread.start

        def start(thread: threading.Thread) -> None:
            started_by.append(threading.current_thread().name)
            real_start(thread)

        threading.Thread.start = start  # type: ignore[method-assign]
        try:
            futures = [pool.submit(release.wait, 5) for _ in range(10)]
            # Ten busy threads, and three idle ones waiting for the next requests.
            eventually(lambda: pool.thread_count == 13)
        finally:
            threading.Thread.start = real_start  # type: ignore[method-assign]
        assert started_by
        assert set(started_by) == {"t-spawner"}
        release.set()
        assert all(f.result(timeout=5) for f in futures)
    finally:
        pool.shutdown()


def test_never_more_threads_than_the_limit_and_queued_work_still_runs(
    release: threading.Event,
) -> None:
    pool = WarmThreadPool(4, 2, thread_name_prefix="t")
    try:
        ran: list[int] = []
        lock = threading.Lock()

        def work(n: int) -> None:
            release.wait(5)
            with lock:
                ran.append(n)

        futures = [pool.submit(work, n) for n in range(12)]
        time.sleep(0.1)
        assert pool.thread_count == 4
        release.set()
        for future in futures:
            future.result(timeout=5)
        assert sorted(ran) == list(range(12))
        assert pool.thread_count == 4
    finally:
        pool.shutdown()


def test_shutdown_waits_for_running_work_and_refuses_new_work() -> None:
    pool = WarmThreadPool(3, 1, thread_name_prefix="t")
    done = threading.Event()

    def slow() -> None:
        time.sleep(0.1)
        done.set()

    pool.submit(slow)
    pool.shutdown(wait=True)
    assert done.is_set()
    with pytest.raises(RuntimeError):
        pool.submit(slow)


def test_shutdown_can_cancel_work_not_yet_started(release: threading.Event) -> None:
    pool = WarmThreadPool(1, 1, thread_name_prefix="t")
    running = pool.submit(release.wait, 5)
    waiting = pool.submit(lambda: "never")
    eventually(running.running)
    release.set()
    pool.shutdown(wait=True, cancel_futures=True)
    assert running.result(timeout=5) is True
    assert waiting.cancelled() or waiting.result(timeout=5) == "never"


def test_spares_cannot_exceed_the_limit() -> None:
    with pytest.raises(ValueError, match="spare"):
        WarmThreadPool(2, 3)

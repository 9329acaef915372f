"""The listeners' thread pool, its threads started ahead of need.

``concurrent.futures.ThreadPoolExecutor`` starts a thread inside ``submit`` when none is idle,
and ``Thread.start()`` waits until the new thread has run; in a busy process that wait is a turn
at the interpreter behind every other thread (measured: 80 ms at the median, 200 ms at p95,
under the mixed benchmark), and Bolt submits a listener before the request can be acked. Here a
spawner thread of its own keeps ``spare`` threads idle, so ``submit`` only queues: the work after
acks (Slack calls waiting their turn in the pacer) may hold many threads, and the next request
still finds one waiting.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_STOP = None


class WarmThreadPool(Executor):
    """At most ``max_workers`` threads, ``spare`` of them kept idle by a spawner thread."""

    def __init__(self, max_workers: int, spare: int, thread_name_prefix: str = "worker") -> None:
        if spare > max_workers:
            raise ValueError("spare threads cannot exceed max_workers")
        self._max_workers = max_workers
        self._spare = spare
        self._prefix = thread_name_prefix
        self._work: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # threads waiting for work
        self._queued = 0  # work not yet taken by a thread
        self._shutdown = False
        self._wanted = threading.Event()
        for _ in range(spare):
            self._start_thread()
        self._spawner = threading.Thread(
            target=self._keep_spares, name=f"{thread_name_prefix}-spawner", daemon=True
        )
        self._spawner.start()

    @property
    def thread_count(self) -> int:
        return len(self._threads)

    def _short(self) -> bool:
        return (
            not self._shutdown
            and self._idle - self._queued < self._spare
            and len(self._threads) < self._max_workers
        )

    def _start_thread(self) -> None:
        thread = threading.Thread(
            target=self._work_loop, name=f"{self._prefix}_{len(self._threads)}", daemon=True
        )
        with self._lock:
            self._threads.append(thread)
            self._idle += 1
        thread.start()

    def _keep_spares(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._shutdown:
                return
            while True:
                with self._lock:
                    short = self._short()
                if not short:
                    break
                self._start_thread()

    def _work_loop(self) -> None:
        while True:
            item = self._work.get()
            with self._lock:
                self._idle -= 1
                if item is not _STOP:
                    self._queued -= 1
            if item is _STOP:
                return
            future, run = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(run())
                except BaseException as error:
                    future.set_exception(error)
            del future, run, item
            with self._lock:
                self._idle += 1

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new work after shutdown")
            self._queued += 1
            short = self._short()
        self._work.put((future, lambda: fn(*args, **kwargs)))
        if short:
            self._wanted.set()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True
            threads = list(self._threads)
        self._wanted.set()
        if cancel_futures:
            while True:
                try:
                    item = self._work.get_nowait()
                except queue.Empty:
                    break
                if item is not _STOP:
                    item[0].cancel()
                    with self._lock:
                        self._queued -= 1
        for _ in threads:
            self._work.put(_STOP)
        if wait:
            for thread in threads:
                thread.join()
            self._spawner.join()

"""Callbacks run at a deadline by one thread, instead of a ``threading.Timer`` (a new thread,
started while the caller waits for it) per deadline: a slash command's ack budget is set on
every command, before its ack, when starting a thread is slowest."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.logging import get_logger

log = get_logger(__name__)


@dataclass
class Deadline:
    """A callback waiting for its time; :meth:`cancel` stops it if it has not run yet."""

    callback: Callable[[], None]
    cancelled: bool = field(default=False)

    def cancel(self) -> None:
        self.cancelled = True


class Deadlines:
    """One daemon thread, started on first use, running each callback at its time."""

    def __init__(self, name: str = "deadlines") -> None:
        self._name = name
        self._due: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Deadline:
        deadline = Deadline(callback)
        with self._changed:
            heapq.heappush(self._due, (time.monotonic() + seconds, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._changed.notify()
        return deadline

    def _next(self) -> Deadline:
        with self._changed:
            while True:
                if self._due:
                    at, _, deadline = self._due[0]
                    left = at - time.monotonic()
                    if left <= 0:
                        heapq.heappop(self._due)
                        return deadline
                    self._changed.wait(left)
                else:
                    self._changed.wait()

    def _run(self) -> None:
        while True:
            deadline = self._next()
            if deadline.cancelled:
                continue
            try:
                deadline.callback()
            except Exception:
                log.exception("deadline.callback.failed")


# One per process, shared by every request's ack budget.
DEADLINES = Deadlines()

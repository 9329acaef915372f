"""Callbacks at a deadline from one thread: each runs once, in time order, not before its time;
a cancelled one never runs; one that fails does not stop the rest."""

from __future__ import annotations

import threading
import time

from bot.deadlines import Deadlines


def test_callbacks_run_in_deadline_order_once_each_and_not_early() -> None:
    deadlines = Deadlines(name="test-deadlines")
    ran: list[tuple[str, float]] = []
    finished = threading.Event()
    started = time.monotonic()

    def note(label: str) -> None:
        ran.append((label, time.monotonic() - started))
        if len(ran) == 3:
            finished.set()

    deadlines.call_later(0.15, lambda: note("late"))
    deadlines.call_later(0.05, lambda: note("early"))
    deadlines.call_later(0.10, lambda: note("middle"))
    assert finished.wait(5)
    assert [label for label, _ in ran] == ["early", "middle", "late"]
    for (_, at), due in zip(ran, (0.05, 0.10, 0.15), strict=True):
        assert at >= due
    threads = [t for t in threading.enumerate() if t.name == "test-deadlines"]
    assert len(threads) == 1


def test_a_cancelled_deadline_never_runs_and_a_failing_one_stops_nothing() -> None:
    deadlines = Deadlines(name="test-deadlines-2")
    ran: list[str] = []
    after = threading.Event()

    def fails() -> None:
        raise RuntimeError("boom")

    cancelled = deadlines.call_later(0.02, lambda: ran.append("cancelled"))
    deadlines.call_later(0.03, fails)
    deadlines.call_later(0.06, after.set)
    cancelled.cancel()
    assert after.wait(5)
    assert ran == []

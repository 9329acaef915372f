"""Slack's message budget shared by every process (PostgreSQL): bookings from several pacers
(as the web process and two workers would make them) keep to one steady rate between them, at
once from many threads too, and an interactive message goes ahead of the bulk queued at the
steady rate. SQLite runs one process, and books in memory."""

from __future__ import annotations

import threading
import time as real_time
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
from sqlalchemy import Engine

from bot.pacing import Budget, Pacer
from storage.db import SessionFactory
from storage.slack_budgets import DatabaseBudgets

MESSAGES = Budget(per_minute=300, burst=10)  # Slack's, as bot.pacing.SlackLimits has it
INTERVAL = MESSAGES.interval
SLACK = 0.03  # seconds of scheduling noise allowed between two bookings' clocks


@pytest.fixture
def shared(engine: Engine, sessions: SessionFactory) -> DatabaseBudgets:
    if engine.dialect.name != "postgresql":
        pytest.skip("the shared budget is PostgreSQL's: SQLite runs one process")
    return DatabaseBudgets(sessions)


def _process(shared: DatabaseBudgets) -> Pacer:
    """A pacer as one process has it, booking the workspace budget in the database."""
    pacer = Pacer(clock=real_time.monotonic, sleep=lambda _: None)
    pacer.share(shared, "workspace")
    return pacer


def test_three_processes_keep_one_steady_rate(shared: DatabaseBudgets) -> None:
    web, worker_a, worker_b = (_process(shared) for _ in range(3))
    processes = (worker_a, worker_b, web)
    booked = [
        processes[n % 3].reserve("chat.postMessage", f"U{n:08d}", bulk=True) for n in range(30)
    ]
    gaps = [later - earlier for earlier, later in pairwise(booked)]
    assert min(gaps) >= INTERVAL - SLACK, gaps
    # 30 messages take 29 intervals however many processes book them: 300 a minute together.
    assert booked[-1] - booked[0] >= 29 * INTERVAL - SLACK


def test_threads_booking_at_once_get_distinct_slots(shared: DatabaseBudgets) -> None:
    pacers = [_process(shared) for _ in range(4)]
    start = threading.Barrier(16)

    def book(n: int) -> float:
        start.wait()
        return pacers[n % 4].reserve("chat.postMessage", f"U{n:08d}", bulk=True)

    with ThreadPoolExecutor(max_workers=16) as pool:
        booked = sorted(pool.map(book, range(16)))
    assert len(booked) == 16
    assert booked[-1] - booked[0] >= 15 * INTERVAL - 2 * SLACK


def test_an_interactive_message_goes_ahead_of_the_bulk(shared: DatabaseBudgets) -> None:
    worker, web = _process(shared), _process(shared)
    queued = [worker.reserve("chat.postMessage", f"U{n:08d}", bulk=True) for n in range(6)]
    assert queued[-1] - real_time.monotonic() >= 4 * INTERVAL  # the bulk waits its turn
    asked = web.reserve("chat.postMessage", "U0MENTOR1")
    # Within the burst: it goes now, not after the six queued check-ins.
    assert asked - real_time.monotonic() <= SLACK
    # And the next bulk message still keeps the steady rate after everything booked.
    after = worker.reserve("chat.postMessage", "U0LATER01", bulk=True)
    assert after >= queued[-1] + INTERVAL - SLACK

"""Several ticks at once against a real PostgreSQL, in threads and in separate `mentorbot tick`
processes: every slot reaches every recipient exactly once, as counted by the Slack fake."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.jobs import run_tick
from bot.slack_client import make_web_client
from bot.tick import StepResult
from tests.clock import FrozenClock
from tests.conftest import BOT_TOKEN
from tests.harness import Harness
from tests.scheduler.helpers import checkin_dms, make_pair

MENTORBOT = str(Path(sys.executable).with_name("mentorbot"))
PAIRS = 12
THREADS = 4
FIRST_SLOT = datetime(2027, 1, 5, 14, tzinfo=UTC)  # Tuesday 09:00 in New York


@pytest.fixture
def many_pairs(harness: Harness, engine: Engine) -> list[str]:
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent ticks need row locks: PostgreSQL only (SQLite runs one scheduler)")
    harness.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    people: list[str] = []
    for n in range(PAIRS):
        mentor, mentee = f"U0CMTR{n:03d}", f"U0CMTE{n:03d}"
        harness.fake.add_user(mentor, f"mentor{n}", tz="America/New_York")
        harness.fake.add_user(mentee, f"mentee{n}", tz="America/Chicago")
        make_pair(harness, mentor=mentor, mentee=mentee, at="09:00")
        people += [mentor, mentee]
    return people


def _ticks_in_threads(harness: Harness, now: datetime, count: int) -> list[StepResult]:
    barrier = threading.Barrier(count)
    results: list[StepResult] = []
    errors: list[BaseException] = []

    def tick() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(run_tick(harness.ctx, make_web_client(harness.settings), now))
        except BaseException as error:  # surfaced below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=tick) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def _tick_processes(harness: Harness, now: datetime, count: int) -> list[subprocess.Popen[str]]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        DATABASE_URL=harness.settings.database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=harness.fake.base_url,
        DEFAULT_TIMEZONE="America/New_York",
        LOG_FORMAT="json",
    )
    return [
        subprocess.Popen(
            [MENTORBOT, "tick", "--now", now.isoformat()],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]


def _per_recipient_and_message(harness: Harness) -> Counter[tuple[str, str]]:
    return Counter(
        (str(call.args["channel"]), str(call.args["blocks"])) for call in checkin_dms(harness)
    )


def test_concurrent_ticks_send_each_slot_once_per_recipient(
    harness: Harness, many_pairs: list[str]
) -> None:
    results = _ticks_in_threads(harness, FIRST_SLOT, THREADS)
    assert sum(r.sent for r in results) == 2 * PAIRS
    assert sum(r.failed for r in results) == 0
    assert Counter(str(c.args["channel"]) for c in checkin_dms(harness)) == Counter(many_pairs)

    # Next week: two `mentorbot tick` processes and two threads, all at once.
    second = FIRST_SLOT + timedelta(weeks=1)
    harness.clock.set(second)
    processes = _tick_processes(harness, second, 2)
    _ticks_in_threads(harness, second, 2)
    for process in processes:
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    counts = Counter(str(c.args["channel"]) for c in checkin_dms(harness))
    assert counts == Counter(dict.fromkeys(many_pairs, 2))
    assert max(_per_recipient_and_message(harness).values()) == 1


SLOW_PAIRS = 60  # 120 DMs: more than one chunk of claims
# Slow enough that the first tick is still sending its first chunk when the second has started.
SLOW_SLACK_SECONDS = 0.2


def test_a_tick_sending_for_longer_than_the_claim_timeout_is_not_taken_over(
    harness: Harness, engine: Engine
) -> None:
    """The first tick's clock passes the claim timeout while it is still sending (Slack is
    slow, and the test moves that tick's clock on); a second `mentorbot tick` started then
    must leave the first tick's claims alone and send only what nobody has claimed."""
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent ticks need row locks: PostgreSQL only (SQLite runs one scheduler)")
    harness.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    people: list[str] = []
    for n in range(SLOW_PAIRS):
        mentor, mentee = f"U0SMTR{n:03d}", f"U0SMTE{n:03d}"
        harness.fake.add_user(mentor, f"slowmentor{n}", tz="America/New_York")
        harness.fake.add_user(mentee, f"slowmentee{n}", tz="America/New_York")
        make_pair(harness, mentor=mentor, mentee=mentee, at="09:00")
        people += [mentor, mentee]
    harness.clock.set(FIRST_SLOT)
    harness.fake.latency = SLOW_SLACK_SECONDS
    first_clock = FrozenClock(FIRST_SLOT)
    results: list[StepResult] = []
    first = threading.Thread(
        target=lambda: results.append(
            run_tick(harness.ctx, make_web_client(harness.settings), FIRST_SLOT, clock=first_clock)
        )
    )
    first.start()
    sent = harness.fake.wait_for("chat.postMessage", count=5, timeout=30)
    # Twenty minutes pass on the first tick's clock; its next send renews its claims first.
    later = first_clock.advance(timedelta(minutes=20))
    harness.fake.wait_for("chat.postMessage", count=len(sent) + 2, timeout=30)
    (second,) = _tick_processes(harness, later, 1)
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    harness.fake.latency = 0
    first.join(timeout=120)
    assert not first.is_alive()

    counts = Counter(str(c.args["channel"]) for c in checkin_dms(harness))
    assert counts == Counter(dict.fromkeys(people, 1))
    assert results[0].sent < 2 * SLOW_PAIRS  # the second tick sent the chunk nobody had claimed
    assert results[0].failed == 0

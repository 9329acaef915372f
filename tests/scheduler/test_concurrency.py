"""Several ticks at once against a real PostgreSQL, in threads and in separate `mentorbot tick`
processes released together: every slot reaches every recipient exactly once, and the weekly
digest, due at the same moment, is posted once, as counted by the Slack fake.

Check-ins are guarded twice (a row lock on the pairing, then the outbox key); the digest only by
the outbox key, so it is what shows that the key's uniqueness holds under a real race."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.jobs import run_tick
from bot.settings import Settings
from bot.slack_client import make_web_client
from bot.tick import StepResult
from tests.clock import FrozenClock
from tests.conftest import BOT_TOKEN, COORDINATOR_CHANNEL, make_settings
from tests.harness import Harness
from tests.scheduler import released_tick
from tests.scheduler.helpers import checkin_dms, make_pairs
from tests.slack.fake_slack import FakeSlack

RELEASED_TICK = str(Path(released_tick.__file__))
PAIRS = 12
THREADS = 4
FIRST_SLOT = datetime(2027, 1, 5, 14, tzinfo=UTC)  # Tuesday 09:00 in New York
DIGEST = {"digest_weekday": 1, "digest_time": "09:00"}  # the digest is due at FIRST_SLOT too


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack) -> Settings:
    return make_settings(database_url=db_url, slack_api_url=fake_slack.base_url, **DIGEST)


@pytest.fixture
def many_pairs(harness: Harness, engine: Engine) -> list[str]:
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent ticks need row locks: PostgreSQL only (SQLite runs one scheduler)")
    harness.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    return make_pairs(harness, "C", PAIRS, mentee_tz="America/Chicago")


def _ticks_in_threads(
    harness: Harness, now: datetime, count: int, release: Callable[[], None] | None = None
) -> list[StepResult]:
    """``count`` ticks in threads started together; ``release`` runs as they start."""
    barrier = threading.Barrier(count, action=release)
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


@contextmanager
def _tick_processes(
    harness: Harness, now: datetime, count: int, gate: Path
) -> Iterator[tuple[list[subprocess.Popen[str]], Callable[[], None]]]:
    """``count`` `mentorbot tick` processes, started and held at ``gate`` (a file the test
    locks) until the yielded ``release`` is called, or the block ends; then they tick together."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        DATABASE_URL=harness.settings.database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=harness.fake.base_url,
        DEFAULT_TIMEZONE="America/New_York",
        COORDINATOR_CHANNEL=COORDINATOR_CHANNEL,
        DIGEST_WEEKDAY=str(DIGEST["digest_weekday"]),
        DIGEST_TIME=str(DIGEST["digest_time"]),
        LOG_FORMAT="json",
    )
    gate.touch()
    with gate.open(encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        processes = [
            subprocess.Popen(
                [sys.executable, RELEASED_TICK, str(gate), "tick", "--now", now.isoformat()],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(count)
        ]
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == f"{released_tick.MARK} ready"

        def release() -> None:
            fcntl.flock(held, fcntl.LOCK_UN)

        try:
            yield processes, release
        finally:
            release()


def _tick_span(output: str) -> tuple[float, float]:
    """When a released tick started and ended, from what it printed."""
    times = {
        words[1]: float(words[2])
        for words in (line.split() for line in output.splitlines())
        if len(words) == 3 and words[0] == released_tick.MARK
    }
    return times["started"], times["ended"]


def _digests(harness: Harness) -> list[str]:
    return [
        str(call.args.get("text"))
        for call in harness.fake.calls_to("chat.postMessage")
        if call.ok and call.args.get("channel") == COORDINATOR_CHANNEL
    ]


def _per_recipient_and_message(harness: Harness) -> Counter[tuple[str, str]]:
    return Counter(
        (str(call.args["channel"]), str(call.args["blocks"])) for call in checkin_dms(harness)
    )


def test_concurrent_ticks_send_each_slot_once_per_recipient(
    harness: Harness, many_pairs: list[str], tmp_path: Path
) -> None:
    results = _ticks_in_threads(harness, FIRST_SLOT, THREADS)
    assert sum(r.sent for r in results) == 2 * PAIRS + 1
    assert sum(r.failed for r in results) == 0
    assert Counter(str(c.args["channel"]) for c in checkin_dms(harness)) == Counter(many_pairs)
    assert len(_digests(harness)) == 1

    # Next week: two `mentorbot tick` processes, released together, and two threads.
    second = FIRST_SLOT + timedelta(weeks=1)
    harness.clock.set(second)
    with _tick_processes(harness, second, 2, tmp_path / "gate") as (processes, release):
        _ticks_in_threads(harness, second, 2, release)
    spans = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        spans.append(_tick_span(out))
    assert max(start for start, _ in spans) < min(end for _, end in spans), spans
    counts = Counter(str(c.args["channel"]) for c in checkin_dms(harness))
    assert counts == Counter(dict.fromkeys(many_pairs, 2))
    assert max(_per_recipient_and_message(harness).values()) == 1
    assert len(_digests(harness)) == 2


SLOW_PAIRS = 60  # 120 DMs: more than one chunk of claims
# Slow enough that the first tick is still sending its first chunk when the second has started.
SLOW_SLACK_SECONDS = 0.2


def test_a_tick_sending_for_longer_than_the_claim_timeout_is_not_taken_over(
    harness: Harness, engine: Engine, tmp_path: Path
) -> None:
    """The first tick's clock passes the claim timeout while it is still sending (Slack is
    slow, and the test moves that tick's clock on); a second `mentorbot tick` started then
    must leave the first tick's claims alone and send only what nobody has claimed."""
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent ticks need row locks: PostgreSQL only (SQLite runs one scheduler)")
    harness.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    people = make_pairs(harness, "S", SLOW_PAIRS)
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
    with _tick_processes(harness, later, 1, tmp_path / "gate") as (processes, release):
        release()
    (second,) = processes
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    harness.fake.latency = 0
    first.join(timeout=120)
    assert not first.is_alive()

    counts = Counter(str(c.args["channel"]) for c in checkin_dms(harness))
    assert counts == Counter(dict.fromkeys(people, 1))
    assert results[0].sent < 2 * SLOW_PAIRS  # the second tick sent the chunk nobody had claimed
    assert results[0].failed == 0

"""A `mentorbot tick` process killed mid-chunk (SIGKILL, as a deploy or the out-of-memory
killer does it) repeats at most the one DM that was in flight: each DM Slack accepted is
recorded before the next goes out. On SQLite and PostgreSQL, with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import BOT_TOKEN
from tests.harness import Harness
from tests.scheduler.helpers import checkin_dms, make_pairs

FIRST_SLOT = datetime(2027, 1, 5, 14, tzinfo=UTC)  # Tuesday 09:00 in New York
PAIRS = 12
KILLED_AT = 6  # the DM during which the process dies


def _tick(harness: Harness, now: datetime) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        DATABASE_URL=harness.settings.database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=harness.fake.base_url,
        DEFAULT_TIMEZONE="America/New_York",
        LOG_FORMAT="json",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "tick", "--now", now.isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_killed_tick_repeats_at_most_the_dm_in_flight(harness: Harness) -> None:
    harness.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    people = make_pairs(harness, "K", PAIRS)

    first = _tick(harness, FIRST_SLOT)
    seen: list[int] = []

    def die_during_a_send(_args: dict[str, Any]) -> None:
        seen.append(1)
        if len(seen) == KILLED_AT:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)  # dead before Slack answers this DM

    harness.fake.before("chat.postMessage", die_during_a_send)
    try:
        first.communicate(timeout=120)
    finally:
        harness.fake.before("chat.postMessage", None)
    assert first.returncode == -signal.SIGKILL
    # Five went out before it; the one in flight may or may not have reached Slack.
    assert KILLED_AT - 1 <= len(checkin_dms(harness)) <= KILLED_AT

    # After the claim timeout the next tick takes the dead tick's claims over.
    later = FIRST_SLOT + timedelta(minutes=harness.settings.claim_timeout_minutes + 1)
    second = _tick(harness, later)
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err

    counts = Counter(str(c.args["channel"]) for c in checkin_dms(harness))
    assert set(counts) == set(people)  # nobody's check-in was lost
    doubled = [person for person, times in counts.items() if times > 1]
    assert len(doubled) <= 1, doubled  # at most the DM in flight went twice
    assert max(counts.values()) <= 2

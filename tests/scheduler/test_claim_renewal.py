"""A tick that takes longer than the claim timeout renews its claims as it goes, on SQLite as
on PostgreSQL: at no moment of its sending does any of its claims look abandoned to another
tick, and every check-in goes out once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from structlog.testing import capture_logs

from bot.jobs import run_tick
from bot.slack_client import make_web_client
from storage.models import ScheduledSend
from storage.outbox import CLAIMED
from tests.clock import FrozenClock
from tests.harness import Harness
from tests.scheduler.helpers import checkin_dms, make_pairs

FIRST_SLOT = datetime(2027, 1, 5, 14, tzinfo=UTC)  # Tuesday 09:00 in New York
PAIRS = 8
STEP = timedelta(minutes=4)  # each DM "takes" four minutes: the tick outlives a 10-minute claim


def test_a_slow_tick_keeps_its_claims_fresh(harness: Harness) -> None:
    harness.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    people = make_pairs(harness, "RN", PAIRS)
    harness.clock.set(FIRST_SLOT)
    clock = FrozenClock(FIRST_SLOT)
    timeout = timedelta(minutes=harness.settings.claim_timeout_minutes)
    oldest_claims: list[timedelta] = []

    def slow_send(_args: dict[str, Any]) -> None:
        # What another tick would see now: how old the oldest claim is.
        with harness.session() as session:
            oldest = session.scalar(
                select(func.min(ScheduledSend.claimed_at)).where(ScheduledSend.status == CLAIMED)
            )
        if oldest is not None:
            oldest_claims.append(clock() - oldest)
        clock.advance(STEP)

    harness.fake.before("chat.postMessage", slow_send)
    with capture_logs() as logs:
        result = run_tick(harness.ctx, make_web_client(harness.settings), FIRST_SLOT, clock=clock)
    harness.fake.before("chat.postMessage", None)

    assert clock() - FIRST_SLOT >= 2 * PAIRS * STEP > timeout  # it outlived the timeout
    assert oldest_claims  # claims were held while it sent
    assert max(oldest_claims) < timeout  # ...and never looked abandoned
    assert result.failed == 0
    assert Counter(str(c.args["channel"]) for c in checkin_dms(harness)) == Counter(
        dict.fromkeys(people, 1)
    )
    assert not [e for e in logs if e.get("event") == "outbox.claims.lost"]

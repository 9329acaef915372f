"""Exactly once in every weather: 429 storms, 5xx, permanent failures, and a tick that died
between claiming a check-in and sending it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry import builtin_handlers, handler
from slack_sdk.web import SlackResponse
from sqlalchemy import select

from bot.jobs import run_tick
from storage.models import ScheduledSend
from storage.outbox import failed_sends_since
from tests.clock import VirtualTime
from tests.conftest import BOT_TOKEN, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.harness import Harness
from tests.scheduler.helpers import at, checkin_dms, make_pair

SLOT = datetime(2027, 1, 5, 14, tzinfo=UTC)  # Tuesday 09:00 in New York


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch, pacing_time: VirtualTime) -> list[float]:
    """What the pacer (its steady rate and 429s) and slack_sdk's retry handlers (5xx backoff)
    would have slept, recorded instead of slept."""
    for module in (builtin_handlers, handler):
        monkeypatch.setattr(module, "time", SimpleNamespace(sleep=pacing_time.sleep))
    return pacing_time.slept


@pytest.fixture
def backoffs(monkeypatch: pytest.MonkeyPatch, pacing_time: VirtualTime) -> list[float]:
    """What slack_sdk's retry handlers alone would have slept (5xx backoff)."""
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        pacing_time.sleep(seconds)

    for module in (builtin_handlers, handler):
        monkeypatch.setattr(module, "time", SimpleNamespace(sleep=sleep))
    return slept


# The scheduler's sends are bulk: they keep to Slack's steady rate (a wait of a fraction of a
# second each at most here, bot.pacing); anything longer is a 429's Retry-After.
PACE = 1.0


def _pairs(harness: Harness, count: int = 1) -> list[int]:
    harness.clock.set(utc(2027, 1, 4, 12))
    people = [(MENTOR, MENTEE), (MENTOR2, STRANGER)]
    return [make_pair(harness, mentor=m, mentee=e) for m, e in people[:count]]


def _sends(harness: Harness) -> list[ScheduledSend]:
    with harness.session() as session:
        return list(session.scalars(select(ScheduledSend).order_by(ScheduledSend.id)))


def test_a_429_storm_waits_retry_after_and_goes_on(harness: Harness, waits: list[float]) -> None:
    _pairs(harness)
    harness.fake.fail_next("chat.postMessage", status=429, retry_after=30, times=3)
    result = at(harness, SLOT)
    assert (result.sent, result.failed) == (2, 0)
    storm = [wait for wait in waits if wait >= PACE]
    assert len(storm) == 3
    assert all(30 - 1e-6 <= wait < 31 for wait in storm)
    assert len(checkin_dms(harness, MENTEE)) == len(checkin_dms(harness, MENTOR)) == 1


def test_a_storm_longer_than_the_retries_is_sent_on_a_later_tick(
    harness: Harness, waits: list[float]
) -> None:
    _pairs(harness)
    harness.fake.fail_next("chat.postMessage", status=429, retry_after=2, times=None)
    result = at(harness, SLOT)
    assert (result.sent, result.failed) == (0, 2)
    assert {s.status for s in _sends(harness)} == {"claimed"}
    harness.fake.clear_failures()
    result = at(harness, SLOT + timedelta(minutes=1))
    assert (result.sent, result.failed) == (2, 0)
    assert at(harness, SLOT + timedelta(minutes=2)).sent == 0
    assert len(checkin_dms(harness)) == 2


def test_5xx_is_retried_with_backoff(harness: Harness, backoffs: list[float]) -> None:
    _pairs(harness)
    harness.fake.fail_next("chat.postMessage", status=503, times=2)
    assert at(harness, SLOT).sent == 2
    assert len(backoffs) == 2
    assert len(checkin_dms(harness)) == 2


def test_a_permanent_failure_is_recorded_and_other_pairs_are_served(harness: Harness) -> None:
    _pairs(harness, 2)
    harness.fake.error_next("chat.postMessage", "account_inactive", times=1)
    result = at(harness, SLOT)
    assert (result.sent, result.failed) == (3, 1)
    failed = [s for s in _sends(harness) if s.status == "failed"]
    assert [(s.error, s.attempts) for s in failed] == [("account_inactive", 1)]
    assert len(checkin_dms(harness)) == 3
    with harness.session() as session:
        assert [s.id for s in failed_sends_since(session, SLOT - timedelta(days=7))] == [
            failed[0].id
        ]
    # Never retried.
    for minutes in (1, 15, 60):
        assert at(harness, SLOT + timedelta(minutes=minutes)).failed == 0
    assert len(checkin_dms(harness)) == 3


class _DiesBeforeSending(WebClient):
    """The process dies (killed, out of memory) just as it is about to call Slack."""

    def chat_postMessage(self, **kwargs: Any) -> SlackResponse:
        raise SystemExit("killed")


def test_a_tick_that_died_after_claiming_is_finished_after_the_claim_timeout(
    harness: Harness,
) -> None:
    _pairs(harness)
    harness.clock.set(SLOT)
    dying = _DiesBeforeSending(token=BOT_TOKEN, base_url=harness.settings.slack_api_url, timeout=5)
    with pytest.raises(SystemExit):
        run_tick(harness.ctx, dying, SLOT)
    assert checkin_dms(harness) == []
    assert {s.status for s in _sends(harness)} == {"claimed"}
    # Within the claim timeout the claimer may still be sending: leave it be.
    assert at(harness, SLOT + timedelta(minutes=9)).sent == 0
    assert at(harness, SLOT + timedelta(minutes=11)).sent == 2
    assert at(harness, SLOT + timedelta(minutes=30)).sent == 0
    assert len(checkin_dms(harness, MENTEE)) == len(checkin_dms(harness, MENTOR)) == 1
    assert {s.status for s in _sends(harness)} == {"sent"}


def test_a_tick_that_took_over_and_died_too_is_taken_over_in_its_turn(harness: Harness) -> None:
    _pairs(harness)
    harness.clock.set(SLOT)
    dying = _DiesBeforeSending(token=BOT_TOKEN, base_url=harness.settings.slack_api_url, timeout=5)
    with pytest.raises(SystemExit):
        run_tick(harness.ctx, dying, SLOT)
    first_claims = {s.id: s.claimed_at for s in _sends(harness)}
    # The second tick takes the claims over after the timeout, and dies before sending too.
    taken_over_at = SLOT + timedelta(minutes=11)
    harness.clock.set(taken_over_at)
    with pytest.raises(SystemExit):
        run_tick(harness.ctx, dying, taken_over_at)
    sends = _sends(harness)
    assert {s.status for s in sends} == {"claimed"}
    assert all(s.claimed_at is not None and s.claimed_at > first_claims[s.id] for s in sends)
    assert checkin_dms(harness) == []
    # Its claims are as good as anyone's: left alone within the timeout, taken after it.
    assert at(harness, taken_over_at + timedelta(minutes=9)).sent == 0
    assert at(harness, taken_over_at + timedelta(minutes=11)).sent == 2
    assert at(harness, taken_over_at + timedelta(minutes=30)).sent == 0
    assert len(checkin_dms(harness, MENTEE)) == len(checkin_dms(harness, MENTOR)) == 1
    assert {s.status for s in _sends(harness)} == {"sent"}


def test_a_send_that_keeps_failing_is_given_up_after_five_attempts(harness: Harness) -> None:
    _pairs(harness)
    harness.fake.error_next("chat.postMessage", "internal_error", times=None)
    # One attempt a tick: a passing failure is retried on a later tick, not at once.
    for minute in range(4):
        at(harness, SLOT + timedelta(minutes=minute))
        assert {(s.status, s.attempts) for s in _sends(harness)} == {("claimed", minute + 1)}
        assert len(harness.fake.calls_to("chat.postMessage")) == 2 * (minute + 1)
    at(harness, SLOT + timedelta(minutes=4))
    assert {(s.status, s.attempts, s.error) for s in _sends(harness)} == {
        ("failed", 5, "gave up after 5 attempts: internal_error")
    }
    calls = len(harness.fake.calls_to("chat.postMessage"))
    assert calls == 2 * 5
    harness.fake.clear_failures()
    assert at(harness, SLOT + timedelta(minutes=11)).sent == 0
    assert checkin_dms(harness) == []

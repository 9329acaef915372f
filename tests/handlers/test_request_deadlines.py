"""Unanswered requests: one reminder, then a polite expiry; each message exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.tick import StepResult
from handlers import ids
from handlers.flows import request_deadlines as deadlines
from handlers.flows.send_kinds import REQUEST_REMINDER as REMINDER
from storage.models import ScheduledSend
from tests.conftest import MENTEE, MENTOR, MENTOR2
from tests.handlers.helpers import all_text, buttons, dms_to, last_dm, only_request
from tests.harness import Harness


def ask(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)


def test_nothing_is_due_before_three_days(harness: Harness) -> None:
    ask(harness)
    harness.clock.advance(timedelta(days=2, hours=23))
    result = harness.tick()
    assert (result.sent, result.failed) == (0, 0)
    assert len(dms_to(harness, MENTOR)) == 1
    harness.clock.advance(timedelta(hours=1))  # exactly three days
    assert harness.tick().sent == 1


def test_one_reminder_after_three_days_however_many_ticks(harness: Harness) -> None:
    asked_at = harness.clock()
    ask(harness)
    harness.clock.advance(timedelta(days=3, minutes=1))
    first = harness.tick()
    assert (first.due, first.sent) == (1, 1)
    request = only_request(harness)
    assert (request.reminded_at, request.remind_at) == (harness.clock(), None)
    with harness.session() as session:
        send = session.scalars(select(ScheduledSend)).one()
        assert (send.kind, send.slot_at) == (REMINDER, asked_at + timedelta(days=3))
    assert harness.tick().sent == 0
    harness.clock.advance(timedelta(days=1))
    assert harness.tick().sent == 0

    reminders = dms_to(harness, MENTOR)
    assert len(reminders) == 2
    assert "gentle reminder" in all_text(reminders[-1].args["blocks"])
    assert ids.REQUEST_ACCEPT in buttons(reminders[-1].args["blocks"])


def test_each_request_due_in_one_tick_gets_its_own_reminder_and_expiry(harness: Harness) -> None:
    ask(harness)
    harness.command(f"ask <@{MENTOR2}> research", user_id=MENTEE)
    harness.clock.advance(timedelta(days=3, minutes=1))
    assert harness.tick().sent == 2
    for mentor in (MENTOR, MENTOR2):
        assert "gentle reminder" in all_text(last_dm(harness, mentor).args["blocks"])
    harness.clock.advance(timedelta(days=11))
    assert harness.tick().sent == 4
    for mentor in (MENTOR, MENTOR2):
        assert "has closed" in all_text(last_dm(harness, mentor).args["blocks"])
    closed = [m for m in dms_to(harness, MENTEE) if "closed without" in all_text(m.args["blocks"])]
    assert len(closed) == 2


def test_answered_requests_are_not_reminded(harness: Harness) -> None:
    ask(harness)
    value = buttons(last_dm(harness, MENTOR).args["blocks"])[ids.REQUEST_ACCEPT]["value"]
    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=value)
    harness.clock.advance(timedelta(days=15))
    result = harness.tick()
    assert (result.sent, result.failed) == (0, 0)


def test_expiry_after_fourteen_days_tells_both_once(harness: Harness) -> None:
    ask(harness)
    harness.clock.advance(timedelta(days=14, minutes=1))
    result = harness.tick()
    # The reminder was never sent (the bot was off): it is skipped, only the expiry goes.
    assert only_request(harness).status == "expired"
    assert "closed without an answer" in all_text(last_dm(harness, MENTEE).args["blocks"])
    assert "has closed" in all_text(last_dm(harness, MENTOR).args["blocks"])
    sent_before = len(harness.fake.calls_to("chat.postMessage"))
    assert harness.tick().sent == 0
    assert len(harness.fake.calls_to("chat.postMessage")) == sent_before
    assert result.failed == 0


def test_a_request_stays_open_until_exactly_fourteen_days(harness: Harness) -> None:
    ask(harness)
    harness.clock.advance(timedelta(days=13, hours=23))
    harness.tick()
    assert only_request(harness).status == "pending"
    assert dms_to(harness, MENTEE) == []
    assert not any("has closed" in all_text(m.args["blocks"]) for m in dms_to(harness, MENTOR))
    harness.clock.advance(timedelta(hours=1))
    assert harness.tick().sent == 2
    assert only_request(harness).status == "expired"
    assert "closed without an answer" in all_text(last_dm(harness, MENTEE).args["blocks"])


def test_a_permanent_failure_is_recorded_and_not_retried(harness: Harness) -> None:
    ask(harness)
    harness.clock.advance(timedelta(days=3, minutes=1))
    harness.fake.error_next("chat.postMessage", "account_inactive", times=None)
    result = harness.tick()
    assert result.failed == 1
    with harness.session() as session:
        send = session.scalars(select(ScheduledSend)).one()
        assert (send.status, send.error) == ("failed", "account_inactive")
    harness.clock.advance(timedelta(hours=1))
    assert harness.tick().failed == 0


def test_a_passing_failure_is_retried_on_the_next_tick(harness: Harness) -> None:
    ask(harness)
    harness.clock.advance(timedelta(days=3, minutes=1))
    harness.fake.error_next("chat.postMessage", "internal_error", times=1)
    assert harness.tick().failed == 1
    assert harness.tick().sent == 1
    assert len(dms_to(harness, MENTOR)) == 2


def test_a_claim_left_by_a_crashed_tick_is_sent_after_the_timeout(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(harness)
    harness.clock.advance(timedelta(days=3, minutes=1))
    with monkeypatch.context() as crash:
        # The process dies after committing its claim, before calling Slack.
        crash.setattr(deadlines, "deliver", lambda tick, kinds, ids: StepResult())
        harness.tick()
    assert only_request(harness).reminded_at == harness.clock()
    assert harness.tick().sent == 0  # within the claim timeout the claimer may still be sending
    assert len(dms_to(harness, MENTOR)) == 1
    harness.clock.advance(timedelta(minutes=11))
    assert harness.tick().sent == 1
    assert "gentle reminder" in all_text(last_dm(harness, MENTOR).args["blocks"])
    assert harness.tick().sent == 0


def test_an_expiry_claimed_by_a_crashed_tick_is_sent_after_the_timeout(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(harness)
    harness.clock.advance(timedelta(days=14))
    with monkeypatch.context() as crash:
        crash.setattr(deadlines, "deliver", lambda tick, kinds, ids: StepResult())
        harness.tick()
    assert only_request(harness).status == "expired"
    assert dms_to(harness, MENTEE) == []
    harness.clock.advance(timedelta(minutes=11))
    assert harness.tick().sent == 2
    assert "closed without an answer" in all_text(last_dm(harness, MENTEE).args["blocks"])
    assert harness.tick().sent == 0

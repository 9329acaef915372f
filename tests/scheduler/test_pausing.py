"""Pausing check-ins (rotations, nights, exams, leave) and resuming, by hand and by itself."""

from __future__ import annotations

from datetime import UTC, datetime

from structlog.testing import capture_logs

from handlers import ids
from tests.conftest import MENTEE, MENTOR, STRANGER
from tests.handlers.helpers import buttons, dms_to, ephemeral_replies, last_dm, modal_values
from tests.harness import Harness
from tests.scheduler.helpers import at, checkin_dms, dms_starting, make_pair, pairing


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _start(harness: Harness) -> int:
    harness.clock.set(utc(2027, 1, 4, 15))  # Monday 10:00 in New York
    return make_pair(harness)


def test_pause_for_two_weeks_then_resume_by_itself_with_a_dm(harness: Harness) -> None:
    pairing_id = _start(harness)
    harness.command("pause 2w", user_id=MENTEE)
    paused = pairing(harness, pairing_id)
    assert paused.status == "paused"
    assert paused.paused_until == utc(2027, 1, 18, 5)  # midnight 18 Jan in New York
    assert "paused your check-ins" in str(last_dm(harness, MENTOR).args["text"])
    assert any("Paused: no check-ins" in reply for reply in ephemeral_replies(harness))

    for slot in (utc(2027, 1, 5, 14), utc(2027, 1, 12, 14)):
        assert at(harness, slot).sent == 0
    assert checkin_dms(harness) == []

    at(harness, utc(2027, 1, 18, 5))  # the pause ends at night: the DMs wait for the morning
    resumed = pairing(harness, pairing_id)
    assert (resumed.status, resumed.paused_until) == ("active", None)
    assert resumed.next_checkin_at == utc(2027, 1, 19, 14)
    assert dms_starting(harness, MENTEE, "Check-ins with") == []
    at(harness, utc(2027, 1, 18, 13))
    at(harness, utc(2027, 1, 18, 14))
    for member in (MENTEE, MENTOR):
        (back,) = dms_starting(harness, member, "Check-ins with")
        assert "Tue 19 Jan" in str(back.args["blocks"])
    at(harness, utc(2027, 1, 19, 14))
    assert len(checkin_dms(harness)) == 2


def test_resume_early_by_command_and_by_button(harness: Harness) -> None:
    pairing_id = _start(harness)
    harness.command(f"pause <@{MENTOR}> until 2027-02-15", user_id=MENTEE)
    assert pairing(harness, pairing_id).status == "paused"
    harness.command("resume", user_id=MENTOR)
    resumed = pairing(harness, pairing_id)
    assert (resumed.status, resumed.next_checkin_at) == ("active", utc(2027, 1, 5, 14))
    assert "resumed your check-ins" in str(last_dm(harness, MENTEE).args["text"])

    harness.command("pause 1 week", user_id=MENTOR)
    reply = harness.fake.calls_to("response_url")[-1].args
    value = buttons(reply["blocks"])[ids.PAUSE_RESUME]["value"]
    harness.block_action(user_id=STRANGER, action_id=ids.PAUSE_RESUME, value=value)
    assert pairing(harness, pairing_id).status == "paused"
    harness.block_action(user_id=MENTOR, action_id=ids.PAUSE_RESUME, value=value)
    assert pairing(harness, pairing_id).status == "active"
    assert "aren't paused" in harness.command("resume", user_id=MENTOR).body


def test_pause_without_a_length_opens_a_date_picker(harness: Harness) -> None:
    pairing_id = _start(harness)
    harness.command("pause", user_id=MENTEE)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.PAUSE_VIEW
    values = modal_values(
        until=(
            ids.UNTIL_BLOCK,
            ids.UNTIL_INPUT,
            {"type": "datepicker", "selected_date": "2027-01-04"},
        )
    )
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.PAUSE_VIEW,
        private_metadata=view["private_metadata"],
        values=values,
    )
    assert response.json()["response_action"] == "errors"
    assert pairing(harness, pairing_id).status == "active"
    values[ids.UNTIL_BLOCK][ids.UNTIL_INPUT]["selected_date"] = "2027-02-01"
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.PAUSE_VIEW,
        private_metadata=view["private_metadata"],
        values=values,
    )
    assert pairing(harness, pairing_id).paused_until == utc(2027, 2, 1, 5)
    told_mentor = len(dms_to(harness, MENTOR))
    # A forged submission for someone else's pairing, with another date, changes nothing.
    values[ids.UNTIL_BLOCK][ids.UNTIL_INPUT]["selected_date"] = "2027-03-01"
    with capture_logs() as logs:
        harness.view_submission(
            user_id=STRANGER,
            callback_id=ids.PAUSE_VIEW,
            private_metadata=str(pairing_id),
            values=values,
        )
    assert [e["outcome"] for e in logs if e["event"] == "slack.request"] == ["forbidden"]
    after = pairing(harness, pairing_id)
    assert (after.status, after.paused_until) == ("paused", utc(2027, 2, 1, 5))
    assert len(dms_to(harness, MENTOR)) == told_mentor
    assert "not part of" in str(last_dm(harness, STRANGER).args["text"])


def test_bad_pause_lengths_are_explained(harness: Harness) -> None:
    pairing_id = _start(harness)
    assert "at most 6 months" in harness.command("pause 8 months", user_id=MENTEE).body
    assert "don't have an active mentorship" in harness.command("pause", user_id=STRANGER).body
    assert pairing(harness, pairing_id).status == "active"

"""Pairings: coordinators assigning, agreeing check-ins, listing, and ending kindly."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from handlers import ids
from storage.models import Activity
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_pairings,
    dms_to,
    ephemeral_replies,
    last_dm,
    modal_values,
    only_pairing,
    selected,
    typed,
)
from tests.harness import Harness


def pair(harness: Harness, mentor: str = MENTOR, focus: str = "research") -> int:
    harness.command(f"ask <@{mentor}> {focus}", user_id=MENTEE)
    value = buttons(last_dm(harness, mentor).args["blocks"])[ids.REQUEST_ACCEPT]["value"]
    harness.block_action(user_id=mentor, action_id=ids.REQUEST_ACCEPT, value=value)
    return int(buttons(last_dm(harness, MENTEE).args["blocks"])[ids.COMMUNICATION_OPEN]["value"])


def test_coordinator_assigns_and_both_are_introduced(harness: Harness) -> None:
    harness.command(
        f"assign <@{MENTOR}|bob> <@{MENTEE}> clinical you both love the OR", user_id=COORDINATOR
    )
    pairing = only_pairing(harness)
    assert pairing.origin == "assignment"
    assert pairing.assigned_by == COORDINATOR
    assert pairing.focus == "clinical-skills"
    for person in (MENTOR, MENTEE):
        intro = last_dm(harness, person)
        assert "you both love the OR" in all_text(intro.args["blocks"])
        assert ids.COMMUNICATION_OPEN in buttons(intro.args["blocks"])
    assert ids.ASSIGNMENT_DECLINE in buttons(last_dm(harness, MENTOR).args["blocks"])


def test_only_coordinators_assign(harness: Harness) -> None:
    response = harness.command(f"assign <@{MENTOR}> <@{MENTOR2}> research", user_id=STRANGER)
    assert "Only program coordinators" in (response.json().get("text") or "") or any(
        "Only program coordinators" in r for r in ephemeral_replies(harness)
    )
    assert count_pairings(harness) == 0
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.ASSIGN_VIEW,
        private_metadata=f'{{"mentor": "{MENTOR}", "mentee": "{MENTOR2}"}}',
        values=modal_values(focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research"))),
    )
    assert count_pairings(harness) == 0


def test_mentor_declines_an_assignment_with_a_note_to_the_coordinator(harness: Harness) -> None:
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> research", user_id=COORDINATOR)
    value = buttons(last_dm(harness, MENTOR).args["blocks"])[ids.ASSIGNMENT_DECLINE]["value"]

    harness.block_action(user_id=MENTEE, action_id=ids.ASSIGNMENT_DECLINE, value=value)
    assert harness.fake.calls_to("views.open") == []

    harness.block_action(user_id=MENTOR, action_id=ids.ASSIGNMENT_DECLINE, value=value)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.DECLINE_ASSIGNMENT_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("On nights until March"))),
    )
    pairing = only_pairing(harness)
    assert pairing.status == "ended"
    assert pairing.end_reason_visibility == "coordinators"
    assert "On nights until March" in all_text(last_dm(harness, COORDINATOR).args["blocks"])
    assert "On nights" not in all_text(last_dm(harness, MENTEE).args["blocks"])


def test_setting_up_check_ins(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.block_action(user_id=STRANGER, action_id=ids.COMMUNICATION_OPEN, value=str(pairing_id))
    assert harness.fake.calls_to("views.open") == []

    harness.block_action(user_id=MENTEE, action_id=ids.COMMUNICATION_OPEN, value=str(pairing_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.COMMUNICATION_VIEW
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.COMMUNICATION_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            cadence=(ids.CADENCE_BLOCK, ids.CADENCE_INPUT, selected("weekly")),
            weekday=(ids.WEEKDAY_BLOCK, ids.WEEKDAY_INPUT, selected("1")),
            time=(ids.TIME_BLOCK, ids.TIME_INPUT, {"type": "timepicker", "selected_time": "07:30"}),
            format=(ids.FORMAT_BLOCK, ids.FORMAT_INPUT, selected("coffee")),
        ),
    )
    pairing = only_pairing(harness)
    assert (pairing.cadence, pairing.weekday, pairing.local_time) == ("weekly", 1, "07:30")
    assert pairing.meeting_format == "coffee"
    assert pairing.timezone == "America/New_York"
    # Tuesday 8 December 2026, 07:30 in New York, is 12:30 UTC.
    assert pairing.next_checkin_at == datetime(2026, 12, 8, 12, 30, tzinfo=UTC)
    told = last_dm(harness, MENTOR)
    assert "Tuesday" in all_text(told.args["blocks"])


def test_monthly_needs_a_week(harness: Harness) -> None:
    pairing_id = pair(harness)
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.COMMUNICATION_VIEW,
        private_metadata=str(pairing_id),
        values=modal_values(
            cadence=(ids.CADENCE_BLOCK, ids.CADENCE_INPUT, selected("monthly")),
            weekday=(ids.WEEKDAY_BLOCK, ids.WEEKDAY_INPUT, selected("1")),
            time=(ids.TIME_BLOCK, ids.TIME_INPUT, {"type": "timepicker", "selected_time": "07:30"}),
            format=(ids.FORMAT_BLOCK, ids.FORMAT_INPUT, selected("call")),
        ),
    )
    assert ids.WEEK_OF_MONTH_BLOCK in response.json()["errors"]
    assert only_pairing(harness).cadence is None


def test_monthly_on_a_day_of_the_month_is_chosen_in_the_form(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.block_action(user_id=MENTEE, action_id=ids.COMMUNICATION_OPEN, value=str(pairing_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    offered = all_text([b for b in view["blocks"] if b.get("block_id") == ids.WEEK_OF_MONTH_BLOCK])
    assert "The 15th" in offered
    assert "The last day" in offered
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.COMMUNICATION_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            cadence=(ids.CADENCE_BLOCK, ids.CADENCE_INPUT, selected("monthly")),
            weekday=(ids.WEEKDAY_BLOCK, ids.WEEKDAY_INPUT, selected("1")),
            time=(ids.TIME_BLOCK, ids.TIME_INPUT, {"type": "timepicker", "selected_time": "10:00"}),
            when=(ids.WEEK_OF_MONTH_BLOCK, ids.WEEK_OF_MONTH_INPUT, selected("day-15")),
            format=(ids.FORMAT_BLOCK, ids.FORMAT_INPUT, selected("call")),
        ),
    )
    pairing = only_pairing(harness)
    assert (pairing.cadence, pairing.monthly_day, pairing.monthly_nth) == ("monthly", 15, None)
    # 15 December 2026, 10:00 in New York, is 15:00 UTC.
    assert pairing.next_checkin_at == datetime(2026, 12, 15, 15, 0, tzinfo=UTC)
    assert "Monthly on the 15th" in all_text(last_dm(harness, MENTOR).args["blocks"])
    assert "Monthly on the 15th" in all_text(
        harness.command("list", user_id=MENTOR).json()["blocks"]
    )
    home = harness.fake.calls_to("views.publish")[-1].args["view"]
    assert "Monthly on the 15th" in all_text(home["blocks"])
    # The form opens again on what was agreed.
    harness.block_action(user_id=MENTOR, action_id=ids.COMMUNICATION_OPEN, value=str(pairing_id))
    again = harness.fake.calls_to("views.open")[-1].args["view"]
    (when,) = [b for b in again["blocks"] if b.get("block_id") == ids.WEEK_OF_MONTH_BLOCK]
    assert when["element"]["initial_option"]["value"] == "day-15"


def test_a_forged_day_of_the_month_is_refused(harness: Harness) -> None:
    pairing_id = pair(harness)
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.COMMUNICATION_VIEW,
        private_metadata=str(pairing_id),
        values=modal_values(
            cadence=(ids.CADENCE_BLOCK, ids.CADENCE_INPUT, selected("monthly")),
            weekday=(ids.WEEKDAY_BLOCK, ids.WEEKDAY_INPUT, selected("1")),
            time=(ids.TIME_BLOCK, ids.TIME_INPUT, {"type": "timepicker", "selected_time": "07:30"}),
            when=(ids.WEEK_OF_MONTH_BLOCK, ids.WEEK_OF_MONTH_INPUT, selected("day-30")),
            format=(ids.FORMAT_BLOCK, ids.FORMAT_INPUT, selected("call")),
        ),
    )
    assert ids.WEEK_OF_MONTH_BLOCK in response.json()["errors"]
    assert only_pairing(harness).cadence is None


def test_list_shows_mentors_mentees_and_pending(harness: Harness) -> None:
    pair(harness)
    harness.command(f"ask <@{MENTOR2}> career", user_id=MENTEE)
    body = harness.command("list", user_id=MENTEE).json()
    shown = all_text(body["blocks"])
    assert f"<@{MENTOR}>" in shown
    assert "Research" in shown
    assert f"You asked <@{MENTOR2}>" in shown
    mentor_view = all_text(harness.command("status", user_id=MENTOR).json()["blocks"])
    assert "You mentor" in mentor_view
    assert f"<@{MENTEE}>" in mentor_view


def test_ending_early_is_private_and_kind(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.command(f"end <@{MENTOR}>", user_id=MENTEE)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.END_VIEW

    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.END_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("ended", "radio_buttons")),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("We never found time")),
            visibility=(
                ids.VISIBILITY_BLOCK,
                ids.VISIBILITY_INPUT,
                selected("coordinators", "radio_buttons"),
            ),
        ),
    )
    pairing = only_pairing(harness)
    assert pairing.id == pairing_id
    assert pairing.status == "ended"
    assert pairing.ended_by == MENTEE
    assert pairing.end_reason == "We never found time"
    assert pairing.next_checkin_at is None
    to_mentor = all_text(last_dm(harness, MENTOR).args["blocks"])
    assert "closed your mentorship" in to_mentor
    assert "never found time" not in to_mentor
    assert "/mentor ask" in all_text(last_dm(harness, MENTEE).args["blocks"])
    with harness.session() as session:
        kinds = session.scalars(select(Activity.kind)).all()
    assert "pairing.ended" in kinds


def test_completing_and_forged_endings(harness: Harness) -> None:
    pairing_id = pair(harness)
    forged = modal_values(
        outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("completed", "radio_buttons")),
    )
    harness.view_submission(
        user_id=STRANGER, callback_id=ids.END_VIEW, private_metadata=str(pairing_id), values=forged
    )
    assert only_pairing(harness).status == "active"

    harness.view_submission(
        user_id=MENTOR, callback_id=ids.END_VIEW, private_metadata=str(pairing_id), values=forged
    )
    assert only_pairing(harness).status == "completed"
    assert "completed" in all_text(last_dm(harness, MENTEE).args["blocks"])
    mentee_dms = len(dms_to(harness, MENTEE))
    harness.view_submission(
        user_id=MENTOR, callback_id=ids.END_VIEW, private_metadata=str(pairing_id), values=forged
    )
    assert len(dms_to(harness, MENTEE)) == mentee_dms


def test_end_without_a_pairing_is_refused(harness: Harness) -> None:
    harness.command(f"end <@{MENTOR}>", user_id=MENTEE)
    assert any("don't have an active mentorship" in r for r in ephemeral_replies(harness))
    assert harness.fake.calls_to("views.open") == []


def test_ending_without_naming_anyone_asks_which_mentorship(harness: Harness) -> None:
    first = pair(harness, MENTOR, "research")
    second = pair(harness, MENTOR2, "career")
    harness.command("end", user_id=MENTEE)
    assert harness.fake.calls_to("views.open") == []
    shown = harness.fake.calls_to("response_url")[-1].args
    assert shown["response_type"] == "ephemeral"
    values = {
        b["elements"][0]["value"]
        for b in shown["blocks"]
        if b.get("type") == "actions" and b["elements"][0]["action_id"] == ids.END_OPEN
    }
    assert values == {str(first), str(second)}

    harness.block_action(user_id=STRANGER, action_id=ids.END_OPEN, value=str(second))
    assert harness.fake.calls_to("views.open") == []
    harness.block_action(user_id=MENTEE, action_id=ids.END_OPEN, value=str(second))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.END_VIEW
    assert view["private_metadata"] == str(second)
    assert f"<@{MENTOR2}>" in all_text(view["blocks"])


def test_a_mentor_at_capacity_is_not_assigned(harness: Harness) -> None:
    assert harness.command("capacity 0", user_id=MENTOR).status == 200
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> research", user_id=COORDINATOR)
    harness.wait_idle()
    refusal = "mentoring as many people as they said they can take on"
    assert any(refusal in reply for reply in ephemeral_replies(harness))
    assert count_pairings(harness) == 0
    assert dms_to(harness, MENTEE) == []
    # Raised again, the same assignment goes through.
    assert harness.command("capacity 2", user_id=MENTOR).status == 200
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> research", user_id=COORDINATOR)
    assert count_pairings(harness) == 1

"""Check-ins end to end: the right local times across a DST change, working hours per
recipient, answers, downtime catch-up, reassess prompts and at-risk pairs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers import ids
from storage.checkins import AT_RISK_AFTER, at_risk_pairings
from storage.goals import add_goal
from storage.models import Pairing
from storage.tasks import add_task
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    ephemeral_replies,
    modal_values,
    only_pairing,
    typed,
)
from tests.harness import Harness
from tests.scheduler.helpers import (
    at,
    checkin_dms,
    checkins,
    dms_starting,
    make_pair,
    pairing,
)

NY = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
LONDON = ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_weekly_pair_gets_four_checkins_at_9_local_across_the_dst_change(
    harness: Harness,
) -> None:
    harness.clock.set(utc(2027, 3, 1, 12))  # Monday; New York springs forward on Sunday 14 March
    pairing_id = make_pair(harness, at="09:00", tz="America/New_York")
    expected = [
        utc(2027, 3, 2, 14),
        utc(2027, 3, 9, 14),
        utc(2027, 3, 16, 13),
        utc(2027, 3, 23, 13),
    ]
    for number, slot in enumerate(expected, start=1):
        assert at(harness, slot - timedelta(minutes=1)).sent == 0
        result = at(harness, slot)
        assert (result.sent, result.failed) == (2, 0)
        assert at(harness, slot + timedelta(hours=12)).sent == 0
        assert len(checkin_dms(harness, MENTEE)) == number
        assert len(checkin_dms(harness, MENTOR)) == number
        assert slot.astimezone(NY).strftime("%a %H:%M") == "Tue 09:00"
        assert slot.astimezone(CHICAGO).strftime("%H:%M") == "08:00"  # the mentor's own window
    assert [c.slot_at for c in checkins(harness, pairing_id)] == expected
    assert pairing(harness, pairing_id).next_checkin_at == utc(2027, 3, 30, 13)


def test_each_recipient_gets_it_inside_their_own_working_hours(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 12))
    # 07:00 in New York is 12:00 in London: the mentor at once, the mentee at 08:00 hers.
    make_pair(harness, mentor=MENTOR2, at="07:00", tz="America/New_York")
    assert at(harness, utc(2027, 1, 5, 12)).sent == 1
    assert len(checkin_dms(harness, MENTOR2)) == 1
    assert checkin_dms(harness, MENTEE) == []
    assert at(harness, utc(2027, 1, 5, 12, 59)).sent == 0
    assert at(harness, utc(2027, 1, 5, 13)).sent == 1
    assert len(checkin_dms(harness, MENTEE)) == 1
    assert at(harness, utc(2027, 1, 5, 18)).sent == 0


def test_the_checkin_shows_goals_tasks_and_the_answer_buttons(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 12))
    pairing_id = make_pair(harness)
    with harness.session() as session:
        found = session.get(Pairing, pairing_id)
        assert found is not None
        add_goal(
            session, found, text="Present <!channel> at rounds", by=MENTEE, now=harness.clock()
        )
        add_task(
            session,
            found,
            text="Draft the abstract",
            by=MENTOR,
            assignee_id=MENTEE,
            now=harness.clock(),
        )
    at(harness, utc(2027, 1, 5, 14))
    blocks = checkin_dms(harness, MENTEE)[0].args["blocks"]
    text = all_text(blocks)
    assert "Present &lt;!channel&gt; at rounds" in text
    assert "<!channel>" not in text
    assert "Draft the abstract" in text
    task_buttons = [
        b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"
    ]
    assert [b["action_id"] for b in task_buttons] == [ids.TASK_COMPLETE]
    answer = buttons(blocks)
    assert set(answer) == {
        ids.CHECKIN_MET,
        ids.CHECKIN_RESCHEDULED,
        ids.CHECKIN_SKIPPED,
        ids.MEETING_PLAN,
    }


def _first_checkin(harness: Harness) -> str:
    harness.clock.set(utc(2027, 1, 4, 12))
    make_pair(harness)
    at(harness, utc(2027, 1, 5, 14))
    return str(buttons(checkin_dms(harness, MENTEE)[0].args["blocks"])[ids.CHECKIN_MET]["value"])


def test_we_met_records_note_and_minutes_once_and_updates_both_messages(
    harness: Harness,
) -> None:
    value = _first_checkin(harness)
    harness.block_action(user_id=MENTOR, action_id=ids.CHECKIN_MET, value=value)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.CHECKIN_MET_VIEW
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.CHECKIN_MET_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Went over the <@U0STRANGE> abstract")),
            minutes=(ids.MINUTES_BLOCK, ids.MINUTES_INPUT, {"type": "number_input", "value": "45"}),
        ),
    )
    (checkin,) = checkins(harness, pairing_id_of(harness))
    assert (checkin.answer, checkin.answered_by, checkin.duration_minutes) == ("met", MENTOR, 45)
    updates = harness.fake.calls_to("chat.update")
    assert len(updates) == 2
    for update in updates:
        text = all_text(update.args["blocks"])
        assert "We met" in text
        assert "45 min" in text
        assert "&lt;@U0STRANGE&gt;" in text
        assert ids.CHECKIN_MET not in buttons(update.args["blocks"])

    harness.block_action(user_id=MENTEE, action_id=ids.CHECKIN_SKIPPED, value=value)
    assert checkins(harness, pairing_id_of(harness))[0].answer == "met"
    assert any("already answered" in reply for reply in ephemeral_replies(harness))
    assert len(harness.fake.calls_to("chat.update")) == 2


def pairing_id_of(harness: Harness) -> int:
    return only_pairing(harness).id


def test_only_members_can_answer(harness: Harness) -> None:
    value = _first_checkin(harness)
    for action in (ids.CHECKIN_MET, ids.CHECKIN_RESCHEDULED):
        harness.block_action(user_id=STRANGER, action_id=action, value=value)
    assert checkins(harness, pairing_id_of(harness))[0].answer is None
    assert harness.fake.calls_to("views.open") == []
    assert sum("not part of" in reply for reply in ephemeral_replies(harness)) == 2
    harness.block_action(user_id=MENTEE, action_id=ids.CHECKIN_RESCHEDULED, value="1 OR 1=1")
    assert checkins(harness, pairing_id_of(harness))[0].answer is None


def test_three_unanswered_checkins_in_a_row_flag_the_pair_and_an_answer_clears_it(
    harness: Harness,
) -> None:
    harness.clock.set(utc(2027, 1, 4, 12))
    pairing_id = make_pair(harness)
    slot = utc(2027, 1, 5, 14)
    for week in range(AT_RISK_AFTER):
        at(harness, slot + timedelta(weeks=week))
    # The third check-in's window is still open: not yet three unanswered.
    assert pairing(harness, pairing_id).unanswered_checkins == AT_RISK_AFTER - 1
    at(harness, slot + timedelta(weeks=AT_RISK_AFTER))
    assert pairing(harness, pairing_id).unanswered_checkins == AT_RISK_AFTER
    with harness.session() as session:
        assert [p.id for p in at_risk_pairings(session)] == [pairing_id]
    value = buttons(checkin_dms(harness, MENTEE)[-1].args["blocks"])[ids.CHECKIN_SKIPPED]["value"]
    harness.block_action(user_id=MENTEE, action_id=ids.CHECKIN_SKIPPED, value=value)
    assert pairing(harness, pairing_id).unanswered_checkins == 0
    with harness.session() as session:
        assert list(at_risk_pairings(session)) == []


def test_after_three_weeks_off_one_checkin_and_the_next_slot_from_now(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 12))
    pairing_id = make_pair(harness)
    # The bot was off from before the 5 Jan slot until Wednesday 27 Jan, 15:00 UTC.
    result = at(harness, utc(2027, 1, 27, 15))
    assert (result.sent, result.failed) == (2, 0)
    assert [c.slot_at for c in checkins(harness, pairing_id)] == [utc(2027, 1, 26, 14)]
    assert pairing(harness, pairing_id).next_checkin_at == utc(2027, 2, 2, 14)
    assert at(harness, utc(2027, 1, 28, 15)).sent == 0
    assert len(checkin_dms(harness)) == 2


def test_a_catch_up_at_night_waits_for_the_morning(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 12))
    make_pair(harness)
    at(harness, utc(2027, 1, 6, 4))  # 23:00 in New York, 22:00 in Chicago
    assert checkin_dms(harness) == []
    at(harness, utc(2027, 1, 6, 13))  # 08:00 New York
    assert len(checkin_dms(harness, MENTEE)) == 1
    assert checkin_dms(harness, MENTOR) == []
    at(harness, utc(2027, 1, 6, 14))  # 08:00 Chicago
    assert len(checkin_dms(harness, MENTOR)) == 1


def test_monthly_on_the_15th(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 12))
    pairing_id = make_pair(harness, cadence="monthly", monthly_day=15, at="10:00")
    assert pairing(harness, pairing_id).next_checkin_at == utc(2027, 1, 15, 15)
    at(harness, utc(2027, 1, 15, 15))
    assert len(checkin_dms(harness)) == 2
    assert pairing(harness, pairing_id).next_checkin_at == utc(2027, 2, 15, 15)


def test_the_reassess_prompt_comes_once_per_rhythm(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 12))
    pairing_id = make_pair(harness)
    at(harness, utc(2027, 1, 5, 14))
    assert pairing(harness, pairing_id).next_reassess_at == utc(2027, 2, 2, 14)
    at(harness, utc(2027, 2, 2, 14))
    for member in (MENTEE, MENTOR):
        prompts = dms_starting(harness, member, "Time to reassess")
        assert len(prompts) == 1
        button = buttons(prompts[0].args["blocks"])[ids.REASSESS_OPEN]
        assert button["value"] == str(pairing_id)
    assert pairing(harness, pairing_id).next_reassess_at == utc(2027, 3, 2, 14)
    # Off for ten weeks: one prompt, and the rhythm goes on from its own dates.
    at(harness, utc(2027, 5, 12, 15))
    assert len(dms_starting(harness, MENTEE, "Time to reassess")) == 2
    assert pairing(harness, pairing_id).next_reassess_at == utc(2027, 5, 25, 14)
    at(harness, utc(2027, 5, 13, 15))
    assert len(dms_starting(harness, MENTEE, "Time to reassess")) == 2

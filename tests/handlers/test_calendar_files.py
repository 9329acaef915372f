"""Calendar files in each member's DM, end to end: when a pair agrees its rhythm each member gets
one recurring event (read back with icalendar), a changed rhythm updates it (same UID, higher
SEQUENCE), a pause takes its dates out, an ended mentorship cancels it for those who had it,
and nothing is sent twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from icalendar import Calendar

from bot.calendar_invites import rhythm_uid
from handlers import ids
from storage.models import Pairing
from tests.conftest import MENTEE, MENTOR
from tests.data.test_erasure import confirm_forget
from tests.data.test_leaving import user_change
from tests.handlers.helpers import end_mentorship, modal_values, selected
from tests.handlers.test_pairings import pair
from tests.harness import Harness
from tests.slack import payloads
from tests.slack.fake_slack import UploadedFile


def _agree(harness: Harness, pairing_id: int, who: str, weekday: int, at: str) -> None:
    harness.view_submission(
        user_id=who,
        callback_id=ids.COMMUNICATION_VIEW,
        private_metadata=str(pairing_id),
        values=modal_values(
            cadence=(ids.CADENCE_BLOCK, ids.CADENCE_INPUT, selected("biweekly")),
            weekday=(ids.WEEKDAY_BLOCK, ids.WEEKDAY_INPUT, selected(str(weekday))),
            time=(ids.TIME_BLOCK, ids.TIME_INPUT, {"type": "timepicker", "selected_time": at}),
            format=(ids.FORMAT_BLOCK, ids.FORMAT_INPUT, selected("coffee")),
        ),
    )


def _files_to(harness: Harness, user: str) -> list[UploadedFile]:
    return [
        f
        for f in harness.fake.files
        if f.channel == payloads.dm_channel_id(user) and f.filename.endswith(".ics")
    ]


def _event(file: UploadedFile) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(file.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_each_member_gets_the_rhythm_and_its_updates(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.tick()
    assert _files_to(harness, MENTEE) == []  # no rhythm agreed yet: nothing for a calendar

    _agree(harness, pairing_id, MENTEE, weekday=2, at="16:30")
    harness.tick()
    harness.tick()  # and never twice
    for member in (MENTEE, MENTOR):
        (file,) = _files_to(harness, member)
        calendar, event = _event(file)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == rhythm_uid(pairing_id)
        rule = event["RRULE"]
        assert rule["FREQ"] == ["WEEKLY"]
        assert rule["INTERVAL"] == [2]
        assert rule["BYDAY"] == ["WE"]
        assert event.decoded("dtstart").strftime("%H:%M") == "16:30"
        assert str(event["LOCATION"]) == "Coffee"
        assert calendar.walk("VTIMEZONE")  # the agreed zone travels with the file

    harness.clock.advance(timedelta(minutes=5))
    _agree(harness, pairing_id, MENTOR, weekday=4, at="08:00")
    harness.tick()
    (first, second) = _files_to(harness, MENTEE)
    _, before = _event(first)
    _, after = _event(second)
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["RRULE"]["BYDAY"] == ["FR"]


def test_a_pause_takes_its_dates_out_and_an_end_cancels(harness: Harness) -> None:
    pairing_id = pair(harness)
    _agree(harness, pairing_id, MENTEE, weekday=1, at="09:00")
    harness.tick()
    harness.clock.advance(timedelta(minutes=5))
    harness.command(f"pause <@{MENTOR}> 4w", user_id=MENTEE)
    harness.tick()
    paused = _files_to(harness, MENTOR)[-1]
    _, event = _event(paused)
    skipped = [d.dt for d in event["EXDATE"].dts] if "EXDATE" in event else []
    assert 1 <= len(skipped) <= 2  # the biweekly slots within the four weeks

    harness.clock.advance(timedelta(minutes=5))
    end_mentorship(harness, by=MENTEE, other=MENTOR)
    harness.tick()
    harness.tick()
    for member in (MENTEE, MENTOR):
        calendar, event = _event(_files_to(harness, member)[-1])
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == rhythm_uid(pairing_id)
    assert len(_files_to(harness, MENTEE)) == 3  # agreed, paused, cancelled: each once


def test_a_mentorship_ended_before_any_rhythm_sends_no_file(harness: Harness) -> None:
    pairing_id = pair(harness)
    end_mentorship(harness, by=MENTEE, other=MENTOR)
    harness.tick()
    with harness.session() as session:
        assert session.get(Pairing, pairing_id).status == "ended"  # type: ignore[union-attr]
    assert _files_to(harness, MENTEE) == []
    assert _files_to(harness, MENTOR) == []


@pytest.mark.parametrize("how", ["left the workspace", "had their data erased"])
def test_a_partner_who_goes_takes_the_rhythm_off_the_other_calendar(
    harness: Harness, how: str
) -> None:
    pairing_id = pair(harness)
    _agree(harness, pairing_id, MENTEE, weekday=1, at="09:00")
    harness.tick()
    harness.clock.advance(timedelta(minutes=5))

    if how == "left the workspace":
        harness.event(user_change(MENTOR, deleted=True), event_id="Ev0MENTORGONE")
    else:
        harness.command("forget me", user_id=MENTOR)
        confirm_forget(harness, MENTOR)
    harness.tick()
    harness.tick()

    calendar, event = _event(_files_to(harness, MENTEE)[-1])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == rhythm_uid(pairing_id)
    assert len(_files_to(harness, MENTEE)) == 2  # agreed, cancelled
    assert len(_files_to(harness, MENTOR)) == 1  # nothing more to someone who has gone

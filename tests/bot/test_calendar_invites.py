"""The rhythm's calendar file: read back with icalendar, its recurrence gives exactly the slots
of the app's own cadence arithmetic for a year (daylight saving included), a pause takes its
dates out, a changed rhythm keeps the UID with a higher SEQUENCE, an ended mentorship cancels."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from bot.cadence import Cadence, MonthlyRule, Schedule, next_slot_after, slots_between
from bot.calendar_invites import RhythmInvite, recurrence, rhythm_calendar, rhythm_uid

ZONES = ("America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC")
STAMP = datetime(2026, 12, 1, 12, tzinfo=UTC)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    cadence = draw(st.sampled_from(list(Cadence)))
    weekday = draw(st.integers(0, 6))
    wall = time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 15, 30, 45))))
    monthly = None
    if cadence is Cadence.MONTHLY:
        if draw(st.booleans()):
            monthly = MonthlyRule(day=draw(st.sampled_from((1, 15, 28, 29, 30, 31))))
        else:
            monthly = MonthlyRule(nth=draw(st.sampled_from((1, 2, 3, 4, -1))), weekday=weekday)
    anchor = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 800)))
    return Schedule(cadence, weekday, wall, draw(st.sampled_from(ZONES)), anchor, monthly)


def _event(ics: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _occurrences(event: object, until: datetime) -> list[datetime]:
    start = event.decoded("dtstart")  # type: ignore[attr-defined]
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)  # type: ignore[index]
    skipped = {
        d.dt
        for field in _as_list(event.get("EXDATE"))
        for d in field.dts  # type: ignore[attr-defined]
    }
    return [
        o.astimezone(UTC)
        for o in rule.between(start - timedelta(seconds=1), until, inc=True)
        if o not in skipped
    ]


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _invite(schedule: Schedule, **changes: object) -> RhythmInvite:
    values: dict[str, object] = {
        "pairing_id": 42,
        "schedule": schedule,
        "after": STAMP,
        "summary": "Mentorship check-in with Dana Lee, MD; research",
        "location": "Coffee",
        "sequence": 0,
        "stamp": STAMP,
    }
    values.update(changes)
    return RhythmInvite(**values)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_the_files_recurrence_is_the_apps_own_rhythm_for_a_year(schedule: Schedule) -> None:
    calendar, event = _event(rhythm_calendar(_invite(schedule)))
    first = next_slot_after(schedule, STAMP)
    year = first + timedelta(days=366)
    expected = [first, *slots_between(schedule, first, year)]
    assert _occurrences(event, year) == expected
    zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == [schedule.tz] or (schedule.tz == "UTC" and zones == [])


def test_each_rhythm_reads_as_people_would_set_it() -> None:
    def rule(**kwargs: object) -> str:
        schedule = Schedule(tz="Europe/London", anchor=date(2026, 12, 1), **kwargs)  # type: ignore[arg-type]
        recur = recurrence(schedule)
        return ";".join(f"{k}={v}" for k, v in recur.items())

    at = time(9, 30)
    assert rule(cadence=Cadence.WEEKLY, weekday=1, local_time=at) == (
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;WKST=MO"
    )
    assert rule(cadence=Cadence.BIWEEKLY, weekday=3, local_time=at).startswith(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    )
    monthly = MonthlyRule(nth=-1, weekday=4)
    assert rule(cadence=Cadence.MONTHLY, weekday=4, local_time=at, monthly=monthly) == (
        "FREQ=MONTHLY;BYDAY=-1FR"
    )
    assert (
        rule(cadence=Cadence.MONTHLY, weekday=0, local_time=at, monthly=MonthlyRule(day=31))
        == "FREQ=MONTHLY;BYMONTHDAY=-1"
    )


def test_a_pause_takes_its_dates_out_and_a_change_is_an_update() -> None:
    schedule = Schedule(Cadence.WEEKLY, 1, time(9), "America/New_York", date(2026, 12, 1))
    first = next_slot_after(schedule, STAMP)
    paused = [(first + timedelta(weeks=n)).astimezone(schedule.zone).date() for n in (1, 2)]
    _, event = _event(rhythm_calendar(_invite(schedule, skipped=tuple(paused), sequence=3)))
    until = first + timedelta(weeks=5)
    shown = _occurrences(event, until)
    assert [o.astimezone(schedule.zone).date() for o in shown] == [
        (first + timedelta(weeks=n)).astimezone(schedule.zone).date() for n in (0, 3, 4, 5)
    ]
    assert str(event["UID"]) == rhythm_uid(42)
    assert int(event["SEQUENCE"]) == 3
    assert str(event["SUMMARY"]) == "Mentorship check-in with Dana Lee, MD; research"
    assert str(event["LOCATION"]) == "Coffee"


def test_an_ended_mentorship_cancels_the_same_event() -> None:
    schedule = Schedule(Cadence.BIWEEKLY, 2, time(16), "Europe/London", date(2026, 11, 30))
    calendar, event = _event(rhythm_calendar(_invite(schedule, cancelled=True, sequence=4)))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == rhythm_uid(42)
    assert int(event["SEQUENCE"]) == 4

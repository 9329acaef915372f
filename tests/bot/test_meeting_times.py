"""The times proposed for a pair's next meeting: both members' working days in their own zones,
across daylight-saving changes, soonest days first, one a day, never sooner than the notice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.meeting_times import (
    HORIZON,
    MEETING,
    NOTICE,
    WIDER,
    WORKING,
    Day,
    propose_times,
    shared_slots,
)

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
LONDON = ZoneInfo("Europe/London")
SEATTLE = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")
FRIDAY_NOON = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # 12:00 in New York


def _inside(moment: datetime, zone: ZoneInfo, day: Day) -> bool:
    start, end = moment.astimezone(zone), (moment + MEETING).astimezone(zone)
    return (
        start.weekday() < 5
        and start.time() >= day.start
        and end.date() == start.date()
        and end.time() <= day.end
    )


def test_one_zone_gets_the_next_three_working_days_at_midday() -> None:
    times = propose_times(FRIDAY_NOON, NEW_YORK, NEW_YORK)
    local = [t.astimezone(NEW_YORK) for t in times]
    assert [t.strftime("%a %d") for t in local] == ["Mon 07", "Tue 08", "Wed 09"]
    assert {t.time() for t in local} == {time(12, 30)}  # 09:00-16:30 starts: the middle one


def test_london_and_chicago_meet_in_the_hours_they_share() -> None:
    times = propose_times(FRIDAY_NOON, LONDON, CHICAGO)
    assert len(times) == 3
    for moment in times:
        assert time(15) <= moment.astimezone(LONDON).time() <= time(16, 30)
        assert time(9) <= moment.astimezone(CHICAGO).time() <= time(10, 30)


def test_zones_without_shared_working_hours_use_the_wider_day() -> None:
    assert shared_slots(FRIDAY_NOON, [LONDON, SEATTLE], WORKING) == []
    times = propose_times(FRIDAY_NOON, LONDON, SEATTLE)
    assert len(times) == 3
    assert all(_inside(t, z, WIDER) for t in times for z in (LONDON, SEATTLE))


def test_other_times_come_after_the_days_already_offered() -> None:
    first = propose_times(FRIDAY_NOON, NEW_YORK, LONDON)
    later = propose_times(FRIDAY_NOON, NEW_YORK, LONDON, after=first[-1])
    assert later
    last_day = first[-1].astimezone(NEW_YORK).date()
    assert all(t.astimezone(NEW_YORK).date() > last_day for t in later)


def test_the_days_around_a_clock_change_keep_local_hours() -> None:
    # US clocks go forward on Sunday 14 March 2027, Europe's on 28 March: for two weeks London
    # is four hours ahead of New York instead of five.
    before = datetime(2027, 3, 11, 12, 0, tzinfo=UTC)
    times = propose_times(before, NEW_YORK, LONDON, count=8)
    assert all(_inside(t, z, WORKING) for t in times for z in (NEW_YORK, LONDON))
    assert any(t.astimezone(NEW_YORK).date().day >= 15 for t in times)


ZONES = st.sampled_from([NEW_YORK, CHICAGO, LONDON, SEATTLE, TOKYO, ZoneInfo("Australia/Sydney")])


@settings(max_examples=150, deadline=None)
@given(
    now=st.datetimes(datetime(2026, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC)),  # noqa: DTZ001
    proposer=ZONES,
    other=ZONES,
)
def test_every_proposal_fits_both_days(now: datetime, proposer: ZoneInfo, other: ZoneInfo) -> None:
    times = propose_times(now, proposer, other)
    assert 1 <= len(times) <= 3
    day = (
        WORKING if all(_inside(t, z, WORKING) for t in times for z in (proposer, other)) else WIDER
    )
    for moment in times:
        assert now + NOTICE <= moment <= now + HORIZON
        assert moment.minute in (0, 30)
        assert _inside(moment, proposer, day)
        assert _inside(moment, other, day)
    days = [t.astimezone(proposer).date() for t in times]
    assert days == sorted(set(days))  # one a day, soonest first
    assert times == sorted(times)
    assert all(t - now < HORIZON + timedelta(minutes=1) for t in times)

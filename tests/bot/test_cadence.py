"""Check-in rhythm maths: slots across DST changes and odd offsets, and working-time delivery."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cadence import (
    CADENCE_LABELS,
    Cadence,
    MonthlyRule,
    Schedule,
    delivery_times,
    describe,
    is_working_time,
    next_slot_after,
    next_working_time,
    ordinal_day,
    slots_between,
)

NY, LONDON, KOLKATA = "America/New_York", "Europe/London", "Asia/Kolkata"
CHATHAM, LORD_HOWE = "Pacific/Chatham", "Australia/Lord_Howe"
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
LONDON_ZONE = ZoneInfo(LONDON)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def weekly(weekday: int, at: time, tz: str, anchor: date = date(2026, 1, 1)) -> Schedule:
    return Schedule(Cadence.WEEKLY, weekday, at, tz, anchor)


def monthly(nth: int, weekday: int, at: time, tz: str) -> Schedule:
    return Schedule(Cadence.MONTHLY, weekday, at, tz, date(2026, 1, 1), MonthlyRule(nth, weekday))


def test_cadence_order_and_labels() -> None:
    assert [c.value for c in Cadence] == ["weekly", "biweekly", "fourweekly", "monthly"]
    assert CADENCE_LABELS == {
        Cadence.WEEKLY: "Every week",
        Cadence.BIWEEKLY: "Every two weeks",
        Cadence.FOURWEEKLY: "Every four weeks",
        Cadence.MONTHLY: "Once a month",
    }


# Expected instants are worked out by hand from each zone's offsets, not from the code.
SLOT_CASES = [
    pytest.param(
        weekly(TUE, time(7, 30), NY),
        utc(2026, 10, 27, 11, 29),
        utc(2026, 10, 27, 11, 30),
        id="ny-edt",
    ),
    pytest.param(
        weekly(TUE, time(7, 30), NY),
        utc(2026, 10, 27, 11, 30),
        utc(2026, 11, 3, 12, 30),
        id="ny-strictly-after-then-est",
    ),
    # 2026-11-01 01:30 happens twice in New York: the first (EDT, -4) is the slot.
    pytest.param(
        weekly(SUN, time(1, 30), NY),
        utc(2026, 10, 26),
        utc(2026, 11, 1, 5, 30),
        id="ny-fall-back-first-occurrence",
    ),
    pytest.param(
        weekly(SUN, time(1, 30), NY),
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 8, 6, 30),
        id="ny-fall-back-second-is-no-slot",
    ),
    # 2027-03-14 02:30 does not exist in New York: it moves on to 03:30 EDT.
    pytest.param(
        weekly(SUN, time(2, 30), NY), utc(2027, 3, 8), utc(2027, 3, 14, 7, 30), id="ny-spring-gap"
    ),
    pytest.param(
        weekly(SUN, time(2, 30), NY),
        utc(2027, 3, 14, 7, 30),
        utc(2027, 3, 21, 6, 30),
        id="ny-after-gap",
    ),
    # Anchor Wed 2026-06-03: week 0 starts Mon 2026-06-01, so Thursdays 06-04, 06-18, ...
    pytest.param(
        Schedule(Cadence.BIWEEKLY, THU, time(16), LONDON, date(2026, 6, 3)),
        utc(2026, 6, 5),
        utc(2026, 6, 18, 15),
        id="london-biweekly-bst",
    ),
    pytest.param(
        Schedule(Cadence.BIWEEKLY, THU, time(16), LONDON, date(2026, 6, 3)),
        utc(2026, 6, 4, 14, 59),
        utc(2026, 6, 4, 15),
        id="london-biweekly-anchor-week",
    ),
    pytest.param(
        Schedule(Cadence.BIWEEKLY, THU, time(16), LONDON, date(2026, 6, 3)),
        utc(2026, 10, 22, 15),
        utc(2026, 11, 5, 16),
        id="london-biweekly-into-gmt",
    ),
    # Anchor Wed 2026-03-25 (week of Mon 03-23): Mondays 03-23, 04-20, 05-18, ...
    pytest.param(
        Schedule(Cadence.FOURWEEKLY, MON, time(9), LONDON, date(2026, 3, 25)),
        utc(2026, 3, 25),
        utc(2026, 4, 20, 8),
        id="london-fourweekly",
    ),
    pytest.param(
        Schedule(Cadence.FOURWEEKLY, MON, time(9), LONDON, date(2026, 3, 25)),
        utc(2026, 4, 20, 8),
        utc(2026, 5, 18, 8),
        id="london-fourweekly-next",
    ),
    pytest.param(
        monthly(-1, FRI, time(12), KOLKATA),
        utc(2026, 1, 30, 6, 29, 59),
        utc(2026, 1, 30, 6, 30),
        id="kolkata-last-friday",
    ),
    pytest.param(
        monthly(-1, FRI, time(12), KOLKATA),
        utc(2026, 1, 30, 6, 30),
        utc(2026, 2, 27, 6, 30),
        id="kolkata-last-friday-next-month",
    ),
    pytest.param(
        monthly(1, MON, time(9), KOLKATA),
        utc(2026, 12, 15),
        utc(2027, 1, 4, 3, 30),
        id="kolkata-first-monday-new-year",
    ),
    pytest.param(
        monthly(2, TUE, time(10), NY),
        utc(2026, 11, 1),
        utc(2026, 11, 10, 15),
        id="ny-second-tuesday",
    ),
    pytest.param(
        monthly(4, WED, time(10), NY),
        utc(2026, 11, 25, 15),
        utc(2026, 12, 23, 15),
        id="ny-fourth-wednesday",
    ),
    # Chatham is +12:45, +13:45 from 2026-09-27 02:45 (-> 03:45).
    pytest.param(
        weekly(WED, time(9), CHATHAM),
        utc(2026, 9, 23),
        utc(2026, 9, 29, 19, 15),
        id="chatham-into-dst",
    ),
    pytest.param(
        weekly(WED, time(9), CHATHAM),
        utc(2026, 9, 20),
        utc(2026, 9, 22, 20, 15),
        id="chatham-standard",
    ),
    pytest.param(
        weekly(SUN, time(3), CHATHAM), utc(2026, 9, 25), utc(2026, 9, 26, 14, 15), id="chatham-gap"
    ),
    # Lord Howe moves by 30 minutes: +10:30, +11 from 2026-10-04 02:00 (-> 02:30) to 2027-04-04 02:00 (-> 01:30).
    pytest.param(
        weekly(SUN, time(2, 15), LORD_HOWE),
        utc(2026, 10, 1),
        utc(2026, 10, 3, 15, 45),
        id="lord-howe-gap",
    ),
    pytest.param(
        weekly(SUN, time(1, 45), LORD_HOWE),
        utc(2027, 4, 1),
        utc(2027, 4, 3, 14, 45),
        id="lord-howe-fold-first",
    ),
    pytest.param(
        weekly(SUN, time(1, 45), LORD_HOWE),
        utc(2027, 4, 3, 14, 45),
        utc(2027, 4, 10, 15, 15),
        id="lord-howe-after-fold",
    ),
]


@pytest.mark.parametrize(("schedule", "after", "expected"), SLOT_CASES)
def test_next_slot_after(schedule: Schedule, after: datetime, expected: datetime) -> None:
    slot = next_slot_after(schedule, after)
    assert slot == expected
    assert slot.tzinfo is UTC


def test_after_in_another_zone_means_the_same_instant() -> None:
    schedule = weekly(TUE, time(7, 30), NY)
    after = utc(2026, 10, 27, 11, 29)
    assert next_slot_after(schedule, after.astimezone(ZoneInfo(CHATHAM))) == utc(
        2026, 10, 27, 11, 30
    )


def test_naive_after_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_slot_after(weekly(TUE, time(7, 30), NY), datetime(2026, 10, 27))  # noqa: DTZ001


def test_slots_between_is_half_open() -> None:
    schedule = weekly(SUN, time(1, 30), NY)
    slots = list(slots_between(schedule, utc(2026, 10, 25, 5, 30), utc(2026, 11, 15, 6, 30)))
    assert slots == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30), utc(2026, 11, 15, 6, 30)]
    assert list(slots_between(schedule, utc(2026, 11, 2), utc(2026, 11, 1))) == []


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (weekly(TUE, time(7, 30), NY), "Weekly on Tuesday at 07:30 (America/New_York)"),
        (
            Schedule(Cadence.BIWEEKLY, THU, time(16), LONDON, date(2026, 6, 3)),
            "Every two weeks on Thursday at 16:00 (Europe/London)",
        ),
        (
            Schedule(Cadence.FOURWEEKLY, MON, time(9, 5), KOLKATA, date(2026, 6, 3)),
            "Every four weeks on Monday at 09:05 (Asia/Kolkata)",
        ),
        (
            monthly(-1, FRI, time(12), CHATHAM),
            "Monthly on the last Friday at 12:00 (Pacific/Chatham)",
        ),
        (monthly(1, MON, time(8), LONDON), "Monthly on the first Monday at 08:00 (Europe/London)"),
        (monthly(2, SUN, time(8), LONDON), "Monthly on the second Sunday at 08:00 (Europe/London)"),
        (
            monthly(3, WED, time(8), LONDON),
            "Monthly on the third Wednesday at 08:00 (Europe/London)",
        ),
        (
            monthly(4, SAT, time(8), LONDON),
            "Monthly on the fourth Saturday at 08:00 (Europe/London)",
        ),
    ],
)
def test_describe(schedule: Schedule, text: str) -> None:
    assert describe(schedule) == text


GOOD = {
    "cadence": Cadence.WEEKLY,
    "weekday": TUE,
    "local_time": time(9),
    "tz": LONDON,
    "anchor": date(2026, 1, 1),
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weekday": 7}, "0 \\(Monday\\) to 6 \\(Sunday\\)"),
        ({"weekday": -1}, "0 \\(Monday\\) to 6 \\(Sunday\\)"),
        ({"tz": "Mars/Olympus_Mons"}, "Unknown time zone 'Mars/Olympus_Mons'"),
        ({"tz": ""}, "Unknown time zone"),
        ({"tz": "America"}, "Unknown time zone"),
        ({"tz": "../etc/passwd"}, "Unknown time zone"),
        ({"cadence": Cadence.MONTHLY}, "needs a MonthlyRule"),
        ({"monthly": MonthlyRule(1, TUE)}, "Only a monthly schedule"),
        ({"cadence": Cadence.MONTHLY, "monthly": MonthlyRule(1, WED)}, "must match"),
        ({"cadence": "weekly"}, "Unknown cadence"),
        ({"local_time": time(9, tzinfo=UTC)}, "without tzinfo"),
    ],
)
def test_schedule_validation(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Schedule(**{**GOOD, **changes})


@pytest.mark.parametrize(("nth", "weekday"), [(0, MON), (5, MON), (-2, MON), (1, 7)])
def test_monthly_rule_validation(nth: int, weekday: int) -> None:
    with pytest.raises(ValueError, match="Monthly"):
        MonthlyRule(nth, weekday)


@pytest.mark.parametrize(
    ("local", "working"),
    [
        (datetime(2026, 11, 27, 8, 0, tzinfo=LONDON_ZONE), True),  # Friday opening
        (datetime(2026, 11, 27, 19, 59, tzinfo=LONDON_ZONE), True),
        (datetime(2026, 11, 27, 20, 0, tzinfo=LONDON_ZONE), False),  # closing is exclusive
        (datetime(2026, 11, 27, 7, 59, tzinfo=LONDON_ZONE), False),
        (datetime(2026, 11, 28, 12, 0, tzinfo=LONDON_ZONE), False),  # Saturday
        (datetime(2026, 11, 29, 12, 0, tzinfo=LONDON_ZONE), False),  # Sunday
        (datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo(KOLKATA)), True),
    ],
)
def test_is_working_time(local: datetime, working: bool) -> None:
    assert is_working_time(local) is working


@pytest.mark.parametrize(
    ("moment", "tz", "expected"),
    [
        pytest.param(utc(2026, 11, 27, 19, 59), LONDON, utc(2026, 11, 27, 19, 59), id="inside"),
        pytest.param(
            utc(2026, 11, 27, 20), LONDON, utc(2026, 11, 30, 8), id="friday-evening-to-monday"
        ),
        pytest.param(utc(2026, 11, 28, 10), LONDON, utc(2026, 11, 30, 8), id="saturday"),
        pytest.param(utc(2026, 11, 25, 1), KOLKATA, utc(2026, 11, 25, 2, 30), id="early-same-day"),
        pytest.param(utc(2026, 11, 25, 12), NY, utc(2026, 11, 25, 13), id="ny-before-opening"),
        pytest.param(
            utc(2026, 11, 25, 15), KOLKATA, utc(2026, 11, 26, 2, 30), id="kolkata-after-closing"
        ),
        # Chatham's Monday begins on Sunday in UTC: 08:00 +13:45 is 18:15 UTC the day before.
        pytest.param(
            utc(2026, 11, 29, 12), CHATHAM, utc(2026, 11, 29, 18, 15), id="chatham-monday"
        ),
        pytest.param(
            utc(2026, 10, 2, 22), LORD_HOWE, utc(2026, 10, 4, 21), id="lord-howe-weekend-over-dst"
        ),
    ],
)
def test_next_working_time(moment: datetime, tz: str, expected: datetime) -> None:
    assert next_working_time(moment, tz) == expected


def test_next_working_time_custom_hours_and_checks() -> None:
    assert next_working_time(utc(2026, 11, 25, 8), LONDON, time(9), time(17)) == utc(
        2026, 11, 25, 9
    )
    with pytest.raises(ValueError, match="start before it ends"):
        next_working_time(utc(2026, 11, 25, 8), LONDON, time(17), time(9))
    with pytest.raises(ValueError, match="Unknown time zone"):
        next_working_time(utc(2026, 11, 25, 8), "Nowhere/Special")


def test_weekends_count_when_asked() -> None:
    saturday = utc(2026, 11, 28, 10)  # 10:00 London, 05:00 New York
    assert next_working_time(saturday, LONDON, weekends=True) == saturday
    assert next_working_time(saturday, NY, weekends=True) == utc(2026, 11, 28, 13)
    assert next_working_time(utc(2026, 11, 28, 21), LONDON, weekends=True) == utc(2026, 11, 29, 8)
    assert is_working_time(datetime(2026, 11, 29, 19, 0, tzinfo=LONDON_ZONE), weekends=True)
    assert delivery_times(saturday, [NY], weekends=True) == {NY: utc(2026, 11, 28, 13)}


def test_monthly_on_a_day_of_the_month() -> None:
    schedule = Schedule(Cadence.MONTHLY, MON, time(9), NY, date(2026, 1, 1), MonthlyRule(day=15))
    assert next_slot_after(schedule, utc(2026, 11, 15, 14)) == utc(2026, 12, 15, 14)
    assert next_slot_after(schedule, utc(2026, 11, 15, 13)) == utc(2026, 11, 15, 14)
    assert describe(schedule) == "Monthly on the 15th at 09:00 (America/New_York)"
    end_of_month = Schedule(
        Cadence.MONTHLY, MON, time(9), NY, date(2026, 1, 1), MonthlyRule(day=31)
    )
    assert list(slots_between(end_of_month, utc(2027, 1, 1), utc(2027, 4, 1))) == [
        utc(2027, 1, 31, 14),
        utc(2027, 2, 28, 14),
        utc(2027, 3, 31, 13),  # daylight saving time began on 14 March
    ]


@pytest.mark.parametrize(
    "changes", [{"day": 0}, {"day": 32}, {"day": 15, "nth": 1}, {"nth": 1}, {}]
)
def test_monthly_day_validation(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"[Mm]onthly"):
        MonthlyRule(**changes)


@pytest.mark.parametrize(
    ("day", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd"), (31, "31st")]
)
def test_ordinal_days(day: int, text: str) -> None:
    assert ordinal_day(day) == text


def test_delivery_times_per_zone() -> None:
    slot = utc(2026, 11, 25, 12)  # Wed: 12:00 London, 07:00 New York, 17:30 Kolkata
    assert delivery_times(slot, [LONDON, NY, KOLKATA]) == {
        LONDON: slot,
        NY: utc(2026, 11, 25, 13),
        KOLKATA: slot,
    }
    assert delivery_times(slot, []) == {}


# --- properties -------------------------------------------------------------------------

ZONES = [NY, LONDON, KOLKATA, CHATHAM, LORD_HOWE, "UTC", "America/Santiago", "Australia/Sydney"]
# Wall times near the changes in these zones, plus anything at all. A stored wall time never
# carries fold=1 (to_utc reads an ambiguous time as its first occurrence), so neither do these.
TIMES = st.one_of(
    st.sampled_from(
        [time(0, 30), time(1, 30), time(1, 45), time(2, 15), time(2, 30), time(3), time(3, 15)]
    ),
    st.times().map(lambda t: t.replace(fold=0)),
)
# A few changes to land near: NY, London, Chatham, Lord Howe, Santiago.
CHANGES = [
    utc(2026, 11, 1, 6),
    utc(2027, 3, 14, 7),
    utc(2026, 10, 25, 1),
    utc(2026, 9, 26, 14),
    utc(2026, 10, 3, 15, 30),
    utc(2027, 4, 3, 15),
    utc(2026, 9, 6, 4),
]
AFTERS = st.one_of(
    st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)),  # noqa: DTZ001
    st.builds(
        lambda change, minutes: change + timedelta(minutes=minutes),
        st.sampled_from(CHANGES),
        st.integers(-60 * 24 * 40, 60 * 24 * 40),
    ),
)


@st.composite
def schedules(draw: st.DrawFn, cadence: Cadence | None = None) -> Schedule:
    cadence = cadence or draw(st.sampled_from(list(Cadence)))
    weekday = draw(st.integers(0, 6))
    rule = draw(
        st.one_of(
            st.builds(MonthlyRule, st.sampled_from([1, 2, 3, 4, -1]), st.just(weekday)),
            st.builds(lambda day: MonthlyRule(day=day), st.integers(1, 31)),
        )
    )
    return Schedule(
        cadence=cadence,
        weekday=weekday,
        local_time=draw(TIMES),
        tz=draw(st.sampled_from(ZONES)),
        anchor=draw(st.dates(date(2020, 1, 1), date(2035, 12, 31))),
        monthly=rule if cadence is Cadence.MONTHLY else None,
    )


def _is_slot_date(schedule: Schedule, day: date) -> bool:
    """The rules, written out the slow way."""
    if schedule.monthly is not None and schedule.monthly.day is not None:
        last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return day.day == min(schedule.monthly.day, last.day)
    if day.weekday() != schedule.weekday:
        return False
    if schedule.monthly is not None:
        if schedule.monthly.nth == -1:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == schedule.monthly.nth
    period = {Cadence.WEEKLY: 1, Cadence.BIWEEKLY: 2, Cadence.FOURWEEKLY: 4}[schedule.cadence]
    weeks = (day - schedule.anchor).days + schedule.anchor.weekday() - day.weekday()
    return (weeks // 7) % period == 0


def _instant(schedule: Schedule, day: date) -> datetime:
    return datetime.combine(day, schedule.local_time, tzinfo=ZoneInfo(schedule.tz)).astimezone(UTC)


def _nonexistent(day: date, wall: time, tz: str) -> bool:
    zone = ZoneInfo(tz)
    naive = datetime.combine(day, wall)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive


@settings(max_examples=200, deadline=None)
@given(schedules(), AFTERS)
def test_next_slot_is_the_first_slot_strictly_after(schedule: Schedule, after: datetime) -> None:
    slot = next_slot_after(schedule, after)
    assert slot > after
    assert slot.tzinfo is UTC
    start = after.astimezone(ZoneInfo(schedule.tz)).date() - timedelta(days=3)
    candidates = [
        _instant(schedule, day)
        for day in (start + timedelta(days=n) for n in range(80))
        if _is_slot_date(schedule, day)
    ]
    assert slot == min(c for c in candidates if c > after)


@settings(max_examples=200, deadline=None)
@given(schedules(), AFTERS)
def test_slot_lands_on_the_local_weekday_and_wall_time(schedule: Schedule, after: datetime) -> None:
    local = next_slot_after(schedule, after).astimezone(ZoneInfo(schedule.tz))
    if schedule.monthly is None or schedule.monthly.day is None:
        assert local.weekday() == schedule.weekday
    if _nonexistent(local.date(), schedule.local_time, schedule.tz):
        assert local.time() > schedule.local_time  # moved forward over the gap
    else:
        assert local.time() == schedule.local_time
        assert local.fold == 0  # the first of two occurrences in a fall-back hour


@pytest.mark.parametrize(
    ("cadence", "days"), [(Cadence.WEEKLY, 7), (Cadence.BIWEEKLY, 14), (Cadence.FOURWEEKLY, 28)]
)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_consecutive_slots_are_whole_periods_apart(
    cadence: Cadence, days: int, data: st.DataObject
) -> None:
    schedule = data.draw(schedules(cadence))
    slot = next_slot_after(schedule, data.draw(AFTERS))
    zone = ZoneInfo(schedule.tz)
    for _ in range(8):
        following = next_slot_after(schedule, slot)
        assert (following.astimezone(zone).date() - slot.astimezone(zone).date()).days == days
        slot = following


@settings(max_examples=100, deadline=None)
@given(schedules(Cadence.MONTHLY), AFTERS)
def test_monthly_slots_fall_in_consecutive_months(schedule: Schedule, after: datetime) -> None:
    assert schedule.monthly is not None
    zone = ZoneInfo(schedule.tz)
    slot = next_slot_after(schedule, after)
    previous: date | None = None
    for _ in range(14):
        day = slot.astimezone(zone).date()
        if schedule.monthly.day is not None:
            assert day.day == schedule.monthly.day or (day + timedelta(days=1)).day == 1
        elif schedule.monthly.nth == -1:
            assert day.weekday() == schedule.monthly.weekday
            assert (day + timedelta(days=7)).month != day.month
        else:
            assert day.weekday() == schedule.monthly.weekday
            assert (day.day - 1) // 7 + 1 == schedule.monthly.nth
        if previous is not None:
            assert (day.year * 12 + day.month) - (previous.year * 12 + previous.month) == 1
        previous = day
        slot = next_slot_after(schedule, slot)


@settings(max_examples=100, deadline=None)
@given(schedules(), AFTERS, st.integers(0, 24 * 120))
def test_slots_between_agrees_with_next_slot_after(
    schedule: Schedule, start: datetime, hours: int
) -> None:
    end = start + timedelta(hours=hours)
    expected = []
    slot = next_slot_after(schedule, start)
    while slot <= end:
        expected.append(slot)
        slot = next_slot_after(schedule, slot)
    assert list(slots_between(schedule, start, end)) == expected


@settings(max_examples=200, deadline=None)
@given(AFTERS, st.sampled_from(ZONES))
def test_next_working_time_is_the_first_working_moment(moment: datetime, tz: str) -> None:
    zone = ZoneInfo(tz)
    result = next_working_time(moment, tz)
    assert result >= moment
    assert result.tzinfo is UTC
    assert is_working_time(result.astimezone(zone))
    if is_working_time(moment.astimezone(zone)):
        assert result == moment
    else:
        local_day = moment.astimezone(zone).date()
        openings = [
            datetime.combine(local_day + timedelta(days=n), time(8), tzinfo=zone).astimezone(UTC)
            for n in range(5)
            if (local_day + timedelta(days=n)).weekday() < 5
        ]
        assert result == min(o for o in openings if o > moment)


@settings(max_examples=100, deadline=None)
@given(AFTERS, st.lists(st.sampled_from(ZONES), max_size=5))
def test_delivery_times_cover_each_zone(slot: datetime, zones: list[str]) -> None:
    times = delivery_times(slot, zones)
    assert set(times) == set(zones)
    for tz, moment in times.items():
        assert moment == next_working_time(slot, tz)

"""Reading due dates and pause ends as people type them, and writing dates back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import (
    MONTH_ABBRS,
    DateParseError,
    add_months,
    format_date,
    parse_due_date,
    parse_pause,
)

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("day", "today", "text"),
    [
        (date(2026, 12, 1), TODAY, "Tue 1 Dec"),
        (date(2027, 12, 1), TODAY, "Wed 1 Dec 2027"),
        (date(2025, 1, 31), TODAY, "Fri 31 Jan 2025"),
        (date(2026, 11, 25), TODAY, "Wed 25 Nov"),
    ],
)
def test_format_date(day: date, today: date, text: str) -> None:
    assert format_date(day, today) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-15", date(2026, 12, 15)),
        ("2026-11-25", TODAY),
        ("2027-1-5", date(2027, 1, 5)),
        ("15 Dec", date(2026, 12, 15)),
        ("Dec 15", date(2026, 12, 15)),
        ("15 December 2026", date(2026, 12, 15)),
        ("December 15, 2026", date(2026, 12, 15)),
        ("15th dec", date(2026, 12, 15)),
        ("  15   DEC  ", date(2026, 12, 15)),
        ("15dec", date(2026, 12, 15)),
        ("Tue 15 Dec", date(2026, 12, 15)),
        ("Wed 1 Dec 2027", date(2027, 12, 1)),
        ("sept 3", date(2027, 9, 3)),
        ("25 nov", TODAY),  # on or after today
        ("24 Nov", date(2027, 11, 24)),  # already gone this year
        ("1 jan", date(2027, 1, 1)),
        ("29 Feb", date(2028, 2, 29)),
        ("today", TODAY),
        ("Today.", TODAY),
        ("tomorrow", date(2026, 11, 26)),
        ("friday", date(2026, 11, 27)),
        ("Fri", date(2026, 11, 27)),
        ("wednesday", date(2026, 12, 2)),  # the coming one, never today
        ("tuesday", date(2026, 12, 1)),
        ("next week", date(2026, 11, 30)),
        ("in 3 days", date(2026, 11, 28)),
        ("in 1 day", date(2026, 11, 26)),
        ("in 2 weeks", date(2026, 12, 9)),
        ("in a week", date(2026, 12, 2)),
        ("in 1 month", date(2026, 12, 25)),
        ("3d", date(2026, 11, 28)),
        ("2w", date(2026, 12, 9)),
        ("2 W", date(2026, 12, 9)),
        ("10 days", date(2026, 12, 5)),
        ("by friday", date(2026, 11, 27)),
        ("2028-11-25", date(2028, 11, 25)),  # exactly two years ahead
    ],
)
def test_parse_due_date_accepts(text: str, expected: date) -> None:
    assert parse_due_date(text, TODAY) == expected


def test_next_week_from_a_monday_and_a_sunday() -> None:
    assert parse_due_date("next week", date(2026, 11, 23)) == date(2026, 11, 30)
    assert parse_due_date("next week", date(2026, 11, 29)) == date(2026, 11, 30)


def test_weekday_on_the_same_weekday_is_a_week_on() -> None:
    friday = date(2026, 11, 27)
    assert parse_due_date("friday", friday) == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please give a date"),
        ("   ", "Please give a date"),
        ("whenever", "couldn't read that as a date"),
        ("next friday", "couldn't read that as a date"),
        ("15 Smarch", "couldn't read that as a date"),
        ("2026/12/15", "couldn't read that as a date"),
        ("yesterday", "couldn't read that as a date"),
        ("in -3 days", "couldn't read that as a date"),
        ("2026-02-30", "February has no day 30"),
        ("31 April", "April has no day 31"),
        ("0 May", "May has no day 0"),
        ("2027-02-29", "There is no 29 February 2027"),
        ("2026-13-01", "no month 13"),
        ("2026-11-24", "already passed"),
        ("1 Jan 2020", "already passed"),
        ("Wed 15 Dec 2026", "15 Dec 2026 is a Tuesday, not a Wednesday"),
        ("2028-11-26", "more than 2 years"),
        ("15 Dec 2030", "more than 2 years"),
        ("in 200 weeks", "more than 2 years"),
        ("999999d", "more than 2 years"),
        ("in 999999 months", "more than 2 years"),
    ],
)
def test_parse_due_date_rejects(text: str, message: str) -> None:
    with pytest.raises(DateParseError, match=message) as caught:
        parse_due_date(text, TODAY)
    assert caught.value.message == str(caught.value)


def test_unreadable_message_names_the_accepted_forms() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_due_date("soonish", TODAY)
    for form in ("2026-12-15", "15 Dec", "tomorrow", "next week", "in 3 days", "2w"):
        assert form in caught.value.message
    assert "soonish" not in caught.value.message  # never echoes what was typed
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2w", date(2026, 12, 9)),
        ("2 weeks", date(2026, 12, 9)),
        ("3 weeks", date(2026, 12, 16)),
        ("for 10 days", date(2026, 12, 5)),
        ("1d", date(2026, 11, 26)),
        ("1 month", date(2026, 12, 25)),
        ("6 months", date(2027, 5, 25)),
        ("until 2027-01-10", date(2027, 1, 10)),
        ("Until 10 Jan", date(2027, 1, 10)),
        ("till friday", date(2026, 11, 27)),
        ("15 Dec", date(2026, 12, 15)),
        ("tomorrow", date(2026, 11, 26)),
        ("next week", date(2026, 11, 30)),
    ],
)
def test_parse_pause_accepts(text: str, expected: date) -> None:
    assert parse_pause(text, TODAY) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 8, 31), date(2026, 9, 30)),
    ],
)
def test_a_month_is_the_same_day_clamped(today: date, expected: date) -> None:
    assert parse_pause("1 month", today) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "how long to pause"),
        ("until", "couldn't read that as a date"),
        ("a while", "couldn't read that as a date"),
        ("today", "at least a day"),
        ("0d", "at least a day"),
        ("until 2026-11-25", "at least a day"),
        ("2026-11-01", "already passed"),
        ("7 months", "at most 6 months, so until Tue 25 May 2027"),
        ("27 weeks", "at most 6 months"),
        ("until 2027-05-26", "at most 6 months"),
        ("1 Dec 2030", "at most 6 months"),
    ],
)
def test_parse_pause_rejects(text: str, message: str) -> None:
    with pytest.raises(DateParseError, match=message):
        parse_pause(text, TODAY)


def test_pause_message_names_the_accepted_forms() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_pause("a while", TODAY)
    for form in ("2w", "2 weeks", "1 month", "until 2027-01-10"):
        assert form in caught.value.message


# --- properties -------------------------------------------------------------------------

TODAYS = st.dates(date(1990, 1, 1), date(2200, 12, 31))


@given(st.dates(), st.dates())
def test_format_date_never_crashes(day: date, today: date) -> None:
    text = format_date(day, today)
    assert f" {day.day} {MONTH_ABBRS[day.month - 1]}" in text
    assert text.endswith(f" {day.year}") is (day.year != today.year)


@settings(max_examples=200, deadline=None)
@given(TODAYS, st.integers(0, 730))
def test_written_dates_round_trip(today: date, ahead: int) -> None:
    day = today + timedelta(days=ahead)
    if day > add_months(today, 24):
        return
    assert parse_due_date(f"{day.day} {MONTH_ABBRS[day.month - 1]} {day.year}", today) == day
    assert parse_due_date(day.isoformat(), today) == day
    assert parse_due_date(format_date(day, today), today) == day


@settings(max_examples=100, deadline=None)
@given(TODAYS, st.integers(0, 700), st.sampled_from(["in {} days", "{}d", "{} days"]))
def test_relative_days(today: date, n: int, form: str) -> None:
    assert parse_due_date(form.format(n), today) == today + timedelta(days=n)


@given(TODAYS, st.sampled_from(["mon", "tuesday", "Wed", "THURSDAY", "fri", "saturday", "sun"]))
def test_weekday_names_mean_the_coming_one(today: date, name: str) -> None:
    day = parse_due_date(name, today)
    assert today < day <= today + timedelta(days=7)
    assert day.weekday() == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(
        name[:3].lower()
    )


WORDS = st.sampled_from(
    [
        "in",
        "until",
        "till",
        "next",
        "week",
        "weeks",
        "2",
        "15",
        "dec",
        "fri",
        "d",
        "w",
        "-",
        "2026",
        "month",
        "today",
        "1",
    ]
)
TEXTS = st.one_of(st.text(max_size=30), st.lists(WORDS, max_size=5).map(" ".join))


def _outcome(parse: Callable[[str, date], date], text: str, today: date) -> date | DateParseError:
    try:
        return parse(text, today)
    except DateParseError as error:
        return error


@settings(max_examples=200, deadline=None)
@given(TEXTS, TODAYS)
def test_due_date_is_in_range_or_a_parse_error(text: str, today: date) -> None:
    outcome = _outcome(parse_due_date, text, today)
    if isinstance(outcome, DateParseError):
        assert outcome.message
    else:
        assert today <= outcome <= add_months(today, 24)


@settings(max_examples=200, deadline=None)
@given(TEXTS, TODAYS)
def test_pause_is_in_range_or_a_parse_error(text: str, today: date) -> None:
    outcome = _outcome(parse_pause, text, today)
    if isinstance(outcome, DateParseError):
        assert outcome.message
    else:
        assert today < outcome <= add_months(today, 6)


def test_a_period_reads_as_the_days_it_covers_or_its_exact_bounds() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.dates import describe_period

    zone = ZoneInfo("America/New_York")
    # Across the end of daylight saving time: still midnight to midnight, so whole days.
    assert (
        describe_period(datetime(2026, 10, 26, tzinfo=zone), datetime(2026, 11, 2, tzinfo=zone))
        == "Mon 26 Oct – Sun 1 Nov 2026"
    )
    assert (
        describe_period(datetime(2026, 12, 28, tzinfo=zone), datetime(2027, 1, 4, tzinfo=zone))
        == "Mon 28 Dec 2026 – Sun 3 Jan 2027"
    )
    assert (
        describe_period(
            datetime(2026, 11, 30, 8, tzinfo=zone), datetime(2026, 12, 7, 8, tzinfo=zone)
        )
        == "Mon 30 Nov 08:00 – Mon 7 Dec 08:00"
    )

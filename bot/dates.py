"""Reading the dates people type (due dates, pause ends) and writing dates for people."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

WEEKDAY_ABBRS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_ABBRS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {name: i for i, name in enumerate(_WEEKDAY_NAMES)}
_WEEKDAYS.update({name[:3]: i for i, name in enumerate(_WEEKDAY_NAMES)})
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: i + 1 for i, name in enumerate(_MONTH_NAMES)}
_MONTHS.update({name[:3]: i + 1 for i, name in enumerate(_MONTH_NAMES)})
_MONTHS["sept"] = 9

DUE_DATE_FORMS = (
    "2026-12-15, 15 Dec, Dec 15, 15 December 2026, today, tomorrow, a weekday such as "
    "friday, next week, in 3 days, in 2 weeks, 3d or 2w"
)
PAUSE_FORMS = "2w, 2 weeks, 1 month, until 2027-01-10, or a date such as 15 Dec"

MAX_DUE_YEARS = 2
MAX_PAUSE_MONTHS = 6

_UNITS = {
    "d": 1,
    "day": 1,
    "days": 1,
    "w": 7,
    "wk": 7,
    "wks": 7,
    "week": 7,
    "weeks": 7,
}
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
# Bounded so int() stays cheap; anything this large is rejected by the range checks anyway.
_COUNT = r"(\d{1,6}|a|an|one|two|three|four)"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WEEKDAY_PREFIX = r"(?:([a-z]+)\s+)?"
_DAY_MONTH = re.compile(_WEEKDAY_PREFIX + r"(\d{1,2})\s*([a-z]+)(?:\s+(\d{4}))?")
_MONTH_DAY = re.compile(_WEEKDAY_PREFIX + r"([a-z]+)\s+(\d{1,2})(?:\s+(\d{4}))?")
_RELATIVE = re.compile(r"(?:in\s+)?" + _COUNT + r"\s*(" + "|".join(_UNITS) + r")")
_MONTHS_AHEAD = re.compile(r"(?:in\s+)?" + _COUNT + r"\s*(?:month|months|mo|mos)")
_ORDINAL_SUFFIX = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


class DateParseError(ValueError):
    """A date people typed that we could not use; ``message`` is safe to show them.

    The message never repeats the typed text, so it can go into Slack without escaping.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Unreadable(DateParseError):
    """Text that is no date form at all, as opposed to a readable but unusable date."""


def format_date(day: date, today: date) -> str:
    """ "Tue 1 Dec" in today's year, "Tue 1 Dec 2027" in any other."""
    text = f"{WEEKDAY_ABBRS[day.weekday()]} {day.day} {MONTH_ABBRS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


def describe_period(start: datetime, end: datetime) -> str:
    """A period as people read it, from aware local ``start`` (inclusive) to ``end``
    (exclusive): the days it covers ("Mon 30 Nov – Sun 6 Dec 2026") when it runs from midnight
    to midnight, else its exact bounds ("Tue 24 Nov 14:00 – Tue 1 Dec 14:00")."""
    midnight = time(0)
    if start.timetz().replace(tzinfo=None) == midnight == end.timetz().replace(tzinfo=None):
        first, last = start.date(), end.date() - timedelta(days=1)
        return f"{format_date(first, last)} – {format_date(last, date(last.year + 1, 1, 1))}"
    return (
        f"{format_date(start.date(), end.date())} {start:%H:%M} – "
        f"{format_date(end.date(), end.date())} {end:%H:%M}"
    )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _normalise(text: str) -> str:
    text = " ".join(text.lower().replace(",", " ").split()).strip(" .")
    return _ORDINAL_SUFFIX.sub(r"\1", text)


def _count(word: str) -> int:
    return _COUNT_WORDS[word] if word in _COUNT_WORDS else int(word)


def _days_ahead(today: date, days: int) -> date:
    # A huge count would overflow `date`; clamp it so the range checks reject it politely.
    return today + timedelta(days=min(days, (date.max - today).days))


def _months_ahead(today: date, months: int) -> date:
    try:
        return add_months(today, months)
    except ValueError:  # past year 9999: far beyond any range check
        return date.max


def _unreadable(forms: str) -> DateParseError:
    return _Unreadable(f"Sorry, I couldn't read that as a date. Try one of: {forms}.")


def _calendar_date(
    year: int | None, month: int, day: int, weekday: str | None, today: date
) -> date:
    """A day and month (and maybe year and weekday) typed by someone, checked."""
    month_name = _MONTH_NAMES[month - 1].capitalize()
    if not 1 <= day <= 31 or day > (29 if month == 2 else calendar.monthrange(2001, month)[1]):
        raise DateParseError(f"{month_name} has no day {day}.")
    if year is None:
        # The next occurrence on or after today; 29 February may be a few years off.
        candidates = (
            date(year, month, day)
            for year in range(today.year, min(today.year + 8, 9999) + 1)
            if day <= calendar.monthrange(year, month)[1]
        )
        found = next((d for d in candidates if d >= today), None)
        if found is None:
            raise DateParseError(f"{day} {month_name} is too far ahead.")
        result = found
    else:
        if not 1 <= year <= 9999 or day > calendar.monthrange(year, month)[1]:
            raise DateParseError(f"There is no {day} {month_name} {year}.")
        result = date(year, month, day)
        if result < today:
            raise DateParseError(
                f"That date has already passed (today is {format_date(today, today)}). "
                "Pick a day from today on."
            )
    if weekday is not None:
        wanted = _WEEKDAYS.get(weekday)
        if wanted is None:
            raise _unreadable(DUE_DATE_FORMS)
        if wanted != result.weekday():
            raise DateParseError(
                f"{result.day} {MONTH_ABBRS[result.month - 1]} {result.year} is a "
                f"{_WEEKDAY_NAMES[result.weekday()].capitalize()}, "
                f"not a {_WEEKDAY_NAMES[wanted].capitalize()}. Check the date and try again."
            )
    return result


def _parse_date(text: str, today: date) -> date:
    """Any of the due-date forms, with no range check beyond "not in the past"."""
    if not text:
        raise DateParseError(f"Please give a date, for example one of: {DUE_DATE_FORMS}.")
    if text == "today":
        return today
    if text in ("tomorrow", "tmrw", "tmr"):
        return today + timedelta(days=1)
    if text == "next week":
        return _monday_of(today) + timedelta(weeks=1)
    if text in _WEEKDAYS:
        # The coming one, today excluded: on a Friday, "friday" means a week on.
        ahead = (_WEEKDAYS[text] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if match := _RELATIVE.fullmatch(text):
        return _days_ahead(today, _count(match[1]) * _UNITS[match[2]])
    if match := _MONTHS_AHEAD.fullmatch(text):
        return _months_ahead(today, _count(match[1]))
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            raise DateParseError(f"There is no month {month}; months go from 01 to 12.")
        return _calendar_date(year, month, day, None, today)
    for pattern, day_group, month_group in ((_DAY_MONTH, 2, 3), (_MONTH_DAY, 3, 2)):
        match = pattern.fullmatch(text)
        if match and match[month_group] in _MONTHS:
            year_text = match[4]
            return _calendar_date(
                int(year_text) if year_text else None,
                _MONTHS[match[month_group]],
                int(match[day_group]),
                match[1],
                today,
            )
    raise _unreadable(DUE_DATE_FORMS)


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _latest_due(today: date) -> date:
    return _months_ahead(today, 12 * MAX_DUE_YEARS)


def parse_due_date(text: str, today: date) -> date:
    """The due date someone typed, from today up to two years ahead.

    Accepts ISO "2026-12-15"; "15 Dec", "Dec 15", "15 December 2026" (commas, ordinals
    like "15th" and a leading weekday as in "Tue 15 Dec" are fine); "today", "tomorrow";
    a weekday name ("friday" is the coming Friday, never today); "next week" (its
    Monday); "in 3 days", "in 2 weeks", "in 1 month", "3 days", "3d", "2w"; a leading
    "by" or "on" is ignored. Case and spacing don't
    matter. A date without a year is its next occurrence on or after today.
    Raises ``DateParseError`` for anything else, for a past date, and for a date more
    than two years ahead.
    """
    normal = _normalise(text)
    if normal.startswith(("by ", "on ")):
        normal = normal[3:]
    result = _parse_date(normal, today)
    latest = _latest_due(today)
    if result > latest:
        raise DateParseError(
            f"That's more than {MAX_DUE_YEARS} years away. "
            f"Pick a date up to {format_date(latest, today)}."
        )
    return result


def parse_pause(text: str, today: date) -> date:
    """The date a pause ends (exclusive: paused until then), from 1 day to 6 months ahead.

    Accepts a length ("2w", "2 weeks", "10 days", "1 month", "3 months"; a month is the
    same day of the month, clamped to the month's end), "until <date>" or "till <date>",
    or a date in any form ``parse_due_date`` reads.
    """
    normal = _normalise(text)
    if normal.startswith(("until ", "till ")):
        normal = normal.split(" ", 1)[1]
    elif normal.startswith("for "):
        normal = normal[4:]
    if not normal:
        raise DateParseError(f"Please say how long to pause, for example: {PAUSE_FORMS}.")
    try:
        result = _parse_date(normal, today)
    except _Unreadable:
        raise _unreadable(PAUSE_FORMS) from None
    latest = _months_ahead(today, MAX_PAUSE_MONTHS)
    if result <= today:
        raise DateParseError(
            "A pause has to last at least a day. "
            f"Try 1 week, or a date after {format_date(today, today)}."
        )
    if result > latest:
        raise DateParseError(
            f"A pause can last at most {MAX_PAUSE_MONTHS} months, "
            f"so until {format_date(latest, today)} at the latest."
        )
    return result

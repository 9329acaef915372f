"""Check-in rhythm maths: when a pair's next check-in falls, and when a prompt may be delivered."""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import takewhile
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Cadence(StrEnum):
    """How often a pair checks in. Iteration order is the order offered to people."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    FOURWEEKLY = "fourweekly"
    MONTHLY = "monthly"


CADENCE_LABELS: dict[Cadence, str] = {
    Cadence.WEEKLY: "Every week",
    Cadence.BIWEEKLY: "Every two weeks",
    Cadence.FOURWEEKLY: "Every four weeks",
    Cadence.MONTHLY: "Once a month",
}

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

ORDINALS: dict[int, str] = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}

# Weeks between slots for the week-based cadences; MONTHLY is handled by MonthlyRule.
_PERIOD_WEEKS: dict[Cadence, int] = {Cadence.WEEKLY: 1, Cadence.BIWEEKLY: 2, Cadence.FOURWEEKLY: 4}

_DESCRIBE_PREFIX: dict[Cadence, str] = {
    Cadence.WEEKLY: "Weekly",
    Cadence.BIWEEKLY: "Every two weeks",
    Cadence.FOURWEEKLY: "Every four weeks",
}

# A day-of-month rule on the 31st falls on every month's last day.
LAST_DAY = 31

WORKDAY_START = time(8)
WORKDAY_END = time(20)


def zone_of(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name, or ``ValueError`` saying the name is unknown."""
    try:
        return ZoneInfo(name)
    # ZoneInfo raises KeyError for unknown names, ValueError for malformed keys and
    # OSError for paths that are directories or not TZif files.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"Unknown time zone {name!r}: use an IANA name such as 'Europe/London'."
        ) from None


def _check_weekday(weekday: int, what: str) -> None:
    if not 0 <= weekday <= 6:
        raise ValueError(f"{what} must be 0 (Monday) to 6 (Sunday), got {weekday}.")


def ordinal_day(day: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@dataclass(frozen=True)
class MonthlyRule:
    """A day of each month: the ``nth`` (1-4, or -1 for the last) ``weekday`` (0 = Monday),
    or, given ``day`` instead, that day of the month ("the 15th"; 29-31 fall on the last day
    of shorter months)."""

    nth: int | None = None
    weekday: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None:
            if self.nth is not None or self.weekday is not None:
                raise ValueError("A monthly rule takes a day of the month or an nth weekday.")
            if not 1 <= self.day <= 31:
                raise ValueError(f"Monthly day must be 1 to 31, got {self.day}.")
            return
        if self.nth not in ORDINALS:
            raise ValueError(f"Monthly nth must be 1, 2, 3, 4 or -1 (last), got {self.nth}.")
        if self.weekday is None:
            raise ValueError("Monthly weekday must be given with nth.")
        _check_weekday(self.weekday, "Monthly weekday")

    def day_in(self, year: int, month: int) -> date:
        """The date this rule picks in the given month."""
        last = date(year, month, calendar.monthrange(year, month)[1])
        if self.day is not None:
            return last.replace(day=min(self.day, last.day))
        assert self.nth is not None
        assert self.weekday is not None
        if self.nth == -1:
            return last - timedelta(days=(last.weekday() - self.weekday) % 7)
        first = date(year, month, 1)
        return first + timedelta(days=(self.weekday - first.weekday()) % 7 + 7 * (self.nth - 1))

    def describe(self) -> str:
        if self.day == LAST_DAY:
            return "the last day"
        if self.day is not None:
            return f"the {ordinal_day(self.day)}"
        assert self.nth is not None
        assert self.weekday is not None
        return f"the {ORDINALS[self.nth]} {WEEKDAY_NAMES[self.weekday]}"


@dataclass(frozen=True)
class Schedule:
    """A check-in rhythm: wall-clock ``local_time`` on ``weekday`` in zone ``tz``.

    ``anchor`` is the date the rhythm was agreed; biweekly and fourweekly slots fall in
    the weeks (Monday-based) whose count from the anchor's week is a multiple of 2 or 4.
    ``monthly`` is required exactly when ``cadence`` is MONTHLY; an nth-weekday rule's weekday
    must match ``weekday`` (a day-of-month rule ignores ``weekday``).
    """

    cadence: Cadence
    weekday: int
    local_time: time
    tz: str
    anchor: date
    monthly: MonthlyRule | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.cadence, Cadence):
            raise ValueError(f"Unknown cadence {self.cadence!r}.")
        _check_weekday(self.weekday, "Weekday")
        if self.local_time.tzinfo is not None:
            raise ValueError("local_time must be a wall-clock time without tzinfo.")
        zone_of(self.tz)
        if self.cadence is Cadence.MONTHLY:
            if self.monthly is None:
                raise ValueError("A monthly schedule needs a MonthlyRule.")
            if self.monthly.day is None and self.monthly.weekday != self.weekday:
                raise ValueError(
                    f"The monthly rule's weekday ({self.monthly.weekday}) must match "
                    f"the schedule's weekday ({self.weekday})."
                )
        elif self.monthly is not None:
            raise ValueError(f"Only a monthly schedule takes a MonthlyRule, not {self.cadence}.")

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.tz)


def to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a local date.

    fold=0 picks the first occurrence of an ambiguous (fall-back) time, and for a
    nonexistent (spring-forward) time it applies the offset in force before the gap,
    which moves the time forward by the gap's length (02:30 -> 03:30 across a one-hour gap).
    """
    return datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def _require_aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")
    return moment.astimezone(UTC)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _slot_dates_from(schedule: Schedule, start: date) -> Iterator[date]:
    """The local dates of slots on or after ``start``, in order, without end."""
    if schedule.monthly is not None:
        rule = schedule.monthly
        year, month = start.year, start.month
        while True:
            day = rule.day_in(year, month)
            if day >= start:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    period = _PERIOD_WEEKS[schedule.cadence]
    day = start + timedelta(days=(schedule.weekday - start.weekday()) % 7)
    week_index = (_monday(day) - _monday(schedule.anchor)).days // 7
    day += timedelta(weeks=-week_index % period)
    while True:
        yield day
        day += timedelta(weeks=period)


def _slots_after(schedule: Schedule, after: datetime) -> Iterator[datetime]:
    """UTC slots strictly after ``after``, in order, without end."""
    after = _require_aware(after, "after")
    zone = schedule.zone
    # Start a couple of days early: the local date of `after` may already be past the
    # slot date's wall time, and a gap shift can push a slot's instant past midnight.
    start = after.astimezone(zone).date() - timedelta(days=2)
    for day in _slot_dates_from(schedule, start):
        slot = to_utc(day, schedule.local_time, zone)
        if slot > after:
            yield slot


def next_slot_after(schedule: Schedule, after: datetime) -> datetime:
    """The first slot strictly after the aware datetime ``after``, as an aware UTC datetime."""
    return next(_slots_after(schedule, after))


def slots_between(schedule: Schedule, start: datetime, end: datetime) -> Iterator[datetime]:
    """The UTC slots in the half-open interval (start, end], in order."""
    end = _require_aware(end, "end")
    return takewhile(lambda slot: slot <= end, _slots_after(schedule, start))


def describe(schedule: Schedule) -> str:
    """E.g. "Weekly on Tuesday at 07:30 (America/New_York)"."""
    at = f"at {schedule.local_time.strftime('%H:%M')} ({schedule.tz})"
    if schedule.monthly is not None:
        return f"Monthly on {schedule.monthly.describe()} {at}"
    prefix = _DESCRIBE_PREFIX[schedule.cadence]
    return f"{prefix} on {WEEKDAY_NAMES[schedule.weekday]} {at}"


def is_working_time(
    local: datetime,
    start: time = WORKDAY_START,
    end: time = WORKDAY_END,
    *,
    weekends: bool = False,
) -> bool:
    """Whether a local wall-clock moment is on a weekday (any day with ``weekends``), at or
    after ``start`` and before ``end``."""
    return (weekends or local.weekday() < 5) and start <= local.time() < end


def next_working_time(
    moment_utc: datetime,
    tz: str,
    start: time = WORKDAY_START,
    end: time = WORKDAY_END,
    *,
    weekends: bool = False,
) -> datetime:
    """``moment_utc`` if it is working time in ``tz``, else the next opening (as UTC).

    Working time is Monday to Friday (every day with ``weekends``), ``start`` (inclusive) to
    ``end`` (exclusive), local.
    """
    if not start < end:
        raise ValueError(f"The working day must start before it ends ({start} >= {end}).")
    moment = _require_aware(moment_utc, "moment_utc")
    zone = zone_of(tz)
    local = moment.astimezone(zone)
    if is_working_time(local, start, end, weekends=weekends):
        return moment
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    while not weekends and day.weekday() >= 5:
        day += timedelta(days=1)
    opening = to_utc(day, start, zone)
    # Only when `start` is itself an ambiguous wall time can the first occurrence be
    # earlier than a moment in the repeated hour; that moment is then already open.
    return max(opening, moment)


def delivery_times(
    slot_utc: datetime, zones: Sequence[str], *, weekends: bool = False
) -> dict[str, datetime]:
    """For each recipient zone, the UTC moment to deliver the prompt for ``slot_utc``."""
    return {zone: next_working_time(slot_utc, zone, weekends=weekends) for zone in zones}

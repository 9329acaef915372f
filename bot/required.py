"""Required mentorship: a program's rule that every trainee has a mentor within a number of days
of joining, or by a date (a July intake), and its arithmetic: when a trainee's deadline falls,
which reminder (halfway, on the deadline) has come, and who is overdue. Pure functions.

A rule by date covers the trainees who were members before that date; someone who joins later
is not held to it (a program sets "within N days" for people joining all year round)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.dates import format_date

WITHIN_DAYS_RANGE = (1, 365)


class Stage(StrEnum):
    """The reminders a trainee without a mentor gets: halfway to the deadline, and on it."""

    HALFWAY = "halfway"
    DEADLINE = "deadline"


@dataclass(frozen=True)
class MentorRule:
    """Every trainee should have a mentor ``within_days`` of joining, or ``by`` a date."""

    within_days: int | None = None
    by: date | None = None

    def __post_init__(self) -> None:
        if (self.within_days is None) == (self.by is None):
            raise ValueError("A rule has either a number of days or a date.")
        if self.within_days is not None and not (
            WITHIN_DAYS_RANGE[0] <= self.within_days <= WITHIN_DAYS_RANGE[1]
        ):
            raise ValueError(f"within_days out of range: {self.within_days}")

    def describe(self, today: date) -> str:
        """ "a mentor within 30 days of joining", "a mentor by Wed 1 Jul 2027"."""
        if self.within_days is not None:
            days = "1 day" if self.within_days == 1 else f"{self.within_days} days"
            return f"a mentor within {days} of joining"
        assert self.by is not None
        return f"a mentor by {format_date(self.by, today)}"


def rule_of(within_days: int | None, by: date | None) -> MentorRule | None:
    """The rule a program's two settings make; None when it has none."""
    if within_days is None and by is None:
        return None
    return MentorRule(within_days=within_days, by=None if within_days is not None else by)


def deadline(rule: MentorRule, joined: datetime, zone: ZoneInfo) -> datetime | None:
    """When a trainee who joined at ``joined`` should have a mentor; None when the rule does
    not hold them (they joined after its date). A date's deadline is its first moment in the
    program's zone."""
    if rule.within_days is not None:
        return joined + timedelta(days=rule.within_days)
    assert rule.by is not None
    due = datetime.combine(rule.by, time(0), zone)
    return due if joined < due else None


def halfway(rule: MentorRule, joined: datetime, zone: ZoneInfo) -> datetime | None:
    due = deadline(rule, joined, zone)
    return None if due is None else joined + (due - joined) / 2


def stage_due(rule: MentorRule, joined: datetime, now: datetime, zone: ZoneInfo) -> Stage | None:
    """The latest reminder whose moment has come for a trainee without a mentor: one who is
    past the deadline already gets only the deadline's (never a "halfway" after it)."""
    due = deadline(rule, joined, zone)
    if due is None:
        return None
    if now >= due:
        return Stage.DEADLINE
    if now >= joined + (due - joined) / 2:
        return Stage.HALFWAY
    return None


def is_overdue(rule: MentorRule, joined: datetime, now: datetime, zone: ZoneInfo) -> bool:
    due = deadline(rule, joined, zone)
    return due is not None and now >= due

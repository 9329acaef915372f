"""How a pair keeps in touch: meeting formats, and the agreed rhythm as a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.cadence import LAST_DAY, Cadence, MonthlyRule, Schedule, describe, ordinal_day

MEETING_FORMATS: dict[str, str] = {
    "in_person": "In person",
    "call": "Call",
    "coffee": "Coffee",
    "slack": "Slack",
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

WEEKS_OF_MONTH: dict[int, str] = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"}

# Days of the month a monthly rhythm may fall on: every month has the 1st to the 28th, and
# LAST_DAY is each month's last day.
DAYS_OF_MONTH: dict[int, str] = {
    **{day: f"The {ordinal_day(day)}" for day in range(1, 29)},
    LAST_DAY: "The last day",
}


@dataclass(frozen=True)
class Communication:
    """What a pair agreed: the rhythm (in the zone of whoever set it) and how they meet."""

    cadence: Cadence
    weekday: int
    local_time: time
    week_of_month: int | None
    meeting_format: str
    day_of_month: int | None = None  # for monthly: this day (DAYS_OF_MONTH), not a week

    def schedule(self, tz: str, anchor: date) -> Schedule:
        monthly = None
        if self.cadence is Cadence.MONTHLY:
            monthly = (
                MonthlyRule(day=self.day_of_month)
                if self.day_of_month
                else MonthlyRule(nth=self.week_of_month or 1, weekday=self.weekday)
            )
        return Schedule(
            cadence=self.cadence,
            weekday=self.weekday,
            local_time=self.local_time,
            tz=tz,
            anchor=anchor,
            monthly=monthly,
        )

    def describe(self, tz: str, anchor: date) -> str:
        how = MEETING_FORMATS.get(self.meeting_format, self.meeting_format)
        return f"{describe(self.schedule(tz, anchor))}, {how.lower()}"

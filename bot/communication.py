"""How a pair keeps in touch: meeting formats, and the agreed rhythm as a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.cadence import Cadence, MonthlyRule, Schedule, describe

MEETING_FORMATS: dict[str, str] = {
    "in_person": "In person",
    "call": "Call",
    "coffee": "Coffee",
    "slack": "Slack",
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

WEEKS_OF_MONTH: dict[int, str] = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"}


@dataclass(frozen=True)
class Communication:
    """What a pair agreed: the rhythm (in the zone of whoever set it) and how they meet."""

    cadence: Cadence
    weekday: int
    local_time: time
    week_of_month: int | None
    meeting_format: str

    def schedule(self, tz: str, anchor: date) -> Schedule:
        monthly = (
            MonthlyRule(nth=self.week_of_month or 1, weekday=self.weekday)
            if self.cadence is Cadence.MONTHLY
            else None
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

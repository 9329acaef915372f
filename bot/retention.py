"""How long free text is kept: the cutoff before which an ended mentorship's text is purged."""

from __future__ import annotations

import calendar
from datetime import datetime


def retention_cutoff(now: datetime, months: int) -> datetime:
    """``now`` moved back ``months`` calendar months (the last day of a shorter month when
    the day does not exist there): text of what ended before this moment is purged."""
    month_index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)

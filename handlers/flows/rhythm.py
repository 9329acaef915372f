"""A pairing's agreed rhythm, read back from its row."""

from __future__ import annotations

from datetime import time

from bot.cadence import Cadence
from bot.communication import Communication
from storage.models import Pairing


def current_communication(pairing: Pairing) -> Communication | None:
    if pairing.cadence is None or pairing.weekday is None or pairing.local_time is None:
        return None
    hours, minutes = (int(part) for part in pairing.local_time.split(":"))
    return Communication(
        cadence=Cadence(pairing.cadence),
        weekday=pairing.weekday,
        local_time=time(hours, minutes),
        week_of_month=pairing.monthly_nth,
        day_of_month=pairing.monthly_day,
        meeting_format=pairing.meeting_format or "call",
    )

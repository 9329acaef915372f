"""Times to propose for a pair's next meeting: inside both members' working days (Monday to
Friday, 09:00-17:00 in each one's own zone, daylight saving included), in the next two weeks,
on different days and towards the middle of the hours they share. When two zones share no
working hours at all, the wider day the app already sends check-ins in (08:00-20:00) is used,
so someone always starts a little early or stays a little late rather than nobody meeting.
Pure: zones and instants in, instants out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MEETING = timedelta(minutes=30)
STEP = timedelta(minutes=30)
HORIZON = timedelta(days=14)
# Not sooner than this from now: a proposal needs time to be read and answered.
NOTICE = timedelta(hours=20)
PROPOSALS = 3


@dataclass(frozen=True)
class Day:
    """The part of a local day a meeting may take: it starts at or after ``start`` and ends by
    ``end``, on a working day."""

    start: time
    end: time


WORKING = Day(time(9), time(17))
WIDER = Day(time(8), time(20))


def _fits(moment: datetime, zone: ZoneInfo, day: Day) -> bool:
    local = moment.astimezone(zone)
    if local.weekday() >= 5:
        return False
    finish = (moment + MEETING).astimezone(zone)
    return (
        local.time() >= day.start
        and finish.date() == local.date()
        and finish.time() <= day.end
        and finish.time() != time(0)
    )


def _first_step(after: datetime) -> datetime:
    """The first half hour (on the clock, in UTC) at or after ``after``."""
    moment = after.astimezone(UTC).replace(second=0, microsecond=0)
    extra = moment.minute % 30
    if extra or after.astimezone(UTC) > moment:
        moment += timedelta(minutes=30 - extra)
    return moment


def shared_slots(
    now: datetime, zones: Sequence[ZoneInfo], day: Day, *, after: datetime | None = None
) -> list[datetime]:
    """Every half-hour start (UTC) from ``after`` (default: ``now`` plus the notice) to the
    horizon at which a meeting fits everyone's ``day``."""
    moment = _first_step(max(after or now, now + NOTICE))
    last = now + HORIZON
    slots: list[datetime] = []
    while moment <= last:
        if all(_fits(moment, zone, day) for zone in zones):
            slots.append(moment)
        moment += STEP
    return slots


def _by_day(slots: Sequence[datetime], zone: ZoneInfo) -> dict[date, list[datetime]]:
    days: dict[date, list[datetime]] = {}
    for slot in slots:
        days.setdefault(slot.astimezone(zone).date(), []).append(slot)
    return days


def propose_times(
    now: datetime,
    proposer_zone: ZoneInfo,
    other_zone: ZoneInfo,
    *,
    after: datetime | None = None,
    count: int = PROPOSALS,
) -> list[datetime]:
    """Up to ``count`` meeting starts (UTC) in the next two weeks: the soonest days that have
    time for it (one each, as the proposer counts days), each in the middle of that day's shared
    hours; ``after`` asks for days after those offered before. Empty when none fits even the
    wider day."""
    zones = [proposer_zone, other_zone]
    slots = shared_slots(now, zones, WORKING, after=after) or shared_slots(
        now, zones, WIDER, after=after
    )
    days = _by_day(slots, proposer_zone)
    if after is not None:
        # Another day than any offered so far.
        days = {d: s for d, s in days.items() if d > after.astimezone(proposer_zone).date()}
    return [days[d][(len(days[d]) - 1) // 2] for d in sorted(days)[:count]]

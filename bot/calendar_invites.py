"""Calendar files for a pair's agreed rhythm: one recurring event (iCalendar, RFC 5545) whose
recurrence rule gives exactly the check-in slots the app's own cadence arithmetic gives
(:mod:`bot.cadence`), at the agreed wall-clock time in the zone it was agreed in, with that
zone's VTIMEZONE. The event keeps one UID for the life of the mentorship, so a changed rhythm
is an update (a higher SEQUENCE), a pause removes its dates (EXDATE), and an ended mentorship
cancels it. Pure: the file's bytes from plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.cadence import LAST_DAY, Cadence, Schedule, next_slot_after

if TYPE_CHECKING:
    from icalendar import Event

PRODUCT = "-//mentorbot//Mentorship rhythm//EN"
MEETING_LENGTH = timedelta(minutes=30)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKS: dict[Cadence, int] = {Cadence.WEEKLY: 1, Cadence.BIWEEKLY: 2, Cadence.FOURWEEKLY: 4}


def rhythm_uid(pairing_id: int) -> str:
    """The event's UID: one per mentorship, whatever its rhythm becomes."""
    return f"mentorship-{pairing_id}-rhythm@mentorbot"


def recurrence(schedule: Schedule) -> dict[str, Any]:
    """The RRULE whose occurrences, from the schedule's first slot, are its slots."""
    if schedule.monthly is None:
        return {
            "FREQ": "WEEKLY",
            "INTERVAL": _WEEKS[schedule.cadence],
            "BYDAY": _WEEKDAYS[schedule.weekday],
            "WKST": "MO",
        }
    rule = schedule.monthly
    if rule.day is None:
        assert rule.nth is not None
        assert rule.weekday is not None
        return {"FREQ": "MONTHLY", "BYDAY": f"{rule.nth:+d}{_WEEKDAYS[rule.weekday]}"}
    if rule.day >= LAST_DAY:
        return {"FREQ": "MONTHLY", "BYMONTHDAY": -1}
    if rule.day > 28:
        # "The 30th", in a month without one, is its last day: the first of the two that exist.
        return {"FREQ": "MONTHLY", "BYMONTHDAY": [rule.day, -1], "BYSETPOS": 1}
    return {"FREQ": "MONTHLY", "BYMONTHDAY": rule.day}


@dataclass(frozen=True)
class RhythmInvite:
    """What the file says: the mentorship, its rhythm from ``after`` on, and its state."""

    pairing_id: int
    schedule: Schedule
    after: datetime  # the first event is the first slot after this moment
    summary: str  # plain text: "Mentorship check-in with Dana Lee"
    location: str  # how they meet: "Call", "Coffee", a meeting place
    sequence: int  # 0 when first sent; one more with each change
    stamp: datetime  # when the file was made
    skipped: tuple[date, ...] = ()  # local dates taken out (a pause)
    cancelled: bool = False  # the mentorship ended: the event is withdrawn


def _local(moment: datetime, schedule: Schedule) -> datetime:
    return moment.astimezone(schedule.zone)


def _event(
    uid: str,
    *,
    sequence: int,
    stamp: datetime,
    summary: str,
    location: str,
    start: datetime,
    cancelled: bool,
) -> Event:
    """A VEVENT of one half-hour meeting from ``start`` (aware: its zone is the event's)."""
    # Imported here, not at the top: only a process that sends a calendar file pays for it
    # (the tick's start stays light, bench/README.md "Starting a process").
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("summary", summary)
    event.add("location", location)
    event.add("dtstart", start)
    event.add("duration", MEETING_LENGTH)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _file(event: Event, *, cancelled: bool) -> bytes:
    """The .ics bytes: ``event`` in a VCALENDAR that requests it (or cancels it), with the
    VTIMEZONE of each zone it uses."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def rhythm_calendar(invite: RhythmInvite) -> bytes:
    """The .ics file: a VCALENDAR with the zone's VTIMEZONE and one recurring VEVENT
    (``METHOD:REQUEST``), or its cancellation (``METHOD:CANCEL``)."""
    schedule = invite.schedule
    event = _event(
        rhythm_uid(invite.pairing_id),
        sequence=invite.sequence,
        stamp=invite.stamp,
        summary=invite.summary,
        location=invite.location,
        start=_local(next_slot_after(schedule, invite.after), schedule),
        cancelled=invite.cancelled,
    )
    event.add("rrule", recurrence(schedule))
    if invite.skipped:
        wall = schedule.local_time
        event.add(
            "exdate",
            [datetime.combine(day, wall, schedule.zone) for day in sorted(set(invite.skipped))],
        )
    return _file(event, cancelled=invite.cancelled)


def meeting_uid(plan_id: int) -> str:
    """The one-off meeting's UID: one per agreed plan."""
    return f"meeting-{plan_id}@mentorbot"


@dataclass(frozen=True)
class MeetingInvite:
    """One meeting the pair agreed, at ``start`` (aware: in the reader's zone)."""

    plan_id: int
    start: datetime
    summary: str  # plain text: "Mentorship meeting with Dana Lee"
    location: str
    stamp: datetime
    cancelled: bool = False  # the mentorship ended before the meeting: it is withdrawn


def meeting_calendar(invite: MeetingInvite) -> bytes:
    """The .ics of one meeting (``METHOD:REQUEST``), or its withdrawal (``METHOD:CANCEL``, a
    higher SEQUENCE), with its zone's VTIMEZONE."""
    event = _event(
        meeting_uid(invite.plan_id),
        sequence=1 if invite.cancelled else 0,
        stamp=invite.stamp,
        summary=invite.summary,
        location=invite.location,
        start=invite.start,
        cancelled=invite.cancelled,
    )
    return _file(event, cancelled=invite.cancelled)

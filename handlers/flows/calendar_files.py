"""The calendar files in each member's DM (``bot.calendar_invites``): the one-off invite of a
meeting the pair agreed, and the rhythm's file, drawn, when it goes, from the pairing as it is
then: its rhythm from now on, the dates a pause takes out, or, once the mentorship ended, the
event's cancellation. The event keeps its UID; its SEQUENCE is
the moment of the change the file follows, so a later change always supersedes an earlier one
in a calendar, whichever file arrives last."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.cadence import Schedule, describe, slots_between
from bot.calendar_invites import (
    MeetingInvite,
    RhythmInvite,
    meeting_calendar,
    rhythm_calendar,
)
from bot.communication import MEETING_FORMATS
from bot.context import AppContext
from bot.text import fmt
from handlers.blocks.meetings import when
from handlers.flows.checkins import schedule_of
from handlers.flows.delivery import Attachment, Kind, Message
from handlers.flows.meetings import zone_of_member
from storage.calendar_files import (
    MEETING_FILE,
    RHYTHM_FILE,
    meeting_of_send,
    was_sent_a_file,
    was_sent_the_meeting,
)
from storage.meeting_plans import AGREED, ENDED, MOVED, get_plan
from storage.models import Pairing, ScheduledSend
from storage.pairings import OPEN, get_pairing, other_member
from storage.people import get_person

FILENAME = "mentorship-check-ins.ics"
MEETING_FILENAME = "mentorship-meeting.ics"


def _name(session: Session, user_id: str) -> str:
    person = get_person(session, user_id)
    return (person.display_name if person is not None else "") or "your mentorship partner"


def _skipped(pairing: Pairing, schedule: Schedule, now: datetime) -> tuple[date, ...]:
    """The local dates a pause takes out: those of the slots until it ends."""
    if pairing.status != "paused" or pairing.paused_until is None:
        return ()
    return tuple(
        slot.astimezone(schedule.zone).date()
        for slot in slots_between(schedule, now, pairing.paused_until)
    )


def _render(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    pairing = get_pairing(session, send.pairing_id) if send.pairing_id is not None else None
    member = send.recipient
    if pairing is None or member is None:
        return "the mentorship is gone"
    schedule = schedule_of(pairing)
    if schedule is None:
        return "the pair has no rhythm"
    ended = pairing.status not in OPEN
    if ended and not was_sent_a_file(session, pairing.id, member):
        return "no event to withdraw"
    now = ctx.now()
    other = _name(session, other_member(pairing, member))
    how = MEETING_FORMATS.get(str(pairing.meeting_format or ""), "Meeting")
    invite = RhythmInvite(
        pairing_id=pairing.id,
        schedule=schedule,
        after=now,
        summary=f"Mentorship check-in with {other}",
        location=how,
        sequence=int(send.slot_at.timestamp()),
        stamp=now,
        skipped=_skipped(pairing, schedule, now),
        cancelled=ended,
    )
    if ended:
        text = fmt(
            "Your mentorship with {other} has ended, so its check-ins come off your calendar: "
            "open this file to remove them.",
            other=other,
        )
    else:
        text = fmt(
            "For your calendar: {rhythm}, {how}. Open this file to add it; when the rhythm "
            "changes I'll send one that updates it.",
            rhythm=describe(schedule),
            how=how.lower(),
        )
    return Message(
        to=member,
        text=text,
        blocks=[],
        file=Attachment(FILENAME, "Mentorship check-ins", rhythm_calendar(invite)),
    )


def _render_meeting(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    plan_id = meeting_of_send(send)
    plan = get_plan(session, plan_id) if plan_id is not None else None
    member = send.recipient
    if plan is None or member is None or plan.starts_at is None:
        return "no such meeting"
    if plan.status not in (AGREED, MOVED, ENDED):
        return "the meeting is not agreed"
    pairing = get_pairing(session, plan.pairing_id)
    if pairing is None:
        return "the mentorship is gone"
    ended = pairing.status not in OPEN  # a meeting ENDED with it is withdrawn as any other
    # Withdrawn: the mentorship ended, or another time replaced it.
    withdrawn = ended or plan.status == MOVED
    if withdrawn and not was_sent_the_meeting(session, plan.id, member):
        return "no meeting to withdraw"
    zone = zone_of_member(ctx, session, member)
    start = plan.starts_at.astimezone(zone)
    other = _name(session, other_member(pairing, member))
    how = MEETING_FORMATS.get(str(pairing.meeting_format or ""), "Meeting")
    invite = MeetingInvite(
        plan_id=plan.id,
        start=start,
        summary=f"Mentorship meeting with {other}",
        location=how,
        stamp=ctx.now(),
        cancelled=withdrawn,
    )
    today = ctx.now().astimezone(zone).date()
    if plan.status == MOVED and not ended:
        text = fmt(
            "Your meeting with {other} {when} moved to another time, so it comes off your "
            "calendar: open this file to remove it (the new time's invite comes separately).",
            other=other,
            when=when(start, today),
        )
    elif ended:
        text = fmt(
            "Your mentorship with {other} has ended, so your meeting {when} comes off your "
            "calendar: open this file to remove it.",
            other=other,
            when=when(start, today),
        )
    else:
        text = fmt(
            "For your calendar: your meeting with {other}, {when} (your time). Open this file "
            "to add it.",
            other=other,
            when=when(start, today),
        )
    return Message(
        to=member,
        text=text,
        blocks=[],
        file=Attachment(MEETING_FILENAME, "Mentorship meeting", meeting_calendar(invite)),
    )


KINDS: dict[str, Kind] = {RHYTHM_FILE: Kind(_render), MEETING_FILE: Kind(_render_meeting)}

"""Plan our next meeting: the times offered to the other member (each a button, in their own
time), what both see once one is picked, and the line a check-in or Home shows for it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.dates import format_date
from bot.text import Mrkdwn, fmt, md, mention
from handlers import ids
from handlers.blocks.common import Block, MessageBody, context, section
from handlers.blocks.requests import actions, button


def when(moment: datetime, today: date) -> str:
    """ "Tue 8 Dec at 12:30", in the zone ``moment`` is in."""
    return f"{format_date(moment.date(), today)} at {moment.strftime('%H:%M')}"


def _said(text: Mrkdwn) -> MessageBody:
    """A message that is its one line."""
    return MessageBody(text, [section(text)])


def pick_value(plan_id: int, option: datetime) -> str:
    return f"{plan_id}:{int(option.timestamp())}"


def parse_pick(value: str) -> tuple[int, int] | None:
    """(plan id, the time's epoch seconds) from a pick button; None when it is not the app's."""
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isdecimal() and len(p) < 12 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def build_meeting_offer(
    plan_id: int,
    proposer_id: str,
    options: Sequence[datetime],
    today: date,
    *,
    moves: datetime | None = None,
) -> MessageBody:
    """To the member who picks: the times offered, in their own zone; ``moves``, the meeting
    still to come that a pick replaces."""
    if moves is None:
        lead = fmt(
            "{proposer} would like to plan your next meeting. Which time suits you?",
            proposer=mention(proposer_id),
        )
    else:
        lead = fmt(
            "{proposer} would like to move your meeting of {when}. Which time suits you?",
            proposer=mention(proposer_id),
            when=when(moves, today),
        )
    choices = [
        button(when(option, today), f"{ids.MEETING_PICK}.{i}", pick_value(plan_id, option))
        for i, option in enumerate(options)
    ]
    return MessageBody(
        lead,
        [
            section(lead),
            context(md("Times are in your time zone, inside both your working days.")),
            actions(f"meeting-{plan_id}", *choices),
            actions(
                f"meeting-other-{plan_id}",
                button("Other times", ids.MEETING_OTHER, str(plan_id)),
            ),
        ],
    )


def _withdrawable(text: Mrkdwn, plan_id: int) -> MessageBody:
    """A note to the member who offered times, with the button that takes them back."""
    return MessageBody(
        text,
        [
            section(text),
            actions(
                f"meeting-withdraw-{plan_id}",
                button("Withdraw these times", ids.MEETING_WITHDRAW, str(plan_id)),
            ),
        ],
    )


def offered(plan_id: int, other_id: str, options: Sequence[datetime], today: date) -> MessageBody:
    """To the member who planned: what was offered, in their own zone."""
    text = fmt(
        "I've offered {other} {times} (your time). When they pick one, you'll both get a "
        "calendar invite.",
        other=mention(other_id),
        times=", ".join(when(o, today) for o in options),
    )
    return _withdrawable(text, plan_id)


def already_offered(plan_id: int, other_id: str, *, mine: bool) -> MessageBody:
    if mine:
        text = fmt(
            "You've already offered {other} times for your next meeting; they haven't picked "
            "one yet. To offer others, withdraw these first.",
            other=mention(other_id),
        )
        return _withdrawable(text, plan_id)
    return _said(
        fmt(
            "{other} has already offered you times for your next meeting: pick one in my DM.",
            other=mention(other_id),
        )
    )


def build_offer_withdrawn(proposer_id: str) -> MessageBody:
    """The picker's offer, redrawn once the member who offered the times took them back."""
    return _said(
        fmt(
            "{proposer} withdrew the times they offered for your next meeting; nothing to "
            "pick here any more.",
            proposer=mention(proposer_id),
        )
    )


# To a member who clicks an offer of a mentorship that has ended, and on its redrawn DM.
MENTORSHIP_ENDED = md("That mentorship has ended, so there's no meeting to plan.")


def build_offer_ended() -> MessageBody:
    """The picker's offer, redrawn once the mentorship ended before a pick."""
    return _said(md("This mentorship has ended, so these times are no longer on offer."))


def withdrawn(other_id: str) -> Mrkdwn:
    """To the member who took their offer back."""
    return fmt(
        "I've withdrawn the times you offered {other}. *Plan our next meeting* offers new ones.",
        other=mention(other_id),
    )


def build_meeting_picked(proposer_id: str, start: datetime, today: date) -> MessageBody:
    """The picker's offer, redrawn: the time chosen, no buttons."""
    text = fmt(
        "✅ Your next meeting with {proposer}: *{when}* (your time). A calendar invite is on "
        "its way to you both.",
        proposer=mention(proposer_id),
        when=when(start, today),
    )
    return _said(text)


def build_meeting_agreed(picker_id: str, start: datetime, today: date) -> MessageBody:
    """To the member who planned: the other picked a time."""
    text = fmt(
        "{picker} picked *{when}* (your time) for your next meeting. A calendar invite is on "
        "its way to you both.",
        picker=mention(picker_id),
        when=when(start, today),
    )
    return _said(text)


def build_no_other_times(proposer_id: str) -> MessageBody:
    """The picker's offer, redrawn when no later time fits the next two weeks."""
    text = fmt(
        "No other times fit both your working days in the next two weeks. Message {proposer} "
        "to find one; I've let them know.",
        proposer=mention(proposer_id),
    )
    return _said(text)


def build_no_time_suited(picker_id: str) -> MessageBody:
    text = fmt(
        "None of the times I offered suited {picker}, and no others fit both your working days "
        "in the next two weeks. Message them to find one.",
        picker=mention(picker_id),
    )
    return _said(text)


def planned_line(start: datetime, today: date) -> Mrkdwn:
    """A check-in's or Home's note of the meeting the pair planned."""
    if start.date() == today:
        return fmt("📅 You planned to meet today at {at} (your time).", at=start.strftime("%H:%M"))
    return fmt("📅 Next meeting planned: {when} (your time).", when=when(start, today))


def plan_button(pairing_id: int) -> Block:
    return actions(
        f"meeting-plan-{pairing_id}",
        button("Plan our next meeting", ids.MEETING_PLAN, str(pairing_id)),
    )

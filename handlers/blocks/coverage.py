"""Coverage on the coordinator's Home: how many trainees of a program have a mentor (by focus,
against the program's required mentorship), who has none yet (longest a member first, with what
they are doing about it, each with **Assign…**), how many mentors have a free place, and what is
in progress. Pure builders, the parsers of their buttons' values, and the DMs a trainee without
a mentor gets (an invitation, a required-mentorship reminder)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock

from bot.dates import format_date
from bot.feedback import Aggregate
from bot.required import MentorRule, Stage, deadline, is_overdue
from bot.text import Mrkdwn, fmt, md, md_join, mention
from handlers import ids
from handlers.blocks.common import (
    Block,
    MessageBody,
    context,
    mrkdwn_text,
    section,
)
from storage.coverage import Coverage, RoundProgress, Uncovered
from storage.feedback import PulseProgress
from storage.reports import AtRisk

UNCOVERED_SHOWN = 10
MAX_CONTEXT_ELEMENTS = 10  # Slack's limit for a context block
# The heading, one row per trainee shown, "showing 1–10 of N", and the buttons.
UNCOVERED_BLOCKS = 3 + UNCOVERED_SHOWN


@dataclass(frozen=True)
class WeekFigures:
    """A program's last seven days for its coordinators: counts of what happened (as the
    digest counts them), usefulness of the last whole week (held to the minimum, as the
    digest's), and the pairs that look stalled."""

    meetings: int  # check-ins answered "We met"
    answered: int  # check-ins answered at all
    sent: int  # check-ins sent
    usefulness: Aggregate
    requests_waiting: int
    risk: AtRisk


@dataclass(frozen=True)
class ProgramCoverage:
    program_id: int
    name: str
    coverage: Coverage
    focus_labels: Mapping[str, str]  # focus slug -> the program's label
    start: int = 0  # the first trainee without a mentor shown (**More** pages on)
    rounds: Sequence[RoundProgress] = ()  # matching rounds not decided yet
    next_digest: datetime | None = None  # None: the program has no digest channel
    zone: str = "UTC"  # the program's time zone, for its dates
    rule: MentorRule | None = None  # required mentorship, when the program has it
    pulses: Sequence[PulseProgress] = ()  # pulse surveys still open
    week: WeekFigures | None = None  # "This week" (the coordinator's Home)

    @property
    def shown_from(self) -> int:
        """``start`` within the list (the list may have shrunk since the button was drawn)."""
        last = max(0, len(self.coverage.uncovered) - 1)
        return min(max(self.start, 0), last) // UNCOVERED_SHOWN * UNCOVERED_SHOWN


def more_value(program_id: int, start: int) -> str:
    return f"{program_id}:{start}"


def parse_more_value(value: str) -> tuple[int, int] | None:
    """A coverage **More**/**Back** button's (program id, first trainee shown); None otherwise."""
    program, _, start = value.partition(":")
    if not (program.isdigit() and start.isdigit()) or len(program) > 9 or len(start) > 6:
        return None
    return int(program), int(start)


def assign_value(program_id: int, user_id: str) -> str:
    return f"{program_id}:{user_id}"


def parse_assign_value(value: str) -> tuple[int, str] | None:
    """An **Assign…** button's (program id, trainee); None for anything else."""
    program, _, user = value.partition(":")
    if not program.isdigit() or len(program) > 9 or not user.isalnum() or len(user) > 20:
        return None
    return int(program), user


def _uncovered_row(shown: ProgramCoverage, u: Uncovered, now: datetime) -> Block:
    program_id = shown.program_id
    return SectionBlock(
        text=mrkdwn_text(uncovered_line(u, now, _due_note(shown, u, now))),
        accessory=ButtonElement(
            text="Assign…",
            action_id=ids.COVERAGE_ASSIGN,
            value=assign_value(program_id, u.user_id),
        ),
    ).to_dict()


def _days(since: datetime, now: datetime) -> Mrkdwn:
    days = max(0, (now - since).days)
    if days == 0:
        return md("joined today")
    if days == 1:
        return md("a member for 1 day")
    return fmt("a member for {days} days", days=days)


def _doing(u: Uncovered) -> Mrkdwn:
    doing = [
        label
        for flag, label in (
            (u.asked, md("waiting for an answer")),
            (u.in_round, md("in a matching round")),
            (u.waiting_list, md("on the waiting list")),
        )
        if flag
    ]
    return md_join(", ", doing) if doing else md("hasn't asked anyone yet")


def _due_note(shown: ProgramCoverage, u: Uncovered, now: datetime) -> Mrkdwn | None:
    """Where the trainee stands against the program's rule: due on a day, or overdue."""
    if shown.rule is None:
        return None
    zone = ZoneInfo(shown.zone)
    due = deadline(shown.rule, u.member_since, zone)
    if due is None:
        return None
    day = format_date(due.astimezone(zone).date(), now.astimezone(zone).date())
    if now >= due:
        return fmt("*overdue* since {day}", day=day)
    return fmt("due {day}", day=day)


def uncovered_line(u: Uncovered, now: datetime, due: Mrkdwn | None = None) -> Mrkdwn:
    line = fmt(
        "• {who} · {days} · {doing}",
        who=mention(u.user_id),
        days=_days(u.member_since, now),
        doing=_doing(u),
    )
    return line if due is None else fmt("{line} · {due}", line=line, due=due)


def _in_progress(shown: ProgramCoverage, now: datetime) -> list[Mrkdwn]:
    """Matching rounds not decided yet, an open pulse, and the next digest (each a context
    element)."""
    zone = ZoneInfo(shown.zone)
    today = now.astimezone(zone).date()
    lines = [
        fmt(
            "Matching round for {focus}: {invited} invited, {ranked} ranked, {when}",
            focus=shown.focus_labels.get(r.focus, r.focus),
            invited=r.invited,
            ranked=r.ranked,
            when=(
                fmt("closes {day}", day=format_date(r.deadline.astimezone(zone).date(), today))
                if r.status == "collecting"
                else md("proposal waiting for approval")
            ),
        )
        for r in shown.rounds[: MAX_CONTEXT_ELEMENTS - 3]
    ]
    for pulse in shown.pulses[:1]:
        lines.append(
            fmt(
                "Pulse survey: {answered} of {asked} answered, closes {day}",
                answered=pulse.answered,
                asked=pulse.asked,
                day=format_date(pulse.closes_at.astimezone(zone).date(), today),
            )
        )
    if shown.next_digest is not None:
        local = shown.next_digest.astimezone(zone)
        lines.append(
            fmt(
                "Next digest {day}, {time}",
                day=format_date(local.date(), today),
                time=local.strftime("%H:%M"),
            )
        )
    return lines


def coverage_summary_blocks(shown: ProgramCoverage, now: datetime) -> list[Block]:
    """How many trainees have a mentor (by focus, against the program's rule), the members and
    mentors, and what is in progress: two blocks."""
    c = shown.coverage
    by_focus = md_join(
        " · ",
        [
            fmt("{label} {count}", label=shown.focus_labels.get(slug, slug), count=count)
            for slug, count in c.covered_by_focus.items()
        ],
    )
    summary = fmt(
        "*{covered} of {trainees} trainees have a mentor*", covered=c.covered, trainees=c.trainees
    )
    if shown.rule is not None:
        zone = ZoneInfo(shown.zone)
        summary = fmt(
            "{summary} · the program asks for {rule}: *{overdue} overdue*",
            summary=summary,
            rule=shown.rule.describe(now.astimezone(zone).date()),
            overdue=len(overdue_ids(c.uncovered, shown.rule, now, zone)),
        )
    return [
        section(
            fmt("{summary}\n{by_focus}", summary=summary, by_focus=by_focus)
            if by_focus
            else summary
        ),
        context(
            fmt(
                "{members} members · {mentors} mentors, {places} with a free place",
                members=c.members,
                mentors=c.mentors,
                places=c.mentors_with_places,
            ),
            *_in_progress(shown, now),
        ),
    ]


def uncovered_blocks(shown: ProgramCoverage, now: datetime) -> list[Block]:
    """The trainees without a mentor, a page of them with **Assign…** each, and **Invite all**,
    **Back**, **More**: at most ``UNCOVERED_BLOCKS`` blocks; none when everyone has one."""
    c = shown.coverage
    if not c.uncovered:
        return []
    first = shown.shown_from
    page = c.uncovered[first : first + UNCOVERED_SHOWN]
    blocks = [section(md("*Without a mentor* (longest a member first)"))]
    blocks += [_uncovered_row(shown, u, now) for u in page]
    if len(c.uncovered) > UNCOVERED_SHOWN:
        blocks.append(
            context(
                fmt(
                    "Showing {first}–{last} of {total}. `/mentor report` lists every pair "
                    "and trainee.",
                    first=first + 1,
                    last=first + len(page),
                    total=len(c.uncovered),
                )
            )
        )
    blocks.append(_coverage_actions(shown.program_id, first, len(c.uncovered)))
    return blocks


def _coverage_actions(program_id: int, first: int, total: int) -> Block:
    """**Invite all to find a mentor**, and **Back** / **More** through the list."""
    elements = [
        ButtonElement(
            text="Invite all to find a mentor", action_id=ids.COVERAGE_INVITE, value=str(program_id)
        )
    ]
    if first > 0:
        elements.append(
            ButtonElement(
                text="Back",
                action_id=ids.COVERAGE_BACK,
                value=more_value(program_id, first - UNCOVERED_SHOWN),
            )
        )
    if first + UNCOVERED_SHOWN < total:
        elements.append(
            ButtonElement(
                text="More",
                action_id=ids.COVERAGE_MORE,
                value=more_value(program_id, first + UNCOVERED_SHOWN),
            )
        )
    return ActionsBlock(block_id=f"coverage-actions-{program_id}", elements=elements).to_dict()


def parse_invite_value(value: str) -> int | None:
    """**Invite all**'s program id; None for anything else."""
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _find_buttons(block_id: str) -> Block:
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(
                text="Find a mentor", action_id=ids.DIRECTORY_FIND, value="find", style="primary"
            ),
            ButtonElement(text="Ask someone you know", action_id=ids.HOME_ASK_OPEN, value="ask"),
        ],
    ).to_dict()


def build_required_reminder(
    program_name: str, rule: MentorRule, due: date, stage: Stage, today: date
) -> MessageBody:
    """The kind reminder of required mentorship: halfway to a trainee's deadline, or on it."""
    when = format_date(due, today)
    if stage is Stage.HALFWAY:
        lead = fmt(
            "*{program}* asks that every trainee have {rule}, and you're halfway there "
            "(by {when}). A mentor helps you set goals and work through them; finding one "
            "takes a minute.",
            program=program_name,
            rule=rule.describe(today),
            when=when,
        )
        text = fmt(
            "A reminder from {program}: find a mentor by {when}.", program=program_name, when=when
        )
    else:
        lead = fmt(
            "*{program}* asks that every trainee have {rule}, and today is the day. If you're "
            "already talking to someone, ask them here so the program knows; if not, the "
            "directory shows who has a place.",
            program=program_name,
            rule=rule.describe(today),
        )
        text = fmt("{program}: today is the day to have a mentor.", program=program_name)
    return MessageBody(
        text,
        [
            section(lead),
            _find_buttons("required-mentorship"),
            context(md("Your program coordinators can help if you're not sure whom to ask.")),
        ],
    )


def overdue_ids(
    uncovered: Sequence[Uncovered], rule: MentorRule | None, now: datetime, zone: ZoneInfo
) -> set[str]:
    """Who of ``uncovered`` is past their deadline under the program's rule."""
    if rule is None:
        return set()
    return {u.user_id for u in uncovered if is_overdue(rule, u.member_since, now, zone)}


def build_find_invite(program_name: str) -> MessageBody:
    """The kind DM a trainee without a mentor gets when a coordinator invites them."""
    lead = fmt(
        "*{program}* would like every trainee to have a mentor, and you don't have one here "
        "yet. A mentor helps you set goals, work through them and find your way; it takes a "
        "minute to start.",
        program=program_name,
    )
    return MessageBody(
        fmt("{program} invites you to find a mentor.", program=program_name),
        [
            section(lead),
            _find_buttons("find-invite"),
            context(md("Not now? Nothing else will come of this message.")),
        ],
    )


def invited_note(invited: int, already: int) -> Mrkdwn:
    """What the coordinator is told after **Invite all**."""
    if invited == 0:
        return fmt(
            "Everyone without a mentor had an invitation this week already ({already}); I "
            "send one a week at most.",
            already=already,
        )
    note = fmt("I'm inviting {invited} to find a mentor.", invited=_people(invited))
    if already:
        note = fmt(
            "{note} {already} had an invitation this week already.",
            note=note,
            already=_people(already),
        )
    return note


def _people(count: int) -> Mrkdwn:
    return (
        fmt("{count} trainee", count=count) if count == 1 else fmt("{count} trainees", count=count)
    )

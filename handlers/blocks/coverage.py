"""The coordinator's coverage on Home: for each program they coordinate, how many trainees have
a mentor (by focus), who has none yet (longest a member first, with what they are doing about
it, each with **Assign…**), and how many mentors have a free place. Pure builders, within a
block budget, and the parser of the button's value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock

from bot.dates import format_date
from bot.text import Mrkdwn, fmt, md, md_join, mention
from handlers import ids
from handlers.blocks.common import (
    Block,
    MessageBody,
    context,
    divider,
    header,
    mrkdwn_text,
    section,
)
from storage.coverage import Coverage, RoundProgress, Uncovered

UNCOVERED_SHOWN = 10
MAX_CONTEXT_ELEMENTS = 10  # Slack's limit for a context block
# Header, the summary, the mentors line, the uncovered heading, one row per trainee shown,
# "and N more", **Invite all**, and a divider.
BLOCKS_PER_PROGRAM = 7 + UNCOVERED_SHOWN


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


def _uncovered_row(program_id: int, u: Uncovered, now: datetime) -> Block:
    return SectionBlock(
        text=mrkdwn_text(uncovered_line(u, now)),
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


def uncovered_line(u: Uncovered, now: datetime) -> Mrkdwn:
    return fmt(
        "• {who} · {days} · {doing}",
        who=mention(u.user_id),
        days=_days(u.member_since, now),
        doing=_doing(u),
    )


def _in_progress(shown: ProgramCoverage, now: datetime) -> list[Mrkdwn]:
    """Matching rounds not decided yet, and the next digest (each a context element)."""
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
        for r in shown.rounds[: MAX_CONTEXT_ELEMENTS - 2]
    ]
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


def program_coverage_blocks(shown: ProgramCoverage, now: datetime) -> list[Block]:
    """One program's coverage: at most ``BLOCKS_PER_PROGRAM`` blocks."""
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
    blocks = [
        header(f"Coverage · {shown.name}"),
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
    if c.uncovered:
        first = shown.shown_from
        page = c.uncovered[first : first + UNCOVERED_SHOWN]
        blocks.append(section(md("*Without a mentor* (longest a member first)")))
        blocks += [_uncovered_row(shown.program_id, u, now) for u in page]
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
    blocks.append(divider())
    return blocks


def coverage_blocks(programs: Sequence[ProgramCoverage], now: datetime, budget: int) -> list[Block]:
    """Each program's coverage, as many programs as ``budget`` blocks hold; a last line names
    how many more there are (``/mentor digest in <program>`` has each one)."""
    blocks: list[Block] = []
    if budget < 1:
        return blocks
    for index, shown in enumerate(programs):
        left = len(programs) - index
        room = budget - len(blocks) - 1  # room kept for the "more programs" line
        drawn = program_coverage_blocks(shown, now)
        if len(drawn) > room:
            blocks.append(
                context(
                    fmt(
                        "Coverage of {left} more of your programs: `/mentor digest in &lt;program&gt;`.",
                        left=left,
                    )
                )
            )
            break
        blocks.extend(drawn)
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
            ActionsBlock(
                block_id="find-invite",
                elements=[
                    ButtonElement(
                        text="Find a mentor",
                        action_id=ids.DIRECTORY_FIND,
                        value="find",
                        style="primary",
                    ),
                    ButtonElement(
                        text="Ask someone you know", action_id=ids.HOME_ASK_OPEN, value="ask"
                    ),
                ],
            ).to_dict(),
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

"""The App Home tab: the welcome for someone with no pairings, and each pairing with its goals,
open tasks and buttons, kept within Slack's limits by capping rows and paging pairings. Someone
in several programs sees their pairings and requests grouped under a heading per program."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.errors import SlackObjectFormationError

from bot.dates import format_date
from bot.feedback import MentorFeedback
from bot.sharing import SharingState
from bot.text import Mrkdwn, clip, escape, fmt, md, md_join, md_truncate, mention, plural
from handlers import ids
from handlers.blocks.common import (
    VIEW_BLOCK_LIMIT,
    Block,
    context,
    divider,
    header,
    section,
    sections_from_lines,
)
from handlers.blocks.desk import Desk, desk_blocks
from handlers.blocks.feedback import mentor_feedback_lines
from handlers.blocks.introductions import (
    AWAITING_BLOCKS,
    IntroCard,
    IntroLine,
    awaiting_answer_blocks,
    introduction_summary,
    waiting_asks_line,
)
from handlers.blocks.meetings import planned_line
from handlers.blocks.requests import actions, button
from handlers.blocks.sharing import home_sharing_blocks
from handlers.blocks.work import (
    GOAL_ICONS,
    GoalRow,
    TaskRow,
    goal_block,
    goal_closing,
    task_block,
)

GOALS_SHOWN = 5
TASKS_SHOWN = 5
HISTORY_SHOWN = 3
PAIRINGS_PER_PAGE = 4
REQUESTS_SHOWN = 10
LABEL_LIMIT = 200
HISTORY_TEXT_LIMIT = 200
# The most one pairing can take: divider, heading, details, goals label, goal rows (each with
# its tasks under it), "+N more", other tasks label, the other task rows, "+N more", recently
# closed goals, sharing (a line and its answer buttons), buttons.
BLOCKS_PER_PAIRING = 11 + GOALS_SHOWN + TASKS_SHOWN
# Header, directory buttons, requests (heading + at most 2 sections), introductions waiting
# for the viewer's answer, paging (context + 2 actions), spare.
FIXED_BLOCKS = 1 + 1 + 3 + AWAITING_BLOCKS + 3 + 2
assert FIXED_BLOCKS + PAIRINGS_PER_PAGE * BLOCKS_PER_PAIRING <= VIEW_BLOCK_LIMIT
# "Page n of m" and the two paging buttons.
PAGING_BLOCKS = 3
# What one page of a grouped Home (someone in several programs) may fill before its paging.
GROUPED_PAGE_BLOCKS = VIEW_BLOCK_LIMIT - PAGING_BLOCKS
PROGRAM_NAME_SHOWN = 120  # a header holds 150 characters; room for " (continued)"


@dataclass(frozen=True)
class HomeProgram:
    """A program the person viewing Home belongs to (or has a pairing or request in)."""

    program_id: int
    name: str
    focus_labels: Sequence[str]


@dataclass(frozen=True)
class HomePairing:
    """One pairing as the person viewing Home sees it (times already in their zone)."""

    pairing_id: int
    other_id: str
    viewer_is_mentor: bool
    focus_label: str
    rhythm: str | None  # e.g. "Weekly on Tuesday at 07:30 (America/New_York), call"
    next_checkin: datetime | None  # local to the viewer
    paused_until: datetime | None  # local to the viewer; None unless paused
    paused: bool
    sharing: SharingState
    proposal: str | None  # the other member's open proposal to share, if any (its stamp)
    goals: Sequence[GoalRow] = ()  # open goals; the builder shows at most GOALS_SHOWN
    open_tasks: Sequence[TaskRow] = ()  # the builder shows at most TASKS_SHOWN
    history: Sequence[GoalRow] = ()  # closed goals, latest first; at most HISTORY_SHOWN shown
    program_id: int | None = None
    introductions: Sequence[IntroLine] = ()  # made in this mentorship, the first made first
    asks_waiting: int = 0  # the mentee's asks for an introduction the mentor hasn't answered
    next_meeting: datetime | None = None  # the next meeting the pair planned; the viewer's time


@dataclass(frozen=True)
class HomeRequest:
    other_id: str
    focus_label: str
    asked: date
    mine: bool  # True: the viewer asked; False: the viewer was asked
    program_id: int | None = None


@dataclass(frozen=True)
class HomeContent:
    today: date
    focus_labels: Sequence[str]
    pairings: Sequence[HomePairing] = ()
    requests: Sequence[HomeRequest] = ()
    page: int = 0
    viewer_id: str | None = None  # whose Home it is: their own tasks say "For you"
    # A mentor's own feedback to date; shown only once enough mentees' answers count.
    feedback: MentorFeedback | None = None
    # The viewer's programs in the order shown. With two or more, Home is grouped by program
    # and every pairing's and request's program is among them; with one, Home has no heading
    # per program, exactly as before there were programs.
    programs: Sequence[HomeProgram] = ()
    # For a coordinator (or admin): the desk of one program they coordinate, above the rest of
    # the first page, in the blocks the page leaves.
    desk: Desk | None = None
    now: datetime | None = None
    # Introductions made to the viewer that wait for their answer (the first few), and how
    # many wait in all.
    awaiting: Sequence[IntroCard] = ()
    awaiting_count: int = 0


def page_count(pairing_count: int) -> int:
    return max(1, -(-pairing_count // PAIRINGS_PER_PAGE))


def clamp_page(page: int, pairing_count: int) -> int:
    """A page that exists: pairings may have ended since the **Show more** was drawn."""
    return min(max(page, 0), page_count(pairing_count) - 1)


def parse_page(value: str) -> int:
    """The page a **Show more** button carries; anything else is the first page."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 6 else 0


def directory_buttons() -> Block:
    """Find a mentor in the directory, ask someone you know, and edit one's profiles."""
    return actions(
        "home-directory",
        button("Find a mentor", ids.DIRECTORY_FIND, "find", "primary"),
        button("Ask someone you know", ids.HOME_ASK_OPEN, "ask"),
        button("Mentor profile", ids.PROFILE_MENTOR_OPEN, "mentor"),
        button("Trainee profile", ids.PROFILE_TRAINEE_OPEN, "trainee"),
    )


def _welcome_intro() -> list[Block]:
    """The welcome without the focus areas (someone in several programs has several lists)."""
    return [
        header("Welcome to mentorbot"),
        section(
            md(
                "Mentorship works best as a simple loop: *find a mentor*, *set specific goals*, "
                "*agree how often you meet*, *work through tasks*, and *reassess together* "
                "every few weeks."
            )
        ),
        divider(),
        section(
            md(
                "*Start here*\n*Find a mentor* shows who can take you on now, best fit first. "
                "*Ask someone you know* sends them a request in your name. *Mentor profile* "
                "lists you in the directory, if you'd like to mentor others."
            )
        ),
        directory_buttons(),
        section(md("Type `/mentor help` to see everything you can do.")),
    ]


def _welcome_blocks(focus_labels: Sequence[str]) -> list[Block]:
    blocks = _welcome_intro()
    focus = context(
        md_truncate(fmt("Focus areas: {labels}", labels=md_join(", ", focus_labels)), 2000)
    )
    return [*blocks[:-1], focus, blocks[-1]]


def build_welcome_home(focus_labels: Sequence[str]) -> dict[str, Any]:
    """Home for someone with no pairings yet: how to find a mentor."""
    return _home(_welcome_blocks(focus_labels))


HOME_BLOCK_LIMIT = 100  # Slack's limit for a Home view


def _home(blocks: list[Block]) -> dict[str, Any]:
    # The blocks are built (and checked) one by one already; a View model would parse every
    # one of them back into objects and out again, the most costly step of a Home publish.
    if len(blocks) > HOME_BLOCK_LIMIT:
        raise SlackObjectFormationError(f"blocks attribute cannot exceed {HOME_BLOCK_LIMIT} items")
    return {"type": "home", "blocks": blocks}


def _request_blocks(requests: Sequence[HomeRequest], today: date) -> list[Block]:
    if not requests:
        return []
    lines = []
    for r in requests[:REQUESTS_SHOWN]:
        other = mention(r.other_id)
        who = (
            fmt("You asked {other}", other=other)
            if r.mine
            else fmt("{other} asked you", other=other)
        )
        lines.append(
            fmt(
                "• {who}: *{label}* (asked {asked})",
                who=who,
                label=clip(r.focus_label, LABEL_LIMIT),
                asked=format_date(r.asked, today),
            )
        )
    if len(requests) > REQUESTS_SHOWN:
        lines.append(fmt("+{n} more: `/mentor list`", n=len(requests) - REQUESTS_SHOWN))
    if any(not r.mine for r in requests):
        lines.append(md("_Answer requests from the messages I sent you._"))
    return [section(md("*Waiting for an answer*")), *sections_from_lines(lines)[:2]]


def _when(moment: datetime, today: date) -> str:
    return f"{format_date(moment.date(), today)} at {moment.strftime('%H:%M')}"


def _day_or_moment(moment: datetime, today: date) -> str:
    """A pause ends at midnight where it was set; elsewhere the hour matters too."""
    if moment.hour == moment.minute == 0:
        return format_date(moment.date(), today)
    return _when(moment, today)


def _details(p: HomePairing, today: date) -> Mrkdwn:
    parts = []
    if p.rhythm:
        parts.append(fmt("🗓️ {rhythm}", rhythm=clip(p.rhythm, LABEL_LIMIT)))
    else:
        parts.append(md("🗓️ _Check-ins not set up yet: use *Change cadence* below._"))
    if p.paused:
        until = f" until {_day_or_moment(p.paused_until, today)}" if p.paused_until else ""
        parts.append(fmt("⏸️ Paused{until}", until=until))
    elif p.next_checkin is not None:
        parts.append(fmt("Next check-in: {when} (your time)", when=_when(p.next_checkin, today)))
    if p.next_meeting is not None:
        parts.append(planned_line(p.next_meeting, today))
    introductions = introduction_summary(p.introductions, viewer_is_mentor=p.viewer_is_mentor)
    if introductions is not None:
        parts.append(introductions)
    asks = waiting_asks_line(p.asks_waiting, viewer_is_mentor=p.viewer_is_mentor)
    if asks is not None:
        parts.append(asks)
    return md_join("\n", parts)


def _more(count: int, what: str, command: str, other_id: str) -> Block:
    return context(
        fmt(
            "+{more}: `/mentor {command}` {other}",
            more=plural(count, f"more {what}"),
            command=command,
            other=mention(other_id),
        )
    )


def _work_blocks(p: HomePairing, today: date, viewer_id: str | None) -> list[Block]:
    """Open goals, each with its open tasks under it, then the tasks towards no goal shown
    here; at most GOALS_SHOWN goals and TASKS_SHOWN tasks, the rest counted."""
    blocks: list[Block] = []
    goals = p.goals[:GOALS_SHOWN]
    shown_goals = {g.goal_id for g in goals}
    room = TASKS_SHOWN
    if goals:
        blocks.append(context(md("*Goals*")))
        for goal in goals:
            blocks.append(goal_block(goal, today))
            under = [t for t in p.open_tasks if t.goal_id == goal.goal_id][:room]
            room -= len(under)
            blocks.extend(task_block(t, today, viewer_id=viewer_id, show_goal=False) for t in under)
        if len(p.goals) > GOALS_SHOWN:
            blocks.append(_more(len(p.goals) - GOALS_SHOWN, "goal", "goals", p.other_id))
    else:
        blocks.append(context(md("_No goals yet. Agree one or two specific goals together._")))
    others = [t for t in p.open_tasks if t.goal_id not in shown_goals][: max(room, 0)]
    if others:
        blocks.append(context(md("*Other tasks*") if goals else md("*Open tasks*")))
        blocks.extend(task_block(t, today, viewer_id=viewer_id) for t in others)
    hidden = len(p.open_tasks) - (TASKS_SHOWN - room) - len(others)
    if hidden > 0:
        blocks.append(_more(hidden, "task", "tasks", p.other_id))
    return blocks


def _history_block(p: HomePairing, today: date) -> list[Block]:
    """The goals closed lately: who achieved or dropped each, when, and why."""
    if not p.history:
        return []
    lines = [
        fmt(
            "{icon} {text} · {closing}",
            icon=GOAL_ICONS.get(g.status, "◻️"),
            text=clip(g.text, HISTORY_TEXT_LIMIT),
            closing=goal_closing(g, today),
        )
        for g in p.history[:HISTORY_SHOWN]
    ]
    return [context(md("*Recently closed goals*"), *lines)]


def pairing_blocks(p: HomePairing, today: date, viewer_id: str | None = None) -> list[Block]:
    """One pairing on Home: at most ``BLOCKS_PER_PAIRING`` blocks."""
    role = "Your mentee" if p.viewer_is_mentor else "Your mentor"
    focus = escape(clip(p.focus_label, LABEL_LIMIT))
    value = str(p.pairing_id)
    blocks: list[Block] = [
        divider(),
        section(
            fmt("*{role}: {other}* · {focus}", role=role, other=mention(p.other_id), focus=focus),
            block_id=f"home-{value}",
        ),
        section(_details(p, today), block_id=f"home-details-{value}"),
        *_work_blocks(p, today, viewer_id),
        *_history_block(p, today),
    ]
    blocks.extend(home_sharing_blocks(p.pairing_id, p.other_id, p.sharing, p.proposal))
    blocks.append(
        actions(
            f"home-actions-{value}",
            button("Add goal", ids.GOAL_ADD_OPEN, value, "primary"),
            button("Add task", ids.TASK_ADD_OPEN, value),
            button("Change cadence", ids.HOME_CADENCE, value),
            button("Plan our next meeting", ids.MEETING_PLAN, value),
            button("Change pause" if p.paused else "Pause", ids.HOME_PAUSE, value),
            *([button("Resume", ids.PAUSE_RESUME, value)] if p.paused else []),
            button("Reassess", ids.REASSESS_OPEN, value),
            (
                button("Introduce to a colleague…", ids.INTRO_OPEN, value)
                if p.viewer_is_mentor
                else button("Ask for an introduction", ids.INTRO_ASK_OPEN, value)
            ),
            button("End…", ids.HOME_END, value),
        )
    )
    return blocks


def _paging_blocks(page: int, pages: int) -> list[Block]:
    if pages <= 1:
        return []
    blocks = [context(fmt("Page {page} of {pages}", page=page + 1, pages=pages))]
    if page + 1 < pages:
        blocks.append(
            actions("home-more", button("Show more", ids.HOME_MORE, str(page + 1), "primary"))
        )
    if page > 0:
        blocks.append(actions("home-first", button("Back to the start", ids.HOME_MORE, "0")))
    return blocks


def build_home(content: HomeContent) -> dict[str, Any]:
    """The Home view (:func:`_personal_home`), with a coordinator's desk above its first page,
    in the room Slack's 100 blocks leave."""
    view = _personal_home(content)
    if content.desk is not None and content.now is not None and _first_page(content):
        blocks = view["blocks"]
        room = HOME_BLOCK_LIMIT - len(blocks)
        view = _home([*desk_blocks(content.desk, content.now, room), *blocks])
    return view


def _first_page(content: HomeContent) -> bool:
    if len(content.programs) > 1:
        return min(max(content.page, 0), len(grouped_pages(content)) - 1) == 0
    return clamp_page(content.page, len(content.pairings)) == 0


def _personal_home(content: HomeContent) -> dict[str, Any]:
    """The Home view: the welcome when there are no pairings, else one page of pairings
    (mentors first, then mentees) with pending requests on the first page. Someone in several
    programs sees them grouped by program instead (:func:`grouped_pages`)."""
    if len(content.programs) > 1:
        grouped = grouped_pages(content)
        shown_page = min(max(content.page, 0), len(grouped) - 1)
        return _home(
            [
                *grouped[shown_page],
                *(_feedback_blocks(content) if shown_page == 0 else []),
                *_paging_blocks(shown_page, len(grouped)),
            ]
        )
    today = content.today
    awaiting = awaiting_answer_blocks(content.awaiting, content.awaiting_count)
    if not content.pairings:
        blocks = _welcome_blocks(content.focus_labels)
        waiting_on_viewer = [*_request_blocks(content.requests, today), *awaiting]
        if waiting_on_viewer:
            blocks[1:1] = [*waiting_on_viewer, divider()]
        return _home(blocks)
    ordered = sorted(content.pairings, key=lambda p: p.viewer_is_mentor)
    pages = page_count(len(ordered))
    page = clamp_page(content.page, len(ordered))
    shown = ordered[page * PAIRINGS_PER_PAGE : (page + 1) * PAIRINGS_PER_PAGE]
    blocks = [header("Your mentorships")]
    if page == 0:
        blocks.append(directory_buttons())
        blocks.extend(_request_blocks(content.requests, today))
        blocks.extend(awaiting)
    for p in shown:
        blocks.extend(pairing_blocks(p, today, content.viewer_id))
    if page == 0:
        blocks.extend(_feedback_blocks(content))
    blocks.extend(_paging_blocks(page, pages))
    return _home(blocks)


def _feedback_blocks(content: HomeContent) -> list[Block]:
    """A mentor's own feedback to date (across their programs), once enough mentees answered."""
    if content.feedback is None:
        return []
    return sections_from_lines(mentor_feedback_lines(content.feedback))


@dataclass(frozen=True)
class _Group:
    """One program on a grouped Home: its heading with its requests (and, when it has no
    pairings, how to ask someone in it), then each pairing's blocks."""

    name: str
    head: list[Block]
    pairings: list[list[Block]]


def _program_hint(program: HomeProgram) -> Block:
    return context(
        fmt(
            "No mentorships here yet. Ask someone in this program: "
            "`/mentor ask @person [focus] in {name}`",
            name=program.name,
        ),
        md_truncate(fmt("Focus areas: {labels}", labels=md_join(", ", program.focus_labels)), 2000),
    )


def _groups(content: HomeContent) -> list[_Group]:
    groups = []
    for program in content.programs:
        pairings = sorted(
            (p for p in content.pairings if p.program_id == program.program_id),
            key=lambda p: p.viewer_is_mentor,
        )
        requests = [r for r in content.requests if r.program_id == program.program_id]
        name = clip(program.name, PROGRAM_NAME_SHOWN)
        head = [header(name), *_request_blocks(requests, content.today)]
        if not pairings:
            head.append(_program_hint(program))
        groups.append(
            _Group(
                name,
                head,
                [pairing_blocks(p, content.today, content.viewer_id) for p in pairings],
            )
        )
    return groups


def grouped_pages(content: HomeContent) -> list[list[Block]]:
    """Home for someone in several programs, page by page (paging blocks not included): each
    program under its own heading, its requests first, then its pairings (mentors first).

    Pages are filled in order up to ``PAIRINGS_PER_PAGE`` pairings and the view's block limit;
    a program's heading stays with its first pairing, and a program carried over to the next
    page is headed again there. Someone with no pairings at all gets the welcome first."""
    pages: list[list[Block]] = []
    page: list[Block] = [directory_buttons()] if content.pairings else _welcome_intro()
    page += awaiting_answer_blocks(content.awaiting, content.awaiting_count)
    on_page = 0

    def turn(first: list[Block]) -> None:
        nonlocal page, on_page
        pages.append(page)
        page, on_page = first, 0

    for group in _groups(content):
        opening = group.head + group.pairings[0] if group.pairings else group.head
        full = len(page) + len(opening) > GROUPED_PAGE_BLOCKS
        if page and (full or (group.pairings and on_page == PAIRINGS_PER_PAGE)):
            turn([])
        page.extend(group.head)
        for blocks in group.pairings:
            if on_page == PAIRINGS_PER_PAGE or len(page) + len(blocks) > GROUPED_PAGE_BLOCKS:
                turn([header(f"{group.name} (continued)")])
            page.extend(blocks)
            on_page += 1
    pages.append(page)
    return pages

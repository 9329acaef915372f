"""The App Home tab: the welcome for someone with no pairings, and each pairing with its goals,
open tasks and buttons, kept within Slack's limits by capping rows and paging pairings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import ButtonElement, SectionBlock
from slack_sdk.models.views import View

from bot.dates import format_date
from bot.text import Mrkdwn, clip, escape, fmt, md, md_join, md_truncate, mention
from handlers import ids
from handlers.blocks.common import (
    VIEW_BLOCK_LIMIT,
    Block,
    context,
    divider,
    header,
    mrkdwn_text,
    section,
    sections_from_lines,
)
from handlers.blocks.requests import actions, button
from handlers.blocks.work import GoalRow, TaskRow, goal_block, task_block

GOALS_SHOWN = 5
TASKS_SHOWN = 5
PAIRINGS_PER_PAGE = 4
REQUESTS_SHOWN = 10
LABEL_LIMIT = 200
# The most one pairing can take: divider, heading, details, goals label, goal rows, "+N more",
# tasks label, task rows, "+N more", sharing, buttons.
BLOCKS_PER_PAIRING = 9 + GOALS_SHOWN + TASKS_SHOWN
# Header, requests (heading + at most 2 sections), paging (context + 2 actions), spare.
FIXED_BLOCKS = 1 + 3 + 3 + 2
assert FIXED_BLOCKS + PAIRINGS_PER_PAGE * BLOCKS_PER_PAIRING <= VIEW_BLOCK_LIMIT

SHARE_LABEL = "Share goal and task text with coordinators"


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
    share_with_coordinators: bool
    goals: Sequence[GoalRow] = ()  # open first; the builder shows at most GOALS_SHOWN
    open_tasks: Sequence[TaskRow] = ()  # the builder shows at most TASKS_SHOWN


@dataclass(frozen=True)
class HomeRequest:
    other_id: str
    focus_label: str
    asked: date
    mine: bool  # True: the viewer asked; False: the viewer was asked


@dataclass(frozen=True)
class HomeContent:
    today: date
    focus_labels: Sequence[str]
    pairings: Sequence[HomePairing] = ()
    requests: Sequence[HomeRequest] = ()
    page: int = 0


def page_count(pairing_count: int) -> int:
    return max(1, -(-pairing_count // PAIRINGS_PER_PAGE))


def clamp_page(page: int, pairing_count: int) -> int:
    """A page that exists: pairings may have ended since the **Show more** was drawn."""
    return min(max(page, 0), page_count(pairing_count) - 1)


def parse_page(value: str) -> int:
    """The page a **Show more** button carries; anything else is the first page."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 6 else 0


def _welcome_blocks(focus_labels: Sequence[str]) -> list[Block]:
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
                "*Find a mentor*\nAsk someone directly, naming what you'd like help with:\n"
                "`/mentor ask @person research I'd like help planning my first study`"
            )
        ),
        context(
            md_truncate(fmt("Focus areas: {labels}", labels=md_join(", ", focus_labels)), 2000)
        ),
        section(md("Type `/mentor help` to see everything you can do.")),
    ]


def build_welcome_home(focus_labels: Sequence[str]) -> dict[str, Any]:
    """Home for someone with no pairings yet: how to find a mentor."""
    return _home(_welcome_blocks(focus_labels))


def _home(blocks: list[Block]) -> dict[str, Any]:
    return View(type="home", blocks=blocks).to_dict()


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
    return md_join("\n", parts)


def _more(count: int, what: str, command: str, other_id: str) -> Block:
    return context(
        fmt(
            "+{count} more {what}: `/mentor {command}` {other}",
            count=count,
            what=what,
            command=command,
            other=mention(other_id),
        )
    )


def _share_block(p: HomePairing) -> Block:
    state = md("*On*") if p.share_with_coordinators else md("*Off*")
    turn_to = "off" if p.share_with_coordinators else "on"
    return SectionBlock(
        block_id=f"home-share-{p.pairing_id}",
        text=mrkdwn_text(
            fmt(
                "{label}: {state}\n_Coordinators always see counts, never text, unless this is on._",
                label=SHARE_LABEL,
                state=state,
            )
        ),
        accessory=ButtonElement(
            text=f"Turn {turn_to}",
            action_id=ids.HOME_SHARE,
            value=share_value(p.pairing_id, not p.share_with_coordinators),
        ),
    ).to_dict()


def share_value(pairing_id: int, share: bool) -> str:
    """The button says which way to set sharing, so a double click or a retry sets it once
    rather than flipping it back."""
    return f"{pairing_id}:{'on' if share else 'off'}"


def parse_share_value(value: str) -> tuple[int, bool] | None:
    pairing, _, state = value.partition(":")
    if not pairing.isdigit() or len(pairing) > 18 or state not in ("on", "off"):
        return None
    return int(pairing), state == "on"


def pairing_blocks(p: HomePairing, today: date) -> list[Block]:
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
    ]
    if p.goals:
        blocks.append(context(md("*Goals*")))
        blocks.extend(goal_block(g, today) for g in p.goals[:GOALS_SHOWN])
        if len(p.goals) > GOALS_SHOWN:
            blocks.append(_more(len(p.goals) - GOALS_SHOWN, "goals", "goals", p.other_id))
    else:
        blocks.append(context(md("_No goals yet. Agree one or two specific goals together._")))
    if p.open_tasks:
        blocks.append(context(md("*Open tasks*")))
        blocks.extend(task_block(t, today) for t in p.open_tasks[:TASKS_SHOWN])
        if len(p.open_tasks) > TASKS_SHOWN:
            blocks.append(_more(len(p.open_tasks) - TASKS_SHOWN, "tasks", "tasks", p.other_id))
    blocks.append(_share_block(p))
    blocks.append(
        actions(
            f"home-actions-{value}",
            button("Add goal", ids.GOAL_ADD_OPEN, value, "primary"),
            button("Add task", ids.TASK_ADD_OPEN, value),
            button("Change cadence", ids.HOME_CADENCE, value),
            button("Change pause" if p.paused else "Pause", ids.HOME_PAUSE, value),
            *([button("Resume", ids.PAUSE_RESUME, value)] if p.paused else []),
            button("Reassess", ids.REASSESS_OPEN, value),
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
    """The Home view: the welcome when there are no pairings, else one page of pairings
    (mentors first, then mentees) with pending requests on the first page."""
    today = content.today
    if not content.pairings:
        blocks = _welcome_blocks(content.focus_labels)
        requests = _request_blocks(content.requests, today)
        if requests:
            blocks[1:1] = [*requests, divider()]
        return _home(blocks)
    ordered = sorted(content.pairings, key=lambda p: p.viewer_is_mentor)
    pages = page_count(len(ordered))
    page = clamp_page(content.page, len(ordered))
    shown = ordered[page * PAIRINGS_PER_PAGE : (page + 1) * PAIRINGS_PER_PAGE]
    blocks = [header("Your mentorships")]
    if page == 0:
        blocks.extend(_request_blocks(content.requests, today))
    for p in shown:
        blocks.extend(pairing_blocks(p, today))
    blocks.extend(_paging_blocks(page, pages))
    return _home(blocks)

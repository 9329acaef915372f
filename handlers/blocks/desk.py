"""The coordinator's desk at the top of Home: one program at a time (a picker when they
coordinate several), its actions (Match…, Survey…, Report…, Digest preview, Members…, Program
settings for admins), coverage, this week's figures with the at-risk pairs and the digest's own
buttons, what is in progress, and the trainees without a mentor. Pure builders within a block
budget: what does not fit is left out, least needed first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot import feedback as fb
from bot.text import Mrkdwn, fmt, md, plain, plural
from handlers import ids
from handlers.blocks.common import Block, context, divider, header, mrkdwn_text, section
from handlers.blocks.coverage import (
    ProgramCoverage,
    WeekFigures,
    coverage_summary_blocks,
    uncovered_blocks,
)
from handlers.blocks.digest import pair_actions, pair_row

AT_RISK_SHOWN = 3
OPTION_TEXT_LIMIT = 75  # Slack's limit for an option's text
OPTIONS_LIMIT = 100  # Slack's limit for a static select's options
BUTTON_TEXT_LIMIT = 75  # Slack's limit for a button's text


@dataclass(frozen=True)
class DeskProgram:
    """A program in the picker."""

    program_id: int
    name: str


@dataclass(frozen=True)
class Desk:
    shown: ProgramCoverage  # the program on show
    programs: Sequence[DeskProgram] = ()  # every program the viewer coordinates (the picker)
    is_admin: bool = False  # may edit the program's settings


def parse_program_value(value: str) -> int | None:
    """A picker option's or an Actions button's program id; None for anything else."""
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _picker(desk: Desk) -> Block:
    shown = desk.shown
    options = [
        Option(value=str(p.program_id), text=plain(p.name)[:OPTION_TEXT_LIMIT])
        for p in desk.programs[:OPTIONS_LIMIT]
    ]
    chosen = next((o for o in options if o.value == str(shown.program_id)), None)
    return SectionBlock(
        block_id="desk-program",
        text=mrkdwn_text(
            fmt(
                "You coordinate {n}. Showing *{name}*.",
                n=plural(len(desk.programs), "program"),
                name=shown.name,
            )
        ),
        accessory=StaticSelectElement(
            action_id=ids.HOME_PROGRAM_PICK,
            placeholder="Show a program",
            options=options,
            initial_option=chosen,
        ),
    ).to_dict()


def _actions(desk: Desk) -> Block:
    value = str(desk.shown.program_id)
    buttons = [
        ("Match…", ids.HOME_MATCH),
        ("Survey…", ids.HOME_SURVEY),
        ("Report…", ids.HOME_REPORT),
        ("Digest preview", ids.HOME_DIGEST),
        ("Members…", ids.HOME_MEMBERS),
    ]
    if desk.is_admin:
        buttons.append(("Program settings", ids.HOME_SETTINGS))
    return ActionsBlock(
        block_id=f"desk-actions-{value}",
        elements=[
            ButtonElement(text=text, action_id=action, value=value) for text, action in buttons
        ],
    ).to_dict()


ROUNDS_CLOSABLE = 3


def _close_rounds(shown: ProgramCoverage) -> list[Block]:
    """**Close now** for each matching round still collecting answers (the round's own
    button: it closes the round and sends the proposal); a block each, as Slack wants an
    action's id once per block."""
    collecting = [r for r in shown.rounds if r.status == "collecting"][:ROUNDS_CLOSABLE]
    return [
        ActionsBlock(
            block_id=f"desk-round-{r.round_id}",
            elements=[
                ButtonElement(
                    text=plain(f"Close the {shown.focus_labels.get(r.focus, r.focus)} round now")[
                        :BUTTON_TEXT_LIMIT
                    ],
                    action_id=ids.MATCH_CLOSE,
                    value=str(r.round_id),
                )
            ],
        ).to_dict()
        for r in collecting
    ]


def week_lines(week: WeekFigures) -> Mrkdwn:
    usefulness = fb.mean_text(week.usefulness, 5)
    return fmt(
        "*This week* (the last 7 days)\n"
        "Meetings held: {meetings} · check-ins answered: {answered} of {sent}\n"
        "Requests waiting for an answer: {requests} · last week's meetings were rated "
        "{usefulness}",
        meetings=week.meetings,
        answered=week.answered,
        sent=week.sent,
        requests=week.requests_waiting,
        usefulness=usefulness,
    )


def week_blocks(week: WeekFigures, room: int) -> list[Block]:
    """This week's figures, and as many at-risk pairs (each with Details, Nudge, Reassign and
    Close, the digest's own rows) as ``room`` leaves."""
    blocks = [section(week_lines(week))]
    risk = week.risk
    if not risk.pairs:
        blocks.append(context(md("No pair looks stalled.")))
        return blocks
    fits = max(0, min(AT_RISK_SHOWN, (room - len(blocks) - 1) // 2))
    shown = risk.pairs[:fits]
    for pair in shown:
        blocks += [pair_row(pair), pair_actions(pair.pairing_id)]
    hidden = risk.total_pairs - len(shown)
    if hidden > 0:
        blocks.append(
            context(
                fmt(
                    "{n} at risk in all; *Digest preview* has them.",
                    n=plural(risk.total_pairs, "pair"),
                )
            )
        )
    return blocks


def desk_blocks(desk: Desk, now: datetime, budget: int) -> list[Block]:
    """The desk in at most ``budget`` blocks: its heading, picker, actions and coverage first;
    then this week, then the trainees without a mentor, each only when it fits."""
    shown = desk.shown
    head = [header(f"Coordinator · {shown.name}")]
    if len(desk.programs) > 1:
        head.append(_picker(desk))
    head.append(_actions(desk))
    head += coverage_summary_blocks(shown, now)
    head += _close_rounds(shown)
    tail = [divider()]
    if len(head) + len(tail) > budget:
        # Only a full page of the viewer's own mentorships leaves this little room.
        if budget < 1:
            return []
        return [
            context(
                md(
                    "Your coordinator desk doesn't fit beside this page of your mentorships; "
                    "`/mentor digest` shows your program's week."
                )
            )
        ]
    blocks = head
    if shown.week is not None:
        room = budget - len(blocks) - len(tail)
        week = week_blocks(shown.week, room)
        if len(week) <= room:
            blocks = blocks + week
    uncovered = uncovered_blocks(shown, now)
    if len(blocks) + len(uncovered) + len(tail) <= budget:
        blocks = blocks + uncovered
    return blocks + tail

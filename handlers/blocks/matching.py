"""Block Kit for matching rounds, and the parsers of what comes back: the coordinator's modal,
the invitations to trainees and mentors, their answers, and the proposal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConversationFilter,
    ConversationMultiSelectElement,
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
    UserMultiSelectElement,
    UserSelectElement,
)

from bot.focus import FocusArea
from bot.matching import MAX_CHOICES
from bot.text import Mrkdwn, fmt, md, md_join, mention, plural
from handlers import ids
from handlers.blocks.common import Block, MessageBody, context, section
from handlers.blocks.conflicts import overridden, override_input
from handlers.blocks.modals import (
    InvalidSubmission,
    Values,
    focus_input,
    form_modal,
    parse_metadata,
)
from handlers.blocks.programs import parse_usergroup

ORDINALS = ("1st", "2nd", "3rd", "4th", "5th")
SHOWN_PAIRS = 15  # pairs listed in the proposal message; all of them are in the CSV


def _modal(
    title: str, callback_id: str, blocks: list[Any], metadata: dict[str, Any], submit: str
) -> dict[str, Any]:
    return form_modal(title, callback_id, blocks, json.dumps(metadata), submit)


def _button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=action_id, value=value, style=style)


def _actions(*buttons: ButtonElement) -> Block:
    return ActionsBlock(elements=list(buttons)).to_dict()


# The coordinator's modal ----------------------------------------------------------------------


def build_match_modal(
    program_id: int, program_name: str, areas: Sequence[FocusArea]
) -> dict[str, Any]:
    return _modal(
        "Start a matching round",
        ids.MATCH_VIEW,
        [
            section(
                fmt(
                    "Match trainees with mentors in *{program}*. Trainees rank up to five "
                    "mentors, mentors can mark trainees they'd rather not take; at the deadline "
                    "I propose pairs for you to approve.",
                    program=program_name,
                )
            ),
            focus_input(areas, placeholder=None),
            InputBlock(
                block_id=ids.MATCH_TRAINEES_BLOCK,
                label="Trainees",
                optional=True,
                hint=(
                    "People to find a mentor for, or a channel or user group below. Leave all "
                    "empty for everyone with a trainee profile who has no mentor for this "
                    "focus yet."
                ),
                element=UserMultiSelectElement(action_id=ids.MATCH_TRAINEES_INPUT),
            ),
            InputBlock(
                block_id=ids.MATCH_CHANNEL_BLOCK,
                label="Or the members of a channel",
                optional=True,
                element=ConversationMultiSelectElement(
                    action_id=ids.MATCH_CHANNEL_INPUT,
                    max_selected_items=1,
                    # Channels only: a DM's members are not a cohort of trainees.
                    filter=ConversationFilter(include=["public", "private"]),
                ),
            ),
            InputBlock(
                block_id=ids.MATCH_USERGROUP_BLOCK,
                label="Or the members of a user group",
                optional=True,
                hint="The user group's id (S...), as in a program's settings.",
                element=PlainTextInputElement(
                    action_id=ids.MATCH_USERGROUP_INPUT, max_length=200, placeholder="S0123ABCD"
                ),
            ),
            InputBlock(
                block_id=ids.MATCH_MENTORS_BLOCK,
                label="Mentors",
                optional=True,
                hint="Leave empty for every open mentor profile in the program for this focus.",
                element=UserMultiSelectElement(action_id=ids.MATCH_MENTORS_INPUT),
            ),
            InputBlock(
                block_id=ids.MATCH_DEADLINE_BLOCK,
                label="Preferences close on",
                element=DatePickerElement(action_id=ids.MATCH_DEADLINE_INPUT),
            ),
        ],
        {"program": program_id},
        "Start round",
    )


@dataclass(frozen=True)
class MatchSetup:
    program_id: int
    focus: str
    trainees: tuple[str, ...]
    channel: str | None
    mentors: tuple[str, ...]
    deadline: date
    usergroup: str | None = None


def _picked(values: Values, block: str, action: str, key: str) -> list[str]:
    raw = (values.get(block) or {}).get(action) or {}
    return [str(item) for item in raw.get(key) or []]


def parse_match_submission(
    values: Values, metadata: str, areas: Sequence[FocusArea], today: date
) -> MatchSetup:
    errors: dict[str, str] = {}
    focus = str(
        ((values.get(ids.FOCUS_BLOCK) or {}).get(ids.FOCUS_INPUT) or {})
        .get("selected_option", {})
        .get("value")
        or ""
    )
    if focus not in {a.key for a in areas}:
        errors[ids.FOCUS_BLOCK] = "Choose one of the program's focus areas."
    trainees = _picked(values, ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, "selected_users")
    channels = _picked(
        values, ids.MATCH_CHANNEL_BLOCK, ids.MATCH_CHANNEL_INPUT, "selected_conversations"
    )
    mentors = _picked(values, ids.MATCH_MENTORS_BLOCK, ids.MATCH_MENTORS_INPUT, "selected_users")
    raw_date = str(
        ((values.get(ids.MATCH_DEADLINE_BLOCK) or {}).get(ids.MATCH_DEADLINE_INPUT) or {}).get(
            "selected_date"
        )
        or ""
    )
    deadline = today
    try:
        deadline = date.fromisoformat(raw_date)
    except ValueError:
        errors[ids.MATCH_DEADLINE_BLOCK] = "Choose the day preferences close."
    else:
        if deadline < today:
            errors[ids.MATCH_DEADLINE_BLOCK] = "Choose today or a day after it."
    typed_group = str(
        ((values.get(ids.MATCH_USERGROUP_BLOCK) or {}).get(ids.MATCH_USERGROUP_INPUT) or {}).get(
            "value"
        )
        or ""
    )
    usergroup = None
    try:
        usergroup = parse_usergroup(typed_group)
    except ValueError:
        errors[ids.MATCH_USERGROUP_BLOCK] = (
            "That doesn't look like a user group id. It starts with S, like S0123ABCD."
        )
    program = parse_metadata(metadata).get("program")
    if errors:
        raise InvalidSubmission(errors)
    return MatchSetup(
        program_id=int(program) if isinstance(program, int) else 0,
        focus=focus,
        trainees=tuple(dict.fromkeys(trainees)),
        channel=channels[0] if channels else None,
        mentors=tuple(dict.fromkeys(mentors)),
        deadline=deadline,
        usergroup=usergroup,
    )


# Why someone chosen in the match modal was left out of the round (users.info said so).
LEFT_OUT_APP = "app"
LEFT_OUT_DEACTIVATED = "deactivated"
LEFT_OUT_UNKNOWN = "unknown"
LEFT_OUT_WORDS = {
    LEFT_OUT_APP: "an app, not a person",
    LEFT_OUT_DEACTIVATED: "their Slack account is deactivated",
    LEFT_OUT_UNKNOWN: "not found in this workspace",
}


def left_out_line(left_out: Sequence[tuple[str, str]]) -> Mrkdwn:
    """ "Left out: @a (an app, not a person), @b (their Slack account is deactivated)."."""
    return fmt(
        "Left out: {people}.",
        people=md_join(
            ", ",
            [
                fmt("{who} ({why})", who=mention(user), why=LEFT_OUT_WORDS.get(why, why))
                for user, why in left_out
            ],
        ),
    )


def build_round_opened(
    round_id: int,
    focus_label: str,
    trainees: int,
    mentors: int,
    deadline: date,
    left_out: Sequence[tuple[str, str]] = (),
) -> MessageBody:
    """The coordinator's note that the round is open; ``left_out`` are (user, why) of people
    they chose who can't take part."""
    text = fmt(
        "Matching round for *{focus}* started: {trainees} and {mentors} are invited to give "
        "their preferences until {deadline}. Then I'll send you the proposal.",
        focus=focus_label,
        trainees=plural(trainees, "trainee"),
        mentors=plural(mentors, "mentor"),
        deadline=f"{deadline:%a %-d %b}",
    )
    blocks: list[Block] = [section(text)]
    if left_out:
        blocks.append(section(left_out_line(left_out)))
    blocks.append(
        _actions(
            _button("Close now and propose", ids.MATCH_CLOSE, str(round_id)),
            _button("Cancel the round", ids.MATCH_CANCEL, str(round_id), "danger"),
        )
    )
    return MessageBody(text, blocks)


def build_round_cancelled_note(focus_label: str, trainee: bool) -> MessageBody:
    """The kind note to someone invited to a round that was then cancelled."""
    if trainee:
        text = fmt(
            "The matching round for *{focus}* you were invited to has been cancelled, so it "
            "won't pair you with a mentor. Nothing is needed from you: `/mentor find` shows "
            "mentors who can take someone now, and you can ask one directly.",
            focus=focus_label,
        )
    else:
        text = fmt(
            "The matching round for *{focus}* you were invited to has been cancelled, so it "
            "won't pair you with anyone. Thank you for making room; nothing is needed from you.",
            focus=focus_label,
        )
    return MessageBody(text, [section(text)])


# Invitations and answers ------------------------------------------------------------------------


def build_trainee_invite(
    participant_id: int, focus_label: str, suggestions: Sequence[str], closes: date
) -> MessageBody:
    text = fmt(
        "You're in a matching round for a *{focus}* mentor. Rank up to five mentors you'd like "
        "by {closes}; places you leave open are filled from these suggestions, best fit first.",
        focus=focus_label,
        closes=f"{closes:%a %-d %b}",
    )
    listed = (
        md_join(", ", [mention(m) for m in suggestions])
        if suggestions
        else md("No suggestions yet: rank anyone from the round.")
    )
    return MessageBody(
        text,
        [
            section(text),
            section(fmt("Suggested for you: {mentors}", mentors=listed)),
            _actions(
                _button("Rank my choices", ids.MATCH_RANK_OPEN, str(participant_id), "primary")
            ),
        ],
    )


def build_mentor_invite(
    participant_id: int, focus_label: str, places: int, closes: date
) -> MessageBody:
    text = fmt(
        "You're a mentor in a matching round for *{focus}* with {places}. If there are "
        "trainees you'd rather not take (for example someone you assess), mark them here by "
        "{closes}; I'll never pair you with them.",
        focus=focus_label,
        places=plural(places, "place"),
        closes=f"{closes:%a %-d %b}",
    )
    return MessageBody(
        text,
        [
            section(text),
            _actions(
                _button(
                    "Trainees I'd rather not take", ids.MATCH_RATHER_NOT_OPEN, str(participant_id)
                )
            ),
        ],
    )


def build_rank_modal(
    participant_id: int, ranked: Sequence[str], suggested: Sequence[str] = ()
) -> dict[str, Any]:
    blocks: list[Any] = [
        section(md("Choose up to five mentors from this round, your favourite first.")),
    ]
    if suggested:
        blocks.append(
            context(
                fmt(
                    "Suggested for you: {mentors}. Places you leave empty are filled from them.",
                    mentors=md_join(", ", [mention(m) for m in suggested]),
                )
            )
        )
    for index, ordinal in enumerate(ORDINALS):
        initial = ranked[index] if index < len(ranked) else None
        blocks.append(
            InputBlock(
                block_id=f"{ids.MATCH_CHOICE_BLOCK}{index}",
                label=f"{ordinal} choice",
                optional=True,
                element=UserSelectElement(action_id=ids.MATCH_CHOICE_INPUT, initial_user=initial),
            )
        )
    return _modal(
        "Rank your mentors", ids.MATCH_RANK_VIEW, blocks, {"participant": participant_id}, "Save"
    )


def parse_rank_submission(values: Values, allowed: Sequence[str], own_id: str) -> list[str]:
    """The chosen mentors in order (blanks skipped); each must be a mentor of the round."""
    errors: dict[str, str] = {}
    chosen: list[str] = []
    for index in range(MAX_CHOICES):
        block = f"{ids.MATCH_CHOICE_BLOCK}{index}"
        user = ((values.get(block) or {}).get(ids.MATCH_CHOICE_INPUT) or {}).get("selected_user")
        if not user:
            continue
        user = str(user)
        if user == own_id or user not in allowed:
            errors[block] = "Choose someone who is a mentor in this round."
        elif user in chosen:
            errors[block] = "You've chosen them already."
        else:
            chosen.append(user)
    if errors:
        raise InvalidSubmission(errors)
    return chosen


def build_rather_not_modal(participant_id: int, current: Sequence[str]) -> dict[str, Any]:
    return _modal(
        "Rather not take",
        ids.MATCH_RATHER_NOT_VIEW,
        [
            section(md("Only you and the coordinators' matching see this; nobody is told.")),
            InputBlock(
                block_id=ids.MATCH_TRAINEES_BLOCK,
                label="Trainees",
                optional=True,
                element=UserMultiSelectElement(
                    action_id=ids.MATCH_TRAINEES_INPUT, initial_users=list(current) or None
                ),
            ),
        ],
        {"participant": participant_id},
        "Save",
    )


def parse_rather_not_submission(values: Values, allowed: Sequence[str]) -> list[str]:
    picked = _picked(values, ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, "selected_users")
    if any(user not in allowed for user in picked):
        raise InvalidSubmission({ids.MATCH_TRAINEES_BLOCK: "Choose trainees in this round only."})
    return picked


def participant_in(metadata: str) -> int:
    found = parse_metadata(metadata).get("participant")
    return found if isinstance(found, int) else 0


def build_answer_saved(trainee: bool, people: Sequence[str]) -> MessageBody:
    """What a trainee or mentor is told after saving their answer."""
    named = md_join(", ", [mention(person) for person in people])
    if trainee:
        text = (
            fmt(
                "Saved your choices, in order: {people}. You can change them until the round "
                "closes.",
                people=named,
            )
            if people
            else md("Saved: no choices of your own, so your suggestions will be used.")
        )
    else:
        text = (
            fmt("Saved. I won't pair you with {people} in this round.", people=named)
            if people
            else md("Saved: there's nobody you'd rather not take.")
        )
    return MessageBody(text, [section(text)])


# The proposal ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalRow:
    trainee_id: str
    mentor_id: str | None
    reason: str


def build_proposal(
    round_id: int, focus_label: str, rows: Sequence[ProposalRow], mentors: int
) -> MessageBody:
    paired = [row for row in rows if row.mentor_id]
    left = [row for row in rows if not row.mentor_id]
    text = fmt(
        "Proposal for the *{focus}* round: {paired} and {left} without a mentor, "
        "from {mentors}. The CSV has every trainee with the reason.",
        focus=focus_label,
        paired=plural(len(paired), "pair"),
        left=plural(len(left), "trainee"),
        mentors=plural(mentors, "mentor"),
    )
    lines: list[Mrkdwn] = [
        fmt(
            "{trainee} → {mentor} ({reason})",
            trainee=mention(row.trainee_id),
            mentor=mention(str(row.mentor_id)),
            reason=row.reason,
        )
        for row in paired[:SHOWN_PAIRS]
    ]
    blocks: list[Block] = [section(text)]
    if lines:
        blocks.append(section(md_join("\n", lines)))
    if len(paired) > SHOWN_PAIRS:
        blocks.append(context(fmt("…and {more} more in the CSV.", more=len(paired) - SHOWN_PAIRS)))
    if left:
        blocks.append(
            section(
                fmt(
                    "Unmatched: {people}",
                    people=md_join(
                        ", ",
                        [
                            fmt("{who} ({why})", who=mention(r.trainee_id), why=r.reason)
                            for r in left[:30]
                        ],
                    ),
                )
            )
        )
    blocks.append(
        _actions(
            _button("Approve all", ids.MATCH_APPROVE, str(round_id), "primary"),
            _button("Change a pair", ids.MATCH_CHANGE_OPEN, str(round_id)),
            _button("Send the CSV", ids.MATCH_CSV, str(round_id)),
            _button("Cancel the round", ids.MATCH_CANCEL, str(round_id), "danger"),
        )
    )
    return MessageBody(text, blocks)


def build_proposal_approved(
    round_id: int, focus_label: str, made: int, left: int, already: int, by: str
) -> MessageBody:
    """The proposal once approved: what was done, and no buttons that would do it again."""
    text = fmt(
        "Approved by {by}: the *{focus}* round made {made}; {left} told kindly and put on the "
        "waiting list.",
        by=mention(by),
        focus=focus_label,
        made=plural(made, "pairing"),
        left=plural(left, "trainee"),
    )
    blocks: list[Block] = [section(text)]
    if already:
        blocks.append(
            context(
                fmt(
                    "{already} had found a mentor for the focus meanwhile and kept them.",
                    already=plural(already, "trainee"),
                )
            )
        )
    blocks.append(_actions(_button("Send the CSV", ids.MATCH_CSV, str(round_id))))
    return MessageBody(text, blocks)


def build_change_modal(round_id: int) -> dict[str, Any]:
    return _modal(
        "Change a pair",
        ids.MATCH_CHANGE_VIEW,
        [
            InputBlock(
                block_id=ids.MATCH_PAIR_BLOCK,
                label="Trainee",
                element=UserSelectElement(action_id=ids.MATCH_PAIR_INPUT),
            ),
            InputBlock(
                block_id=ids.MATCH_NEW_MENTOR_BLOCK,
                label="Their mentor",
                optional=True,
                hint="Leave empty to remove the pair: the trainee joins the waiting list.",
                element=UserSelectElement(action_id=ids.MATCH_NEW_MENTOR_INPUT),
            ),
            override_input(),
        ],
        {"round": round_id},
        "Save",
    )


@dataclass(frozen=True)
class PairChange:
    round_id: int
    trainee_id: str
    mentor_id: str | None
    # The coordinator ticked "I know, pair them anyway" despite a conflict of interest.
    override: bool = False


def parse_change_submission(values: Values, metadata: str) -> PairChange:
    trainee = ((values.get(ids.MATCH_PAIR_BLOCK) or {}).get(ids.MATCH_PAIR_INPUT) or {}).get(
        "selected_user"
    )
    mentor = (
        (values.get(ids.MATCH_NEW_MENTOR_BLOCK) or {}).get(ids.MATCH_NEW_MENTOR_INPUT) or {}
    ).get("selected_user")
    if not trainee:
        raise InvalidSubmission({ids.MATCH_PAIR_BLOCK: "Choose a trainee of this round."})
    found = parse_metadata(metadata).get("round")
    return PairChange(
        round_id=found if isinstance(found, int) else 0,
        trainee_id=str(trainee),
        mentor_id=str(mentor) if mentor else None,
        override=overridden(values),
    )


def build_unmatched_note(focus_label: str) -> MessageBody:
    text = fmt(
        "The matching round for *{focus}* has closed, and this time there wasn't a mentor "
        "with a place for you. That's about places, not about you. You're on the waiting list: "
        "I'll tell you as soon as a fitting mentor has room, and you can always ask someone "
        "with `/mentor ask`.",
        focus=focus_label,
    )
    return MessageBody(text, [section(text)])

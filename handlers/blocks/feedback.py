"""Feedback Block Kit: the usefulness rating under a met check-in and its note modal, the exit
survey DM and modal, the pulse (the coordinator's modal, the DM and the answer modal), and the
parsers of what those send back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import feedback as fb
from bot.dates import format_date
from bot.text import Mrkdwn, clip, fmt, md, mention, normalise_user_text, plain
from handlers import ids
from handlers.blocks.common import Block, MessageBody, context, header, section
from handlers.blocks.modals import InvalidSubmission, Values
from handlers.blocks.requests import actions, button

RATING_ACTIONS_BLOCK = "checkin-rating"
EXIT_ACTIONS_BLOCK = "exit-survey"
PULSE_ACTIONS_BLOCK = "pulse"
NOTE_LIMIT = 500
TEXT_LIMIT = 1000
OPTION_TEXT_LIMIT = 75

USEFULNESS_LABELS = {1: "1 Not useful", 2: "2", 3: "3", 4: "4", 5: "5 Very useful"}

FEEDBACK_PRIVACY = md(
    "Private: coordinators and mentors only ever see averages of several people's answers, "
    "never yours on its own."
)
# The exit survey has words too, which reach coordinators when (only when) the writer shares.
EXIT_PRIVACY = md(
    "Private: coordinators and mentors only ever see averages of several people's scores, never "
    "yours on its own. Your words stay private unless you tick *Share*; then coordinators read "
    "them without your name, mixed with other people's, once enough people have shared."
)


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=clip(plain(text), OPTION_TEXT_LIMIT))


def _modal(
    title: str, callback_id: str, blocks: list[Any], metadata: str, submit: str = "Send"
) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def _state(values: Values, block_id: str, action_id: str) -> dict[str, Any]:
    return values.get(block_id, {}).get(action_id, {})


def _selected(values: Values, block_id: str, action_id: str) -> str | None:
    option = _state(values, block_id, action_id).get("selected_option")
    return str(option.get("value")) if isinstance(option, dict) else None


def _text(values: Values, block_id: str, action_id: str) -> str:
    return normalise_user_text(str(_state(values, block_id, action_id).get("value") or ""))


def _score(raw: str | None, scale: Sequence[int]) -> int | None:
    if raw is None or not raw.lstrip("-").isdigit():
        return None
    value = int(raw)
    return value if value in scale else None


# -- after a meeting ------------------------------------------------------------------------------


def rating_blocks(checkin_id: int, rating: int | None) -> list[Block]:
    """Under a met check-in: "How useful was this?" 1-5 and a note, or the thanks once rated."""
    if rating is not None:
        return [context(fmt("You rated this meeting {score}/5. Thank you!", score=str(rating)))]
    return [
        section(md("*How useful was this meeting?* (optional)")),
        actions(
            RATING_ACTIONS_BLOCK,
            *(
                button(str(score), ids.checkin_rate_action(score), f"{checkin_id},{score}")
                for score in fb.USEFULNESS_SCALE
            ),
            button("Rate with a private note", ids.CHECKIN_RATE_NOTE, str(checkin_id)),
        ),
        context(FEEDBACK_PRIVACY),
    ]


def build_rating_modal(checkin_id: int) -> dict[str, Any]:
    blocks: list[Any] = [
        InputBlock(
            block_id=ids.RATING_BLOCK,
            label="How useful was this meeting?",
            element=RadioButtonsElement(
                action_id=ids.RATING_INPUT,
                options=[
                    _option(str(score), USEFULNESS_LABELS[score]) for score in fb.USEFULNESS_SCALE
                ],
            ),
        ),
        InputBlock(
            block_id=ids.NOTE_BLOCK,
            label="A private note (optional)",
            hint="Kept for the record; never shown to anyone with your name.",
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.NOTE_INPUT, multiline=True, max_length=NOTE_LIMIT
            ),
        ),
        context(FEEDBACK_PRIVACY),
    ]
    return _modal("How useful was it?", ids.CHECKIN_RATE_VIEW, blocks, str(checkin_id), "Save")


def parse_rating(values: Values) -> tuple[int, str]:
    """(score, note) from the rating modal."""
    errors: dict[str, str] = {}
    score = _score(_selected(values, ids.RATING_BLOCK, ids.RATING_INPUT), fb.USEFULNESS_SCALE)
    if score is None:
        errors[ids.RATING_BLOCK] = "Please pick 1 to 5."
    note = _text(values, ids.NOTE_BLOCK, ids.NOTE_INPUT)
    if len(note) > NOTE_LIMIT:
        errors[ids.NOTE_BLOCK] = f"Please keep the note under {NOTE_LIMIT} characters."
    if errors or score is None:
        raise InvalidSubmission(errors)
    return score, note


def parse_rating_value(raw: str) -> tuple[int, int] | None:
    """(check-in id, score) from a rating button's value; None when forged."""
    parts = raw.split(",")
    if len(parts) != 2 or not parts[0].isdigit():
        return None
    score = _score(parts[1], fb.USEFULNESS_SCALE)
    return (int(parts[0]), score) if score is not None else None


RATED_BEFORE = md("You've already rated that meeting, thank you. Your first answer stands.")
RATING_OFF = md("Ratings aren't collected in this program, so nothing was saved.")
RATING_NOT_MET = md("Only a meeting answered “We met” can be rated.")


# -- at the end of a mentorship -------------------------------------------------------------------


@dataclass(frozen=True)
class ExitInvite:
    survey_id: int
    other_id: str
    focus_label: str
    is_mentee: bool
    answered: bool = False


def build_exit_survey_message(invite: ExitInvite) -> MessageBody:
    """The one DM at the end of a mentorship, with the button that opens the survey."""
    text = fmt(
        "Your mentorship with {other} ({focus}) has ended. Two minutes of feedback?",
        other=mention(invite.other_id),
        focus=invite.focus_label,
    )
    blocks: list[Block] = [
        header("How did your mentorship go?"),
        section(
            fmt(
                "Your mentorship with {other} on *{focus}* has ended. A short survey helps "
                "the program, and your mentor's teaching record, without exposing you.",
                other=mention(invite.other_id),
                focus=invite.focus_label,
            )
        ),
    ]
    if invite.answered:
        blocks.append(context(md("✅ Thank you, your answers are saved.")))
    else:
        blocks.append(
            actions(
                EXIT_ACTIONS_BLOCK,
                button("Answer the survey", ids.EXIT_SURVEY_OPEN, str(invite.survey_id), "primary"),
            )
        )
    blocks.append(context(EXIT_PRIVACY))
    return MessageBody(text, blocks)


def build_exit_survey_modal(survey_id: int, is_mentee: bool) -> dict[str, Any]:
    blocks: list[Any] = [
        InputBlock(
            block_id=ids.GOALS_MET_BLOCK,
            label="Were the goals met?",
            element=RadioButtonsElement(
                action_id=ids.GOALS_MET_INPUT,
                options=[_option(v.value, fb.GOALS_MET_LABELS[v]) for v in fb.GoalsMet],
            ),
        )
    ]
    if is_mentee:
        blocks.append(
            InputBlock(
                block_id=ids.RECOMMEND_BLOCK,
                label="Would you recommend this mentor? (0 not at all, 10 certainly)",
                element=StaticSelectElement(
                    action_id=ids.RECOMMEND_INPUT,
                    options=[_option(str(n), str(n)) for n in fb.RECOMMEND_SCALE],
                ),
            )
        )
    for block_id, action_id, label in (
        (ids.HELPED_BLOCK, ids.HELPED_INPUT, "What helped most? (optional)"),
        (ids.CHANGE_BLOCK, ids.CHANGE_INPUT, "What should change? (optional)"),
    ):
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=label,
                optional=True,
                element=PlainTextInputElement(
                    action_id=action_id, multiline=True, max_length=TEXT_LIMIT
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=ids.SHARE_TEXT_BLOCK,
            label="Your words",
            optional=True,
            element=CheckboxesElement(
                action_id=ids.SHARE_TEXT_INPUT,
                options=[_option("share", "Share my words with coordinators, without my name")],
            ),
        )
    )
    blocks.append(context(EXIT_PRIVACY))
    return _modal("End of mentorship", ids.EXIT_SURVEY_VIEW, blocks, str(survey_id))


@dataclass(frozen=True)
class ExitAnswers:
    goals_met: str
    recommend: int | None
    helped: str
    change: str
    share_text: bool


def parse_exit_survey(values: Values, is_mentee: bool) -> ExitAnswers:
    errors: dict[str, str] = {}
    goals = _selected(values, ids.GOALS_MET_BLOCK, ids.GOALS_MET_INPUT)
    if goals not in {v.value for v in fb.GoalsMet}:
        errors[ids.GOALS_MET_BLOCK] = "Please pick one."
    recommend: int | None = None
    if is_mentee:
        recommend = _score(
            _selected(values, ids.RECOMMEND_BLOCK, ids.RECOMMEND_INPUT), fb.RECOMMEND_SCALE
        )
        if recommend is None:
            errors[ids.RECOMMEND_BLOCK] = "Please pick 0 to 10."
    helped = _text(values, ids.HELPED_BLOCK, ids.HELPED_INPUT)
    change = _text(values, ids.CHANGE_BLOCK, ids.CHANGE_INPUT)
    for block_id, value in ((ids.HELPED_BLOCK, helped), (ids.CHANGE_BLOCK, change)):
        if len(value) > TEXT_LIMIT:
            errors[block_id] = f"Please keep this under {TEXT_LIMIT} characters."
    picked = _state(values, ids.SHARE_TEXT_BLOCK, ids.SHARE_TEXT_INPUT).get("selected_options")
    share = any(isinstance(o, dict) and o.get("value") == "share" for o in picked or [])
    if errors or goals is None:
        raise InvalidSubmission(errors)
    return ExitAnswers(goals, recommend, helped, change, share)


EXIT_ANSWERED_BEFORE = md("You've already answered that survey, thank you. Your answers stand.")


# -- pulses ---------------------------------------------------------------------------------------


def build_pulse_modal(program_id: int, program_name: str | None) -> dict[str, Any]:
    """The coordinator's modal: which questions, and for how many days the pulse stays open."""
    options = [_option(q.value, fb.PULSE_QUESTIONS[q]) for q in fb.PulseQuestion]
    lead = (
        fmt("A pulse goes to every active member of *{program}*.", program=program_name)
        if program_name
        else md("A pulse goes to every active member of the program.")
    )
    blocks: list[Any] = [
        section(lead),
        InputBlock(
            block_id=ids.PULSE_QUESTIONS_BLOCK,
            label="Questions (1 to 3)",
            element=CheckboxesElement(
                action_id=ids.PULSE_QUESTIONS_INPUT, options=options, initial_options=options[:1]
            ),
        ),
        InputBlock(
            block_id=ids.PULSE_DAYS_BLOCK,
            label=f"Open for how many days? ({fb.PULSE_DAYS_MIN} to {fb.PULSE_DAYS_MAX})",
            element=PlainTextInputElement(
                action_id=ids.PULSE_DAYS_INPUT, initial_value=str(fb.PULSE_DAYS_DEFAULT)
            ),
        ),
        context(
            md(
                "Each person gets it in their working hours, with one reminder. Results show "
                "only once enough people answered."
            )
        ),
    ]
    return _modal("Program pulse", ids.PULSE_VIEW, blocks, str(program_id), "Schedule")


def parse_pulse(values: Values) -> tuple[list[str], int]:
    errors: dict[str, str] = {}
    picked = _state(values, ids.PULSE_QUESTIONS_BLOCK, ids.PULSE_QUESTIONS_INPUT).get(
        "selected_options"
    )
    known = {q.value for q in fb.PulseQuestion}
    questions = [
        str(o.get("value"))
        for o in picked or []
        if isinstance(o, dict) and str(o.get("value")) in known
    ]
    questions = list(dict.fromkeys(questions))
    if not 1 <= len(questions) <= len(known):
        errors[ids.PULSE_QUESTIONS_BLOCK] = "Please pick one to three questions."
    days = fb.parse_pulse_days(
        str(_state(values, ids.PULSE_DAYS_BLOCK, ids.PULSE_DAYS_INPUT).get("value") or "")
    )
    if days is None:
        errors[ids.PULSE_DAYS_BLOCK] = (
            f"Please give whole days, {fb.PULSE_DAYS_MIN} to {fb.PULSE_DAYS_MAX}."
        )
    if errors or days is None:
        raise InvalidSubmission(errors)
    return questions, days


def build_pulse_scheduled(people: int, closes: date, today: date) -> Mrkdwn:
    return fmt(
        "Pulse scheduled for {people} people; it closes {closes}. Results appear in the digest "
        "once enough people answered.",
        people=str(people),
        closes=format_date(closes, today),
    )


def build_pulse_message(
    pulse_id: int, program_name: str, closes: date, today: date, *, reminder: bool
) -> MessageBody:
    lead = "Reminder: a" if reminder else "A"
    text = fmt(
        "{lead} quick pulse from {program}: how is your mentorship going?",
        lead=lead,
        program=program_name,
    )
    blocks: list[Block] = [
        section(
            fmt(
                "{lead} quick pulse from *{program}*: how is your mentorship going? "
                "It takes a minute and closes {closes}.",
                lead=lead,
                program=program_name,
                closes=format_date(closes, today),
            )
        ),
        actions(
            PULSE_ACTIONS_BLOCK,
            button("Answer", ids.PULSE_OPEN, str(pulse_id), "primary"),
        ),
        context(FEEDBACK_PRIVACY),
    ]
    return MessageBody(text, blocks)


def build_pulse_answer_modal(pulse_id: int, questions: Sequence[str]) -> dict[str, Any]:
    blocks: list[Any] = []
    for value in questions:
        question = fb.PulseQuestion(value)
        low, high = fb.PULSE_SCALE_LABELS[question]
        labels = {1: f"1 {low}", 5: f"5 {high}"}
        blocks.append(
            InputBlock(
                block_id=f"{ids.PULSE_ANSWER_BLOCK}:{question.value}",
                label=fb.PULSE_QUESTIONS[question],
                element=RadioButtonsElement(
                    action_id=ids.PULSE_ANSWER_INPUT,
                    options=[_option(str(n), labels.get(n, str(n))) for n in fb.PULSE_SCALE],
                ),
            )
        )
    blocks.append(context(FEEDBACK_PRIVACY))
    return _modal("Program pulse", ids.PULSE_ANSWER_VIEW, blocks, str(pulse_id))


def parse_pulse_answers(values: Values, questions: Sequence[str]) -> dict[str, int]:
    errors: dict[str, str] = {}
    answers: dict[str, int] = {}
    for question in questions:
        block_id = f"{ids.PULSE_ANSWER_BLOCK}:{question}"
        score = _score(_selected(values, block_id, ids.PULSE_ANSWER_INPUT), fb.PULSE_SCALE)
        if score is None:
            errors[block_id] = "Please pick 1 to 5."
        else:
            answers[question] = score
    if errors:
        raise InvalidSubmission(errors)
    return answers


PULSE_ANSWERED_BEFORE = md("You've already answered that pulse, thank you. Your answers stand.")
PULSE_CLOSED = md("That pulse has closed, so your answer wasn't counted. Thanks all the same!")
NO_ONE_ACTIVE = md("Nobody is in an active mentorship in that program yet, so no pulse was sent.")
NOT_ASKED = md("That survey was sent to someone else, so I did nothing.")


# -- what coordinators and mentors see -------------------------------------------------------------

TREND_WORDS = {"up": "up from", "down": "down from", "steady": "steady since"}


def feedback_digest_lines(section: fb.ProgramFeedback) -> list[Mrkdwn]:
    """The digest's feedback section: figures of enough people only, never a person's answer."""
    lines: list[Mrkdwn] = [md("*Feedback*")]
    this_week = fb.mean_text(section.this_week, 5)
    direction = section.direction
    if direction is not None:
        this_week = f"{this_week}, {TREND_WORDS[direction]} the week before"
    lines.append(fmt("• Session usefulness this week: {value}", value=this_week))
    earlier = [
        f"{start:%b %d}: {fb.mean_text(value, 5)}" for start, value in section.usefulness[:-1]
    ]
    if earlier:
        lines.append(fmt("• Earlier weeks: {weeks}", weeks=" · ".join(earlier)))
    for pulse in section.pulses:
        answers = "; ".join(
            f"{fb.PULSE_SHORT[fb.PulseQuestion(q)]} {fb.mean_text(value, 5)}"
            for q, value in pulse.questions
        )
        lines.append(
            fmt(
                "• Pulse closed {day}: {answers}",
                day=f"{pulse.closed_at:%b %d}",
                answers=answers,
            )
        )
    lines.append(
        fmt(
            "• End of mentorship, to date: would recommend their mentor {nps}; goals met {goals}",
            nps=fb.nps_text(section.end.recommend),
            goals=fb.split_text(section.end.goals_met),
        )
    )
    return lines


def mentor_feedback_lines(feedback: fb.MentorFeedback) -> list[Mrkdwn]:
    """A mentor's own feedback on Home: nothing until enough people's answers are counted."""
    if not feedback.any_shown:
        return []
    lines: list[Mrkdwn] = [md("*Your feedback to date*")]
    if isinstance(feedback.usefulness, fb.Shown):
        lines.append(
            fmt(
                "• Meetings rated useful: {value}",
                value=feedback.usefulness_text,
            )
        )
    if isinstance(feedback.recommend, fb.NetPromoter):
        lines.append(
            fmt("• Mentees who would recommend you: {value}", value=feedback.recommend_text)
        )
    lines.append(
        md("_Averages of several mentees' answers, updated in whole groups so none stands out._")
    )
    return lines

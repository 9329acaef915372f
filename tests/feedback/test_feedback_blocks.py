"""Feedback builders and parsers: hostile names escaped, round trips of what the modals send
back, and refusals of what only a forged payload carries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import feedback as fb
from handlers import ids
from handlers.blocks import feedback as blocks
from handlers.blocks.modals import InvalidSubmission
from tests.handlers.helpers import all_text

HOSTILE = "<!here> & <http://evil.example|co>"


def test_hostile_program_and_focus_names_are_escaped() -> None:
    pulse = blocks.build_pulse_message(
        3, HOSTILE, date(2027, 1, 8), date(2027, 1, 4), reminder=True
    )
    invite = blocks.build_exit_survey_message(blocks.ExitInvite(9, "U0MENTOR1", HOSTILE, True))
    for message in (pulse, invite):
        shown = message.text + all_text(message.blocks)
        assert "<!here>" not in shown
        assert "&lt;!here&gt; &amp; &lt;http://evil.example|co&gt;" in shown


def test_rating_values_round_trip_and_forgeries_are_refused() -> None:
    for score in fb.USEFULNESS_SCALE:
        assert blocks.parse_rating_value(f"12,{score}") == (12, score)
    for forged in ("12,0", "12,6", "x,3", "12", "12,3,4", "-1,3", ""):
        assert blocks.parse_rating_value(forged) is None


def test_pulse_answers_parse_only_the_questions_asked() -> None:
    choice = {"type": "radio_buttons", "selected_option": {"value": "5"}}
    values = {f"{ids.PULSE_ANSWER_BLOCK}:rhythm": {ids.PULSE_ANSWER_INPUT: choice}}
    assert blocks.parse_pulse_answers(values, ["rhythm"]) == {"rhythm": 5}
    with pytest.raises(InvalidSubmission):
        blocks.parse_pulse_answers(values, ["rhythm", "supported"])


def test_the_pulse_modal_round_trip() -> None:
    view = blocks.build_pulse_modal(4, HOSTILE)
    assert view["private_metadata"] == "4"
    assert "&lt;!here&gt;" in all_text(view["blocks"])
    values = {
        ids.PULSE_QUESTIONS_BLOCK: {
            ids.PULSE_QUESTIONS_INPUT: {
                "selected_options": [{"value": "rhythm"}, {"value": "bogus"}, {"value": "rhythm"}]
            }
        },
        ids.PULSE_DAYS_BLOCK: {ids.PULSE_DAYS_INPUT: {"value": " 10 "}},
    }
    assert blocks.parse_pulse(values) == (["rhythm"], 10)
    values[ids.PULSE_DAYS_BLOCK][ids.PULSE_DAYS_INPUT]["value"] = "31"
    with pytest.raises(InvalidSubmission):
        blocks.parse_pulse(values)


def test_the_digest_section_words_withheld_figures_without_counts() -> None:
    start = datetime(2026, 11, 23, 5, tzinfo=UTC)
    section = fb.ProgramFeedback(
        minimum=5,
        usefulness=((start, fb.Withheld(5)), (start, fb.Shown(6, 9, 4.25))),
        pulses=(fb.PulseResult(start, (("supported", fb.Withheld(5)),)),),
        end=fb.EndOfMentorship(fb.Withheld(5), fb.Withheld(5)),
    )
    text = " ".join(blocks.feedback_digest_lines(section))
    assert "4.2 / 5 (6 people)" in text
    assert "Feel supported fewer than 5 responses" in text
    assert "would recommend their mentor fewer than 5 responses" in text


def test_the_exit_survey_says_shared_words_reach_coordinators() -> None:
    """The wording matches what happens: scores only as averages, but words ticked Share are
    read by coordinators (without a name), so the survey never says "never yours"."""
    from handlers.blocks.feedback import build_exit_survey_modal

    text = all_text(build_exit_survey_modal(7, is_mentee=True)["blocks"])
    assert "unless you tick *Share*; then coordinators read them without your name" in text
    assert "never yours on its own" in text  # the scores

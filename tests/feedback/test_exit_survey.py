"""The survey at the end of a mentorship, end to end: one DM to each member through the outbox
(never twice, never to someone deactivated), answered once and only by the person asked."""

from __future__ import annotations

from sqlalchemy import select

from handlers import ids
from storage.models import ExitSurvey, Person
from tests.conftest import MENTEE, MENTOR, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    dms_to,
    ephemeral_replies,
    last_dm,
    modal_values,
    selected,
    typed,
)
from tests.handlers.test_pairings import pair
from tests.harness import Harness

COMPLETED = modal_values(
    outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("completed", "radio_buttons")),
)


def _survey_dms(harness: Harness, user_id: str) -> list[dict[str, object]]:
    return [
        call.args
        for call in dms_to(harness, user_id)
        if ids.EXIT_SURVEY_OPEN in buttons(call.args.get("blocks"))
    ]


def _end(harness: Harness) -> int:
    pairing_id = pair(harness)
    harness.view_submission(
        user_id=MENTOR, callback_id=ids.END_VIEW, private_metadata=str(pairing_id), values=COMPLETED
    )
    return pairing_id


def _surveys(harness: Harness) -> dict[str, ExitSurvey]:
    with harness.session() as session:
        return {s.user_id: s for s in session.scalars(select(ExitSurvey))}


def _answer(harness: Harness, user_id: str, values: dict[str, object]) -> None:
    value = buttons(_survey_dms(harness, user_id)[-1]["blocks"])[ids.EXIT_SURVEY_OPEN]["value"]  # type: ignore[arg-type]
    harness.view_submission(
        user_id=user_id,
        callback_id=ids.EXIT_SURVEY_VIEW,
        private_metadata=str(value),
        values=values,
    )


MENTEE_ANSWERS = modal_values(
    goals=(ids.GOALS_MET_BLOCK, ids.GOALS_MET_INPUT, selected("some", "radio_buttons")),
    recommend=(ids.RECOMMEND_BLOCK, ids.RECOMMEND_INPUT, selected("9")),
    helped=(ids.HELPED_BLOCK, ids.HELPED_INPUT, typed("Honest <!channel> feedback")),
    share=(
        ids.SHARE_TEXT_BLOCK,
        ids.SHARE_TEXT_INPUT,
        {"type": "checkboxes", "selected_options": [{"value": "share"}]},
    ),
)


def test_an_ending_brings_each_member_one_survey_even_with_a_retried_tick(
    harness: Harness,
) -> None:
    _end(harness)
    # Nothing goes out inside the ending's transaction: the scheduler's next tick sends it.
    assert _survey_dms(harness, MENTEE) == []
    result = harness.tick()
    assert result.sent == 2
    assert len(_survey_dms(harness, MENTEE)) == 1
    assert len(_survey_dms(harness, MENTOR)) == 1
    harness.tick()
    harness.tick()
    assert len(_survey_dms(harness, MENTEE)) == 1
    assert len(_survey_dms(harness, MENTOR)) == 1
    assert set(_surveys(harness)) == {MENTOR, MENTEE}


def test_the_mentee_answers_once_and_the_message_says_thanks(harness: Harness) -> None:
    _end(harness)
    harness.tick()
    value = buttons(_survey_dms(harness, MENTEE)[0]["blocks"])[ids.EXIT_SURVEY_OPEN]["value"]  # type: ignore[arg-type]
    harness.block_action(user_id=MENTEE, action_id=ids.EXIT_SURVEY_OPEN, value=value)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.EXIT_SURVEY_VIEW
    assert ids.RECOMMEND_BLOCK in {b.get("block_id") for b in view["blocks"]}
    _answer(harness, MENTEE, MENTEE_ANSWERS)
    survey = _surveys(harness)[MENTEE]
    assert (survey.goals_met, survey.recommend, survey.share_text) == ("some", 9, True)
    assert survey.helped == "Honest <!channel> feedback"
    update = harness.fake.calls_to("chat.update")[-1]
    assert "Thank you" in all_text(update.args["blocks"])
    assert ids.EXIT_SURVEY_OPEN not in buttons(update.args["blocks"])

    again = modal_values(
        goals=(ids.GOALS_MET_BLOCK, ids.GOALS_MET_INPUT, selected("all", "radio_buttons")),
        recommend=(ids.RECOMMEND_BLOCK, ids.RECOMMEND_INPUT, selected("0")),
    )
    _answer(harness, MENTEE, again)
    assert _surveys(harness)[MENTEE].recommend == 9
    assert "already answered" in str(last_dm(harness, MENTEE).args["text"])
    harness.block_action(user_id=MENTEE, action_id=ids.EXIT_SURVEY_OPEN, value=value)
    assert any("already answered" in r for r in ephemeral_replies(harness))


def test_the_mentor_is_not_asked_to_recommend_themselves(harness: Harness) -> None:
    _end(harness)
    harness.tick()
    value = buttons(_survey_dms(harness, MENTOR)[0]["blocks"])[ids.EXIT_SURVEY_OPEN]["value"]  # type: ignore[arg-type]
    harness.block_action(user_id=MENTOR, action_id=ids.EXIT_SURVEY_OPEN, value=value)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert ids.RECOMMEND_BLOCK not in {b.get("block_id") for b in view["blocks"]}
    _answer(
        harness,
        MENTOR,
        modal_values(
            goals=(ids.GOALS_MET_BLOCK, ids.GOALS_MET_INPUT, selected("all", "radio_buttons")),
            recommend=(ids.RECOMMEND_BLOCK, ids.RECOMMEND_INPUT, selected("10")),
        ),
    )
    survey = _surveys(harness)[MENTOR]
    assert (survey.goals_met, survey.recommend, survey.share_text) == ("all", None, False)


def test_someone_else_cannot_answer_or_open_a_survey(harness: Harness) -> None:
    _end(harness)
    harness.tick()
    value = buttons(_survey_dms(harness, MENTEE)[0]["blocks"])[ids.EXIT_SURVEY_OPEN]["value"]  # type: ignore[arg-type]
    opened = len(harness.fake.calls_to("views.open"))
    for user in (STRANGER, MENTOR):
        harness.block_action(user_id=user, action_id=ids.EXIT_SURVEY_OPEN, value=value)
        harness.view_submission(
            user_id=user,
            callback_id=ids.EXIT_SURVEY_VIEW,
            private_metadata=str(value),
            values=MENTEE_ANSWERS,
        )
    assert len(harness.fake.calls_to("views.open")) == opened
    assert _surveys(harness)[MENTEE].answered_at is None
    assert sum("sent to someone else" in r for r in ephemeral_replies(harness)) == 2


def test_a_bad_submission_stays_open(harness: Harness) -> None:
    _end(harness)
    harness.tick()
    value = buttons(_survey_dms(harness, MENTEE)[0]["blocks"])[ids.EXIT_SURVEY_OPEN]["value"]  # type: ignore[arg-type]
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.EXIT_SURVEY_VIEW,
        private_metadata=str(value),
        values=modal_values(
            recommend=(ids.RECOMMEND_BLOCK, ids.RECOMMEND_INPUT, selected("11")),
        ),
    )
    assert "errors" in str(response.body)
    assert _surveys(harness)[MENTEE].answered_at is None


def test_no_survey_for_a_deactivated_person(harness: Harness) -> None:
    pairing_id = pair(harness)
    with harness.session() as session:
        person = session.get(Person, MENTOR)
        assert person is not None
        person.is_deleted = True
    harness.view_submission(
        user_id=MENTEE, callback_id=ids.END_VIEW, private_metadata=str(pairing_id), values=COMPLETED
    )
    harness.tick()
    assert _survey_dms(harness, MENTOR) == []
    assert len(_survey_dms(harness, MENTEE)) == 1
    assert set(_surveys(harness)) == {MENTEE}


def test_deactivated_after_the_ending_but_before_the_send(harness: Harness) -> None:
    _end(harness)
    with harness.session() as session:
        person = session.get(Person, MENTEE)
        assert person is not None
        person.is_deleted = True
    result = harness.tick()
    assert (result.sent, result.skipped) == (1, 1)
    assert _survey_dms(harness, MENTEE) == []

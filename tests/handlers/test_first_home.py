"""A first Home is a short start: find a mentor, ask someone you know, or make a mentor profile,
each a button. **Ask someone you know** opens the ask form with a people picker and sends the
request like `/mentor ask`; a form with nobody chosen, or the asker themself, is refused inline
and nothing is sent."""

from __future__ import annotations

from handlers import ids
from tests.conftest import BOT_USER, MENTEE, MENTOR
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_requests,
    dms_to,
    modal_values,
    only_request,
    selected,
    typed,
)
from tests.handlers.test_home_tab import HOME_VIEW, home_opened, last_home
from tests.harness import Harness


def _open_ask_form(harness: Harness) -> dict[str, object]:
    harness.block_action(user_id=MENTEE, action_id=ids.HOME_ASK_OPEN, value="ask", view=HOME_VIEW)
    opened = harness.fake.calls_to("views.open")
    assert len(opened) == 1
    view: dict[str, object] = opened[0].args["view"]
    assert view["callback_id"] == ids.ASK_VIEW
    return view


def _picked(user: str | None) -> dict[str, object]:
    return {"type": "users_select", "selected_user": user}


def test_a_first_home_starts_with_three_buttons_and_no_command_to_learn(harness: Harness) -> None:
    home_opened(harness, MENTEE)
    blocks = last_home(harness, MENTEE)
    shown = buttons(blocks)
    assert {ids.DIRECTORY_FIND, ids.HOME_ASK_OPEN, ids.PROFILE_MENTOR_OPEN} <= set(shown)
    assert shown[ids.HOME_ASK_OPEN]["text"]["text"] == "Ask someone you know"
    assert "Start here" in all_text(blocks)


def test_ask_someone_you_know_sends_the_request_to_the_person_chosen(harness: Harness) -> None:
    view = _open_ask_form(harness)
    pickers = [
        block
        for block in view["blocks"]  # type: ignore[attr-defined]
        if block.get("block_id") == ids.ASK_MENTOR_BLOCK
    ]
    assert pickers
    assert pickers[0]["element"]["type"] == "users_select"

    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=str(view["private_metadata"]),
        values=modal_values(
            mentor=(ids.ASK_MENTOR_BLOCK, ids.ASK_MENTOR_INPUT, _picked(MENTOR)),
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Help with my first <!channel> study")),
        ),
    )
    assert response.status == 200
    request = only_request(harness)
    assert request.mentor_id == MENTOR
    assert request.mentee_id == MENTEE
    assert request.focus == "research"
    asked = all_text(dms_to(harness, MENTOR)[-1].args["blocks"])
    assert "&lt;!channel&gt;" in asked
    assert "<!channel>" not in asked
    assert any("I've asked" in str(c.args.get("text")) for c in dms_to(harness, MENTEE))


def test_the_form_refuses_nobody_or_yourself_inline_and_sends_nothing(harness: Harness) -> None:
    view = _open_ask_form(harness)
    for chosen, error in ((None, "choose the person"), (MENTEE, "can't ask yourself")):
        response = harness.view_submission(
            user_id=MENTEE,
            callback_id=ids.ASK_VIEW,
            private_metadata=str(view["private_metadata"]),
            values=modal_values(
                mentor=(ids.ASK_MENTOR_BLOCK, ids.ASK_MENTOR_INPUT, _picked(chosen)),
                focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            ),
        )
        answer = response.json()
        assert answer["response_action"] == "errors"
        assert error in answer["errors"][ids.ASK_MENTOR_BLOCK]
    assert count_requests(harness) == 0
    assert dms_to(harness, MENTOR) == []


def test_asking_an_app_from_the_form_is_refused_kindly_and_sends_nothing(
    harness: Harness,
) -> None:
    view = _open_ask_form(harness)
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=str(view["private_metadata"]),
        values=modal_values(
            mentor=(ids.ASK_MENTOR_BLOCK, ids.ASK_MENTOR_INPUT, _picked(BOT_USER)),
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
        ),
    )
    harness.wait_idle()
    assert count_requests(harness) == 0
    assert any("is an app" in str(c.args.get("text")) for c in dms_to(harness, MENTEE))

"""Asking for a mentor: the request DM, the modal when no focus is given, and every refusal."""

from __future__ import annotations

import pytest

from handlers import ids
from tests.conftest import BOT_USER, GONE, MENTEE, MENTOR, MENTOR2
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_requests,
    dms_to,
    ephemeral_replies,
    last_dm,
    modal_values,
    only_request,
    selected,
    typed,
)
from tests.harness import Harness


def ask(harness: Harness, text: str, user_id: str = MENTEE) -> None:
    response = harness.command(f"ask {text}", user_id=user_id)
    assert response.status == 200


def test_ask_sends_the_mentor_a_dm_with_three_answers(harness: Harness) -> None:
    ask(harness, f"<@{MENTOR}|bob> research I'd like help planning my first study")

    request = only_request(harness)
    assert request.status == "pending"
    assert request.focus == "research"
    assert request.note == "I'd like help planning my first study"

    dm = last_dm(harness, MENTOR)
    shown = all_text(dm.args["blocks"])
    assert f"<@{MENTEE}>" in shown
    assert "Research" in shown
    assert "planning my first study" in shown
    answer_buttons = buttons(dm.args["blocks"])
    assert set(answer_buttons) == {ids.REQUEST_ACCEPT, ids.REQUEST_DECLINE, ids.REQUEST_REDIRECT}
    assert {b["value"] for b in answer_buttons.values()} == {str(request.id)}
    assert any("I've asked" in reply for reply in ephemeral_replies(harness))


def test_both_mention_forms_are_understood(harness: Harness) -> None:
    ask(harness, f"<@{MENTOR}> career")
    ask(harness, f"<@{MENTOR2}|carol> Career and job search")
    assert count_requests(harness, status="pending", focus="career-and-job-search") == 2


def test_user_text_is_escaped_so_nobody_is_notified(harness: Harness) -> None:
    ask(harness, f"<@{MENTOR}> research <!channel> please & <@U0STRANGE> too")
    shown = all_text(last_dm(harness, MENTOR).args["blocks"])
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt;" in shown
    assert "&amp;" in shown
    assert "<@U0STRANGE>" not in shown


def test_missing_focus_opens_a_modal_that_sends_the_request(harness: Harness) -> None:
    ask(harness, f"<@{MENTOR}> could we talk about my research year?")
    opened = harness.fake.calls_to("views.open")
    assert len(opened) == 1
    view = opened[0].args["view"]
    assert view["callback_id"] == ids.ASK_VIEW
    assert count_requests(harness) == 0

    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("could we talk about my research year?")),
        ),
    )
    assert response.status == 200
    request = only_request(harness)
    assert request.focus == "research"
    assert request.mentor_id == MENTOR
    assert dms_to(harness, MENTOR)


def test_modal_without_a_focus_shows_an_error_and_changes_nothing(harness: Harness) -> None:
    ask(harness, f"<@{MENTOR}>")
    view = harness.fake.calls_to("views.open")[0].args["view"]
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.ASK_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("hi"))),
    )
    assert response.json()["response_action"] == "errors"
    assert ids.FOCUS_BLOCK in response.json()["errors"]
    assert count_requests(harness) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"<@{MENTEE}> research", "can't ask yourself"),
        (f"<@{BOT_USER}> research", "is an app"),
        (f"<@{GONE}> research", "deactivated"),
        ("<@U0NOBODY1> research", "can't find that person"),
    ],
)
def test_impossible_asks_are_refused_kindly(harness: Harness, text: str, expected: str) -> None:
    ask(harness, text)
    assert any(expected in reply for reply in ephemeral_replies(harness)), ephemeral_replies(
        harness
    )
    assert count_requests(harness) == 0
    assert harness.fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    "text",
    ["@bob research", "bob research", "", f"<@{MENTOR}> research " + "x" * 600],
)
def test_malformed_asks_are_answered_at_once(harness: Harness, text: str) -> None:
    response = harness.command(f"ask {text}", user_id=MENTEE)
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"]
    assert count_requests(harness) == 0


def test_a_duplicate_pending_request_is_refused(harness: Harness) -> None:
    ask(harness, f"<@{MENTOR}> research")
    ask(harness, f"<@{MENTOR}> research again please")
    assert any("already asked" in reply for reply in ephemeral_replies(harness))
    assert count_requests(harness) == 1
    assert len(dms_to(harness, MENTOR)) == 1


def test_asking_your_mentor_again_for_the_same_focus_is_refused(harness: Harness) -> None:
    ask(harness, f"<@{MENTOR}> research")
    value = buttons(last_dm(harness, MENTOR).args["blocks"])[ids.REQUEST_ACCEPT]["value"]
    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=value)
    told = len(dms_to(harness, MENTOR))
    ask(harness, f"<@{MENTOR}> research once more")
    assert any(
        f"<@{MENTOR}> is already your mentor for this focus" in reply
        for reply in ephemeral_replies(harness)
    )
    assert count_requests(harness) == 1
    assert len(dms_to(harness, MENTOR)) == told
    ask(harness, f"<@{MENTOR}> career")  # another focus is a new request
    assert count_requests(harness, status="pending", focus="career-and-job-search") == 1


def test_a_mentor_at_capacity_is_not_asked(harness: Harness) -> None:
    assert harness.command("capacity 0", user_id=MENTOR).status == 200
    ask(harness, f"<@{MENTOR}> research")
    assert any("as many people as they can" in r for r in ephemeral_replies(harness))
    assert count_requests(harness) == 0


def test_an_undeliverable_request_is_not_kept(harness: Harness) -> None:
    harness.fake.error_next("chat.postMessage", "account_inactive")
    ask(harness, f"<@{MENTOR}> research")
    assert any("couldn't reach" in reply for reply in ephemeral_replies(harness))
    assert count_requests(harness) == 0

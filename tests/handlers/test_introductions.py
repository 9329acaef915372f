"""Introductions end to end, through signed requests and the fake Slack on both databases: a
mentor introduces their mentee to a colleague in a group DM (once), the colleague answers
(only they can; a "not now" stays private), a mentee asks for one, and every way in is refused
for whoever isn't the mentor, with nothing sent."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from handlers import ids
from storage.models import ColleagueIntroduction, IntroductionAsk
from tests.conftest import BOT_USER, COORDINATOR, GONE, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.data.test_leaving import user_change
from tests.handlers.helpers import (
    all_text,
    buttons,
    dms_to,
    end_mentorship,
    ephemeral_replies,
    escaping_problems,
    last_dm,
    modal_values,
    text_objects,
    typed,
)
from tests.handlers.test_conflicts import save_mentor
from tests.handlers.test_pairings import pair
from tests.harness import Harness
from tests.slack import payloads
from tests.slack.fake_slack import Call

COLLEAGUE = MENTOR2
GROUP = payloads.conversation_id_for([MENTEE, COLLEAGUE])


def group_posts(harness: Harness, channel: str = GROUP) -> list[Call]:
    return [
        call
        for call in harness.fake.calls_to("chat.postMessage")
        if call.args.get("channel") == channel and call.error is None
    ]


def group_updates(harness: Harness, channel: str = GROUP) -> list[Call]:
    return [
        call
        for call in harness.fake.calls_to("chat.update")
        if call.args.get("channel") == channel and call.error is None
    ]


def introductions(harness: Harness) -> list[ColleagueIntroduction]:
    with harness.session() as session:
        return list(
            session.scalars(select(ColleagueIntroduction).order_by(ColleagueIntroduction.id))
        )


def introduce(harness: Harness, text: str = "", *, by: str = MENTOR) -> list[str]:
    """``/mentor introduce``; what the caller was told (in the ack, or later by response_url)."""
    harness.fake.reset_calls()
    response = harness.command(f"introduce <@{COLLEAGUE}> {text}".strip(), user_id=by)
    acked = str(response.json().get("text") or "") if response.body else ""
    return [acked, *ephemeral_replies(harness)]


def submit_introduction(
    harness: Harness,
    metadata: str,
    colleague: str = COLLEAGUE,
    why: str = "",
    *,
    by: str = MENTOR,
    view_id: str = "V0INTRO001",
) -> dict[str, Any]:
    response = harness.view_submission(
        user_id=by,
        callback_id=ids.INTRO_VIEW,
        private_metadata=metadata,
        view_id=view_id,
        values=modal_values(
            colleague=(
                ids.INTRO_COLLEAGUE_BLOCK,
                ids.INTRO_COLLEAGUE_INPUT,
                {"type": "users_select", "selected_user": colleague},
            ),
            why=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(why)),
        ),
    )
    assert response.status == 200
    return response.json() if response.body else {}


def test_a_mentor_introduces_their_mentee_in_a_group_dm(harness: Harness) -> None:
    pairing_id = pair(harness)
    replies = introduce(harness, "she ran the cardiology registry for ten years")

    (opened,) = harness.fake.calls_to("conversations.open")
    assert sorted(str(opened.args["users"]).split(",")) == sorted([MENTEE, COLLEAGUE])
    (message,) = group_posts(harness)
    text = all_text(message.args["blocks"])
    assert "cardiology registry" in text
    assert f"<@{MENTOR}>" in text
    assert f"<@{MENTEE}>" in text
    answers = buttons(message.args["blocks"])
    assert set(answers) == {ids.INTRO_HAPPY, ids.INTRO_NOT_NOW}
    assert any("introduced" in reply for reply in replies)

    (row,) = introductions(harness)
    assert (row.pairing_id, row.colleague_id, row.status) == (pairing_id, COLLEAGUE, "made")
    assert (row.channel, row.ts) == (GROUP, message.response["ts"])
    assert answers[ids.INTRO_HAPPY]["value"] == str(row.id)
    # The mentor's Home lists it.
    homes = [c for c in harness.fake.calls_to("views.publish") if c.args["user_id"] == MENTOR]
    assert f"<@{COLLEAGUE}> (no answer yet)" in all_text(homes[-1].args["view"]["blocks"])


def test_the_colleague_is_happy_to_talk(harness: Harness) -> None:
    pair(harness)
    introduce(harness, "research methods")
    (row,) = introductions(harness)
    harness.fake.reset_calls()

    harness.block_action(
        user_id=COLLEAGUE, action_id=ids.INTRO_HAPPY, value=str(row.id), channel_id=GROUP
    )
    harness.block_action(  # a double tap changes nothing more
        user_id=COLLEAGUE, action_id=ids.INTRO_HAPPY, value=str(row.id), channel_id=GROUP
    )

    (update,) = group_updates(harness)
    assert update.args["ts"] == row.ts
    assert "happy to talk" in all_text(update.args["blocks"])
    assert buttons(update.args["blocks"]) == {}
    assert "happy to talk" in all_text(last_dm(harness, MENTOR).args["blocks"])
    (answered,) = introductions(harness)
    assert answered.status == "accepted"
    assert answered.answered_at is not None


def test_not_now_is_told_privately_to_the_mentee_and_mentor(harness: Harness) -> None:
    pair(harness)
    introduce(harness)
    (row,) = introductions(harness)
    harness.fake.reset_calls()

    harness.block_action(
        user_id=COLLEAGUE, action_id=ids.INTRO_NOT_NOW, value=str(row.id), channel_id=GROUP
    )

    (update,) = group_updates(harness)
    shown = all_text(update.args["blocks"]).lower()
    assert "not now" not in shown
    assert "can't" not in shown
    assert buttons(update.args["blocks"]) == {}
    for member in (MENTEE, MENTOR):
        assert "just now" in all_text(last_dm(harness, member).args["blocks"])
    assert dms_to(harness, COLLEAGUE) == []
    assert introductions(harness)[0].status == "declined"
    # Having said "not now", the colleague can't turn it into a yes by a forged later tap.
    harness.block_action(
        user_id=COLLEAGUE, action_id=ids.INTRO_HAPPY, value=str(row.id), channel_id=GROUP
    )
    assert introductions(harness)[0].status == "declined"


def test_only_the_colleague_answers(harness: Harness) -> None:
    pair(harness)
    introduce(harness)
    (row,) = introductions(harness)
    harness.fake.reset_calls()

    for who in (MENTEE, MENTOR, STRANGER):
        harness.block_action(
            user_id=who, action_id=ids.INTRO_HAPPY, value=str(row.id), channel_id=GROUP
        )

    assert introductions(harness)[0].status == "made"
    assert group_updates(harness) == []
    assert sum("Only" in reply for reply in ephemeral_replies(harness)) == 3


def test_an_introduction_is_made_once(harness: Harness) -> None:
    pair(harness)
    introduce(harness, "first")
    replies = introduce(harness, "again")
    assert harness.fake.calls_to("conversations.open") == []
    assert group_posts(harness) == []
    assert any("already introduced" in reply for reply in replies)
    (row,) = introductions(harness)
    assert row.why == "first"


def test_the_form_on_home_introduces_and_a_retried_submission_sends_once(
    harness: Harness,
) -> None:
    pairing_id = pair(harness)
    harness.fake.reset_calls()
    harness.block_action(user_id=MENTOR, action_id=ids.INTRO_OPEN, value=str(pairing_id))
    (opened,) = harness.fake.calls_to("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == ids.INTRO_VIEW

    submit_introduction(harness, view["private_metadata"], why="Talk about fellowships")
    submit_introduction(harness, view["private_metadata"], why="Talk about fellowships")

    assert len(group_posts(harness)) == 1
    (row,) = introductions(harness)
    assert row.why == "Talk about fellowships"


@pytest.mark.parametrize(
    ("colleague", "expected"),
    [
        (BOT_USER, "is an app"),
        (GONE, "deactivated"),
        (MENTEE, "That's your mentee"),
        (MENTOR, "That's you"),
    ],
)
def test_who_cant_be_introduced_is_refused_in_the_form(
    harness: Harness, colleague: str, expected: str
) -> None:
    pairing_id = pair(harness)
    harness.fake.reset_calls()
    answer = submit_introduction(harness, str(pairing_id), colleague)
    assert answer["response_action"] == "errors"
    assert expected in answer["errors"][ids.INTRO_COLLEAGUE_BLOCK]
    assert harness.fake.calls_to("conversations.open") == []
    assert introductions(harness) == []


def test_a_colleague_with_a_conflict_of_interest_is_refused(harness: Harness) -> None:
    save_mentor(harness, COLLEAGUE, conflicts=(MENTEE,))
    pairing_id = pair(harness)
    harness.fake.reset_calls()
    answer = submit_introduction(harness, str(pairing_id))
    assert "assess or supervise" in answer["errors"][ids.INTRO_COLLEAGUE_BLOCK]
    replies = introduce(harness)
    assert any("assess or supervise" in reply for reply in replies)
    assert harness.fake.calls_to("conversations.open") == []
    assert introductions(harness) == []


def test_forged_introductions_are_refused_with_nothing_sent(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.fake.reset_calls()
    # The mentee, and a stranger, naming the mentorship's id in a form of their own.
    for who in (MENTEE, STRANGER):
        submit_introduction(harness, str(pairing_id), by=who)
        harness.block_action(user_id=who, action_id=ids.INTRO_OPEN, value=str(pairing_id))
    # A metadata no form of the app's carries.
    submit_introduction(harness, "12;DROP", by=MENTOR)
    assert harness.fake.calls_to("conversations.open") == []
    assert harness.fake.calls_to("views.open") == []
    assert introductions(harness) == []
    # Another pair's mentee, named in the command.
    replies = introduce(harness, f"to <@{STRANGER}> hello")
    assert any("don't mentor" in reply for reply in replies)
    # A mentee has no one to introduce.
    replies = introduce(harness, by=MENTEE)
    assert any("you mentor nobody" in reply for reply in replies)
    assert harness.fake.calls_to("conversations.open") == []


def test_hostile_text_is_escaped_in_the_group_dm(harness: Harness) -> None:
    pair(harness)
    introduce(harness, "<!channel> &lt;@U0EVIL&gt; ask for &amp; more")
    (message,) = group_posts(harness)
    people = (MENTEE, MENTOR, COLLEAGUE)
    problems = [
        problem
        for kind, text in text_objects(message.args["blocks"])
        for problem in escaping_problems(kind, text, people)
    ]
    assert problems == []
    assert escaping_problems("mrkdwn", str(message.args["text"]), people) == []
    assert "&lt;!channel&gt;" in all_text(message.args["blocks"])


def test_without_the_group_dm_scope_nothing_is_recorded(harness: Harness) -> None:
    pair(harness)
    harness.fake.scopes = harness.fake.scopes - {"mpim:write"}
    replies = introduce(harness)
    assert any("reinstall mentorbot" in reply and "mpim:write" in reply for reply in replies)
    assert group_posts(harness) == []
    assert introductions(harness) == []


def test_a_mentee_asks_for_an_introduction(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.fake.reset_calls()
    harness.block_action(user_id=MENTEE, action_id=ids.INTRO_ASK_OPEN, value=str(pairing_id))
    (opened,) = harness.fake.calls_to("views.open")
    view = opened.args["view"]
    for _ in range(2):  # Slack retrying the submission asks once
        harness.view_submission(
            user_id=MENTEE,
            callback_id=ids.INTRO_ASK_VIEW,
            private_metadata=view["private_metadata"],
            view_id="V0ASK00001",
            values=modal_values(
                looking=(
                    ids.INTRO_LOOKING_BLOCK,
                    ids.INTRO_LOOKING_INPUT,
                    typed("someone in interventional radiology research"),
                )
            ),
        )
    asks = [c for c in dms_to(harness, MENTOR) if ids.INTRO_FROM_ASK in buttons(c.args["blocks"])]
    (ask_dm,) = asks
    assert "interventional radiology" in all_text(ask_dm.args["blocks"])
    ask_id = buttons(ask_dm.args["blocks"])[ids.INTRO_FROM_ASK]["value"]

    # Only the mentor may answer it.
    harness.block_action(user_id=MENTEE, action_id=ids.INTRO_FROM_ASK, value=ask_id)
    harness.fake.reset_calls()
    harness.block_action(user_id=MENTOR, action_id=ids.INTRO_FROM_ASK, value=ask_id)
    (opened,) = harness.fake.calls_to("views.open")
    form = opened.args["view"]
    assert "interventional radiology" in all_text(form["blocks"])
    assert form["private_metadata"] == f"{pairing_id}:{ask_id}"
    submit_introduction(harness, form["private_metadata"])

    assert len(group_posts(harness)) == 1
    (redrawn,) = [
        c for c in harness.fake.calls_to("chat.update") if c.args["ts"] == ask_dm.response["ts"]
    ]
    assert "you introduced them" in all_text(redrawn.args["blocks"])
    with harness.session() as session:
        ask = session.scalars(select(IntroductionAsk)).one()
        assert ask.answered_at is not None
        assert session.scalar(select(func.count()).select_from(ColleagueIntroduction)) == 1
        assert session.scalars(select(ColleagueIntroduction.ask_id)).one() == ask.id


def test_a_mentee_cant_ask_in_someone_elses_mentorship(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.fake.reset_calls()
    harness.block_action(user_id=STRANGER, action_id=ids.INTRO_ASK_OPEN, value=str(pairing_id))
    harness.view_submission(
        user_id=MENTOR,  # the mentor isn't the mentee either
        callback_id=ids.INTRO_ASK_VIEW,
        private_metadata=str(pairing_id),
        values=modal_values(
            looking=(ids.INTRO_LOOKING_BLOCK, ids.INTRO_LOOKING_INPUT, typed("anyone"))
        ),
    )
    assert harness.fake.calls_to("views.open") == []
    with harness.session() as session:
        assert session.scalar(select(func.count()).select_from(IntroductionAsk)) == 0


def test_the_digest_and_the_pairings_report_count_introductions_exactly(harness: Harness) -> None:
    pairing_id = pair(harness)
    introduce(harness, "a secret reason")
    harness.fake.reset_calls()
    harness.command(f"introduce <@{STRANGER}> another reason", user_id=MENTOR)
    accepted, declined = introductions(harness)
    harness.block_action(user_id=COLLEAGUE, action_id=ids.INTRO_HAPPY, value=str(accepted.id))
    harness.block_action(user_id=STRANGER, action_id=ids.INTRO_NOT_NOW, value=str(declined.id))

    harness.clock.advance(timedelta(minutes=1))  # the digest's week ends now: made before it
    harness.command("digest", user_id=COORDINATOR)
    digest = all_text(harness.fake.calls_to("response_url")[-1].args["blocks"])
    assert "*Introductions to colleagues:* 2 made, 1 accepted" in digest
    assert "secret" not in digest

    harness.command("report", user_id=COORDINATOR)
    files = {f.filename: f.content.decode() for f in harness.fake.files}
    header, *rows = files["pairings.csv"].splitlines()
    columns = header.split(",")
    (row,) = [dict(zip(columns, r.split(","), strict=True)) for r in rows]
    assert row["pairing_id"] == str(pairing_id)
    assert (row["introductions_made"], row["introductions_accepted"]) == ("2", "1")
    assert "secret" not in files["pairings.csv"]


def test_list_plan_and_export_show_introductions(harness: Harness) -> None:
    pair(harness)
    introduce(harness, "registry work")
    (row,) = introductions(harness)
    harness.block_action(user_id=COLLEAGUE, action_id=ids.INTRO_HAPPY, value=str(row.id))

    response = harness.command("list", user_id=MENTEE)
    listed = all_text(response.json()["blocks"])
    assert f"*Introduced to:* 🤝 <@{COLLEAGUE}> (happy to talk)" in listed

    harness.command("plan", user_id=MENTEE)
    plan = next(f for f in harness.fake.files if f.filename.endswith(".md")).content.decode()
    assert "### Introductions to colleagues" in plan
    assert "happy to talk" in plan
    assert "registry work" not in plan  # the plan can reach coordinators; the why never does

    harness.fake.reset_calls()
    harness.command("my data", user_id=COLLEAGUE)
    export = {f.filename: f.content.decode() for f in harness.fake.files}
    (data,) = [json.loads(text) for name, text in export.items() if name.endswith(".json")]
    (to_me,) = data["introductions_to_you"]
    assert (to_me["mentee"], to_me["by_mentor"], to_me["status"]) == (MENTEE, MENTOR, "accepted")
    assert to_me["why"] == "registry work"


HOME_VIEW = {"id": "V0HOME0001", "type": "home"}


def home_of(harness: Harness, user_id: str) -> list[dict[str, Any]]:
    """The blocks of ``user_id``'s Home as last published."""
    published = [c for c in harness.fake.calls_to("views.publish") if c.args["user_id"] == user_id]
    return list(published[-1].args["view"]["blocks"])


def test_the_colleagues_home_waits_for_their_answer_and_takes_it(harness: Harness) -> None:
    pair(harness)
    introduce(harness, "<!channel> &lt;@U0EVIL&gt; registry & methods")
    (row,) = introductions(harness)

    home = home_of(harness, COLLEAGUE)
    text = all_text(home)
    assert "Introductions waiting for your answer" in text
    assert f"<@{MENTOR}> introduced you to <@{MENTEE}>" in text
    assert "&lt;!channel&gt;" in text
    people = (MENTEE, MENTOR, COLLEAGUE)
    assert [p for kind, t in text_objects(home) for p in escaping_problems(kind, t, people)] == []
    answers = buttons(home)
    assert answers[ids.INTRO_HAPPY]["value"] == str(row.id)
    assert answers[ids.INTRO_NOT_NOW]["value"] == str(row.id)

    # Someone else's click on a copy of those buttons changes nothing.
    harness.fake.reset_calls()
    harness.block_action(
        user_id=STRANGER, action_id=ids.INTRO_HAPPY, value=str(row.id), view=HOME_VIEW
    )
    assert introductions(harness)[0].status == "made"
    assert group_updates(harness) == []

    harness.block_action(
        user_id=COLLEAGUE, action_id=ids.INTRO_HAPPY, value=str(row.id), view=HOME_VIEW
    )
    assert introductions(harness)[0].status == "accepted"
    (update,) = group_updates(harness)  # the group DM the app recorded, redrawn
    assert update.args["ts"] == row.ts
    assert "happy to talk" in all_text(update.args["blocks"])
    after = home_of(harness, COLLEAGUE)
    assert "waiting for your answer" not in all_text(after)
    assert ids.INTRO_HAPPY not in buttons(after)


def test_the_colleagues_home_shows_the_first_introductions_and_counts_the_rest(
    harness: Harness,
) -> None:
    mentors = {MENTOR: "research", COORDINATOR: "clinical", STRANGER: "career"}
    for number, (mentor, focus) in enumerate(mentors.items()):
        pair(harness, mentor=mentor, focus=focus)
        introduce(harness, f"reason {number}", by=mentor)
    assert [row.status for row in introductions(harness)] == ["made"] * 3

    text = all_text(home_of(harness, COLLEAGUE))
    assert "reason 0" in text
    assert "reason 1" in text
    assert "reason 2" not in text
    assert "1 more waiting" in text


def test_an_introduction_of_an_ended_mentorship_leaves_the_colleagues_home(
    harness: Harness,
) -> None:
    pair(harness)
    introduce(harness, "research methods")
    assert "waiting for your answer" in all_text(home_of(harness, COLLEAGUE))

    end_mentorship(harness, by=MENTEE, other=MENTOR)
    harness.event(
        {"type": "app_home_opened", "user": COLLEAGUE, "channel": "D0HOME", "tab": "home"}
    )

    assert "waiting for your answer" not in all_text(home_of(harness, COLLEAGUE))


def test_an_introduction_to_a_colleague_who_left_says_so(harness: Harness) -> None:
    pair(harness)
    introduce(harness, "registry work")
    harness.event(user_change(COLLEAGUE, deleted=True), event_id="Ev0COLLEAGUEGONE")

    response = harness.command("list", user_id=MENTEE)
    listed = all_text(response.json()["blocks"])
    assert f"👋 <@{COLLEAGUE}> (no longer in the workspace)" in listed
    harness.event({"type": "app_home_opened", "user": MENTOR, "tab": "home", "view": HOME_VIEW})
    assert "(no longer in the workspace)" in all_text(home_of(harness, MENTOR))

"""Hostile text through every way text gets in, and everything the app sent scanned for it.

People type ``<!channel> <@U0FAKE123> & <http://evil.example|click>`` into every slash
command and every modal input, carry it as their Slack display name, and the program puts it in
its focus area and competency labels. Afterwards every Web API call the fake Slack recorded and
every ack the signed client got back must show it inert: escaped exactly once in mrkdwn and in
message text (no ``<!...>``, ``<@...>`` or ``<http...>`` the app did not build, nothing like
``&amp;lt;``), and raw in plain_text (no entities there).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.focus import slug
from bot.settings import Settings
from bot.text import escape
from handlers import ids
from storage.models import Goal
from tests import databases
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER, make_settings
from tests.handlers.helpers import (
    buttons,
    dms_to,
    escaping_problems,
    last_dm,
    modal_values,
    selected,
    text_objects,
    typed,
)
from tests.handlers.test_reassess import submitted
from tests.harness import Harness
from tests.scheduler.helpers import at, checkin_dms, make_pair
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import app_home_opened_event, bot_message, dm_channel_id
from tests.slack.signed_client import AppResponse

TYPED = "<!channel> <@U0FAKE123> & <http://evil.example|click>"
# What Slack sends for TYPED in a slash command: it escapes & < > that people type.
SENT = escape(TYPED)
# How TYPED must look in mrkdwn and message text: escaped once.
SHOWN = escape(TYPED)
FOCUS_LABEL = f"Research {TYPED}"
FOCUS = slug(FOCUS_LABEL)
COMPETENCY = f"Patient care {TYPED}"
PEOPLE = (MENTEE, MENTOR, MENTOR2, COORDINATOR, STRANGER)


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    """Escaping does not depend on the database: SQLite only."""
    return databases.sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack) -> Settings:
    # Display names are chosen by the people themselves.
    for user_id, tz in ((MENTEE, "America/New_York"), (MENTOR, "America/Chicago")):
        fake_slack.add_user(user_id, TYPED, real_name=TYPED, tz=tz)
    fake_slack.add_user(MENTOR2, f"Carol {TYPED}", real_name=f"Carol {TYPED}", tz="Europe/London")
    return make_settings(
        database_url=db_url,
        slack_api_url=fake_slack.base_url,
        focus_areas=f"{FOCUS_LABEL},Clinical skills",
        competencies=f"{COMPETENCY},Medical knowledge",
    )


@dataclass
class Rig:
    """The harness, remembering every ack the app gave."""

    harness: Harness
    acks: list[AppResponse] = field(default_factory=list)

    def command(self, text: str, user_id: str) -> AppResponse:
        response = self.harness.command(text, user_id=user_id)
        self.acks.append(response)
        return response

    def click(self, user_id: str, action_id: str, value: str = "", **extra: Any) -> AppResponse:
        response = self.harness.block_action(
            user_id=user_id, action_id=action_id, value=value, **extra
        )
        self.acks.append(response)
        return response

    def submit(self, user_id: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        response = self.harness.view_submission(
            user_id=user_id,
            callback_id=view["callback_id"],
            private_metadata=view.get("private_metadata", ""),
            values=values,
        )
        self.acks.append(response)
        return response.json() if response.body.strip() else {}

    def opened(self, callback_id: str) -> dict[str, Any]:
        view: dict[str, Any] = self.harness.fake.calls_to("views.open")[-1].args["view"]
        assert view["callback_id"] == callback_id
        return view


@pytest.fixture
def rig(harness: Harness) -> Rig:
    return Rig(harness)


def _payload_texts(payload: Any) -> Iterator[tuple[str, str]]:
    """(kind, text) of everything ``payload`` (Web API arguments, or an ack) would show."""
    if not isinstance(payload, dict):
        return
    for key in ("text", "initial_comment"):
        if isinstance(payload.get(key), str):
            yield "mrkdwn", payload[key]  # a message's text: Slack parses it as mrkdwn
    yield from text_objects({k: v for k, v in payload.items() if k != "text"})
    for message in (payload.get("errors") or {}).values():
        yield "plain_text", str(message)


def everything_shown(rig: Rig) -> list[tuple[str, str, str]]:
    """(where, kind, text) for every recorded Web API call and every ack."""
    shown = [
        (call.method, kind, text)
        for call in rig.harness.fake.calls
        for kind, text in _payload_texts(call.args)
    ]
    for ack in rig.acks:
        if ack.body.strip().startswith("{"):
            shown += [("ack", kind, text) for kind, text in _payload_texts(ack.json())]
    return shown


def assert_all_inert(rig: Rig) -> None:
    shown = everything_shown(rig)
    problems = [
        f"{where}: {problem}"
        for where, kind, text in shown
        for problem in escaping_problems(kind, text, mentions=PEOPLE)
    ]
    assert problems == []
    # The hostile text did travel: escaped once in mrkdwn, as typed in plain_text.
    assert any(kind == "mrkdwn" and SHOWN in text for _, kind, text in shown)


def mrkdwn_of(payload: Any) -> str:
    return "\n".join(text for kind, text in _payload_texts(payload) if kind == "mrkdwn")


def plain_of(payload: Any) -> list[str]:
    return [text for kind, text in _payload_texts(payload) if kind == "plain_text"]


def request_id_in_dm(rig: Rig, user_id: str) -> str:
    return str(buttons(last_dm(rig.harness, user_id).args["blocks"])[ids.REQUEST_ACCEPT]["value"])


def pair_by_asking(rig: Rig, mentor: str = MENTOR) -> int:
    rig.command(f"ask <@{mentor}> research {SENT}", MENTEE)
    rig.click(mentor, ids.REQUEST_ACCEPT, request_id_in_dm(rig, mentor))
    dm = last_dm(rig.harness, MENTEE).args["blocks"]
    return int(buttons(dm)[ids.COMMUNICATION_OPEN]["value"])


def test_requests_answers_and_their_notes(rig: Rig) -> None:
    rig.command(f"ask <@{MENTOR}> research {SENT}", MENTEE)
    to_mentor = last_dm(rig.harness, MENTOR).args
    assert f"{SHOWN}" in mrkdwn_of(to_mentor)
    assert escape(FOCUS_LABEL) in mrkdwn_of(to_mentor)

    rig.click(MENTOR, ids.REQUEST_DECLINE, request_id_in_dm(rig, MENTOR))
    rig.submit(
        MENTOR,
        rig.opened(ids.DECLINE_VIEW),
        modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED))),
    )
    assert SHOWN in mrkdwn_of(last_dm(rig.harness, MENTEE).args)

    # No focus named: the ask form opens with the note as typed, raw in its input.
    rig.command(f"ask <@{MENTOR2}> {SENT}", MENTEE)
    ask_form = rig.opened(ids.ASK_VIEW)
    assert TYPED in plain_of(ask_form)
    rig.submit(
        MENTEE,
        ask_form,
        modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected(FOCUS)),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED)),
        ),
    )
    rig.click(MENTOR2, ids.REQUEST_REDIRECT, request_id_in_dm(rig, MENTOR2))
    rig.submit(
        MENTOR2,
        rig.opened(ids.REDIRECT_VIEW),
        modal_values(
            who=(
                ids.SUGGEST_BLOCK,
                ids.SUGGEST_INPUT,
                {"type": "users_select", "selected_user": MENTOR},
            ),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED)),
        ),
    )
    offer = last_dm(rig.harness, MENTEE).args
    ask_them = buttons(offer["blocks"])[ids.REQUEST_ASK_SUGGESTED]
    assert ask_them["text"]["text"].startswith(f"Ask {TYPED}"[:70])  # the display name, raw
    rig.click(MENTEE, ids.REQUEST_ASK_SUGGESTED, ask_them["value"])
    assert SHOWN in mrkdwn_of(last_dm(rig.harness, MENTOR).args)

    rig.command(f"withdraw {SENT}", MENTEE)
    rig.command(f"withdraw <@{MENTOR}>", MENTEE)
    rig.command(f"capacity {SENT}", MENTOR)
    unknown = rig.command(f"{SENT} please", MENTEE).json()
    assert f"`/mentor {escape('<!channel>')}`" in mrkdwn_of(unknown)
    rig.command(f"help {SENT}", MENTEE)
    assert_all_inert(rig)


def test_pairing_commands_assignments_listings_and_home(rig: Rig) -> None:
    pairing_id = pair_by_asking(rig)
    assert escape(FOCUS_LABEL) in mrkdwn_of(last_dm(rig.harness, MENTEE).args)
    for words in ("cadence", "pause", "pause until", "goals", "tasks", "reassess", "resume", "end"):
        rig.command(f"{words} {SENT}", MENTEE)
    rig.command(f"goal add @{SENT}", MENTEE)
    rig.command(f"report {SENT}", COORDINATOR)
    rig.command(f"pause <@{MENTOR}> 2w", MENTEE)
    rig.command(f"resume <@{MENTOR}>", MENTEE)

    rig.click(MENTEE, ids.COMMUNICATION_OPEN, str(pairing_id))
    assert escape(FOCUS_LABEL) in mrkdwn_of(rig.opened(ids.COMMUNICATION_VIEW))

    rig.command(f"assign <@{MENTOR2}> <@{STRANGER}> research {SENT}", COORDINATOR)
    assert SHOWN in mrkdwn_of(last_dm(rig.harness, STRANGER).args)
    rig.click(
        MENTOR2,
        ids.ASSIGNMENT_DECLINE,
        buttons(last_dm(rig.harness, MENTOR2).args["blocks"])[ids.ASSIGNMENT_DECLINE]["value"],
    )
    rig.submit(
        MENTOR2,
        rig.opened(ids.DECLINE_ASSIGNMENT_VIEW),
        modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED))),
    )
    assert SHOWN in mrkdwn_of(last_dm(rig.harness, COORDINATOR).args)

    rig.command(f"assign <@{MENTOR2}> <@{STRANGER}> {SENT}", COORDINATOR)
    assign_form = rig.opened(ids.ASSIGN_VIEW)
    assert TYPED in plain_of(assign_form)
    rig.submit(
        COORDINATOR,
        assign_form,
        modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected(FOCUS)),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED)),
        ),
    )
    assert SHOWN in mrkdwn_of(last_dm(rig.harness, MENTOR2).args)

    listing = rig.command("list", MENTEE).json()
    assert escape(FOCUS_LABEL) in mrkdwn_of(listing)
    rig.harness.event(app_home_opened_event(MENTEE, now=rig.harness.clock().timestamp()))
    home = rig.harness.fake.calls_to("views.publish")[-1].args["view"]
    assert escape(FOCUS_LABEL) in mrkdwn_of(home)
    assert_all_inert(rig)


def test_goals_tasks_and_reassessing(rig: Rig) -> None:
    pairing_id = pair_by_asking(rig)
    rig.command(f"goal add {SENT}", MENTEE)
    assert SHOWN in mrkdwn_of(last_dm(rig.harness, MENTOR).args)

    # One mentorship: the form names it, display name and focus, in a context block.
    rig.command("goal add", MENTEE)
    goal_form = rig.opened(ids.GOAL_VIEW)
    assert escape(TYPED) in mrkdwn_of(goal_form)
    assert COMPETENCY in plain_of(goal_form)
    rig.submit(
        MENTEE,
        goal_form,
        modal_values(
            text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed(f"Goal {TYPED}")),
            competency=(ids.COMPETENCY_BLOCK, ids.COMPETENCY_INPUT, selected("0")),
        ),
    )
    listing = rig.command("goals", MENTEE).json()
    assert escape(COMPETENCY) in mrkdwn_of(listing)
    goal_rows = [b for b in listing["blocks"] if str(b.get("block_id", "")).startswith("goal-")]
    first_goal = goal_rows[0]["block_id"].removeprefix("goal-")

    def menu(choice: str) -> dict[str, Any]:
        return {"value": f"{choice}:{first_goal}", "text": {"type": "plain_text", "text": "x"}}

    rig.click(MENTEE, ids.GOAL_MENU, selected_option=menu(ids.GOAL_EDIT_OPEN), ephemeral=True)
    edit_form = rig.opened(ids.GOAL_EDIT_VIEW)
    assert TYPED in plain_of(edit_form)  # the goal as typed, to edit
    rig.submit(
        MENTEE,
        edit_form,
        modal_values(text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed(f"Edited {TYPED}"))),
    )

    rig.command(f"task add {SENT} due friday", MENTOR)
    task_dm = last_dm(rig.harness, MENTEE)
    assert task_dm.args["text"].startswith(f"<@{MENTOR}> gave you a task (")
    assert task_dm.args["text"].endswith(f"): {SHOWN}")
    rig.command("task add", MENTOR)
    task_form = rig.opened(ids.TASK_VIEW)
    assert any(text.startswith("Edited <!channel>") for text in plain_of(task_form))
    rig.submit(
        MENTOR,
        task_form,
        modal_values(
            text=(ids.TASK_TEXT_BLOCK, ids.TASK_TEXT_INPUT, typed(f"Task {TYPED}")),
            assignee=(ids.ASSIGNEE_BLOCK, ids.ASSIGNEE_INPUT, selected("mentee", "radio_buttons")),
        ),
    )
    task_row = next(b for b in task_dm.args["blocks"] if str(b.get("block_id")).startswith("task-"))
    shown_dm = bot_message(
        str(task_dm.response["ts"]), text=task_dm.args["text"], blocks=task_dm.args["blocks"]
    )
    rig.click(
        MENTEE,
        ids.TASK_COMPLETE,
        task_row["accessory"]["value"],
        message=shown_dm,
        channel_id=dm_channel_id(MENTEE),
    )
    # The redraw is rebuilt from the database, never from the payload: what was typed stays
    # escaped (nothing in it becomes live).
    redrawn = rig.harness.fake.calls_to("chat.update")[-1].args["text"]
    assert redrawn == f"Done: {SHOWN}"
    rig.command("tasks", MENTEE)
    rig.click(MENTOR, ids.GOAL_MENU, selected_option=menu(ids.GOAL_ACHIEVED), ephemeral=True)

    rig.click(MENTEE, ids.REASSESS_OPEN, str(pairing_id))
    reassess = rig.opened(ids.REASSESS_VIEW)
    labels = plain_of(reassess)
    assert any(label.startswith(f"Goal {TYPED}") for label in labels)  # raw in plain_text
    open_goals = [
        b["block_id"]
        for b in reassess["blocks"]
        if b.get("block_id", "").startswith("reassess-goal-")
    ]
    choices = {"new_goals": f"{TYPED}\n• Second {TYPED}"}
    for block_id in open_goals:
        goal_id = block_id.removeprefix("reassess-goal-")
        choices[f"reassess_goal_{goal_id}"] = "drop"
        choices[f"reassess_why_{goal_id}"] = TYPED
    rig.submit(MENTEE, reassess, submitted(reassess, **choices))
    assert SHOWN in mrkdwn_of(last_dm(rig.harness, MENTOR).args)

    # A second mentorship: the forms offer a picker of display names and focus labels.
    rig.command(f"ask <@{MENTOR2}> research", MENTEE)
    rig.click(MENTOR2, ids.REQUEST_ACCEPT, request_id_in_dm(rig, MENTOR2))
    rig.command("goal add", MENTEE)
    picker = rig.opened(ids.GOAL_VIEW)
    assert any(text.startswith(f"Carol {TYPED}"[:40]) for text in plain_of(picker))

    listing = rig.command(f"goals <@{MENTOR}>", MENTEE).json()
    new_goal = [b for b in listing["blocks"] if str(b.get("block_id", "")).startswith("goal-")][-1]
    drop = f"{ids.GOAL_DROP_OPEN}:{new_goal['block_id'].removeprefix('goal-')}"
    rig.click(
        MENTEE,
        ids.GOAL_MENU,
        selected_option={"value": drop, "text": {"type": "plain_text", "text": "x"}},
        ephemeral=True,
    )
    drop_form = rig.opened(ids.GOAL_DROP_VIEW)
    assert SHOWN in mrkdwn_of(drop_form)
    rig.submit(MENTEE, drop_form, modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED))))
    with rig.harness.session() as session:
        dropped = session.get(Goal, int(new_goal["block_id"].removeprefix("goal-")))
        assert dropped is not None
        assert (dropped.status, dropped.close_reason) == ("dropped", TYPED)  # stored as typed
    assert_all_inert(rig)


def test_checkins_endings_and_the_coordinator_digest(rig: Rig) -> None:
    harness = rig.harness
    harness.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    make_pair(harness, focus=FOCUS)
    at(harness, datetime(2027, 1, 5, 14, tzinfo=UTC))
    checkin = checkin_dms(harness, MENTEE)[0].args
    assert escape(FOCUS_LABEL) in mrkdwn_of(checkin)
    rig.click(MENTOR, ids.CHECKIN_MET, buttons(checkin["blocks"])[ids.CHECKIN_MET]["value"])
    rig.submit(
        MENTOR,
        rig.opened(ids.CHECKIN_MET_VIEW),
        modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED))),
    )
    assert SHOWN in mrkdwn_of(harness.fake.calls_to("chat.update")[-1].args)

    rig.command(f"pause <@{MENTOR}> 2w", MENTEE)
    rig.command(f"end <@{MENTOR}>", MENTEE)
    rig.submit(
        MENTEE,
        rig.opened(ids.END_VIEW),
        modal_values(
            outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("ended", "radio_buttons")),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED)),
            visibility=(
                ids.VISIBILITY_BLOCK,
                ids.VISIBILITY_INPUT,
                selected("coordinators", "radio_buttons"),
            ),
        ),
    )
    harness.clock.set(datetime(2027, 1, 5, 15, tzinfo=UTC))  # the ending is in the past week
    before = len(harness.fake.calls_to("response_url"))
    rig.command("digest", COORDINATOR)
    preview = harness.fake.calls_to("response_url")[before:]
    assert any(SHOWN in mrkdwn_of(call.args) for call in preview)  # the shared end reason

    second = make_pair(harness, mentor=MENTOR2, focus=FOCUS)
    rig.click(COORDINATOR, ids.DIGEST_NUDGE, str(second), ephemeral=True)
    rig.click(COORDINATOR, ids.DIGEST_REASSIGN, str(second))
    rig.submit(
        COORDINATOR,
        rig.opened(ids.DIGEST_REASSIGN_VIEW),
        modal_values(
            who=(
                ids.SUGGEST_BLOCK,
                ids.SUGGEST_INPUT,
                {"type": "users_select", "selected_user": STRANGER},
            ),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(TYPED)),
        ),
    )
    assert SHOWN in mrkdwn_of(dms_to(harness, STRANGER)[-1].args)
    rig.command("report", COORDINATOR)
    assert_all_inert(rig)


def test_the_scan_catches_what_it_looks_for() -> None:
    """The scanner itself: each kind of mistake is reported."""
    assert escaping_problems("mrkdwn", TYPED, PEOPLE)
    assert escaping_problems("mrkdwn", escape(str(escape(TYPED))), PEOPLE)
    assert escaping_problems("plain_text", escape(TYPED), PEOPLE)
    assert escaping_problems("mrkdwn", f"<@{MENTEE}> {SHOWN}", PEOPLE) == []
    assert escaping_problems("plain_text", TYPED, PEOPLE) == []

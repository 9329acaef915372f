"""Goals and tasks end to end: commands, modals, Mark complete in place, and who may act."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from handlers import ids
from storage.models import Activity, Goal, Task
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    dms_to,
    ephemeral_replies,
    last_dm,
    modal_values,
    selected,
    typed,
)
from tests.handlers.test_pairings import pair
from tests.harness import Harness
from tests.slack import payloads
from tests.slack.payloads import bot_message, dm_channel_id


def goals(harness: Harness) -> list[Goal]:
    with harness.session() as session:
        return list(session.scalars(select(Goal).order_by(Goal.id)))


def tasks(harness: Harness) -> list[Task]:
    with harness.session() as session:
        return list(session.scalars(select(Task).order_by(Task.id)))


def activity(harness: Harness, kind: str) -> int:
    with harness.session() as session:
        query = select(func.count()).select_from(Activity).where(Activity.kind == kind)
        return int(session.scalar(query) or 0)


def accessory(block: dict[str, Any]) -> dict[str, Any]:
    return dict(block.get("accessory") or {})


def test_a_goal_added_by_command_is_saved_and_told_to_the_other(harness: Harness) -> None:
    pair(harness)
    harness.command("goal add Present a case at grand rounds <!channel>", user_id=MENTEE)
    (goal,) = goals(harness)
    assert (goal.text, goal.status) == ("Present a case at grand rounds <!channel>", "open")
    assert activity(harness, "goal.added") == 1
    told = all_text(last_dm(harness, MENTOR).args["blocks"])
    assert "grand rounds &lt;!channel&gt;" in told
    assert "<!channel>" not in told
    assert any("Goal added" in reply for reply in ephemeral_replies(harness))


def test_without_a_mentorship_goals_are_refused_kindly(harness: Harness) -> None:
    harness.command("goal add Learn ultrasound", user_id=STRANGER)
    assert any("don't have one yet" in r for r in ephemeral_replies(harness))
    assert goals(harness) == []


def test_several_mentorships_open_a_picker_and_strangers_cannot_forge_one(
    harness: Harness,
) -> None:
    first = pair(harness, MENTOR, "research")
    pair(harness, MENTOR2, "career")
    harness.command("goal add Publish the case series", user_id=MENTEE)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.GOAL_VIEW
    values = modal_values(
        pairing=(ids.PAIRING_BLOCK, ids.PAIRING_INPUT, selected(str(first))),
        text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed("Publish the case series")),
        competency=(ids.COMPETENCY_BLOCK, ids.COMPETENCY_INPUT, selected("1")),
    )
    forged = harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.GOAL_VIEW,
        private_metadata=view.get("private_metadata", ""),
        values=values,
    )
    assert forged.json()["response_action"] == "errors"
    assert goals(harness) == []

    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.GOAL_VIEW,
        private_metadata=view.get("private_metadata", ""),
        values=values,
    )
    (goal,) = goals(harness)
    assert (goal.pairing_id, goal.competency) == (first, "Medical knowledge")


def test_possible_patient_identifiers_are_warned_about_once(harness: Harness) -> None:
    pair(harness)
    harness.command("goal add Follow up patient John Smith MRN 12345678", user_id=MENTOR)
    assert goals(harness) == []
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert "patient" in all_text(view["blocks"]).lower()
    values = modal_values(
        text=(
            ids.GOAL_TEXT_BLOCK,
            ids.GOAL_TEXT_INPUT,
            typed("Follow up patient John Smith MRN 12345678"),
        )
    )
    other_text = modal_values(
        text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed("Review pt. Garcia, DOB 1/2/1961"))
    )
    warned_again = harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.GOAL_VIEW,
        private_metadata=view["private_metadata"],
        values=other_text,
    ).json()
    assert warned_again["response_action"] == "update"
    assert goals(harness) == []
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.GOAL_VIEW,
        private_metadata=view["private_metadata"],
        values=values,
    )
    assert [g.text for g in goals(harness)] == ["Follow up patient John Smith MRN 12345678"]


def test_goals_list_and_menu(harness: Harness) -> None:
    pair(harness)
    harness.command("goal add Run a journal club", user_id=MENTOR)
    (goal,) = goals(harness)
    listing = harness.command("goals", user_id=MENTEE).json()
    assert "Run a journal club" in all_text(listing["blocks"])

    achieve = {
        "value": f"{ids.GOAL_ACHIEVED}:{goal.id}",
        "text": {"type": "plain_text", "text": "x"},
    }
    harness.block_action(
        user_id=STRANGER, action_id=ids.GOAL_MENU, selected_option=achieve, ephemeral=True
    )
    assert goals(harness)[0].status == "open"
    harness.block_action(
        user_id=MENTEE, action_id=ids.GOAL_MENU, selected_option=achieve, ephemeral=True
    )
    harness.block_action(
        user_id=MENTEE, action_id=ids.GOAL_MENU, selected_option=achieve, ephemeral=True
    )
    assert goals(harness)[0].status == "achieved"
    assert activity(harness, "goal.achieved") == 1

    reopen = {"value": f"{ids.GOAL_REOPEN}:{goal.id}", "text": {"type": "plain_text", "text": "x"}}
    harness.block_action(
        user_id=MENTOR, action_id=ids.GOAL_MENU, selected_option=reopen, ephemeral=True
    )
    drop = {"value": f"{ids.GOAL_DROP_OPEN}:{goal.id}", "text": {"type": "plain_text", "text": "x"}}
    harness.block_action(
        user_id=MENTOR, action_id=ids.GOAL_MENU, selected_option=drop, ephemeral=True
    )
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.GOAL_DROP_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Not this year"))),
    )
    (dropped,) = goals(harness)
    assert (dropped.status, dropped.close_reason) == ("dropped", "Not this year")


def test_a_task_with_a_due_date_reaches_the_mentee_with_a_button(harness: Harness) -> None:
    pair(harness)
    harness.command("task add Revise the CV due 2026-12-15", user_id=MENTOR)
    (task,) = tasks(harness)
    assert (task.assignee_id, task.due_date.isoformat() if task.due_date else None) == (
        MENTEE,
        "2026-12-15",
    )
    dm = last_dm(harness, MENTEE)
    row = next(b for b in dm.args["blocks"] if b.get("block_id") == f"task-{task.id}")
    assert accessory(row)["action_id"] == ids.TASK_COMPLETE
    assert "Revise the CV" in all_text(dm.args["blocks"])


def test_an_unreadable_due_date_is_an_error_not_a_guess(harness: Harness) -> None:
    pair(harness)
    response = harness.command("task add Revise the CV due someday soon", user_id=MENTOR)
    assert response.json()["response_type"] == "ephemeral"
    assert tasks(harness) == []


def test_mark_complete_updates_the_same_message_once(harness: Harness) -> None:
    pair(harness)
    harness.command("task add Draft the study protocol", user_id=MENTOR)
    (task,) = tasks(harness)
    dm = last_dm(harness, MENTEE)
    shown = bot_message(str(dm.response["ts"]), text=dm.args["text"], blocks=dm.args["blocks"])
    told_before = len(dms_to(harness, MENTOR))
    updates_before = len(harness.fake.calls_to("chat.update"))

    def tap(user: str, action: str = ids.TASK_COMPLETE) -> None:
        harness.block_action(
            user_id=user,
            action_id=action,
            value=str(task.id),
            message=shown,
            channel_id=dm_channel_id(MENTEE),
        )

    tap(STRANGER)
    assert tasks(harness)[0].status == "open"
    assert len(harness.fake.calls_to("chat.update")) == updates_before

    tap(MENTEE)
    tap(MENTEE)  # a double tap, or Slack retrying
    done = tasks(harness)[0]
    assert (done.status, done.completed_by) == ("done", MENTEE)
    assert activity(harness, "task.done") == 1
    assert len(dms_to(harness, MENTOR)) == told_before + 1
    update = harness.fake.calls_to("chat.update")[-1].args
    assert update["ts"] == dm.response["ts"]
    row = next(b for b in update["blocks"] if b.get("block_id") == f"task-{task.id}")
    assert accessory(row)["action_id"] == ids.TASK_UNDO

    tap(MENTEE, ids.TASK_UNDO)
    assert tasks(harness)[0].status == "open"


def test_tasks_list_shows_buttons_and_redraws_itself(harness: Harness) -> None:
    pair(harness)
    harness.command("task add Read two papers on sepsis", user_id=MENTOR)
    (task,) = tasks(harness)
    task_dm = last_dm(harness, MENTEE)
    listing = harness.command("tasks", user_id=MENTEE).json()
    assert f"task-{task.id}" in [b.get("block_id") for b in listing["blocks"]]
    row = next(b for b in listing["blocks"] if b.get("block_id") == f"task-{task.id}")
    assert accessory(row)["action_id"] == ids.TASK_COMPLETE
    # A tap in an ephemeral list: Slack sends no message, only its response_url to redraw it.
    url = harness.fake.response_url()
    action = payloads.action_element(
        action_id=ids.TASK_COMPLETE, block_id=row["block_id"], action_ts="1.2", value=str(task.id)
    )
    tap = payloads.block_actions_payload(
        user_id=MENTEE, action=action, trigger_id=payloads.new_trigger_id(), response_url=url
    )
    tap["container"]["is_ephemeral"] = True
    del tap["message"]
    updates_before = len(harness.fake.calls_to("chat.update"))
    replies_before = len(harness.fake.calls_to("response_url"))
    harness.sender.interactivity(tap)
    harness.wait_idle()
    assert tasks(harness)[0].status == "done"
    (redrawn,) = [c.args for c in harness.fake.calls_to("response_url")[replies_before:]]
    assert redrawn["replace_original"] is True
    done_row = next(b for b in redrawn["blocks"] if b.get("block_id") == f"task-{task.id}")
    assert accessory(done_row)["action_id"] == ids.TASK_UNDO
    assert "Done by" in all_text([done_row])
    # The task's own DM is brought up to date too, in place.
    (dm_update,) = [c.args for c in harness.fake.calls_to("chat.update")[updates_before:]]
    assert dm_update["ts"] == task_dm.response["ts"]


def test_editing_a_goal_keeps_who_and_when(harness: Harness) -> None:
    pair(harness)
    harness.command("goal add Run a journal club", user_id=MENTOR)
    (goal,) = goals(harness)
    edit = {
        "value": f"{ids.GOAL_EDIT_OPEN}:{goal.id}",
        "text": {"type": "plain_text", "text": "Edit…"},
    }

    def opened_by(trigger_id: str) -> list[Any]:
        return [
            c for c in harness.fake.calls_to("views.open") if c.args["trigger_id"] == trigger_id
        ]

    harness.block_action(
        user_id=STRANGER,
        action_id=ids.GOAL_MENU,
        selected_option=edit,
        trigger_id="1.stranger",
        ephemeral=True,
    )
    assert opened_by("1.stranger") == []
    assert "not part of" in ephemeral_replies(harness)[-1]
    harness.block_action(
        user_id=MENTEE,
        action_id=ids.GOAL_MENU,
        selected_option=edit,
        trigger_id="2.mentee",
        ephemeral=True,
    )
    (opened,) = opened_by("2.mentee")
    view = opened.args["view"]
    assert view["callback_id"] == ids.GOAL_EDIT_VIEW
    edited_values = modal_values(
        text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed("Run a monthly journal club")),
        target=(
            ids.TARGET_DATE_BLOCK,
            ids.TARGET_DATE_INPUT,
            {"type": "datepicker", "selected_date": "2027-03-01"},
        ),
    )
    forged_values = modal_values(
        text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed("Quit medicine")),
    )
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.GOAL_EDIT_VIEW,
        private_metadata=view["private_metadata"],
        values=forged_values,
    )
    (untouched,) = goals(harness)
    assert (untouched.text, untouched.target_date) == ("Run a journal club", None)
    assert activity(harness, "goal.edited") == 0
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.GOAL_EDIT_VIEW,
        private_metadata=view["private_metadata"],
        values=edited_values,
    )
    (edited,) = goals(harness)
    assert (edited.text, str(edited.target_date)) == ("Run a monthly journal club", "2027-03-01")
    with harness.session() as session:
        change = session.scalars(select(Activity).where(Activity.kind == "goal.edited")).one()
        assert (change.actor_id, change.at) == (MENTEE, harness.clock())


def test_a_past_target_date_is_refused_in_the_form(harness: Harness) -> None:
    pair(harness)
    harness.command("goal add", user_id=MENTEE)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    answer = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.GOAL_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            text=(ids.GOAL_TEXT_BLOCK, ids.GOAL_TEXT_INPUT, typed("Pass the boards")),
            target=(
                ids.TARGET_DATE_BLOCK,
                ids.TARGET_DATE_INPUT,
                {"type": "datepicker", "selected_date": "2020-01-01"},
            ),
        ),
    ).json()
    assert answer["response_action"] == "errors"
    assert ids.TARGET_DATE_BLOCK in answer["errors"]
    assert goals(harness) == []


def test_goals_and_tasks_of_an_ended_mentorship_are_archived(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.command("task add Draft the study protocol", user_id=MENTOR)
    (task,) = tasks(harness)
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.END_VIEW,
        private_metadata=str(pairing_id),
        values=modal_values(
            outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("completed", "radio_buttons"))
        ),
    )
    harness.block_action(user_id=MENTEE, action_id=ids.TASK_COMPLETE, value=str(task.id))
    assert tasks(harness)[0].status == "open"
    assert "That mentorship has ended" in ephemeral_replies(harness)[-1]

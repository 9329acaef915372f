"""What the pair reads about their goals and tasks: the goal a task works towards, who closed a
goal and why, tasks under their goals on Home, and "for you" on the reader's own tasks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers import ids
from storage.models import Goal, Task
from tests.conftest import MENTEE, MENTOR
from tests.handlers.helpers import all_text, last_dm, modal_values, selected, typed
from tests.handlers.test_home_tab import home_opened, last_home
from tests.handlers.test_pairings import pair
from tests.handlers.test_reassess import opened_reassess, submitted
from tests.harness import Harness


def _only(harness: Harness, model: type[Goal] | type[Task]) -> Any:
    with harness.session() as session:
        (found,) = session.scalars(select(model)).all()
        return found


def _menu(harness: Harness, user: str, choice: str, goal_id: int) -> None:
    option = {"value": f"{choice}:{goal_id}", "text": {"type": "plain_text", "text": "x"}}
    harness.block_action(
        user_id=user, action_id=ids.GOAL_MENU, selected_option=option, ephemeral=True
    )


def _task_towards_goal(harness: Harness, text: str, goal_id: int) -> None:
    """The mentor adds a task through the form, linked to ``goal_id``."""
    harness.command("task add", user_id=MENTOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.TASK_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            text=(ids.TASK_TEXT_BLOCK, ids.TASK_TEXT_INPUT, typed(text)),
            goal=(ids.GOAL_LINK_BLOCK, ids.GOAL_LINK_INPUT, selected(str(goal_id))),
            who=(ids.ASSIGNEE_BLOCK, ids.ASSIGNEE_INPUT, selected("mentee", "radio_buttons")),
        ),
    )


def _row(blocks: list[dict[str, Any]], block_id: str) -> str:
    return all_text([b for b in blocks if b.get("block_id") == block_id])


def test_a_task_shows_the_goal_it_works_towards_and_sits_under_it_on_home(
    harness: Harness,
) -> None:
    pair(harness)
    harness.command("goal add Present a case at &lt;grand rounds&gt;", user_id=MENTEE)
    goal = _only(harness, Goal)
    _task_towards_goal(harness, "Draft the slides", goal.id)
    task = _only(harness, Task)
    assert task.goal_id == goal.id

    dm = last_dm(harness, MENTEE)
    row = _row(dm.args["blocks"], f"task-{task.id}")
    assert "towards “Present a case at &lt;grand rounds&gt;”" in row
    listing = harness.command("tasks", user_id=MENTOR).json()
    assert "towards “Present a case" in _row(listing["blocks"], f"task-{task.id}")

    home_opened(harness, MENTEE)
    blocks = last_home(harness, MENTEE)
    order = [b.get("block_id") for b in blocks]
    # The task sits right under its goal, which it then needn't name again.
    assert order.index(f"task-{task.id}") == order.index(f"goal-{goal.id}") + 1
    assert "towards" not in _row(blocks, f"task-{task.id}")
    assert "Other tasks" not in all_text(blocks)


def test_a_task_dm_and_check_in_say_for_you_to_the_assignee(harness: Harness) -> None:
    pair(harness)
    harness.command("task add Read two papers on sepsis", user_id=MENTOR)
    task = _only(harness, Task)
    mine = _row(last_dm(harness, MENTEE).args["blocks"], f"task-{task.id}")
    assert "For you" in mine
    assert f"<@{MENTEE}>" not in mine
    theirs = harness.command("tasks", user_id=MENTOR).json()
    assert f"For <@{MENTEE}>" in _row(theirs["blocks"], f"task-{task.id}")
    home_opened(harness, MENTEE)
    assert "For you" in _row(last_home(harness, MENTEE), f"task-{task.id}")


def test_a_dropped_goals_reason_is_shown_in_the_list_and_on_home(harness: Harness) -> None:
    pair(harness)
    harness.command("goal add Run a journal club", user_id=MENTOR)
    harness.command("goal add Publish the case series", user_id=MENTOR)
    with harness.session() as session:
        first, second = session.scalars(select(Goal).order_by(Goal.id)).all()
    _menu(harness, MENTOR, ids.GOAL_DROP_OPEN, first.id)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.GOAL_DROP_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Not <this> year"))),
    )
    _menu(harness, MENTEE, ids.GOAL_ACHIEVED, second.id)

    listing = harness.command("goals", user_id=MENTEE).json()
    dropped = _row(listing["blocks"], f"goal-{first.id}")
    assert f"dropped by <@{MENTOR}> on Tue 1 Dec: “Not &lt;this&gt; year”" in dropped
    assert f"achieved by <@{MENTEE}>" in _row(listing["blocks"], f"goal-{second.id}")
    assert (
        f"Your goals with <@{MENTOR}> (Research): 0 open goals, 2 closed goals" in (listing["text"])
    )

    home_opened(harness, MENTOR)
    history = next(
        b for b in last_home(harness, MENTOR) if "Recently closed goals" in all_text([b])
    )
    shown = all_text([history])
    assert "Not &lt;this&gt; year" in shown
    assert f"achieved by <@{MENTEE}>" in shown
    # The latest closing comes first.
    assert shown.index("Publish the case series") < shown.index("Run a journal club")


def test_a_reason_given_in_a_reassessment_is_shown_too(harness: Harness) -> None:
    pairing_id = pair(harness)
    harness.command("goal add Learn point-of-care ultrasound", user_id=MENTEE)
    goal = _only(harness, Goal)
    view = opened_reassess(harness, MENTEE, pairing_id)
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=view["private_metadata"],
        values=submitted(
            view,
            **{f"reassess_goal_{goal.id}": "drop", f"reassess_why_{goal.id}": "Rotation changed"},
        ),
    )
    listing = harness.command("goals", user_id=MENTOR).json()
    assert f"dropped by <@{MENTEE}>" in _row(listing["blocks"], f"goal-{goal.id}")
    assert "Rotation changed" in _row(listing["blocks"], f"goal-{goal.id}")
    home_opened(harness, MENTOR)
    assert "Rotation changed" in all_text(last_home(harness, MENTOR))


def test_each_members_check_in_reads_their_own_tasks_as_for_you() -> None:
    from datetime import date

    from handlers.blocks.checkins import CheckinCard, build_checkin_message
    from handlers.blocks.work import TaskRow

    task = TaskRow(3, "Draft the slides", "open", MENTEE, None)
    today = date(2026, 12, 1)
    for reader, other, said in ((MENTEE, MENTOR, "For you"), (MENTOR, MENTEE, f"For <@{MENTEE}>")):
        card = CheckinCard(1, reader, other, "Research", today, (), (task,))
        assert said in _row(build_checkin_message(card).blocks, "task-3")


def test_when_a_goal_closed_is_the_readers_own_day() -> None:
    from datetime import UTC, datetime

    from handlers.flows.rows import goal_row
    from storage.goals import Closing

    late = datetime(2026, 12, 2, 3, tzinfo=UTC)  # 22:00 on 1 December in New York
    goal = Goal(id=1, text="Publish", status="dropped", closed_at=late, close_reason="Later")
    row = goal_row(goal, Closing(MENTOR, late), tz="America/New_York")
    assert (row.closed_on, row.closed_by, row.reason) == (
        late.date().replace(day=1),
        MENTOR,
        "Later",
    )
    assert goal_row(goal, None, tz="Asia/Tokyo").closed_on == late.date()

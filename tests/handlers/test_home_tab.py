"""App Home end to end: the published view with pairings, goals and tasks, its buttons (members
only), and paging when there is more than one view can hold. Sharing with coordinators has its
own tests (tests/handlers/test_sharing.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from handlers import ids
from storage.goals import add_goal
from storage.models import Pairing, Person
from storage.pairings import create_pairing, get_pairing
from storage.programs import default_program
from storage.tasks import add_task
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import all_text, buttons, dms_to, only_pairing
from tests.harness import Harness
from tests.slack.fake_slack import Call

HOME_VIEW = {"id": "V0HOME0001", "type": "home"}


def home_opened(harness: Harness, user: str) -> None:
    harness.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})


def published_to(harness: Harness, user: str) -> list[Call]:
    return [c for c in harness.fake.calls_to("views.publish") if c.args["user_id"] == user]


def last_home(harness: Harness, user: str) -> list[dict[str, Any]]:
    calls = published_to(harness, user)
    assert calls, f"no Home published for {user}"
    assert calls[-1].ok, calls[-1].error
    blocks: list[dict[str, Any]] = calls[-1].args["view"]["blocks"]
    return blocks


def home_click(harness: Harness, user: str, action_id: str, value: str) -> None:
    harness.block_action(user_id=user, action_id=action_id, value=value, view=HOME_VIEW)


def make_pairing(
    harness: Harness,
    mentor: str = MENTOR,
    mentee: str = MENTEE,
    focus: str = "research",
    goals: int = 0,
    tasks: int = 0,
) -> int:
    now = harness.clock()
    with harness.session() as session:
        pairing = create_pairing(
            session,
            program_id=default_program(session).id,
            mentor_id=mentor,
            mentee_id=mentee,
            focus=focus,
            origin="request",
            now=now,
        )
        for i in range(goals):
            add_goal(session, pairing, text=f"Goal {i} <!channel>", by=mentee, now=now)
        for i in range(tasks):
            add_task(session, pairing, text=f"Task {i}", by=mentor, assignee_id=mentee, now=now)
        return pairing.id


def test_home_shows_each_pairing_with_goals_tasks_and_buttons(harness: Harness) -> None:
    pairing_id = make_pairing(harness, goals=2, tasks=2)
    with harness.session() as session:
        mentor = session.get(Person, MENTOR)
        assert mentor is not None
        mentor.tz = "America/Chicago"
        pairing = get_pairing(session, pairing_id)
        assert pairing is not None
        pairing.cadence, pairing.weekday, pairing.local_time = "weekly", 1, "07:30"
        pairing.meeting_format, pairing.timezone = "call", "America/New_York"
        pairing.cadence_anchor = date(2026, 12, 1)
        pairing.next_checkin_at = datetime(2026, 12, 8, 12, 30, tzinfo=UTC)

    home_opened(harness, MENTEE)
    blocks = last_home(harness, MENTEE)
    shown = all_text(blocks)
    assert f"Your mentor: <@{MENTOR}>" in shown
    assert "Research" in shown
    assert "Weekly on Tuesday at 07:30 (America/New_York), call" in shown
    assert "Next check-in: Tue 8 Dec at 07:30 (your time)" in shown
    assert "Goal 1 &lt;!channel&gt;" in shown
    assert "<!channel>" not in shown
    assert "Task 0" in shown
    assert "Task 1" in shown
    found = buttons(blocks)
    for action_id in (
        ids.GOAL_ADD_OPEN,
        ids.TASK_ADD_OPEN,
        ids.HOME_CADENCE,
        ids.HOME_PAUSE,
        ids.HOME_END,
        ids.REASSESS_OPEN,
    ):
        assert found[action_id]["value"] == str(pairing_id)
    completes = [b for b in blocks if b.get("accessory", {}).get("action_id") == ids.TASK_COMPLETE]
    assert len(completes) == 2

    home_opened(harness, MENTOR)
    mentor_view = all_text(last_home(harness, MENTOR))
    assert f"Your mentee: <@{MENTEE}>" in mentor_view
    assert "Next check-in: Tue 8 Dec at 06:30 (your time)" in mentor_view


def test_someone_without_pairings_sees_the_welcome_and_their_requests(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR}> research", user_id=MENTEE)
    home_opened(harness, MENTEE)
    shown = all_text(last_home(harness, MENTEE))
    assert "Ask someone you know" in shown
    assert f"You asked <@{MENTOR}>: *Research*" in shown
    home_opened(harness, MENTOR)
    assert f"<@{MENTEE}> asked you: *Research*" in all_text(last_home(harness, MENTOR))


def test_a_failed_publish_is_logged_not_raised(harness: Harness) -> None:
    harness.fake.error_next("views.publish", "internal_error")
    home_opened(harness, MENTEE)
    assert published_to(harness, MENTEE)[-1].error == "internal_error"
    assert dms_to(harness, MENTEE) == []  # no "sorry" for a view nobody asked to change


def test_home_buttons_open_the_modals_for_members(harness: Harness) -> None:
    pairing_id = make_pairing(harness)
    expected = {
        ids.HOME_CADENCE: ids.COMMUNICATION_VIEW,
        ids.HOME_END: ids.END_VIEW,
        ids.HOME_PAUSE: ids.PAUSE_VIEW,
    }
    for action_id, callback_id in expected.items():
        home_click(harness, MENTOR, action_id, str(pairing_id))
        view = harness.fake.calls_to("views.open")[-1].args["view"]
        assert view["callback_id"] == callback_id
    pause = harness.fake.calls_to("views.open")[-1].args["view"]
    assert pause["private_metadata"] == str(pairing_id)
    assert any(b.get("block_id") == ids.UNTIL_BLOCK for b in pause["blocks"])


def test_strangers_are_refused_and_nothing_changes(harness: Harness) -> None:
    pairing_id = make_pairing(harness)
    for action_id in (ids.HOME_CADENCE, ids.HOME_END, ids.HOME_PAUSE):
        home_click(harness, STRANGER, action_id, str(pairing_id))
    home_click(harness, STRANGER, ids.HOME_SHARE, f"{pairing_id}:on")
    assert harness.fake.calls_to("views.open") == []
    assert only_pairing(harness).mentee_shares_at is None
    assert only_pairing(harness).mentor_shares_at is None
    refusals = [str(c.args.get("text")) for c in dms_to(harness, STRANGER)]
    assert len(refusals) == 4
    assert all("not part of" in text for text in refusals)
    assert dms_to(harness, MENTOR) == []
    assert dms_to(harness, MENTEE) == []
    # A forged value is refused too.
    home_click(harness, MENTEE, ids.HOME_SHARE, "everything")
    assert only_pairing(harness).mentee_shares_at is None


def test_ended_pairings_refuse_home_buttons(harness: Harness) -> None:
    pairing_id = make_pairing(harness)
    with harness.session() as session:
        pairing = get_pairing(session, pairing_id)
        assert pairing is not None
        pairing.status = "ended"
    home_click(harness, MENTEE, ids.HOME_CADENCE, str(pairing_id))
    assert harness.fake.calls_to("views.open") == []
    assert "already ended" in str(dms_to(harness, MENTEE)[-1].args["text"])
    # The stale Home is redrawn without the pairing.
    assert "Ask someone you know" in all_text(last_home(harness, MENTEE))


def test_big_homes_stay_within_limits_and_page_with_show_more(harness: Harness) -> None:
    mentees = [f"U0MANY{i:04d}" for i in range(9)]
    for mentee in mentees:
        make_pairing(harness, mentor=MENTOR, mentee=mentee, goals=12, tasks=12)
    make_pairing(harness, mentor=MENTOR2, mentee=MENTOR, goals=30, tasks=30)

    home_opened(harness, MENTOR)
    first = last_home(harness, MENTOR)
    assert len(first) <= 100
    shown = all_text(first)
    # Mentors first, then mentees; capped rows point to the full lists.
    assert f"Your mentor: <@{MENTOR2}>" in shown
    assert f"+25 more goals: `/mentor goals` <@{MENTOR2}>" in shown
    assert f"+25 more tasks: `/mentor tasks` <@{MENTOR2}>" in shown
    assert "Page 1 of 3" in shown
    more = buttons(first)[ids.HOME_MORE]
    assert more["value"] == "1"

    seen = {m for m in mentees if f"<@{m}>" in shown}
    for page in ("1", "2"):
        home_click(harness, MENTOR, ids.HOME_MORE, page)
        blocks = last_home(harness, MENTOR)
        assert len(blocks) <= 100
        seen |= {m for m in mentees if f"<@{m}>" in all_text(blocks)}
    assert seen == set(mentees)
    assert ids.HOME_MORE in buttons(last_home(harness, MENTOR))  # "Back to the start"
    assert "Page 3 of 3" in all_text(last_home(harness, MENTOR))

    # A page that no longer exists shows the last one instead of failing.
    home_click(harness, MENTOR, ids.HOME_MORE, "99")
    assert "Page 3 of 3" in all_text(last_home(harness, MENTOR))


def test_paused_pairing_on_home(harness: Harness) -> None:
    pairing_id = make_pairing(harness)
    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        pairing.status = "paused"
        pairing.paused_until = datetime(2027, 1, 15, 5, 0, tzinfo=UTC)
    home_opened(harness, MENTEE)
    blocks = last_home(harness, MENTEE)
    assert "Paused until Fri 15 Jan 2027" in all_text(blocks)
    assert buttons(blocks)[ids.HOME_PAUSE]["text"]["text"] == "Change pause"
    assert buttons(blocks)[ids.PAUSE_RESUME]["value"] == str(pairing_id)
    assert "Next check-in" not in all_text(blocks)
    # Paused until midnight in New York is still 14 January in Chicago.
    with harness.session() as session:
        mentor = session.get(Person, MENTOR)
        assert mentor is not None
        mentor.tz = "America/Chicago"
    home_opened(harness, MENTOR)
    assert "Paused until Thu 14 Jan 2027 at 23:00" in all_text(last_home(harness, MENTOR))

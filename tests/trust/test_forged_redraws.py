"""Forged places: a member (or coordinator) makes the client send a button's payload with a
``channel``, ``message``, ``view`` or ``response_url`` of their choosing. Only the user id is
Slack's word: the app redraws only messages it recorded, from the database, updates only
views it opened for that person (with their hash), and posts only to Slack's response URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from structlog.testing import capture_logs

from bot.jobs import run_tick
from bot.slack_client import make_web_client
from handlers import ids
from handlers.flows.digest import post_weekly_digest
from storage.models import Goal, Pairing, Task
from tests.conftest import COORDINATOR, COORDINATOR_CHANNEL, MENTEE, MENTOR, STRANGER
from tests.coordinators.test_digest import _seed as seed_stalled_pair
from tests.handlers.helpers import all_text, buttons, dms_to, ephemeral_replies, last_dm
from tests.handlers.test_directory import first_find, save_mentor, shown_view
from tests.handlers.test_pairings import pair
from tests.handlers.test_sharing import consents, home_share, proposal_dm
from tests.harness import Harness
from tests.scheduler.helpers import at, checkin_dms, make_pair
from tests.slack.payloads import bot_message, dm_channel_id

# What an attacker puts in the message they claim to be on: live mentions and a link.
HOSTILE_BLOCKS = [
    {
        "type": "section",
        "block_id": "evil",
        "text": {
            "type": "mrkdwn",
            "text": "<!here> verify your account: <https://evil.example|here>",
        },
    }
]


def task_of(harness: Harness) -> Task:
    with harness.session() as session:
        (task,) = session.scalars(select(Task))
        return task


def updates(harness: Harness) -> list[dict[str, Any]]:
    return [c.args for c in harness.fake.calls_to("chat.update")]


def tap_on(
    harness: Harness, user: str, action: str, value: str, message: dict[str, Any], channel: str
) -> None:
    """``user`` taps ``action`` on what the payload claims is ``message`` in ``channel``."""
    harness.block_action(
        user_id=user, action_id=action, value=value, message=message, channel_id=channel
    )


def forbidden_outcomes(logs: list[dict[str, Any]]) -> list[str]:
    return [e["outcome"] for e in logs if e.get("event") == "slack.request"]


def test_a_task_tap_claiming_someone_elses_message_changes_and_redraws_nothing(
    harness: Harness,
) -> None:
    pair(harness)
    harness.command("task add Draft the study protocol", user_id=MENTOR)
    task = task_of(harness)
    # The mentor's DM holds a message the app sent them: the target of the forged redraw.
    victim = last_dm(harness, MENTOR)
    forged = bot_message(str(victim.response["ts"]), text="<!here>", blocks=HOSTILE_BLOCKS)
    before = len(updates(harness))
    with capture_logs() as logs:
        tap_on(
            harness,
            MENTEE,
            ids.TASK_COMPLETE,
            str(task.id),
            forged,
            str(victim.response["channel"]),
        )
    assert forbidden_outcomes(logs) == ["forbidden"]
    assert "isn't on a message I sent you" in ephemeral_replies(harness)[-1]
    assert len(updates(harness)) == before
    assert task_of(harness).status == "open"


def test_a_task_tap_on_its_own_dm_redraws_it_from_the_database(harness: Harness) -> None:
    pair(harness)
    harness.command("task add Draft the study protocol", user_id=MENTOR)
    task = task_of(harness)
    dm = last_dm(harness, MENTEE)
    # The payload's copy of the message carries hostile blocks and text: none of it is sent back.
    shown = bot_message(
        str(dm.response["ts"]), text="<!channel>", blocks=[*dm.args["blocks"], *HOSTILE_BLOCKS]
    )
    tap_on(harness, MENTEE, ids.TASK_COMPLETE, str(task.id), shown, str(dm.response["channel"]))
    assert task_of(harness).status == "done"
    (redrawn,) = [u for u in updates(harness) if u["ts"] == dm.response["ts"]]
    assert redrawn["channel"] == dm.response["channel"]
    assert "evil" not in str(redrawn["blocks"])
    assert "<!" not in str(redrawn)
    (row,) = redrawn["blocks"]
    assert row["accessory"]["action_id"] == ids.TASK_UNDO


def test_a_task_tap_on_a_checkin_redraws_that_recorded_checkin(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
    pairing_id = make_pair(harness)
    with harness.session() as session:
        session.add(
            Task(pairing_id=pairing_id, text="Read two papers", assignee_id=MENTEE, status="open")
        )
    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        assert pairing.next_checkin_at is not None
        slot = pairing.next_checkin_at
    at(harness, slot + timedelta(minutes=1))
    (checkin,) = checkin_dms(harness, MENTEE)
    task = task_of(harness)
    assert ids.TASK_COMPLETE in str(checkin.args["blocks"])
    shown = bot_message(str(checkin.response["ts"]), blocks=HOSTILE_BLOCKS)
    # The mentor cannot act from the mentee's check-in: it was not sent to them.
    with capture_logs() as logs:
        tap_on(
            harness,
            MENTOR,
            ids.TASK_COMPLETE,
            str(task.id),
            shown,
            str(checkin.response["channel"]),
        )
    assert forbidden_outcomes(logs) == ["forbidden"]
    assert task_of(harness).status == "open"
    tap_on(
        harness, MENTEE, ids.TASK_COMPLETE, str(task.id), shown, str(checkin.response["channel"])
    )
    assert task_of(harness).status == "done"
    (redrawn,) = [u for u in updates(harness) if u["ts"] == checkin.response["ts"]]
    assert redrawn["text"].startswith("Check-in:")
    assert "evil" not in str(redrawn["blocks"])
    # Rebuilt from the database: the check-in still asks, the done task has left its open list.
    assert ids.CHECKIN_MET in buttons(redrawn["blocks"])
    assert ids.TASK_COMPLETE not in str(redrawn["blocks"])


def test_a_goal_menu_claiming_a_message_is_refused(harness: Harness) -> None:
    pair(harness)
    harness.command("goal add Run a journal club", user_id=MENTOR)
    with harness.session() as session:
        (goal,) = session.scalars(select(Goal))
    victim = last_dm(harness, MENTEE)
    before = len(updates(harness))
    harness.block_action(
        user_id=MENTOR,
        action_id=ids.GOAL_MENU,
        selected_option={
            "value": f"{ids.GOAL_ACHIEVED}:{goal.id}",
            "text": {"type": "plain_text", "text": "x"},
        },
        message=bot_message(str(victim.response["ts"]), blocks=HOSTILE_BLOCKS),
        channel_id=str(victim.response["channel"]),
    )
    with harness.session() as session:
        assert session.get(Goal, goal.id).status == "open"  # type: ignore[union-attr]
    assert len(updates(harness)) == before
    assert "isn't one I drew for you" in ephemeral_replies(harness)[-1]


def _post_digest(harness: Harness) -> dict[str, Any]:
    seed_stalled_pair(harness)
    monday_8am = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)  # 08:00 in New York
    run_tick(harness.ctx, make_web_client(harness.settings), monday_8am, steps=[post_weekly_digest])
    (posted,) = [m for m in harness.fake.messages(COORDINATOR_CHANNEL) if m.get("blocks")]
    harness.clock.set(monday_8am + timedelta(minutes=5))
    return posted


def test_nudge_on_the_posted_digest_marks_its_row_from_what_was_posted(harness: Harness) -> None:
    posted = _post_digest(harness)
    stalled = buttons(posted["blocks"])[ids.DIGEST_NUDGE]["value"]
    shown = bot_message(str(posted["ts"]), text="<!channel>", blocks=HOSTILE_BLOCKS)
    tap_on(harness, COORDINATOR, ids.DIGEST_NUDGE, stalled, shown, COORDINATOR_CHANNEL)
    assert dms_to(harness, MENTOR)
    assert dms_to(harness, MENTEE)
    (redrawn,) = updates(harness)
    assert (redrawn["channel"], redrawn["ts"]) == (COORDINATOR_CHANNEL, posted["ts"])
    assert redrawn["text"] == posted["text"]
    assert "evil" not in str(redrawn["blocks"])
    assert f"Nudged by <@{COORDINATOR}>" in all_text(redrawn["blocks"])
    assert ids.DIGEST_NUDGE not in buttons(redrawn["blocks"])
    # The mark is kept with the post: a Close after it keeps the Nudge's mark elsewhere intact.
    (now_shown,) = [m for m in harness.fake.messages(COORDINATOR_CHANNEL) if m.get("blocks")]
    assert f"Nudged by <@{COORDINATOR}>" in all_text(now_shown["blocks"])


def test_two_marks_at_once_both_stay_whichever_update_reaches_slack_last(
    harness: Harness,
) -> None:
    seed_stalled_pair(harness)
    with harness.session() as session:
        for pairing in session.scalars(select(Pairing)):
            pairing.unanswered_checkins = 3  # both pairs at risk: two rows to mark
    monday_8am = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    run_tick(harness.ctx, make_web_client(harness.settings), monday_8am, steps=[post_weekly_digest])
    (posted,) = [m for m in harness.fake.messages(COORDINATOR_CHANNEL) if m.get("blocks")]
    harness.clock.set(monday_8am + timedelta(minutes=5))
    first, second = [
        b["value"]
        for block in posted["blocks"]
        for b in block.get("elements", [])
        if b.get("action_id") == ids.DIGEST_NUDGE
    ]
    shown = bot_message(str(posted["ts"]))
    held: list[bool] = []

    def second_mark_overtakes(_args: dict[str, Any]) -> None:
        # The first mark is saved; before its update reaches Slack, the second mark is saved
        # and its update arrives: the first's (older) drawing then lands last.
        if held:
            return
        held.append(True)
        # Straight through the signed client: the harness's own tap waits for every listener,
        # the first mark's included, which is the one held here.
        harness.sender.block_action(
            user_id=COORDINATOR,
            action_id=ids.DIGEST_NUDGE,
            value=second,
            message=shown,
            channel_id=COORDINATOR_CHANNEL,
        )
        harness.fake.wait_for("chat.update", 1)

    harness.fake.before("chat.update", second_mark_overtakes)
    tap_on(harness, COORDINATOR, ids.DIGEST_NUDGE, first, shown, COORDINATOR_CHANNEL)
    harness.wait_idle()
    harness.fake.before("chat.update", None)
    (now_shown,) = [m for m in harness.fake.messages(COORDINATOR_CHANNEL) if m.get("blocks")]
    assert ids.DIGEST_NUDGE not in buttons(now_shown["blocks"])  # both rows marked
    assert all_text(now_shown["blocks"]).count(f"Nudged by <@{COORDINATOR}>") == 2


def test_nudge_claiming_another_message_is_refused_before_anyone_is_nudged(
    harness: Harness,
) -> None:
    posted = _post_digest(harness)
    stalled = buttons(posted["blocks"])[ids.DIGEST_NUDGE]["value"]
    # The post's own ts in another channel, and another ts in the digest's channel.
    places = [(dm_channel_id(STRANGER), str(posted["ts"])), (COORDINATOR_CHANNEL, "1.000100")]
    for channel, ts in places:
        for action in (ids.DIGEST_NUDGE, ids.DIGEST_CLOSE):
            tap_on(
                harness,
                COORDINATOR,
                action,
                stalled,
                bot_message(ts, blocks=HOSTILE_BLOCKS),
                channel,
            )
    assert dms_to(harness, MENTOR) == []
    assert dms_to(harness, MENTEE) == []
    assert updates(harness) == []
    with harness.session() as session:
        assert session.get(Pairing, int(stalled)).status == "active"  # type: ignore[union-attr]
    assert "isn't on a digest I posted" in ephemeral_replies(harness)[-1]


def test_a_sharing_answer_never_redraws_the_place_it_names(harness: Harness) -> None:
    pairing_id = pair(harness)
    home_share(harness, MENTEE, pairing_id, on=True)
    dm = proposal_dm(harness, MENTOR)
    victim = last_dm(harness, MENTEE)
    before = len(updates(harness))
    tap_on(
        harness,
        MENTOR,
        ids.SHARING_AGREE,
        buttons(dm.args["blocks"])[ids.SHARING_AGREE]["value"],
        bot_message(str(victim.response["ts"]), blocks=HOSTILE_BLOCKS),
        str(victim.response["channel"]),
    )
    assert consents(harness) == (True, True)
    redrawn = updates(harness)[before:]
    # Only the proposal DM the app recorded was redrawn, from the database.
    assert [u["ts"] for u in redrawn] == [dm.response["ts"]]
    assert "evil" not in str(redrawn)


def test_a_modal_is_updated_only_for_whom_it_was_opened_and_with_its_hash(
    harness: Harness,
) -> None:
    save_mentor(harness)
    theirs = shown_view(harness, first_find(harness, "find"))
    harness.fake.reset_calls()
    for who, view in (
        (STRANGER, theirs),  # someone else's modal, even with its hash
        (MENTEE, {**theirs, "hash": ""}),  # their own, without a hash
    ):
        with capture_logs() as logs:
            harness.block_action(
                user_id=who, action_id=ids.DIRECTORY_FILTERS_OPEN, value="filters", view=view
            )
        assert forbidden_outcomes(logs) == ["forbidden"]
    assert harness.fake.calls_to("views.update") == []
    harness.block_action(
        user_id=MENTEE, action_id=ids.DIRECTORY_FILTERS_OPEN, value="filters", view=theirs
    )
    (update,) = harness.fake.calls_to("views.update")
    assert update.args["view_id"] == theirs["id"]
    assert update.args["hash"] == theirs["hash"]


def test_a_response_url_outside_slack_is_never_followed(harness: Harness) -> None:
    pair(harness)
    harness.command("task add Draft the study protocol", user_id=MENTOR)
    task = task_of(harness)
    dm = last_dm(harness, MENTEE)
    with capture_logs() as logs:
        response = harness.block_action(
            user_id=MENTEE,
            action_id=ids.TASK_COMPLETE,
            value=str(task.id),
            message=bot_message(str(dm.response["ts"]), blocks=dm.args["blocks"]),
            channel_id=str(dm.response["channel"]),
            response_url="https://evil.example/hook",
        )
        harness.command("tasks", user_id=MENTEE, response_url="http://127.0.0.2:9/elsewhere")
    assert response.status == 200
    assert [e["event"] for e in logs].count("request.response_url.refused") == 2
    assert task_of(harness).status == "open"
    assert not [e for e in logs if e.get("event") == "slack.request"]

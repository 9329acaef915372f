"""Reassess and refine end to end: the button and the command open the modal for members only,
and one submission achieves, drops and adds together, keeps the round, and tells both."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from handlers import ids
from handlers.blocks.reassess import (
    EVERY_BLOCK,
    EVERY_INPUT,
    read_reassess_metadata,
    reassess_metadata,
)
from storage.models import Goal, Pairing, Reassessment, Task
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import all_text, buttons, dms_to, ephemeral_replies, text_objects
from tests.handlers.test_home_tab import make_pairing, published_to
from tests.harness import Harness


def ids_of(harness: Harness, model: type[Goal] | type[Task], pairing_id: int) -> list[int]:
    with harness.session() as session:
        return list(
            session.scalars(
                select(model.id).where(model.pairing_id == pairing_id).order_by(model.id)
            )
        )


def opened_reassess(harness: Harness, user: str, pairing_id: int) -> dict[str, Any]:
    harness.block_action(user_id=user, action_id=ids.REASSESS_OPEN, value=str(pairing_id))
    view: dict[str, Any] = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.REASSESS_VIEW
    return view


def submitted(view: dict[str, Any], **choices: str) -> dict[str, Any]:
    """The modal's state as Slack sends it: initial values, with ``choices`` by block id
    (a decision's value, or the text of a text input)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        state: dict[str, Any] = {"type": element["type"]}
        chosen = choices.get(block_id.replace("-", "_"))
        if element["type"] == "static_select":
            state["selected_option"] = (
                {"value": chosen} if chosen is not None else element.get("initial_option")
            )
        else:
            state["value"] = chosen if chosen is not None else element.get("initial_value")
        values[block_id] = {element["action_id"]: state}
    return values


def count_rounds(harness: Harness) -> int:
    with harness.session() as session:
        return int(session.scalar(select(func.count()).select_from(Reassessment)) or 0)


def test_a_reassessment_achieves_drops_and_adds_in_one_go(harness: Harness) -> None:
    pairing_id = make_pairing(harness, goals=3, tasks=3)
    g1, g2, g3 = ids_of(harness, Goal, pairing_id)
    t1, t2, t3 = ids_of(harness, Task, pairing_id)

    view = opened_reassess(harness, MENTEE, pairing_id)
    assert read_reassess_metadata(view["private_metadata"]) == (pairing_id, None)
    labels = [text for kind, text in text_objects(view["blocks"]) if kind == "plain_text"]
    assert any(label.startswith("Goal 0 <!channel>") for label in labels)  # shown as typed
    assert all("&lt;" not in label and "&amp;" not in label for label in labels)
    mrkdwn = [text for kind, text in text_objects(view["blocks"]) if kind == "mrkdwn"]
    assert not any("<!channel>" in text for text in mrkdwn)
    every = next(b for b in view["blocks"] if b.get("block_id") == EVERY_BLOCK)
    assert every["element"]["initial_option"]["value"] == "4"

    values = submitted(
        view,
        **{
            f"reassess_goal_{g1}": "achieved",
            f"reassess_goal_{g2}": "drop",
            f"reassess_why_{g2}": "Rotation changed",
            f"reassess_task_{t1}": "done",
            f"reassess_task_{t2}": "drop",
            "new_goals": "Submit an abstract to the spring meeting\n\nLead a journal club",
            "reassess_every": "6",
        },
    )
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=view["private_metadata"],
        values=values,
    )
    assert response.status == 200
    assert response.body == ""

    now = harness.clock()
    with harness.session() as session:
        goals = {g.id: g for g in session.scalars(select(Goal).order_by(Goal.id))}
        assert goals[g1].status == "achieved"
        assert (goals[g2].status, goals[g2].close_reason) == ("dropped", "Rotation changed")
        assert goals[g3].status == "open"
        added = [g.text for g in goals.values() if g.id not in (g1, g2, g3)]
        assert added == ["Submit an abstract to the spring meeting", "Lead a journal club"]
        tasks = {t.id: t.status for t in session.scalars(select(Task))}
        assert tasks == {t1: "done", t2: "dropped", t3: "open"}
        (round_,) = session.scalars(select(Reassessment)).all()
        assert round_.pairing_id == pairing_id
        counts = (
            round_.goals_achieved,
            round_.goals_dropped,
            round_.goals_added,
            round_.tasks_done,
            round_.tasks_dropped,
        )
        assert counts == (1, 1, 2, 1, 1)
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        assert pairing.reassess_every_weeks == 6
        assert pairing.next_reassess_at == now + timedelta(weeks=6)

    summary = "1 goal achieved, 1 dropped, 2 added; 1 task done, 1 dropped"
    assert summary in dms_to(harness, MENTEE)[-1].args["text"]
    told = dms_to(harness, MENTOR)[-1].args["text"]
    assert summary in told
    assert f"<@{MENTEE}> reassessed" in told
    assert "Next reassessment in 6 weeks" in told
    for person in (MENTEE, MENTOR):
        home = published_to(harness, person)[-1].args["view"]
        assert "Lead a journal club" in all_text(home["blocks"])


def test_only_members_can_open_or_submit(harness: Harness) -> None:
    pairing_id = make_pairing(harness, goals=1, tasks=1)
    (goal_id,) = ids_of(harness, Goal, pairing_id)
    harness.block_action(user_id=STRANGER, action_id=ids.REASSESS_OPEN, value=str(pairing_id))
    assert harness.fake.calls_to("views.open") == []
    assert any("not part of" in reply for reply in ephemeral_replies(harness))

    view = opened_reassess(harness, MENTOR, pairing_id)
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=reassess_metadata(pairing_id),
        values=submitted(view, **{f"reassess_goal_{goal_id}": "drop", "new_goals": "Sneaky"}),
    )
    assert count_rounds(harness) == 0
    with harness.session() as session:
        assert session.scalars(select(Goal.status)).all() == ["open"]
    assert dms_to(harness, MENTOR) == []
    assert dms_to(harness, MENTEE) == []


def test_a_goal_of_another_pairing_refuses_the_whole_round(harness: Harness) -> None:
    mine = make_pairing(harness, goals=1)
    theirs = make_pairing(harness, mentor=MENTOR2, mentee=STRANGER, goals=1)
    (my_goal,) = ids_of(harness, Goal, mine)
    (their_goal,) = ids_of(harness, Goal, theirs)
    view = opened_reassess(harness, MENTEE, mine)
    values = submitted(view, **{f"reassess_goal_{my_goal}": "achieved", "new_goals": "More"})
    values[f"reassess-goal-{their_goal}"] = {
        "decision": {"type": "static_select", "selected_option": {"value": "drop"}}
    }
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=reassess_metadata(mine),
        values=values,
    )
    assert count_rounds(harness) == 0
    with harness.session() as session:
        assert set(session.scalars(select(Goal.status))) == {"open"}
        assert session.scalar(select(func.count()).select_from(Goal)) == 2


def test_bad_input_keeps_the_modal_open_and_changes_nothing(harness: Harness) -> None:
    pairing_id = make_pairing(harness, goals=1)
    view = opened_reassess(harness, MENTEE, pairing_id)
    too_many = "\n".join(f"Goal {i}" for i in range(11))
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=reassess_metadata(pairing_id),
        values=submitted(view, new_goals=too_many),
    )
    body = response.json()
    assert body["response_action"] == "errors"
    assert ids.NEW_GOALS_BLOCK in body["errors"]
    values = submitted(view)
    values[EVERY_BLOCK][EVERY_INPUT]["selected_option"] = {"value": "5"}
    body = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=reassess_metadata(pairing_id),
        values=values,
    ).json()
    assert EVERY_BLOCK in body["errors"]
    assert count_rounds(harness) == 0


def test_an_ended_pairing_is_not_reassessed(harness: Harness) -> None:
    pairing_id = make_pairing(harness, goals=1)
    view = opened_reassess(harness, MENTEE, pairing_id)
    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        pairing.status = "ended"
    harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=reassess_metadata(pairing_id),
        values=submitted(view, new_goals="Too late"),
    )
    assert count_rounds(harness) == 0
    assert "ended" in dms_to(harness, MENTEE)[-1].args["text"]


def test_the_command_opens_the_modal_or_asks_which(harness: Harness) -> None:
    harness.command("reassess", user_id=MENTEE)
    assert any("don't have an active mentorship" in r for r in ephemeral_replies(harness))

    first = make_pairing(harness, goals=1)
    harness.command("reassess", user_id=MENTEE)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.REASSESS_VIEW
    assert read_reassess_metadata(view["private_metadata"]) == (first, None)

    second = make_pairing(harness, mentor=MENTOR2, focus="career")
    harness.command("reassess", user_id=MENTEE)
    assert len(harness.fake.calls_to("views.open")) == 1
    blocks = harness.fake.calls_to("response_url")[-1].args["blocks"]
    values = {b["elements"][0]["value"] for b in blocks if b["type"] == "actions"}
    assert values == {str(first), str(second)}
    assert buttons(blocks)[ids.REASSESS_OPEN]["text"]["text"] == "Reassess now"

    harness.command(f"reassess <@{MENTOR2}>", user_id=MENTEE)
    assert harness.fake.calls_to("views.open")[-1].args["view"][
        "private_metadata"
    ] == reassess_metadata(second)


def test_new_goals_that_look_like_patient_identifiers_are_warned_about_once(
    harness: Harness,
) -> None:
    pairing_id = make_pairing(harness, goals=1, tasks=0)
    (goal_id,) = ids_of(harness, Goal, pairing_id)
    view = opened_reassess(harness, MENTOR, pairing_id)
    risky = "Present Mr Jones, MRN 12345678, at M&M"
    choices = {
        f"reassess_goal_{goal_id}": "drop",
        f"reassess_why_{goal_id}": "Covered elsewhere",
        "new_goals": f"Lead a journal club\n{risky}",
        "reassess_every": "8",
    }
    warned = harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=view["private_metadata"],
        values=submitted(view, **choices),
    ).json()
    assert warned["response_action"] == "update"
    again = warned["view"]
    assert "medical record number" in all_text(again["blocks"])
    assert count_rounds(harness) == 0
    # What was chosen is still chosen in the form shown back.
    by_id = {b.get("block_id"): b for b in again["blocks"]}
    assert by_id[f"reassess-goal-{goal_id}"]["element"]["initial_option"]["value"] == "drop"
    assert by_id[f"reassess-why-{goal_id}"]["element"]["initial_value"] == "Covered elsewhere"
    assert risky in by_id[ids.NEW_GOALS_BLOCK]["element"]["initial_value"]
    assert by_id[EVERY_BLOCK]["element"]["initial_option"]["value"] == "8"
    # Submitting the same text again saves the whole round as it is.
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.REASSESS_VIEW,
        private_metadata=again["private_metadata"],
        values=submitted(again),
    )
    assert count_rounds(harness) == 1
    with harness.session() as session:
        texts = [g.text for g in session.scalars(select(Goal).order_by(Goal.id))]
        dropped = session.get(Goal, goal_id)
        assert dropped is not None
        assert (dropped.status, dropped.close_reason) == ("dropped", "Covered elsewhere")
    assert texts[1:] == ["Lead a journal club", risky]

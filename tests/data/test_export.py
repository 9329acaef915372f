"""``/mentor my data`` and ``/mentor plan``: the files reach the caller's DM, hold every seeded
item of the caller, and nothing of a third person beyond what the caller saw in Slack."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from storage.checkins import record_answer
from storage.goals import add_goal, set_goal_status
from storage.models import CheckIn, Pairing, Reassessment, SessionRating, TraineeProfile
from storage.pairings import close_pairing
from storage.tasks import add_task
from tests.conftest import MENTEE, MENTOR, MENTOR2, STRANGER
from tests.data.test_audit import replied
from tests.data.test_erasure import _pair
from tests.harness import Harness

MINE = "Mine7note"
THEIRS = "Theirs9private"
THIRD = "Third3party"


def files(harness: Harness, before: int = 0) -> dict[str, str]:
    return {f.filename: f.content.decode() for f in harness.fake.files[before:]}


def seed(harness: Harness) -> int:
    pairing_id = _pair(harness, f"request {MINE}")
    now = harness.clock()
    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        goal = add_goal(
            session,
            pairing,
            text=f"Goal {MINE}",
            by=MENTEE,
            now=now,
            competency="Patient care",
            target_date=date(2027, 3, 1),
        )
        add_task(
            session,
            pairing,
            text=f"Task {MINE}",
            by=MENTOR,
            assignee_id=MENTEE,
            now=now,
            goal_id=goal.id,
        )
        achieved = add_goal(session, pairing, text="Lead a handover", by=MENTOR, now=now)
        set_goal_status(session, pairing, achieved, "achieved", by=MENTEE, now=now)
        mine = CheckIn(pairing_id=pairing.id, slot_at=now, sent_at=now)
        theirs = CheckIn(pairing_id=pairing.id, slot_at=now.replace(hour=1), sent_at=now)
        session.add_all([mine, theirs])
        session.flush()
        record_answer(session, pairing, mine, "met", by=MENTEE, now=now, note=f"note {MINE}")
        record_answer(session, pairing, theirs, "met", by=MENTOR, now=now, note=f"note {THEIRS}")
        for rater, note in ((MENTEE, f"rating {MINE}"), (MENTOR, f"rating {THEIRS}")):
            session.add(
                SessionRating(
                    program_id=pairing.program_id,
                    pairing_id=pairing.id,
                    checkin_id=mine.id,
                    rater_id=rater,
                    mentor_id=MENTOR,
                    focus="research",
                    score=5,
                    note=note,
                    rated_at=now,
                )
            )
        session.add(Reassessment(pairing_id=pairing.id, at=now, goals_achieved=1))
        close_pairing(
            session,
            pairing,
            by=MENTOR,
            completed=False,
            reason=f"why {THEIRS}",
            reason_visibility="coordinators",
            now=now,
        )
        session.add(
            TraineeProfile(
                user_id=MENTEE,
                note=f"profile {MINE}",
                focus_areas=["research"],
                created_at=now,
                updated_at=now,
            )
        )
    # A third person's mentorship, request and profile, which the caller never saw.
    harness.command(f"ask <@{MENTOR2}> research {THIRD}", user_id=STRANGER)
    with harness.session() as session:
        session.add(
            TraineeProfile(
                user_id=STRANGER,
                note=f"profile {THIRD}",
                focus_areas=["research"],
                created_at=now,
                updated_at=now,
            )
        )
    return pairing_id


def test_my_data_holds_everything_of_mine_and_nothing_of_others(harness: Harness) -> None:
    pairing_id = seed(harness)
    response = harness.command("my data", user_id=MENTEE)
    assert "DM" in replied(harness, response)
    got = files(harness)
    assert set(got) == {"my-mentorbot-data.json", "my-mentorbot-data.md"}
    (upload,) = [f for f in harness.fake.files if f.filename.endswith(".json")]
    assert upload.channel is not None
    assert upload.channel.startswith("D")
    data: dict[str, Any] = json.loads(got["my-mentorbot-data.json"])
    assert data["user_id"] == MENTEE
    (made,) = data["requests_made"]
    assert (made["mentor"], made["note"]) == (MENTOR, f"request {MINE}")
    assert made["focus"] == "Research"  # as the program words it, never its slug
    (mentorship,) = data["mentorships"]
    assert (mentorship["id"], mentorship["partner"], mentorship["role"]) == (
        pairing_id,
        MENTOR,
        "mentee",
    )
    assert mentorship["end_reason"] is None  # the mentor's reason is theirs
    assert mentorship["focus"] == "Research"
    assert {g["text"] for g in mentorship["goals"]} == {f"Goal {MINE}", "Lead a handover"}
    assert [t["text"] for t in mentorship["tasks"]] == [f"Task {MINE}"]
    assert sorted(c["note"] or "" for c in mentorship["checkins"]) == ["", f"note {MINE}"]
    assert [r["goals_achieved"] for r in mentorship["reassessments"]] == [1]
    assert data["trainee_profile"]["note"] == f"profile {MINE}"
    assert data["mentor_profile"] is None
    assert [(f["kind"], f["note"]) for f in data["feedback_given"]] == [
        ("session rating", f"rating {MINE}")
    ]
    assert f"profile {MINE}" in got["my-mentorbot-data.md"]
    kinds = {a["kind"] for a in data["activity"]}
    assert {"goal.added", "goal.achieved", "checkin.met"} <= kinds
    for name, content in got.items():
        assert THEIRS not in content, name
        assert THIRD not in content, name
        assert STRANGER not in content, name
        assert MENTOR2 not in content, name
    markdown = got["my-mentorbot-data.md"]
    assert f"Goal {MINE}" in markdown
    assert f"note {MINE}" in markdown
    assert "Patient care" in markdown


def test_the_mentor_gets_the_plan_of_their_mentee_only_for_their_mentorship(
    harness: Harness,
) -> None:
    seed(harness)
    harness.command(f"plan <@{MENTEE}>", user_id=MENTOR)
    plan = files(harness)["learning-plan.md"]
    assert plan.startswith(f"# Individual learning plan: alice ({MENTEE})")
    assert "## Research with" in plan
    assert "## research" not in plan
    assert f"Goal {MINE}" in plan
    assert "Patient care" in plan
    assert "2027-03-01" in plan  # target date
    assert f"Task {MINE}" in plan
    assert "| 1 | 0 | 0 | 0 | 0 |" in plan  # the reassessment row
    assert "Achieved on" in plan
    before = len(harness.fake.files)
    harness.command("plan", user_id=MENTEE)
    assert f"Goal {MINE}" in files(harness, before)["learning-plan.md"]


def test_a_plan_is_refused_to_anyone_outside_the_mentorship(harness: Harness) -> None:
    seed(harness)
    response = harness.command(f"plan <@{MENTEE}>", user_id=MENTOR2)
    assert "don't share a mentorship" in replied(harness, response)
    response = harness.command("plan", user_id=MENTOR)
    assert "no mentorship as a trainee" in replied(harness, response)
    assert harness.fake.files == []


def test_typed_text_cannot_shape_the_markdown() -> None:
    from bot.documents import md_text

    assert md_text("# Heading <b>[x](http://e)</b>\nline") == (
        r"\# Heading \<b\>\[x\](http://e)\</b\> line"
    )

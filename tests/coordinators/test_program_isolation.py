"""Coordinator surfaces across two programs, end to end: each coordinator's digest, report, chart
and goals file hold only their program; buttons and views naming another program's pair are
refused and change nothing; a coordinator of both says ``in <program>``; each program's weekly
digest goes to its own channel at its own day and time, once."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from structlog.testing import capture_logs

from bot.programs import ProgramValues, Role, Source
from handlers import ids
from storage.models import CheckIn, Goal, MentorRequest, Pairing, Person, ScheduledSend, Task
from storage.pairings import create_pairing
from storage.people import ensure_person
from storage.programs import add_members, create_program, default_program
from storage.reports import (
    Period,
    at_risk,
    digest_numbers,
    mentors_at_capacity,
    pairing_rows,
    teaching_record,
    weekly_engagement,
)
from tests.conftest import COORDINATOR, COORDINATOR_CHANNEL, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import all_text, buttons, dms_to, ephemeral_replies, modal_values, typed
from tests.harness import Harness

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # a Tuesday, 09:00 in New York
WEEK = Period(NOW - timedelta(days=7), NOW)

NURSING = "Nursing fellowship"
NURSE_COORD = "U0NCOORD1"
NURSE_MENTOR = "U0NMENTR1"
NURSE_MENTEE = "U0NMENTE1"
NURSE_MENTEE2 = "U0NMENTE2"
NURSE_MENTOR2 = "U0NMENTR2"
NURSE_CHANNEL = "C0NURSES1"
GOAL_MAIN = "Main program goal text"
GOAL_NURSING = "Nursing goal text"


@dataclass(frozen=True)
class World:
    main_id: int
    nursing_id: int
    main_pair: int  # stalled: at risk
    nursing_pairs: tuple[int, int]  # the first stalled


def _activity(s: object, pairing_id: int, met: int, done: int, achieved: int) -> None:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    for i in range(met):
        s.add(
            CheckIn(
                pairing_id=pairing_id,
                slot_at=NOW - timedelta(days=2, hours=i),
                sent_at=NOW - timedelta(days=2),
                answer="met",
                answered_at=NOW - timedelta(days=1),
                duration_minutes=30,
            )
        )
    for _ in range(done):
        s.add(
            Task(
                pairing_id=pairing_id,
                text="done task",
                assignee_id=MENTEE,
                status="done",
                completed_at=NOW - timedelta(days=1),
            )
        )
    for _ in range(achieved):
        s.add(
            Goal(
                pairing_id=pairing_id,
                text="achieved goal",
                status="achieved",
                created_at=NOW - timedelta(days=3),
                closed_at=NOW - timedelta(hours=5),
            )
        )


def world(harness: Harness) -> World:
    """The default program (coordinated by COORDINATOR, from the settings) with one stalled pair
    and a pending request; Nursing (its own coordinator, channel, digest day, zone and focus
    areas) with two pairs, one stalled, and more activity, so every number differs."""
    for user, name in (
        (NURSE_COORD, "nina"),
        (NURSE_MENTOR, "nora"),
        (NURSE_MENTEE, "ned"),
        (NURSE_MENTEE2, "nell"),
        (NURSE_MENTOR2, "noel"),
    ):
        harness.fake.add_user(user, name, real_name=name.title(), tz="Europe/London")
    harness.fake.add_channel(NURSE_CHANNEL, "nursing-coordinators")
    harness.clock.set(NOW)
    with harness.session() as s:
        main_id = default_program(s).id
        nursing = create_program(
            s,
            name=NURSING,
            values=ProgramValues(
                digest_channel=NURSE_CHANNEL,
                focus_areas=("Clinical skills", "Night shifts"),
                digest_weekday=3,  # Thursday
                digest_time="07:30",
                timezone="Europe/London",
            ),
            open_to_join=False,
            now=NOW,
            by=None,
        )
        add_members(
            s, nursing.id, [NURSE_COORD], role=Role.COORDINATOR, source=Source.ADDED, now=NOW
        )
        add_members(s, nursing.id, [NURSE_MENTOR2], source=Source.ADDED, now=NOW)
        for user in (NURSE_MENTOR, NURSE_MENTEE, NURSE_MENTEE2, NURSE_MENTOR2, STRANGER):
            ensure_person(s, user)
        main = create_pairing(
            s,
            program_id=main_id,
            mentor_id=MENTOR,
            mentee_id=MENTEE,
            focus="research",
            origin="request",
            now=NOW - timedelta(days=3),
        )
        main.unanswered_checkins = 3
        stalled = create_pairing(
            s,
            program_id=nursing.id,
            mentor_id=NURSE_MENTOR,
            mentee_id=NURSE_MENTEE,
            focus="night-shifts",
            origin="request",
            now=NOW - timedelta(days=3),
        )
        stalled.unanswered_checkins = 4
        fine = create_pairing(
            s,
            program_id=nursing.id,
            mentor_id=NURSE_MENTOR,
            mentee_id=NURSE_MENTEE2,
            focus="clinical-skills",
            origin="request",
            now=NOW - timedelta(days=3),
        )
        s.flush()
        _activity(s, main.id, met=1, done=1, achieved=0)
        _activity(s, fine.id, met=3, done=2, achieved=1)
        s.add(
            MentorRequest(
                program_id=main_id,
                mentee_id=STRANGER,
                mentor_id=MENTOR,
                focus="research",
                status="pending",
                created_at=NOW - timedelta(days=4),
                expires_at=NOW + timedelta(days=10),
                reminded_at=NOW - timedelta(days=1),
            )
        )
        # Both pairs' members share with coordinators: the goals file must still keep apart.
        for pairing, goal in ((main, GOAL_MAIN), (fine, GOAL_NURSING)):
            pairing.mentor_shares_at = pairing.mentee_shares_at = NOW - timedelta(days=1)
            s.add(Goal(pairing_id=pairing.id, text=goal, status="open", created_at=NOW))
        s.flush()
        return World(main_id, nursing.id, main.id, (stalled.id, fine.id))


def _pairing(harness: Harness, pairing_id: int) -> Pairing:
    with harness.session() as s:
        found = s.get(Pairing, pairing_id)
        assert found is not None
        s.expunge(found)
        return found


def _last_preview(harness: Harness) -> dict[str, object]:
    return harness.fake.calls_to("response_url")[-1].args


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


# Storage: every report function counts one program.


def test_every_report_counts_only_its_program(harness: Harness) -> None:
    w = world(harness)
    with harness.session() as s:
        person = s.get(Person, NURSE_MENTOR)
        assert person is not None
        person.capacity = 2  # full with the two nursing mentees
        main = digest_numbers(s, WEEK, NOW, w.main_id)
        nursing = digest_numbers(s, WEEK, NOW, w.nursing_id)
        risk_main = at_risk(s, NOW, NOW.date(), w.main_id)
        risk_nursing = at_risk(s, NOW, NOW.date(), w.nursing_id)
        rows_main = [r.pairing_id for r in pairing_rows(s, WEEK, w.main_id)]
        rows_nursing = [r.pairing_id for r in pairing_rows(s, WEEK, w.nursing_id)]
        teaching_main = teaching_record(s, WEEK, w.main_id)
        teaching_nursing = teaching_record(s, WEEK, w.nursing_id)
        engagement = {
            pid: weekly_engagement(s, [WEEK], pid)[0][1:] for pid in (w.main_id, w.nursing_id)
        }
        capacity = {pid: mentors_at_capacity(s, pid) for pid in (w.main_id, w.nursing_id)}

    assert (main.active_pairings, nursing.active_pairings) == (1, 2)
    assert (main.new_requests, nursing.new_requests) == (1, 0)
    assert (main.pending_requests, nursing.pending_requests) == (1, 0)
    assert (main.waiting_mentees, nursing.waiting_mentees) == (1, 0)
    assert (main.checkins_sent, nursing.checkins_sent) == (1, 3)
    assert (main.checkins_answered, nursing.checkins_answered) == ({"met": 1}, {"met": 3})
    assert (main.tasks_completed, nursing.tasks_completed) == (1, 2)
    assert (main.goals_achieved, nursing.goals_achieved) == (0, 1)
    assert [p.pairing_id for p in risk_main.pairs] == [w.main_pair]
    assert [p.pairing_id for p in risk_nursing.pairs] == [w.nursing_pairs[0]]
    assert (risk_main.total_requests, risk_nursing.total_requests) == (1, 0)
    assert rows_main == [w.main_pair]
    assert rows_nursing == list(w.nursing_pairs)
    assert [(t.mentor_id, t.meetings_held) for t in teaching_main] == [(MENTOR, 1)]
    assert [(t.mentor_id, t.meetings_held) for t in teaching_nursing] == [(NURSE_MENTOR, 3)]
    assert engagement == {w.main_id: (1, 1), w.nursing_id: (3, 2)}
    assert capacity == {w.main_id: [], w.nursing_id: [NURSE_MENTOR]}


# Commands.


def test_each_coordinator_digest_shows_only_their_program(harness: Harness) -> None:
    w = world(harness)
    harness.command("digest", user_id=NURSE_COORD)
    nursing = _last_preview(harness)
    shown = all_text(nursing["blocks"])  # type: ignore[arg-type]
    assert "*Active pairings:* 2" in shown
    assert NURSING in shown  # several programs: the digest says whose it is
    values = {b["value"] for b in buttons(nursing["blocks"]).values()}  # type: ignore[arg-type]
    assert values == {str(w.nursing_pairs[0])}
    assert GOAL_NURSING not in shown

    harness.command("digest", user_id=COORDINATOR)
    main = _last_preview(harness)
    shown = all_text(main["blocks"])  # type: ignore[arg-type]
    assert "*Active pairings:* 1" in shown
    values = {b["value"] for b in buttons(main["blocks"]).values()}  # type: ignore[arg-type]
    assert values == {str(w.main_pair)}


def test_a_coordinator_of_two_programs_says_which(harness: Harness) -> None:
    w = world(harness)
    with harness.session() as s:
        add_members(
            s, w.nursing_id, [COORDINATOR], role=Role.COORDINATOR, source=Source.ADDED, now=NOW
        )
    replies = len(harness.fake.calls_to("response_url"))
    for command in ("digest", "report", "report chart"):
        refused = harness.command(command, user_id=COORDINATOR)
        said = refused.body + "".join(ephemeral_replies(harness))
        assert "in <program>" in said.replace("&lt;", "<").replace("&gt;", ">"), command
    assert not harness.fake.files
    # No digest was shown for the refused commands.
    assert all(
        "Active pairings" not in all_text(c.args.get("blocks"))
        for c in harness.fake.calls_to("response_url")[replies:]
    )

    harness.command(f"digest in {NURSING}", user_id=COORDINATOR)
    assert "*Active pairings:* 2" in all_text(_last_preview(harness)["blocks"])  # type: ignore[arg-type]
    harness.command("digest in main program", user_id=COORDINATOR)
    assert "*Active pairings:* 1" in all_text(_last_preview(harness)["blocks"])  # type: ignore[arg-type]


def test_someone_who_coordinates_another_program_cant_name_this_one(harness: Harness) -> None:
    world(harness)
    with capture_logs() as logs:
        harness.command(f"digest in {NURSING}", user_id=COORDINATOR)
        harness.command(f"report in {NURSING}", user_id=COORDINATOR)
        harness.command("digest", user_id=STRANGER)
    outcomes = [e["outcome"] for e in logs if e["event"] == "slack.request"]
    assert outcomes == ["forbidden"] * 3
    assert not harness.fake.files
    assert all(
        "Active pairings" not in all_text(c.args.get("blocks"))
        for c in harness.fake.calls_to("response_url")
    )


def test_each_report_holds_only_its_program(harness: Harness) -> None:
    w = world(harness)
    harness.command("report", user_id=NURSE_COORD)
    files = {f.filename: f.content for f in harness.fake.files}
    pairings = _csv_rows(files["pairings.csv"])
    assert [int(r["pairing_id"]) for r in pairings] == list(w.nursing_pairs)
    # Focus labels as Nursing words them.
    assert {r["focus"] for r in pairings} == {"Night shifts", "Clinical skills"}
    assert [r["mentor"] for r in _csv_rows(files["teaching-record.csv"])] == [NURSE_MENTOR]
    goals = _csv_rows(files["shared-goals.csv"])
    assert {r["text"] for r in goals} == {GOAL_NURSING, "achieved goal"}
    assert {int(r["pairing_id"]) for r in goals} == {w.nursing_pairs[1]}
    comment = harness.fake.calls_to("files.completeUploadExternal")[-1].args["initial_comment"]
    assert f"report of {NURSING} for the last 7 days" in comment

    harness.command("report", user_id=COORDINATOR)
    files = {f.filename: f.content for f in harness.fake.files[3:]}
    assert [int(r["pairing_id"]) for r in _csv_rows(files["pairings.csv"])] == [w.main_pair]
    assert {r["text"] for r in _csv_rows(files["shared-goals.csv"])} == {GOAL_MAIN}

    harness.command("report chart", user_id=NURSE_COORD)
    assert harness.fake.files[-1].filename == "engagement.png"


# Buttons and views naming another program's pair.


@pytest.mark.parametrize(
    "action", [ids.DIGEST_NUDGE, ids.DIGEST_CLOSE, ids.DIGEST_REASSIGN, ids.DIGEST_DETAILS]
)
def test_forged_buttons_on_another_programs_pair_are_refused(harness: Harness, action: str) -> None:
    w = world(harness)
    targets = (
        (NURSE_COORD, w.main_pair, (MENTOR, MENTEE)),
        (COORDINATOR, w.nursing_pairs[0], (NURSE_MENTOR, NURSE_MENTEE)),
    )
    for coordinator, pairing_id, members in targets:
        before = _pairing(harness, pairing_id)
        replies = len(ephemeral_replies(harness))
        with capture_logs() as logs:
            harness.block_action(
                user_id=coordinator, action_id=action, value=str(pairing_id), ephemeral=True
            )
        outcomes = [e["outcome"] for e in logs if e["event"] == "slack.request"]
        assert outcomes == ["forbidden"]
        assert any("program coordinators" in r for r in ephemeral_replies(harness)[replies:])
        after = _pairing(harness, pairing_id)
        assert (
            (after.status, after.ended_by) == (before.status, before.ended_by) == ("active", None)
        )
        assert all(dms_to(harness, member) == [] for member in members)
    assert harness.fake.calls_to("views.open") == []


def test_the_pairs_own_coordinator_can_act(harness: Harness) -> None:
    w = world(harness)
    stalled = w.nursing_pairs[0]
    harness.block_action(user_id=NURSE_COORD, action_id=ids.DIGEST_DETAILS, value=str(stalled))
    (details,) = harness.fake.calls_to("views.open")
    assert "Night shifts" in all_text(details.args["view"]["blocks"])
    harness.block_action(
        user_id=NURSE_COORD, action_id=ids.DIGEST_NUDGE, value=str(stalled), ephemeral=True
    )
    assert dms_to(harness, NURSE_MENTOR)
    assert dms_to(harness, NURSE_MENTEE)
    harness.block_action(
        user_id=NURSE_COORD, action_id=ids.DIGEST_CLOSE, value=str(stalled), ephemeral=True
    )
    assert _pairing(harness, stalled).ended_by == NURSE_COORD
    assert "(Night shifts)" in dms_to(harness, NURSE_MENTEE)[-1].args["text"]


def _reassign_values(new_mentor: str) -> dict[str, object]:
    return modal_values(
        who=(
            ids.SUGGEST_BLOCK,
            ids.SUGGEST_INPUT,
            {"type": "users_select", "selected_user": new_mentor},
        ),
        note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("")),
    )


def test_a_forged_reassign_submission_changes_nothing(harness: Harness) -> None:
    w = world(harness)
    # The main program's own modal, submitted by Nursing's coordinator.
    harness.block_action(user_id=COORDINATOR, action_id=ids.DIGEST_REASSIGN, value=str(w.main_pair))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    with harness.session() as s:
        pairings_before = s.query(Pairing).count()
    posts_before = len(harness.fake.calls_to("chat.postMessage"))
    with capture_logs() as logs:
        harness.view_submission(
            user_id=NURSE_COORD,
            callback_id=ids.DIGEST_REASSIGN_VIEW,
            private_metadata=view["private_metadata"],
            values=_reassign_values(NURSE_MENTOR2),
        )
    assert [e["outcome"] for e in logs if e["event"] == "slack.request"] == ["forbidden"]
    assert _pairing(harness, w.main_pair).status == "active"
    with harness.session() as s:
        assert s.query(Pairing).count() == pairings_before
    # Nothing reached the pair or the would-be mentor.
    new_posts = harness.fake.calls_to("chat.postMessage")[posts_before:]
    assert all(c.args.get("channel") not in (MENTOR, MENTEE, NURSE_MENTOR2) for c in new_posts), (
        new_posts
    )
    assert all(dms_to(harness, u) == [] for u in (MENTOR, MENTEE, NURSE_MENTOR2))


def test_the_new_mentor_must_be_in_the_pairs_program(harness: Harness) -> None:
    w = world(harness)
    stalled = w.nursing_pairs[0]
    harness.block_action(user_id=NURSE_COORD, action_id=ids.DIGEST_REASSIGN, value=str(stalled))
    view = harness.fake.calls_to("views.open")[-1].args["view"]

    def submit(new_mentor: str) -> dict[str, object]:
        response = harness.view_submission(
            user_id=NURSE_COORD,
            callback_id=ids.DIGEST_REASSIGN_VIEW,
            private_metadata=view["private_metadata"],
            values=_reassign_values(new_mentor),
        )
        return response.json() if response.body else {}

    # Carol is in the main program only.
    with harness.session() as s:
        add_members(s, w.main_id, [MENTOR2], source=Source.ADDED, now=NOW)
    refused = submit(MENTOR2)
    assert refused.get("response_action") == "errors"
    assert f"isn't in {NURSING}" in str(refused["errors"])
    assert _pairing(harness, stalled).status == "active"
    assert dms_to(harness, MENTOR2) == []

    assert submit(NURSE_MENTOR2).get("response_action") is None
    assert _pairing(harness, stalled).status == "ended"
    with harness.session() as s:
        new = s.query(Pairing).filter_by(mentor_id=NURSE_MENTOR2).one()
        assert (new.program_id, new.focus) == (w.nursing_id, "night-shifts")


# The weekly digest, per program.


def _digests(harness: Harness, channel: str) -> list[dict[str, object]]:
    return [m for m in harness.fake.messages(channel) if m.get("blocks")]


def test_each_program_gets_its_digest_at_its_own_time_once(harness: Harness) -> None:
    w = world(harness)
    monday_8am_ny = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    thursday_730_london = datetime(2026, 12, 10, 7, 30, tzinfo=UTC)
    moments = [
        monday_8am_ny - timedelta(minutes=1),
        monday_8am_ny,
        monday_8am_ny + timedelta(minutes=5),
        thursday_730_london - timedelta(minutes=1),
        thursday_730_london,
        thursday_730_london + timedelta(hours=2),
    ]
    seen = []
    for moment in moments:
        harness.clock.set(moment)
        harness.tick()
        seen.append(
            (len(_digests(harness, COORDINATOR_CHANNEL)), len(_digests(harness, NURSE_CHANNEL)))
        )
    assert seen == [(0, 0), (1, 0), (1, 0), (1, 0), (1, 1), (1, 1)]

    (main,) = _digests(harness, COORDINATOR_CHANNEL)
    (nursing,) = _digests(harness, NURSE_CHANNEL)
    assert "*Active pairings:* 1" in all_text(main["blocks"])  # type: ignore[arg-type]
    nursing_text = all_text(nursing["blocks"])  # type: ignore[arg-type]
    assert "*Active pairings:* 2" in nursing_text
    assert NURSING in nursing_text
    # Nursing's week: the seven whole London days before its Thursday.
    assert "Thu 3 Dec – Wed 9 Dec 2026" in nursing_text
    nursing_rows = {b["value"] for b in buttons(nursing["blocks"]).values()}  # type: ignore[arg-type]
    assert nursing_rows == {str(w.nursing_pairs[0])}
    # Each digest has its chart, in its own thread.
    charts = {
        (c.args["channel_id"], c.args["thread_ts"])
        for c in harness.fake.calls_to("files.completeUploadExternal")
    }
    assert charts == {(COORDINATOR_CHANNEL, main["ts"]), (NURSE_CHANNEL, nursing["ts"])}
    with harness.session() as s:
        keys = {k for (k,) in s.query(ScheduledSend.dedupe_key).filter_by(kind="digest")}
    assert keys == {"digest/2026-W50", f"digest/program-{w.nursing_id}/2026-W50"}


def test_an_upgrade_mid_week_posts_no_second_default_digest(harness: Harness) -> None:
    """The default program's key is the one used before programs existed: a digest the earlier
    version posted this week counts."""
    world(harness)
    monday_8am_ny = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    with harness.session() as s:
        s.add(
            ScheduledSend(
                dedupe_key="digest/2026-W50",
                kind="digest",
                recipient=COORDINATOR_CHANNEL,
                slot_at=monday_8am_ny,
                status="sent",
                sent_at=monday_8am_ny,
                attempts=1,
            )
        )
    harness.clock.set(monday_8am_ny + timedelta(hours=1))
    harness.tick()
    assert _digests(harness, COORDINATOR_CHANNEL) == []


def test_a_program_without_a_channel_gets_no_digest(harness: Harness) -> None:
    with harness.session() as s:
        create_program(
            s,
            name="Quiet program",
            values=ProgramValues(digest_weekday=0, digest_time="08:00"),
            open_to_join=False,
            now=NOW,
            by=None,
        )
    harness.clock.set(datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
    harness.tick()
    # The default program posts as ever; the one without a channel posts nowhere.
    posted = [c.args.get("channel") for c in harness.fake.calls_to("chat.postMessage")]
    assert posted == [COORDINATOR_CHANNEL]
    with harness.session() as s:
        assert s.query(ScheduledSend).filter_by(kind="digest").count() == 1


def test_report_period_days_are_the_programs_days(harness: Harness) -> None:
    """A report of given days counts whole days in the program's zone: London for Nursing."""
    w = world(harness)
    with harness.session() as s:
        # A meeting at 02:00 London on 29 November: that day in London, the 28th in New York.
        at = datetime(2026, 11, 29, 2, tzinfo=UTC)
        s.add(
            CheckIn(
                pairing_id=w.nursing_pairs[0], slot_at=at, sent_at=at, answer="met", answered_at=at
            )
        )
    harness.command("report 2026-11-29 2026-11-29", user_id=NURSE_COORD)
    files = {f.filename: f.content for f in harness.fake.files}
    assert _csv_rows(files["teaching-record.csv"]) == [
        {
            "mentor": NURSE_MENTOR,
            "meetings_held": "1",
            "hours": "",
            "usefulness_to_date": "fewer than 5 responses",
            "recommend_score_to_date": "fewer than 5 responses",
        }
    ]
    assert date(2026, 11, 29).isoformat() in str(
        harness.fake.calls_to("files.completeUploadExternal")[-1].args.get("initial_comment")
    )

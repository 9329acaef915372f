"""Matching rounds end to end: a coordinator opens a round of 80 trainees and 40 mentors,
trainees rank, a mentor marks someone, the deadline closes it, the proposal is approved once
and everyone is introduced; forged answers and approvals change nothing."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.matching import blocking_pairs
from bot.programs import ProgramValues, Role
from handlers import ids
from handlers.flows import matching as flow
from storage import matching as rounds
from storage.models import (
    AuditEntry,
    MatchPair,
    MatchParticipant,
    MatchRound,
    Pairing,
    Program,
    ScheduledSend,
    WaitingEntry,
)
from storage.pairings import create_pairing
from storage.people import set_capacity
from storage.profiles import (
    MentorProfileValues,
    TraineeProfileValues,
    save_mentor_profile,
    save_trainee_profile,
    waiting_counts,
)
from storage.programs import add_members, create_program, default_program_id
from tests.conftest import COORDINATOR, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    dms_to,
    ephemeral_replies,
    last_dm,
    modal_values,
    selected,
    take_out_of_program,
)
from tests.harness import Harness

NEW_YORK = ZoneInfo("America/New_York")  # the default program's zone in the tests
TRAINEES = [f"U0T{i:05d}" for i in range(80)]
MENTORS = [f"U0M{i:05d}" for i in range(40)]


def users(*people: str) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(people)}


def one_user(user: str) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user}


def open_round(harness: Harness, trainees: list[str], mentors: list[str]) -> int:
    for person in trainees + mentors:
        harness.fake.add_user(person, person.lower())
    harness.command("match", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.MATCH_VIEW
    deadline = (harness.clock() + timedelta(days=3)).date().isoformat()
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            trainees=(ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, users(*trainees)),
            mentors=(ids.MATCH_MENTORS_BLOCK, ids.MATCH_MENTORS_INPUT, users(*mentors)),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": deadline},
            ),
        ),
    )
    value = buttons(last_dm(harness, COORDINATOR).args["blocks"])[ids.MATCH_CLOSE]["value"]
    return int(value)


def invite_value(harness: Harness, user: str, action_id: str) -> str:
    return str(buttons(last_dm(harness, user).args["blocks"])[action_id]["value"])


def rank(harness: Harness, trainee: str, value: str, mentors: list[str]) -> None:
    harness.block_action(user_id=trainee, action_id=ids.MATCH_RANK_OPEN, value=value)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=trainee,
        callback_id=ids.MATCH_RANK_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            **{
                f"c{i}": (f"{ids.MATCH_CHOICE_BLOCK}{i}", ids.MATCH_CHOICE_INPUT, one_user(m))
                for i, m in enumerate(mentors)
            }
        ),
    )


def pairings_count(harness: Harness) -> int:
    with harness.session() as session:
        return int(session.scalar(select(func.count()).select_from(Pairing)) or 0)


def test_a_round_of_80_trainees_and_40_mentors(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES, MENTORS)
    harness.tick()  # the invitations go out through the outbox
    assert all(dms_to(harness, person) for person in TRAINEES + MENTORS)
    harness.tick()  # and never twice
    assert all(len(dms_to(harness, person)) == 1 for person in TRAINEES + MENTORS)
    closes = f"{(harness.clock() + timedelta(days=3)).astimezone(NEW_YORK):%a %-d %b}"
    invite = all_text(last_dm(harness, TRAINEES[3]).args["blocks"])
    assert f"by {closes}" in invite
    assert "Suggested for you: <@U0M" in invite

    # Ten trainees rank the same two mentors first; M0 would rather not take T0.
    for trainee in TRAINEES[:10]:
        rank(harness, trainee, invite_value(harness, trainee, ids.MATCH_RANK_OPEN), MENTORS[:2])
    value = invite_value(harness, MENTORS[0], ids.MATCH_RATHER_NOT_OPEN)
    harness.block_action(user_id=MENTORS[0], action_id=ids.MATCH_RATHER_NOT_OPEN, value=value)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTORS[0],
        callback_id=ids.MATCH_RATHER_NOT_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            t=(ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, users(TRAINEES[0]))
        ),
    )

    # A forged ranking (someone else's list) and a stranger's early close change nothing.
    opened = len(harness.fake.calls_to("views.open"))
    forged = invite_value(harness, TRAINEES[20], ids.MATCH_RANK_OPEN)
    harness.block_action(user_id=TRAINEES[21], action_id=ids.MATCH_RANK_OPEN, value=forged)
    harness.view_submission(
        user_id=TRAINEES[21],
        callback_id=ids.MATCH_RANK_VIEW,
        private_metadata=json.dumps({"participant": int(forged)}),
        values=modal_values(
            c=(f"{ids.MATCH_CHOICE_BLOCK}0", ids.MATCH_CHOICE_INPUT, one_user(MENTORS[5]))
        ),
    )
    harness.block_action(user_id=STRANGER, action_id=ids.MATCH_CLOSE, value=str(round_id))
    assert len(harness.fake.calls_to("views.open")) == opened
    with harness.session() as session:
        row = session.get(MatchParticipant, int(forged))
        assert row is not None
        assert row.ranked == []
        found = rounds.get_round(session, round_id)
        assert found is not None
        assert found.status == "collecting"

    harness.clock.advance(timedelta(days=4))
    harness.tick()  # the deadline passed: the proposal goes to the coordinator
    proposal = last_dm(harness, COORDINATOR)
    assert "Proposal for the" in all_text(proposal.args["blocks"])
    (csv_file,) = harness.fake.files
    lines = csv_file.content.decode().splitlines()
    assert lines[0] == "trainee_id,trainee,mentor_id,mentor,status,reason"
    assert len(lines) == 1 + len(TRAINEES)
    with harness.session() as session:
        stated = rounds.round_to_solve(session, round_id)
        pairs = rounds.pairs_of(session, round_id)
        proposed = [p for p in pairs if p.status == "proposed"]
        load: dict[str, int] = {}
        for pair in proposed:
            load[str(pair.mentor_id)] = load.get(str(pair.mentor_id), 0) + 1
        assert all(count <= stated.places[m] for m, count in load.items())
        assert not any(p.trainee_id == TRAINEES[0] and p.mentor_id == MENTORS[0] for p in pairs)
        assert {p.trainee_id for p in pairs} == set(TRAINEES)
        # The two mentors ten trainees ranked are full, with trainees who chose them.
        for mentor in MENTORS[:2]:
            taken = [p for p in proposed if p.mentor_id == mentor]
            assert len(taken) == stated.places[mentor] == 2
            assert all(p.trainee_id in TRAINEES[:10] for p in taken)
            assert all(p.reason.startswith("their ") for p in taken)
    from bot.matching import solve

    assert blocking_pairs(stated, solve(stated)) == []

    # Forged approvals: a stranger, and a value that is not a round.
    harness.block_action(user_id=STRANGER, action_id=ids.MATCH_APPROVE, value=str(round_id))
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_APPROVE, value="x")
    assert pairings_count(harness) == 0

    # The coordinator moves one trainee to another mentor, then approves all, twice.
    moved = proposed[0]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_CHANGE_VIEW,
        private_metadata=json.dumps({"round": round_id}),
        values=modal_values(
            t=(ids.MATCH_PAIR_BLOCK, ids.MATCH_PAIR_INPUT, one_user(moved.trainee_id)),
            m=(ids.MATCH_NEW_MENTOR_BLOCK, ids.MATCH_NEW_MENTOR_INPUT, one_user(MENTORS[39])),
        ),
    )
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_APPROVE, value=str(round_id))
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_APPROVE, value=str(round_id))
    assert pairings_count(harness) == len(proposed)
    with harness.session() as session:
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("match.%")).order_by(AuditEntry.id)
        ).all()
        assert [(e.actor, e.action, e.subject) for e in audited] == [
            (COORDINATOR, "match.open", f"round:{round_id}"),
            # The deadline closed it (no one closed it early), and the stranger's early close
            # was refused: neither is a coordinator's action.
            (COORDINATOR, "match.change", moved.trainee_id),
            (COORDINATOR, "match.approve", f"round:{round_id}"),  # once: the repeat did nothing
        ]
    with harness.session() as session:
        approved = session.scalars(
            select(MatchPair).where(MatchPair.round_id == round_id, MatchPair.status == "approved")
        ).all()
        assert len(approved) == len(proposed)
        assert all(p.pairing_id is not None for p in approved)
        moved_now = session.scalar(select(MatchPair).where(MatchPair.id == moved.id))
        assert moved_now is not None
        assert moved_now.mentor_id == MENTORS[39]
        waiting = session.scalars(select(WaitingEntry.user_id)).all()
    left = [p.trainee_id for p in pairs if p.status == "unmatched"]
    assert left  # ten trainees crowding two mentors leaves some of them without a place
    assert sorted(waiting) == sorted(left)
    replies = ephemeral_replies(harness)
    # The coordinator hears at once that the pairs are being made, then that they were; the
    # refused approvals (a stranger, a forged value) and the repeat promised nothing.
    progress = [r for r in replies if r.startswith("Approving: making")]
    assert progress == [
        f"Approving: making {len(proposed)} pairings now. I'll say here when they're made."
    ]
    made = [i for i, r in enumerate(replies) if "made; I'm introducing each pair now" in r]
    assert made
    assert replies.index(progress[0]) < made[0]
    assert any("approved already; nothing changed" in r for r in ephemeral_replies(harness))

    harness.tick()  # the introductions and the kind notes go out from the outbox
    harness.tick()  # and never twice
    for pair in approved:
        for person, other in (
            (str(pair.mentor_id), pair.trainee_id),
            (pair.trainee_id, pair.mentor_id),
        ):
            intros = [
                d
                for d in dms_to(harness, person)
                if f"has paired you with <@{other}>" in all_text(d.args.get("blocks"))
                and ids.COMMUNICATION_OPEN in buttons(d.args.get("blocks"))
            ]
            assert len(intros) == 1  # once, though approved twice
    for trainee in left:
        notes = [
            d for d in dms_to(harness, trainee) if "waiting list" in all_text(d.args.get("blocks"))
        ]
        assert len(notes) == 1
    with harness.session() as session:
        unsent = session.scalar(
            select(func.count())
            .select_from(ScheduledSend)
            .where(ScheduledSend.kind.like("match.%"), ScheduledSend.status != "sent")
        )
        assert unsent == 0


def test_only_coordinators_open_a_round(harness: Harness) -> None:
    harness.command("match", user_id=STRANGER)
    assert harness.fake.calls_to("views.open") == []
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.MATCH_VIEW,
        private_metadata=json.dumps({"program": 1}),
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            trainees=(ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, users(*TRAINEES[:2])),
            mentors=(ids.MATCH_MENTORS_BLOCK, ids.MATCH_MENTORS_INPUT, users(*MENTORS[:2])),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": "2099-01-01"},
            ),
        ),
    )
    with harness.session() as session:
        assert session.scalar(select(func.count()).select_from(MatchParticipant)) == 0


def close_now(harness: Harness, round_id: int) -> None:
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CLOSE, value=str(round_id))


def test_a_channel_gives_the_trainees_and_answers_after_closing_are_refused(
    harness: Harness,
) -> None:
    harness.fake.add_channel("C0INTERNS", "interns", members=tuple(TRAINEES[:3]))
    for person in TRAINEES[:3] + MENTORS[:2]:
        harness.fake.add_user(person, person.lower())
    harness.command("match", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            channel=(
                ids.MATCH_CHANNEL_BLOCK,
                ids.MATCH_CHANNEL_INPUT,
                {"type": "multi_conversations_select", "selected_conversations": ["C0INTERNS"]},
            ),
            mentors=(ids.MATCH_MENTORS_BLOCK, ids.MATCH_MENTORS_INPUT, users(*MENTORS[:2])),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": harness.clock().date().isoformat()},
            ),
        ),
    )
    round_id = int(buttons(last_dm(harness, COORDINATOR).args["blocks"])[ids.MATCH_CLOSE]["value"])
    with harness.session() as session:
        trainees = [p.user_id for p in rounds.participants(session, round_id, rounds.TRAINEE)]
    assert trainees == TRAINEES[:3]
    harness.tick()
    value = invite_value(harness, TRAINEES[0], ids.MATCH_RANK_OPEN)
    close_now(harness, round_id)
    opened = len(harness.fake.calls_to("views.open"))
    harness.block_action(user_id=TRAINEES[0], action_id=ids.MATCH_RANK_OPEN, value=value)
    assert len(harness.fake.calls_to("views.open")) == opened
    with harness.session() as session:
        pairs = rounds.pairs_of(session, round_id)
    # Two mentors with two places each (no limit set): all three placed.
    assert sorted(p.trainee_id for p in pairs if p.status == "proposed") == TRAINEES[:3]


def test_a_date_in_the_past_is_refused_in_the_modal(harness: Harness) -> None:
    harness.command("match", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    response = harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            trainees=(ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, users(TRAINEES[0])),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": "2020-01-01"},
            ),
        ),
    )
    assert ids.MATCH_DEADLINE_BLOCK in response.json()["errors"]
    with harness.session() as session:
        assert session.scalar(select(func.count()).select_from(MatchParticipant)) == 0


def nursing_fellowship(session: Session, now: datetime) -> Program:
    """A second, invite-only program beside the default one."""
    program = create_program(
        session,
        name="Nursing fellowship",
        values=ProgramValues(),
        open_to_join=False,
        now=now,
        by=None,
    )
    session.flush()
    return program


def test_a_coordinator_of_another_program_changes_nothing(harness: Harness) -> None:
    other = "U0COORDB1"
    harness.fake.add_user(other, "coordinator-b")
    with harness.session() as session:
        program = nursing_fellowship(session, harness.clock())
        add_members(
            session,
            program.id,
            [other],
            role=Role.COORDINATOR,
            source="manual",
            now=harness.clock(),
        )
        default_id = default_program_id(session)
    round_id = open_round(harness, TRAINEES[:4], MENTORS[:2])
    for action in (ids.MATCH_CLOSE, ids.MATCH_APPROVE, ids.MATCH_CHANGE_OPEN):
        harness.block_action(user_id=other, action_id=action, value=str(round_id))
    with harness.session() as session:
        found = rounds.get_round(session, round_id)
        assert found is not None
        assert found.status == "collecting"
    close_now(harness, round_id)
    harness.block_action(user_id=other, action_id=ids.MATCH_APPROVE, value=str(round_id))
    harness.view_submission(
        user_id=other,
        callback_id=ids.MATCH_CHANGE_VIEW,
        private_metadata=json.dumps({"round": round_id}),
        values=modal_values(t=(ids.MATCH_PAIR_BLOCK, ids.MATCH_PAIR_INPUT, one_user(TRAINEES[0]))),
    )
    # A forged modal naming the default program opens nothing there.
    harness.view_submission(
        user_id=other,
        callback_id=ids.MATCH_VIEW,
        private_metadata=json.dumps({"program": default_id}),
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            trainees=(ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, users(TRAINEES[5])),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": "2099-01-01"},
            ),
        ),
    )
    assert pairings_count(harness) == 0
    with harness.session() as session:
        assert [p.status for p in rounds.pairs_of(session, round_id)] == ["proposed"] * 4
        assert session.scalar(select(func.count()).select_from(MatchRound)) == 1
    refusals = [r for r in ephemeral_replies(harness) if "for program coordinators" in r]
    assert len(refusals) >= 4


def _approve_together(harness: Harness, round_ids: list[int]) -> list[flow.Outcome]:
    barrier = threading.Barrier(len(round_ids))
    outcomes: list[flow.Outcome] = []

    def approve(round_id: int) -> None:
        barrier.wait()
        outcomes.append(flow.approve_round(harness.ctx, round_id, COORDINATOR))

    threads = [threading.Thread(target=approve, args=(r,)) for r in round_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_approving_at_once_twice_makes_each_pair_once(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES[:12], MENTORS[:6])
    close_now(harness, round_id)
    with harness.session() as session:
        proposed = [p for p in rounds.pairs_of(session, round_id) if p.status == "proposed"]
    assert len(proposed) >= 10
    outcomes = _approve_together(harness, [round_id, round_id, round_id])
    assert sorted(o.repeat for o in outcomes) == [False, True, True]
    assert pairings_count(harness) == len(proposed)
    with harness.session() as session:
        made = [p.pairing_id for p in rounds.pairs_of(session, round_id) if p.pairing_id]
    assert len(set(made)) == len(proposed)


def test_a_mentors_limit_holds_when_two_rounds_are_approved_at_once(harness: Harness) -> None:
    with harness.session() as session:
        set_capacity(session, MENTORS[0], 1, harness.clock())
    first = open_round(harness, TRAINEES[:1], MENTORS[:1])
    second = open_round(harness, TRAINEES[1:2], MENTORS[:1])
    close_now(harness, first)
    close_now(harness, second)
    outcomes = _approve_together(harness, [first, second])
    assert sorted(o.made for o in outcomes) == [0, 1]
    with harness.session() as session:
        mentored = session.scalar(
            select(func.count()).select_from(Pairing).where(Pairing.mentor_id == MENTORS[0])
        )
        statuses = sorted(p.status for r in (first, second) for p in rounds.pairs_of(session, r))
    assert mentored == 1
    assert statuses == ["approved", "not_made"]


def test_the_csv_again_for_the_coordinator_only(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES[:3], MENTORS[:2])
    close_now(harness, round_id)
    proposal = last_dm(harness, COORDINATOR)
    assert ids.MATCH_CSV in buttons(proposal.args["blocks"])
    harness.fake.add_user(STRANGER, "stranger")
    harness.block_action(user_id=STRANGER, action_id=ids.MATCH_CSV, value=str(round_id))
    assert len(harness.fake.calls_to("files.completeUploadExternal")) == 1
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CSV, value=str(round_id))
    assert len(harness.fake.calls_to("files.completeUploadExternal")) == 2


def test_cancelling_sends_no_more_invitations_and_pairs_nobody(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES[:3], MENTORS[:2])
    harness.fake.add_user(STRANGER, "stranger")
    harness.block_action(user_id=STRANGER, action_id=ids.MATCH_CANCEL, value=str(round_id))
    with harness.session() as session:
        found = rounds.get_round(session, round_id)
        assert found is not None
        assert found.status == "collecting"
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CANCEL, value=str(round_id))
    harness.tick()
    assert not any(dms_to(harness, person) for person in TRAINEES[:3] + MENTORS[:2])
    close_now(harness, round_id)
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_APPROVE, value=str(round_id))
    assert pairings_count(harness) == 0
    replies = ephemeral_replies(harness)
    assert any("Cancelled the round" in r for r in replies)
    assert any("That round has closed already" in r for r in replies)
    assert any("That round was cancelled, so nobody was paired" in r for r in replies)
    with harness.session() as session:
        assert rounds.pairs_of(session, round_id) == []


def test_a_trainee_paired_meanwhile_is_left_as_they_are(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES[:2], MENTORS[:2])
    harness.tick()
    rank(harness, TRAINEES[0], invite_value(harness, TRAINEES[0], ids.MATCH_RANK_OPEN), MENTORS[:1])
    saved = last_dm(harness, TRAINEES[0])
    assert f"Saved your choices, in order: <@{MENTORS[0]}>" in all_text(saved.args["blocks"])
    close_now(harness, round_id)
    with harness.session() as session:
        pairs = {p.trainee_id: p for p in rounds.pairs_of(session, round_id)}
        assert pairs[TRAINEES[0]].mentor_id == MENTORS[0]
        assert pairs[TRAINEES[0]].reason == "their 1st choice; the mentor's places: 2 of 2 taken"
        program_id = default_program_id(session)
        # Before the approval, the trainee and another mentor agree a mentorship themselves.
        create_pairing(
            session,
            program_id=program_id,
            mentor_id=MENTORS[1],
            mentee_id=TRAINEES[0],
            focus="research",
            origin="request",
            now=harness.clock(),
        )
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_APPROVE, value=str(round_id))
    harness.tick()
    with harness.session() as session:
        pairs = {p.trainee_id: p for p in rounds.pairs_of(session, round_id)}
        waiting = session.scalars(select(WaitingEntry.user_id)).all()
    assert pairs[TRAINEES[0]].status == "already_paired"
    assert TRAINEES[0] not in waiting
    assert not any(
        "waiting list" in all_text(d.args.get("blocks")) for d in dms_to(harness, TRAINEES[0])
    )
    assert pairings_count(harness) == 1 + sum(p.status == "approved" for p in pairs.values())


def test_a_channel_the_app_cannot_read_is_refused_kindly(harness: Harness) -> None:
    harness.fake.add_channel("C0SECRET1", "secret", is_private=True, is_member=False)
    harness.command("match", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            channel=(
                ids.MATCH_CHANNEL_BLOCK,
                ids.MATCH_CHANNEL_INPUT,
                {"type": "multi_conversations_select", "selected_conversations": ["C0SECRET1"]},
            ),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": "2099-01-01"},
            ),
        ),
    )
    assert "I can't see who is in that channel" in last_dm(harness, COORDINATOR).args["text"]
    with harness.session() as session:
        assert session.scalar(select(func.count()).select_from(MatchRound)) == 0


def profile_values(focus: str, *, open_: bool = True) -> MentorProfileValues:
    return MentorProfileValues(
        listed=True,
        open=open_,
        focus_areas=(focus,),
        specialty=None,
        specialty_other=None,
        stages=("residents",),
        formats=("call",),
        languages=(),
        bio="",
    )


def test_with_nobody_chosen_the_round_takes_profiles(harness: Harness) -> None:
    now = harness.clock()
    with harness.session() as session:
        for trainee in TRAINEES[:3]:
            save_trainee_profile(
                session,
                trainee,
                TraineeProfileValues("residents", None, None, ("research",), ""),
                now,
            )
        save_mentor_profile(session, MENTORS[0], profile_values("research"), now)
        save_mentor_profile(session, MENTORS[1], profile_values("research", open_=False), now)
        save_mentor_profile(session, MENTORS[2], profile_values("clinical-skills"), now)
        save_mentor_profile(session, MENTORS[3], profile_values("research"), now)
        set_capacity(session, MENTORS[3], 1, harness.clock())  # and already full:
        create_pairing(
            session,
            program_id=default_program_id(session),
            mentor_id=MENTORS[3],
            mentee_id=TRAINEES[2],
            focus="research",
            origin="request",
            now=now,
        )
    round_id = open_round(harness, [], [])
    with harness.session() as session:
        trainees = [p.user_id for p in rounds.participants(session, round_id, rounds.TRAINEE)]
        mentors = [p.user_id for p in rounds.participants(session, round_id, rounds.MENTOR)]
    # TRAINEES[2] has a mentor for the focus already; only MENTORS[0] is open with a place.
    assert trainees == TRAINEES[:2]
    assert mentors == [MENTORS[0]]


def test_chosen_mentors_without_a_place_are_refused_and_nothing_opens(harness: Harness) -> None:
    with harness.session() as session:
        set_capacity(session, MENTORS[0], 0, harness.clock())
    for person in (TRAINEES[0], MENTORS[0]):
        harness.fake.add_user(person, person.lower())
    harness.command("match", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            trainees=(ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, users(TRAINEES[0])),
            mentors=(ids.MATCH_MENTORS_BLOCK, ids.MATCH_MENTORS_INPUT, users(MENTORS[0])),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": "2099-01-01"},
            ),
        ),
    )
    assert (
        "None of the mentors you chose has a place left"
        in (last_dm(harness, COORDINATOR).args["text"])
    )
    with harness.session() as session:
        assert session.scalar(select(func.count()).select_from(MatchRound)) == 0


def submit_group(harness: Harness, usergroup: str) -> None:
    for mentor in MENTORS[:2]:
        harness.fake.add_user(mentor, mentor.lower())
    harness.command("match", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            group=(
                ids.MATCH_USERGROUP_BLOCK,
                ids.MATCH_USERGROUP_INPUT,
                {"type": "plain_text_input", "value": usergroup},
            ),
            mentors=(ids.MATCH_MENTORS_BLOCK, ids.MATCH_MENTORS_INPUT, users(*MENTORS[:2])),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": "2099-01-01"},
            ),
        ),
    )


def test_a_user_group_gives_the_trainees(harness: Harness) -> None:
    harness.fake.add_usergroup("S0INTERNS", TRAINEES[:4])
    submit_group(harness, "S0NOSUCH1")
    assert "I can't find that user group" in last_dm(harness, COORDINATOR).args["text"]
    submit_group(harness, "S0INTERNS")
    round_id = int(buttons(last_dm(harness, COORDINATOR).args["blocks"])[ids.MATCH_CLOSE]["value"])
    with harness.session() as session:
        trainees = [p.user_id for p in rounds.participants(session, round_id, rounds.TRAINEE)]
        assert session.scalar(select(func.count()).select_from(MatchRound)) == 1
    assert trainees == TRAINEES[:4]


def test_only_the_mentor_marks_their_own_list(harness: Harness) -> None:
    open_round(harness, TRAINEES[:2], MENTORS[:2])
    harness.tick()
    value = invite_value(harness, MENTORS[0], ids.MATCH_RATHER_NOT_OPEN)
    own = invite_value(harness, TRAINEES[0], ids.MATCH_RANK_OPEN)
    opened = len(harness.fake.calls_to("views.open"))
    for forger in (MENTORS[1], TRAINEES[0]):
        harness.block_action(user_id=forger, action_id=ids.MATCH_RATHER_NOT_OPEN, value=value)
        harness.view_submission(
            user_id=forger,
            callback_id=ids.MATCH_RATHER_NOT_VIEW,
            private_metadata=json.dumps({"participant": int(value)}),
            values=modal_values(
                t=(ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, users(TRAINEES[1]))
            ),
        )
    # A trainee's own list is not a mentor's list either.
    harness.block_action(user_id=TRAINEES[0], action_id=ids.MATCH_RATHER_NOT_OPEN, value=own)
    assert len(harness.fake.calls_to("views.open")) == opened
    with harness.session() as session:
        rows = rounds.participants(session, 1, rounds.MENTOR)
    assert all(row.rather_not == [] for row in rows)
    refusals = [r for r in ephemeral_replies(harness) if "belongs to someone else" in r]
    assert len(refusals) >= 3


def test_a_private_channel_the_coordinator_is_not_in_is_refused(harness: Harness) -> None:
    # The app is in it (say, another program's linked channel), the coordinator is not: its
    # members are not theirs to read, so no round is opened from it.
    harness.fake.add_channel(
        "C0PRIVATE", "nursing-fellows", is_private=True, members=tuple(TRAINEES[:3])
    )
    for person in TRAINEES[:3] + MENTORS[:2]:
        harness.fake.add_user(person, person.lower())
    harness.command("match", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            channel=(
                ids.MATCH_CHANNEL_BLOCK,
                ids.MATCH_CHANNEL_INPUT,
                {"type": "multi_conversations_select", "selected_conversations": ["C0PRIVATE"]},
            ),
            mentors=(ids.MATCH_MENTORS_BLOCK, ids.MATCH_MENTORS_INPUT, users(*MENTORS[:2])),
            deadline=(
                ids.MATCH_DEADLINE_BLOCK,
                ids.MATCH_DEADLINE_INPUT,
                {"type": "datepicker", "selected_date": "2099-01-01"},
            ),
        ),
    )
    assert "private channel you're not in" in last_dm(harness, COORDINATOR).args["text"]
    with harness.session() as session:
        assert session.scalar(select(func.count()).select_from(MatchRound)) == 0


@pytest.mark.parametrize("how", ["deactivated", "erased"])
def test_a_trainee_gone_before_approval_waits_for_nothing(harness: Harness, how: str) -> None:
    from tests.data.test_erasure import confirm_forget
    from tests.data.test_leaving import user_change

    round_id = open_round(harness, TRAINEES[:4], MENTORS[:1])
    harness.tick()
    close_now(harness, round_id)
    with harness.session() as session:
        unmatched = [
            p.trainee_id for p in rounds.pairs_of(session, round_id) if p.mentor_id is None
        ]
    assert len(unmatched) == 2  # one mentor with two places, four trainees
    gone, staying = unmatched[0], unmatched[1]
    if how == "deactivated":
        harness.event(user_change(gone, deleted=True), event_id="Ev0TRAINEEGONE")
    else:
        harness.command("forget me", user_id=gone)
        confirm_forget(harness, gone)
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_APPROVE, value=str(round_id))
    harness.tick()
    with harness.session() as session:
        waiting = session.scalars(
            select(WaitingEntry.user_id).where(WaitingEntry.status == "waiting")
        ).all()
        counts = waiting_counts(session, default_program_id(session))
    assert staying in waiting
    assert gone not in waiting
    assert not any(w.startswith("X") for w in waiting)  # nor their pseudonym
    assert sum(counts.values()) == len(waiting)


def test_leaving_a_program_leaves_its_rounds_and_no_other(harness: Harness) -> None:
    """A trainee who leaves the program, and a mentor a coordinator takes out of it, are out of
    its round still collecting answers; a round of another program they are in keeps them."""
    trainee, mentor = TRAINEES[0], MENTORS[0]
    round_id = open_round(harness, [trainee, TRAINEES[1]], [mentor])
    with harness.session() as session:
        nursing = nursing_fellowship(session, harness.clock())
        add_members(session, nursing.id, [trainee, mentor], source="manual", now=harness.clock())
        other = rounds.open_round(
            session,
            program_id=nursing.id,
            focus="research",
            deadline=harness.clock() + timedelta(days=3),
            created_by=COORDINATOR,
            now=harness.clock(),
            trainees={trainee: [mentor]},
            mentors={mentor: 1},
        ).id
        main = default_program_id(session)

    harness.command("leave Main program", user_id=trainee)
    take_out_of_program(harness, by=COORDINATOR, program_id=main, people=[mentor])

    with harness.session() as session:
        taking_part = {
            (p.round_id, p.user_id)
            for p in session.scalars(
                select(MatchParticipant).where(MatchParticipant.user_id.in_([trainee, mentor]))
            )
        }
    assert taking_part == {(other, trainee), (other, mentor)}
    assert round_id != other

"""Conflicts of interest are a hard rule: a mentor's standing list (people they assess or
supervise) and a round's "rather not" are kept by the directory, the solver and Change a pair,
which a coordinator may override only knowingly, on the record; a hidden or closed profile
leaves every open round. Through signed requests and the fake Slack, on both databases."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from handlers import ids
from storage import matching as rounds
from storage.models import AuditEntry, MentorProfile
from storage.pairings import create_pairing
from storage.profiles import directory_candidates
from storage.programs import default_program
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    count_pairings,
    dms_to,
    ephemeral_replies,
    modal_values,
    selected,
    typed,
)
from tests.handlers.test_directory import first_find, save_mentor
from tests.handlers.test_matching import (
    MENTORS,
    TRAINEES,
    close_now,
    invite_value,
    one_user,
    open_round,
    users,
)
from tests.harness import Harness


def _override(ticked: bool) -> dict[str, Any]:
    chosen = [{"value": "pair_anyway", "text": {"type": "plain_text", "text": "x"}}]
    return {"type": "checkboxes", "selected_options": chosen if ticked else []}


def _change(harness: Harness, round_id: int, trainee: str, mentor: str, ticked: bool) -> Any:
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CHANGE_OPEN, value=str(round_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    return harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.MATCH_CHANGE_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            t=(ids.MATCH_PAIR_BLOCK, ids.MATCH_PAIR_INPUT, one_user(trainee)),
            m=(ids.MATCH_NEW_MENTOR_BLOCK, ids.MATCH_NEW_MENTOR_INPUT, one_user(mentor)),
            o=(ids.OVERRIDE_BLOCK, ids.OVERRIDE_INPUT, _override(ticked)),
        ),
    )


def _rather_not(harness: Harness, mentor: str, trainee: str) -> None:
    value = invite_value(harness, mentor, ids.MATCH_RATHER_NOT_OPEN)
    harness.block_action(user_id=mentor, action_id=ids.MATCH_RATHER_NOT_OPEN, value=value)
    harness.view_submission(
        user_id=mentor,
        callback_id=ids.MATCH_RATHER_NOT_VIEW,
        private_metadata=json.dumps({"participant": int(value)}),
        values=modal_values(t=(ids.MATCH_TRAINEES_BLOCK, ids.MATCH_TRAINEES_INPUT, users(trainee))),
    )


def _pair_of(harness: Harness, round_id: int, trainee: str) -> tuple[str | None, str]:
    with harness.session() as session:
        pair = {p.trainee_id: p for p in rounds.pairs_of(session, round_id)}[trainee]
        return pair.mentor_id, pair.status


def test_the_standing_list_is_saved_and_the_directory_keeps_it(harness: Harness) -> None:
    save_mentor(harness, conflicts=(MENTEE,))
    with harness.session() as session:
        profile = session.get(MentorProfile, MENTOR)
        assert profile is not None
        assert profile.conflicts == [MENTEE]
    # The list is shown again to its mentor when they reopen their profile.
    harness.command("profile mentor", user_id=MENTOR)
    form = harness.fake.calls_to("views.open")[-1].args["view"]
    (field,) = [b for b in form["blocks"] if b.get("block_id") == ids.CONFLICTS_BLOCK]
    assert field["element"]["initial_users"] == [MENTEE]
    # The trainee they assess never sees them; anyone else does.
    assert f"<@{MENTOR}>" not in all_text(first_find(harness)["blocks"])
    with harness.session() as session:
        program = default_program(session)
        for seeker, shown in ((MENTEE, False), (STRANGER, True)):
            found = directory_candidates(
                session,
                program_id=program.id,
                seeker_id=seeker,
                focus="research",
            )
            assert (MENTOR in {c.user_id for c in found}) is shown


def test_change_a_pair_refuses_a_rather_not_unless_overridden_on_the_record(
    harness: Harness,
) -> None:
    round_id = open_round(harness, TRAINEES[:2], MENTORS[:2])
    harness.tick()
    _rather_not(harness, MENTORS[0], TRAINEES[0])
    close_now(harness, round_id)
    other = _pair_of(harness, round_id, TRAINEES[0])[0]
    assert other != MENTORS[0]  # the solver kept the "rather not"

    refused = _change(harness, round_id, TRAINEES[0], MENTORS[0], ticked=False).json()
    assert refused["response_action"] == "errors"
    assert "rather not" in refused["errors"][ids.MATCH_NEW_MENTOR_BLOCK]
    assert _pair_of(harness, round_id, TRAINEES[0])[0] == other

    answer = _change(harness, round_id, TRAINEES[0], MENTORS[0], ticked=True)
    assert not answer.body or "errors" not in answer.json()
    assert _pair_of(harness, round_id, TRAINEES[0]) == (MENTORS[0], "proposed")
    with harness.session() as session:
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "conflict.overridden")
        ).all()
    assert [(a.actor, a.subject) for a in audited] == [(COORDINATOR, TRAINEES[0])]


def test_the_solver_and_change_a_pair_keep_the_standing_list(harness: Harness) -> None:
    for mentor in MENTORS[:2]:
        harness.fake.add_user(mentor, mentor.lower())
    save_mentor(harness, MENTORS[0], conflicts=(TRAINEES[0],))
    round_id = open_round(harness, TRAINEES[:1], MENTORS[:2])
    harness.tick()
    invitation = [
        d for d in harness.fake.calls_to("chat.postMessage") if d.args.get("channel") == TRAINEES[0]
    ]
    assert invitation
    close_now(harness, round_id)
    assert _pair_of(harness, round_id, TRAINEES[0])[0] == MENTORS[1]
    refused = _change(harness, round_id, TRAINEES[0], MENTORS[0], ticked=False).json()
    assert "assess or supervise" in refused["errors"][ids.MATCH_NEW_MENTOR_BLOCK]


def test_a_hidden_profile_leaves_the_open_rounds_proposals(harness: Harness) -> None:
    for mentor in MENTORS[:2]:
        harness.fake.add_user(mentor, mentor.lower())
        save_mentor(harness, mentor)
    round_id = open_round(harness, TRAINEES[:2], MENTORS[:1])
    harness.tick()
    close_now(harness, round_id)
    assert {_pair_of(harness, round_id, t)[0] for t in TRAINEES[:2]} == {MENTORS[0]}
    save_mentor(harness, MENTORS[0], listed=False)
    assert {_pair_of(harness, round_id, t) for t in TRAINEES[:2]} == {(None, "unmatched")}


def test_a_mentor_chosen_by_name_with_a_closed_profile_is_left_out(harness: Harness) -> None:
    for mentor in MENTORS[:2]:
        harness.fake.add_user(mentor, mentor.lower())
    save_mentor(harness, MENTORS[0], open_=False)
    round_id = open_round(harness, TRAINEES[:1], MENTORS[:2])
    with harness.session() as session:
        mentors = {p.user_id for p in rounds.participants(session, round_id, rounds.MENTOR)}
    assert mentors == {MENTORS[1]}


def _assign_form(harness: Harness, ticked: bool) -> Any:
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}>", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.ASSIGN_VIEW
    return harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.ASSIGN_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("research")),
            o=(ids.OVERRIDE_BLOCK, ids.OVERRIDE_INPUT, _override(ticked)),
        ),
    )


def _overrides(harness: Harness) -> list[tuple[str, str | None]]:
    with harness.session() as session:
        return [
            (a.actor, a.subject)
            for a in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "conflict.overridden")
            )
        ]


def test_assigning_someone_the_mentor_assesses_needs_the_tick(harness: Harness) -> None:
    save_mentor(harness, conflicts=(MENTEE,))
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> research", user_id=COORDINATOR)
    assert count_pairings(harness) == 0
    assert "assess or supervise" in ephemeral_replies(harness)[-1]

    refused = _assign_form(harness, ticked=False).json()
    assert "assess or supervise" in refused["errors"][ids.OVERRIDE_BLOCK]
    assert count_pairings(harness) == 0

    _assign_form(harness, ticked=True)
    assert count_pairings(harness) == 1
    assert _overrides(harness) == [(COORDINATOR, MENTEE)]


def test_reassigning_to_someone_who_assesses_the_mentee_needs_the_tick(harness: Harness) -> None:
    harness.fake.add_user(MENTOR2, "mentor2")
    save_mentor(harness, MENTOR2, conflicts=(MENTEE,))
    with harness.session() as session:
        pairing = create_pairing(
            session,
            program_id=default_program(session).id,
            mentor_id=MENTOR,
            mentee_id=MENTEE,
            focus="research",
            origin="request",
            now=harness.clock(),
        )
        pairing_id = pairing.id

    def reassign(ticked: bool) -> Any:
        harness.block_action(
            user_id=COORDINATOR, action_id=ids.DIGEST_REASSIGN, value=str(pairing_id)
        )
        view = harness.fake.calls_to("views.open")[-1].args["view"]
        return harness.view_submission(
            user_id=COORDINATOR,
            callback_id=ids.DIGEST_REASSIGN_VIEW,
            private_metadata=view["private_metadata"],
            values=modal_values(
                who=(ids.SUGGEST_BLOCK, ids.SUGGEST_INPUT, one_user(MENTOR2)),
                note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("")),
                o=(ids.OVERRIDE_BLOCK, ids.OVERRIDE_INPUT, _override(ticked)),
            ),
        )

    refused = reassign(False).json()
    assert "assess or supervise" in refused["errors"][ids.SUGGEST_BLOCK]
    assert count_pairings(harness) == 1
    reassign(True)
    assert count_pairings(harness) == 2
    assert _overrides(harness) == [(COORDINATOR, MENTEE)]


def test_an_ask_shows_the_conflict_to_the_mentor_only(harness: Harness) -> None:
    save_mentor(harness, conflicts=(MENTEE,))
    harness.command(f"ask <@{MENTOR}> research Could you help with my study?", user_id=MENTEE)
    asked = all_text(dms_to(harness, MENTOR)[-1].args["blocks"])
    assert "among the people you assess or supervise" in asked
    assert not any("assess" in all_text(d.args.get("blocks")) for d in dms_to(harness, MENTEE))

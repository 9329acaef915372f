"""Matching rounds at their edges, end to end (signed requests, the loopback Slack fake,
SQLite and PostgreSQL): people chosen who can't take part are left out and named, a cancelled
round tells those it invited, and an approved proposal loses its buttons."""

from __future__ import annotations

from sqlalchemy import func, select, update

from handlers import ids
from storage import matching as rounds
from storage.models import MatchRound, ScheduledSend
from storage.pairings import create_pairing
from storage.programs import default_program_id
from tests.conftest import COORDINATOR, STRANGER
from tests.handlers.helpers import all_text, buttons, dms_to, last_dm, modal_values, selected
from tests.handlers.test_matching import MENTORS, TRAINEES, close_now, open_round, users
from tests.harness import Harness

APP_USER = "U0APPBOT1"
GONE = "U0GONE001"


def cancelled_notes(harness: Harness, user: str) -> list[str]:
    return [
        all_text(d.args.get("blocks"))
        for d in dms_to(harness, user)
        if "has been cancelled" in all_text(d.args.get("blocks"))
    ]


def submit_round(harness: Harness, trainees: list[str], mentors: list[str]) -> None:
    """The coordinator's match modal with these people chosen (as Slack knows them)."""
    harness.command("match", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
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
                {"type": "datepicker", "selected_date": "2099-01-01"},
            ),
        ),
    )


def test_apps_and_deactivated_accounts_chosen_are_left_out_and_named(harness: Harness) -> None:
    harness.fake.add_user(APP_USER, "helperbot", is_bot=True)
    harness.fake.add_user(GONE, "gone", deleted=True)
    for person in TRAINEES[:2] + MENTORS[:1]:
        harness.fake.add_user(person, person.lower())
    harness.fake.reset_calls()
    submit_round(harness, [TRAINEES[0], GONE, TRAINEES[1]], [MENTORS[0], APP_USER])
    round_id = int(buttons(last_dm(harness, COORDINATOR).args["blocks"])[ids.MATCH_CLOSE]["value"])
    assert {c.args["user"] for c in harness.fake.calls_to("users.info")} >= {APP_USER, GONE}
    with harness.session() as session:
        people = {p.user_id for p in rounds.participants(session, round_id)}
    assert people == {TRAINEES[0], TRAINEES[1], MENTORS[0]}
    opened = all_text(last_dm(harness, COORDINATOR).args["blocks"])
    assert "1 mentor" in opened
    assert f"<@{APP_USER}> (an app, not a person)" in opened
    assert f"<@{GONE}> (their Slack account is deactivated)" in opened


def test_a_round_whose_chosen_mentors_all_are_left_out_does_not_open(harness: Harness) -> None:
    harness.fake.add_user(APP_USER, "helperbot", is_bot=True)
    harness.fake.add_user(GONE, "gone", deleted=True)
    harness.fake.add_user(TRAINEES[0], "t0")
    submit_round(harness, [TRAINEES[0]], [APP_USER, GONE])
    said = last_dm(harness, COORDINATOR).args["text"]
    assert "None of the mentors you chose can take part" in said
    assert f"<@{APP_USER}> (an app, not a person)" in said
    with harness.session() as session:
        assert session.scalar(select(func.count()).select_from(MatchRound)) == 0


def test_cancelling_tells_the_invited_who_were_not_matched_once(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES[:3], MENTORS[:2])
    harness.tick()  # the invitations go out
    with harness.session() as session:
        # One trainee found a mentor for the focus meanwhile: the round has nothing to tell them.
        create_pairing(
            session,
            program_id=default_program_id(session),
            mentor_id=STRANGER,
            mentee_id=TRAINEES[2],
            focus="research",
            origin="request",
            now=harness.clock(),
        )
    harness.fake.add_user(STRANGER, "stranger")
    harness.block_action(user_id=STRANGER, action_id=ids.MATCH_CANCEL, value=str(round_id))
    harness.tick()
    assert not any(cancelled_notes(harness, p) for p in TRAINEES[:3] + MENTORS[:2])

    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CANCEL, value=str(round_id))
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CANCEL, value=str(round_id))
    harness.tick()
    harness.tick()
    for trainee in TRAINEES[:2]:
        (note,) = cancelled_notes(harness, trainee)
        assert "won't pair you with a mentor" in note
        assert "`/mentor find`" in note
    for mentor in MENTORS[:2]:
        (note,) = cancelled_notes(harness, mentor)
        assert "Thank you" in note
    assert cancelled_notes(harness, TRAINEES[2]) == []
    with harness.session() as session:
        kinds = session.scalars(
            select(ScheduledSend.status).where(ScheduledSend.kind == rounds.CANCELLED_NOTE)
        ).all()
    assert kinds == ["sent"] * 4


def test_a_round_cancelled_before_its_invitations_went_out_tells_nobody(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES[:2], MENTORS[:1])
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CANCEL, value=str(round_id))
    harness.tick()
    assert not any(dms_to(harness, p) for p in TRAINEES[:2] + MENTORS[:1])


def proposal_row(harness: Harness, round_id: int) -> tuple[str | None, str | None]:
    with harness.session() as session:
        (send,) = rounds.proposal_sends(session, round_id)
        return send.channel, send.ts


def approved_redraws(harness: Harness, channel: str, ts: str) -> list[dict[str, object]]:
    return [
        c.args
        for c in harness.fake.calls_to("chat.update")
        if c.args.get("channel") == channel and c.args.get("ts") == ts and c.error is None
    ]


def test_an_approved_proposal_is_redrawn_without_its_buttons(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES[:3], MENTORS[:1])
    close_now(harness, round_id)
    proposal = last_dm(harness, COORDINATOR)
    assert ids.MATCH_APPROVE in buttons(proposal.args["blocks"])
    channel, ts = proposal_row(harness, round_id)
    assert channel
    assert ts

    # A forged approval changes nothing, the message included.
    harness.block_action(user_id=STRANGER, action_id=ids.MATCH_APPROVE, value=str(round_id))
    assert approved_redraws(harness, channel, ts) == []

    harness.block_action(
        user_id=COORDINATOR,
        action_id=ids.MATCH_APPROVE,
        value=str(round_id),
        message={"ts": ts, "type": "message", "text": "", "blocks": proposal.args["blocks"]},
        channel_id=channel,
    )
    (redrawn,) = approved_redraws(harness, channel, ts)
    shown = all_text(redrawn["blocks"])  # type: ignore[arg-type]
    assert f"Approved by <@{COORDINATOR}>" in shown
    assert "made 2 pairings" in shown
    assert "1 trainee told kindly" in shown
    assert ids.MATCH_APPROVE not in buttons(redrawn["blocks"])  # type: ignore[arg-type]
    assert ids.MATCH_CANCEL not in buttons(redrawn["blocks"])  # type: ignore[arg-type]


def test_a_proposal_whose_message_was_not_recorded_is_stored_from_the_click(
    harness: Harness,
) -> None:
    round_id = open_round(harness, TRAINEES[:2], MENTORS[:1])
    close_now(harness, round_id)
    proposal = last_dm(harness, COORDINATOR)
    channel, ts = proposal_row(harness, round_id)
    assert channel
    assert ts
    with harness.session() as session:
        # As if the sender died after Slack took the message and before recording it.
        session.execute(
            update(ScheduledSend)
            .where(ScheduledSend.kind == rounds.PROPOSAL)
            .values(channel=None, ts=None, status="claimed")
        )
    harness.block_action(
        user_id=COORDINATOR,
        action_id=ids.MATCH_APPROVE,
        value=str(round_id),
        message={"ts": ts, "type": "message", "text": "", "blocks": proposal.args["blocks"]},
        channel_id=channel,
    )
    assert len(approved_redraws(harness, channel, ts)) == 1
    assert proposal_row(harness, round_id) == (channel, ts)
    with harness.session() as session:
        (send,) = rounds.proposal_sends(session, round_id)
        assert send.status == "sent"
    # Nothing posts it again.
    before = len(dms_to(harness, COORDINATOR))
    harness.tick()
    assert len([d for d in dms_to(harness, COORDINATOR)[before:] if "Proposal" in str(d.args)]) == 0


def test_a_forged_click_location_redraws_no_other_message(harness: Harness) -> None:
    round_id = open_round(harness, TRAINEES[:2], MENTORS[:1])
    harness.tick()
    invite = last_dm(harness, TRAINEES[0])
    elsewhere = (str(invite.response["channel"]), str(invite.response["ts"]))
    close_now(harness, round_id)
    with harness.session() as session:
        # The coordinator's proposal was not recorded (its sender died after Slack took it).
        session.execute(
            update(ScheduledSend)
            .where(ScheduledSend.kind == rounds.PROPOSAL)
            .values(channel=None, ts=None, status="claimed")
        )
    # The payload says the button was pressed on a message in the trainee's DM with the app.
    harness.block_action(
        user_id=COORDINATOR,
        action_id=ids.MATCH_APPROVE,
        value=str(round_id),
        message={"ts": elsewhere[1], "type": "message", "text": "", "blocks": []},
        channel_id=elsewhere[0],
    )
    assert approved_redraws(harness, *elsewhere) == []
    assert proposal_row(harness, round_id) == (None, None)

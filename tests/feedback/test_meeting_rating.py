"""After "We met": each member may rate the meeting once (1-5, optionally with a private note),
only for themselves, and only where their program collects ratings; end to end."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from handlers import ids
from storage.models import Program, SessionRating
from tests.conftest import MENTEE, MENTOR, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    ephemeral_replies,
    last_dm,
    modal_values,
    only_pairing,
    selected,
    typed,
)
from tests.harness import Harness
from tests.scheduler.helpers import at, checkin_dms, make_pair


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _met(harness: Harness) -> str:
    """A check-in answered “We met” by the mentor; the check-in id as its buttons carry it."""
    harness.clock.set(utc(2027, 1, 4, 12))
    make_pair(harness)
    at(harness, utc(2027, 1, 5, 14))
    value = str(buttons(checkin_dms(harness, MENTEE)[0].args["blocks"])[ids.CHECKIN_MET]["value"])
    harness.block_action(user_id=MENTOR, action_id=ids.CHECKIN_MET, value=value)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.CHECKIN_MET_VIEW,
        private_metadata=view["private_metadata"],
        values={},
    )
    return value


def _ratings(harness: Harness) -> list[SessionRating]:
    with harness.session() as session:
        return list(session.scalars(select(SessionRating).order_by(SessionRating.id)))


def test_we_met_offers_the_rating_and_a_tap_records_it_once(harness: Harness) -> None:
    checkin_id = _met(harness)
    updates = harness.fake.calls_to("chat.update")
    assert len(updates) == 2
    for update in updates:
        offered = buttons(update.args["blocks"])
        assert {ids.checkin_rate_action(n) for n in range(1, 6)} <= set(offered)
        assert ids.CHECKIN_RATE_NOTE in offered
        assert "How useful was this meeting?" in all_text(update.args["blocks"])

    harness.block_action(
        user_id=MENTEE, action_id=ids.checkin_rate_action(4), value=f"{checkin_id},4"
    )
    (rating,) = _ratings(harness)
    pairing = only_pairing(harness)
    assert (rating.rater_id, rating.score, rating.mentor_id) == (MENTEE, 4, MENTOR)
    assert rating.program_id == pairing.program_id
    redrawn = harness.fake.calls_to("chat.update")[2:]
    assert len(redrawn) == 1  # only the rater's own message
    assert "You rated this meeting 4/5" in all_text(redrawn[0].args["blocks"])
    assert not any(a.startswith(ids.CHECKIN_RATE) for a in buttons(redrawn[0].args["blocks"]))

    # A double tap, a retry or a late change of mind: a kind note, nothing changes.
    harness.block_action(
        user_id=MENTEE, action_id=ids.checkin_rate_action(1), value=f"{checkin_id},1"
    )
    assert [r.score for r in _ratings(harness)] == [4]
    assert any("already rated" in reply for reply in ephemeral_replies(harness))
    assert len(harness.fake.calls_to("chat.update")) == 3


def test_a_note_goes_with_the_rating_through_the_modal(harness: Harness) -> None:
    checkin_id = _met(harness)
    harness.block_action(user_id=MENTOR, action_id=ids.CHECKIN_RATE_NOTE, value=checkin_id)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.CHECKIN_RATE_VIEW
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.CHECKIN_RATE_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            score=(ids.RATING_BLOCK, ids.RATING_INPUT, selected("5", "radio_buttons")),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Great <!here> talk")),
        ),
    )
    (rating,) = _ratings(harness)
    assert (rating.rater_id, rating.score, rating.note) == (MENTOR, 5, "Great <!here> talk")
    # The note is private: it appears in no message.
    assert all("Great" not in all_text(c.args.get("blocks")) for c in harness.fake.calls)


def test_a_modal_without_a_score_stays_open_and_saves_nothing(harness: Harness) -> None:
    checkin_id = _met(harness)
    response = harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.CHECKIN_RATE_VIEW,
        private_metadata=checkin_id,
        values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("hi"))),
    )
    assert response.status == 200
    assert "errors" in str(response.body)
    assert _ratings(harness) == []


def test_only_a_member_rates_and_only_for_themselves(harness: Harness) -> None:
    checkin_id = _met(harness)
    harness.block_action(
        user_id=STRANGER, action_id=ids.checkin_rate_action(1), value=f"{checkin_id},1"
    )
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.CHECKIN_RATE_VIEW,
        private_metadata=checkin_id,
        values=modal_values(
            score=(ids.RATING_BLOCK, ids.RATING_INPUT, selected("1", "radio_buttons"))
        ),
    )
    harness.block_action(
        user_id=MENTEE, action_id=ids.checkin_rate_action(9), value=f"{checkin_id},9"
    )
    harness.block_action(user_id=MENTEE, action_id=ids.checkin_rate_action(3), value="x,3")
    assert _ratings(harness) == []
    assert sum("not part of" in reply for reply in ephemeral_replies(harness)) == 1
    # The modal has no channel to answer in: the refusal comes by DM.
    assert "not part of" in str(last_dm(harness, STRANGER).args["text"])
    assert sum("didn't carry" in reply for reply in ephemeral_replies(harness)) == 2


def test_a_check_in_not_met_cannot_be_rated(harness: Harness) -> None:
    harness.clock.set(utc(2027, 1, 4, 12))
    make_pair(harness)
    at(harness, utc(2027, 1, 5, 14))
    value = str(buttons(checkin_dms(harness, MENTEE)[0].args["blocks"])[ids.CHECKIN_MET]["value"])
    harness.block_action(user_id=MENTEE, action_id=ids.CHECKIN_SKIPPED, value=value)
    for update in harness.fake.calls_to("chat.update"):
        assert ids.CHECKIN_RATE_NOTE not in buttons(update.args["blocks"])
    harness.block_action(user_id=MENTEE, action_id=ids.checkin_rate_action(5), value=f"{value},5")
    assert _ratings(harness) == []
    assert any("We met" in reply for reply in ephemeral_replies(harness))


def test_a_program_can_turn_the_rating_off(harness: Harness) -> None:
    with harness.session() as session:
        for program in session.scalars(select(Program)):
            program.meeting_feedback = False
    checkin_id = _met(harness)
    for update in harness.fake.calls_to("chat.update"):
        assert ids.CHECKIN_RATE_NOTE not in buttons(update.args["blocks"])
    harness.block_action(
        user_id=MENTEE, action_id=ids.checkin_rate_action(5), value=f"{checkin_id},5"
    )
    assert _ratings(harness) == []
    assert any("aren't collected" in reply for reply in ephemeral_replies(harness))

"""The sharing state machine, by table and by random walks of both members' moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sharing import (
    SharingMove,
    SharingOutcome,
    SharingState,
    decide_sharing,
    proposal_stamp,
    sharing_state,
)

P, A, D, W = SharingMove.PROPOSE, SharingMove.AGREE, SharingMove.DECLINE, SharingMove.WITHDRAW


@pytest.mark.parametrize(
    ("mine", "theirs", "move", "current", "expected"),
    [
        # Proposing: asks the other, or completes their proposal; again changes nothing.
        (False, False, P, False, (True, False, SharingOutcome.PROPOSED)),
        (False, True, P, False, (True, True, SharingOutcome.SHARED)),
        (True, False, P, False, (True, False, SharingOutcome.UNCHANGED)),
        (True, True, P, False, (True, True, SharingOutcome.UNCHANGED)),
        # Answering the other member's proposal as it stands.
        (False, True, A, True, (True, True, SharingOutcome.SHARED)),
        (False, True, D, True, (False, False, SharingOutcome.DECLINED)),
        # ...but not a proposal withdrawn since, nor one that never was.
        (False, True, A, False, (False, True, SharingOutcome.NOT_OPEN)),
        (False, True, D, False, (False, True, SharingOutcome.NOT_OPEN)),
        (False, False, A, True, (False, False, SharingOutcome.NOT_OPEN)),
        (False, False, D, False, (False, False, SharingOutcome.NOT_OPEN)),
        # The proposer answering their own proposal.
        (True, False, A, True, (True, False, SharingOutcome.OWN_PROPOSAL)),
        (True, False, D, True, (True, False, SharingOutcome.OWN_PROPOSAL)),
        # Already shared: agreeing again is a repeat; Not now has nothing to answer.
        (True, True, A, True, (True, True, SharingOutcome.UNCHANGED)),
        (True, True, A, False, (True, True, SharingOutcome.UNCHANGED)),
        (True, True, D, True, (True, True, SharingOutcome.NOT_OPEN)),
        # Withdrawing ends it for both, whoever proposed.
        (True, True, W, False, (False, False, SharingOutcome.STOPPED)),
        (True, False, W, False, (False, False, SharingOutcome.WITHDRAWN)),
        (False, True, W, False, (False, False, SharingOutcome.DECLINED)),
        (False, False, W, False, (False, False, SharingOutcome.UNCHANGED)),
    ],
)
def test_each_move(
    mine: bool,
    theirs: bool,
    move: SharingMove,
    current: bool,
    expected: tuple[bool, bool, SharingOutcome],
) -> None:
    decision = decide_sharing(mine, theirs, move, answers_current_proposal=current)
    assert (decision.mine, decision.theirs, decision.outcome) == expected
    changed = expected[2] not in (
        SharingOutcome.UNCHANGED,
        SharingOutcome.NOT_OPEN,
        SharingOutcome.OWN_PROPOSAL,
    )
    assert decision.changed is changed
    if not changed:
        assert (decision.mine, decision.theirs) == (mine, theirs)


def test_states_in_words_of_the_viewer() -> None:
    assert sharing_state(False, False) is SharingState.NOT_SHARED
    assert sharing_state(True, False) is SharingState.WAITING_FOR_OTHER
    assert sharing_state(False, True) is SharingState.PROPOSED_TO_VIEWER
    assert sharing_state(True, True) is SharingState.SHARED


moves = st.lists(
    st.tuples(st.sampled_from(["mentor", "mentee"]), st.sampled_from(list(SharingMove))),
    max_size=30,
)


@given(moves)
def test_shared_only_while_both_chose_it_since_anyone_last_stopped(
    walk: list[tuple[str, SharingMove]],
) -> None:
    """Whatever the two members do, text is shared exactly when each of them proposed or agreed
    after the last withdrawal or Not now by either."""
    consent = {"mentor": False, "mentee": False}
    chose_since_reset: set[str] = set()
    for who, move in walk:
        other = "mentee" if who == "mentor" else "mentor"
        decision = decide_sharing(consent[who], consent[other], move, answers_current_proposal=True)
        consent[who], consent[other] = decision.mine, decision.theirs
        if decision.outcome in (SharingOutcome.PROPOSED, SharingOutcome.SHARED):
            chose_since_reset.add(who)
        elif decision.changed:
            chose_since_reset.clear()
        both = consent["mentor"] and consent["mentee"]
        assert both == (chose_since_reset == {"mentor", "mentee"})
        # Nobody's consent ever appears without their own move.
        assert {m for m, c in consent.items() if c} == chose_since_reset


@given(st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)))  # noqa: DTZ001
def test_proposal_stamps_are_exact_and_distinct(when: datetime) -> None:
    assert proposal_stamp(when) != proposal_stamp(when + timedelta(microseconds=1))
    assert proposal_stamp(when).isdigit()
    # The same moment read back in another zone (PostgreSQL's session zone) is the same stamp.
    assert proposal_stamp(when) == proposal_stamp(when.astimezone(timezone(timedelta(hours=-5))))

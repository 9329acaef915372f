"""The request and pairing state machines, by table and by random walks."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.lifecycle import (
    IllegalTransition,
    PairingEvent,
    PairingStatus,
    RequestEvent,
    RequestStatus,
    next_pairing_status,
    next_request_status,
)

ANSWERS = {
    RequestEvent.ACCEPT: RequestStatus.ACCEPTED,
    RequestEvent.DECLINE: RequestStatus.DECLINED,
    RequestEvent.REDIRECT: RequestStatus.REDIRECTED,
    RequestEvent.WITHDRAW: RequestStatus.WITHDRAWN,
    RequestEvent.EXPIRE: RequestStatus.EXPIRED,
}


@pytest.mark.parametrize(("event", "expected"), ANSWERS.items())
def test_a_pending_request_moves_once(event: RequestEvent, expected: RequestStatus) -> None:
    assert next_request_status(RequestStatus.PENDING, event) is expected


ANSWERED = [s for s in RequestStatus if s not in (RequestStatus.PENDING, RequestStatus.SENDING)]


@pytest.mark.parametrize("status", ANSWERED)
@pytest.mark.parametrize("event", list(RequestEvent))
def test_an_answered_request_is_final(status: RequestStatus, event: RequestEvent) -> None:
    with pytest.raises(IllegalTransition, match=f"cannot {event.value} when {status.value}"):
        next_request_status(status, event)


def test_a_request_being_sent_can_only_be_delivered() -> None:
    assert next_request_status(RequestStatus.SENDING, RequestEvent.DELIVER) is (
        RequestStatus.PENDING
    )
    for event in ANSWERS:
        with pytest.raises(IllegalTransition):
            next_request_status(RequestStatus.SENDING, event)
    with pytest.raises(IllegalTransition):
        next_request_status(RequestStatus.PENDING, RequestEvent.DELIVER)


def test_pause_and_resume() -> None:
    paused = next_pairing_status(PairingStatus.ACTIVE, PairingEvent.PAUSE)
    assert paused is PairingStatus.PAUSED
    assert next_pairing_status(paused, PairingEvent.PAUSE) is PairingStatus.PAUSED
    assert next_pairing_status(paused, PairingEvent.RESUME) is PairingStatus.ACTIVE
    with pytest.raises(IllegalTransition):
        next_pairing_status(PairingStatus.ACTIVE, PairingEvent.RESUME)


@pytest.mark.parametrize("final", [PairingStatus.ENDED, PairingStatus.COMPLETED])
@pytest.mark.parametrize("event", list(PairingEvent))
def test_closed_pairings_are_final(final: PairingStatus, event: PairingEvent) -> None:
    assert not final.is_open
    with pytest.raises(IllegalTransition):
        next_pairing_status(final, event)


class PairingWalk(RuleBasedStateMachine):
    """Random event sequences never reopen a closed pairing nor leave the known statuses."""

    def __init__(self) -> None:
        super().__init__()
        self.status = PairingStatus.ACTIVE
        self.closed = False

    @rule(event=st.sampled_from(list(PairingEvent)))
    def apply(self, event: PairingEvent) -> None:
        try:
            self.status = next_pairing_status(self.status, event)
        except IllegalTransition:
            assert self.closed or (event is PairingEvent.RESUME)
            return
        if event in (PairingEvent.END, PairingEvent.COMPLETE):
            self.closed = True

    @invariant()
    def closed_means_final(self) -> None:
        assert self.status.is_open is not self.closed


class RequestWalk(RuleBasedStateMachine):
    """However often people press buttons, a request is delivered at most once, answered at
    most once, and never answered before it was delivered."""

    def __init__(self) -> None:
        super().__init__()
        self.status = RequestStatus.SENDING
        self.delivered = 0
        self.moves = 0

    @rule(event=st.sampled_from(list(RequestEvent)))
    def apply(self, event: RequestEvent) -> None:
        before = self.status
        try:
            self.status = next_request_status(self.status, event)
        except IllegalTransition:
            assert before is not RequestStatus.PENDING or event is RequestEvent.DELIVER
            return
        if event is RequestEvent.DELIVER:
            self.delivered += 1
            assert before is RequestStatus.SENDING
            assert self.status is RequestStatus.PENDING
            return
        self.moves += 1
        assert before is RequestStatus.PENDING
        assert self.status is ANSWERS[event]

    @invariant()
    def answered_at_most_once(self) -> None:
        assert self.delivered <= 1
        assert self.moves <= self.delivered
        assert (self.moves == 0) is (self.status in (RequestStatus.SENDING, RequestStatus.PENDING))


TestPairingWalk = PairingWalk.TestCase
TestPairingWalk.settings = settings(max_examples=100, stateful_step_count=20, deadline=None)
TestRequestWalk = RequestWalk.TestCase
TestRequestWalk.settings = settings(max_examples=100, stateful_step_count=20, deadline=None)

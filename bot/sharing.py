"""Sharing a pair's goal and task text with coordinators: a proposal both members must agree
to, as a small state machine over each member's consent.

Text is shared only while both members consent. Turning sharing on records one member's
consent and asks the other; the other agrees or says "not now"; either can withdraw at any
time, which ends sharing for both (sharing again takes a fresh proposal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SharingState(StrEnum):
    """Where sharing stands, seen by one member of the pair (the viewer)."""

    NOT_SHARED = "not_shared"
    WAITING_FOR_OTHER = "waiting_for_other"  # the viewer proposed; the other hasn't agreed
    PROPOSED_TO_VIEWER = "proposed_to_viewer"  # the other proposed; the viewer hasn't answered
    SHARED = "shared"


class SharingMove(StrEnum):
    PROPOSE = "propose"  # "turn sharing on" on Home
    AGREE = "agree"  # answering a proposal
    DECLINE = "decline"  # "Not now"
    WITHDRAW = "withdraw"  # "turn sharing off" on Home


class SharingOutcome(StrEnum):
    PROPOSED = "proposed"  # ask the other member
    SHARED = "shared"  # both agree now: tell the proposer
    DECLINED = "declined"  # the proposal is over: tell the proposer
    WITHDRAWN = "withdrawn"  # the proposer took it back: tell the other
    STOPPED = "stopped"  # sharing ended: tell the other
    UNCHANGED = "unchanged"  # already so (a double click, a retry)
    OWN_PROPOSAL = "own_proposal"  # the proposer answering their own proposal: refused
    NOT_OPEN = "not_open"  # no such proposal (withdrawn, answered, forged): refused


REFUSED = frozenset({SharingOutcome.OWN_PROPOSAL, SharingOutcome.NOT_OPEN})


@dataclass(frozen=True)
class SharingDecision:
    mine: bool  # the actor consents afterwards
    theirs: bool  # the other member consents afterwards
    outcome: SharingOutcome

    @property
    def changed(self) -> bool:
        return self.outcome not in REFUSED and self.outcome is not SharingOutcome.UNCHANGED


def sharing_state(mine: bool, theirs: bool) -> SharingState:
    if mine and theirs:
        return SharingState.SHARED
    if mine:
        return SharingState.WAITING_FOR_OTHER
    if theirs:
        return SharingState.PROPOSED_TO_VIEWER
    return SharingState.NOT_SHARED


def decide_sharing(
    mine: bool, theirs: bool, move: SharingMove, *, answers_current_proposal: bool = False
) -> SharingDecision:
    """What ``move`` by a member does, given both members' consent before it.

    ``answers_current_proposal`` says an Agree or Not now names the other member's proposal as
    it stands now (not one withdrawn since, nor a forged one)."""
    keep = SharingDecision(mine, theirs, SharingOutcome.UNCHANGED)
    if move is SharingMove.PROPOSE:
        if mine:
            return keep
        return SharingDecision(
            True, theirs, SharingOutcome.SHARED if theirs else SharingOutcome.PROPOSED
        )
    if move is SharingMove.WITHDRAW:
        if mine and theirs:
            return SharingDecision(False, False, SharingOutcome.STOPPED)
        if mine:
            return SharingDecision(False, False, SharingOutcome.WITHDRAWN)
        if theirs:
            return SharingDecision(False, False, SharingOutcome.DECLINED)
        return keep
    # Agree or Not now: only an answer to the other member's open proposal does anything.
    if mine and theirs and move is SharingMove.AGREE:
        return keep
    if mine and not theirs:
        return SharingDecision(mine, theirs, SharingOutcome.OWN_PROPOSAL)
    if mine or not theirs or not answers_current_proposal:
        return SharingDecision(mine, theirs, SharingOutcome.NOT_OPEN)
    if move is SharingMove.AGREE:
        return SharingDecision(True, True, SharingOutcome.SHARED)
    return SharingDecision(False, False, SharingOutcome.DECLINED)


def proposal_stamp(proposed_at: datetime) -> str:
    """A proposal's identity for an Agree button: when it was made, in microseconds, so an
    answer to a proposal withdrawn since (and perhaps made again) is not taken for a new one."""
    return str((proposed_at - _EPOCH) // timedelta(microseconds=1))

"""Proposing, agreeing to, declining and withdrawing sharing with coordinators: the consent
changes in one unit of work, then the other member is asked or told and both Homes redrawn."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.context import AppContext
from bot.errors import Refused
from bot.sharing import SharingDecision, SharingMove, SharingOutcome, proposal_stamp
from bot.text import md
from handlers.blocks.sharing import (
    NOT_OPEN_REFUSAL,
    build_proposal_answered,
    build_proposal_closed,
    build_proposal_message,
    own_proposal_refusal,
    sharing_notice,
)
from handlers.flows.home import refresh_homes
from handlers.flows.slack import notify, notify_message, program_focus_label, update_to
from storage.db import unit_of_work
from storage.pairings import get_pairing, is_open, other_member
from storage.pairings import require_member as require_pairing_member
from storage.programs import program_config
from storage.sharing import change_sharing, consent_of, remember_proposal_dm, take_proposal_dm

# Outcomes that end an open proposal, and so the DM that asked it.
_PROPOSAL_OVER = frozenset(
    {SharingOutcome.SHARED, SharingOutcome.DECLINED, SharingOutcome.WITHDRAWN}
)


@dataclass(frozen=True)
class SharingChange:
    decision: SharingDecision
    pairing_id: int
    actor_id: str
    other_id: str
    focus_label: str
    # The proposal DM this change ended, which :func:`set_sharing` has redrawn.
    proposal_dm: tuple[str, str] | None = None

    @property
    def outcome(self) -> SharingOutcome:
        return self.decision.outcome

    def refusal(self) -> Refused | None:
        """Why an answer changed nothing, for the person who gave it; None when it was fine."""
        if self.outcome is SharingOutcome.OWN_PROPOSAL:
            return Refused(own_proposal_refusal(self.other_id))
        if self.outcome is SharingOutcome.NOT_OPEN:
            return Refused(NOT_OPEN_REFUSAL)
        return None


def set_sharing(
    ctx: AppContext,
    client: WebClient,
    pairing_id: int,
    actor_id: str,
    move: SharingMove,
    *,
    answering: str | None = None,
) -> SharingChange:
    """Apply ``move`` by ``actor_id``; a proposal DMs the other member with Agree / Not now,
    any other change tells them in a sentence. A refused or repeated move changes nothing and
    sends nothing (the caller tells the actor why, see :meth:`SharingChange.refusal`)."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pairing = require_pairing_member(get_pairing(session, pairing_id, lock=True), actor_id)
        if not is_open(pairing):
            raise Refused(
                md("That mentorship has ended, so there is nothing to share."), reason="bad_input"
            )
        decision = change_sharing(session, pairing, actor_id, move, now, answering=answering)
        mine = consent_of(pairing, actor_id)
        ended_dm = take_proposal_dm(pairing) if decision.outcome in _PROPOSAL_OVER else None
        done = SharingChange(
            decision=decision,
            pairing_id=pairing.id,
            actor_id=actor_id,
            other_id=other_member(pairing, actor_id),
            # The focus as the pair's program words it (programs may name areas differently).
            focus_label=program_focus_label(
                program_config(session, ctx.settings, pairing.program_id), pairing.focus
            ),
            proposal_dm=ended_dm,
        )
    if not decision.changed:
        return done
    if ended_dm is not None:
        _redraw_ended_proposal(client, done, ended_dm)
    if done.outcome is SharingOutcome.PROPOSED and mine is not None:
        proposal = build_proposal_message(
            done.pairing_id, actor_id, done.focus_label, proposal_stamp(mine)
        )
        sent = notify_message(client, done.other_id, proposal)
        if sent is not None:
            with unit_of_work(ctx.sessions) as session:
                remember_proposal_dm(session, done.pairing_id, actor_id, mine, sent)
    else:
        notice = sharing_notice(done.outcome, actor_id, done.focus_label)
        if notice is not None:
            notify(client, done.other_id, notice)
    refresh_homes(ctx, client, actor_id, done.other_id)
    return done


def _redraw_ended_proposal(client: WebClient, change: SharingChange, dm: tuple[str, str]) -> None:
    """The DM that asked the other member, redrawn: answered (wherever they answered), or no
    longer open because the proposer withdrew it."""
    if change.outcome is SharingOutcome.WITHDRAWN:
        redrawn = build_proposal_closed()
    else:
        # The reader of that DM answered; the proposer is the other member of this change.
        agreed = change.outcome is SharingOutcome.SHARED
        redrawn = build_proposal_answered(agreed, change.other_id, change.focus_label)
    update_to(client, dm[0], dm[1], redrawn)

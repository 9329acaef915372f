"""Reading conflicts of interest: the mentors' standing lists and a round's "rather not"
answers, for :func:`bot.conflicts.find_conflict`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conflicts import Conflict, find_conflict
from storage.audit import record_audit
from storage.models import MatchParticipant, MentorProfile

# The audit action of a conflict of interest paired knowingly.
OVERRIDDEN = "conflict.overridden"


def standing_conflicts(session: Session, mentor_ids: Collection[str]) -> dict[str, set[str]]:
    """Each of ``mentor_ids``'s standing list (people they assess or supervise)."""
    if not mentor_ids:
        return {}
    return {
        user_id: set(conflicts or ())
        for user_id, conflicts in session.execute(
            select(MentorProfile.user_id, MentorProfile.conflicts).where(
                MentorProfile.user_id.in_(sorted(mentor_ids))
            )
        )
        if conflicts
    }


def round_rather_not(session: Session, round_id: int) -> dict[str, set[str]]:
    """What each mentor of the round said they would rather not take."""
    return {
        user_id: set(rather_not or ())
        for user_id, rather_not in session.execute(
            select(MatchParticipant.user_id, MatchParticipant.rather_not).where(
                MatchParticipant.round_id == round_id, MatchParticipant.role == "mentor"
            )
        )
    }


def conflict_of(
    session: Session, mentor_id: str, trainee_id: str, round_id: int | None = None
) -> Conflict | None:
    """The conflict that keeps ``mentor_id`` from mentoring ``trainee_id`` (in that round)."""
    rather_not = round_rather_not(session, round_id) if round_id is not None else None
    return find_conflict(
        mentor_id, trainee_id, standing_conflicts(session, [mentor_id]), rather_not
    )


def record_overridden(
    session: Session, program_id: int, coordinator_id: str, conflict: Conflict, now: datetime
) -> None:
    """Keep, in the program's audit log, that a coordinator paired a conflict knowingly."""
    record_audit(
        session,
        program_id=program_id,
        actor=coordinator_id,
        action=OVERRIDDEN,
        subject=conflict.trainee_id,
        detail=f"{conflict.kind.value}: {conflict.mentor_id}",
        now=now,
    )

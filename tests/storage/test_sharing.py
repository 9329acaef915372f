"""Consent to share, and the reads that hand text to coordinators, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.sharing import SharingMove, SharingOutcome, proposal_stamp
from storage.goals import add_goal, set_goal_status
from storage.models import Activity, Pairing
from storage.pairings import close_pairing, create_pairing
from storage.programs import default_program
from storage.sharing import (
    change_sharing,
    is_shared,
    pair_counts,
    shared_items,
    shared_work,
    sharing_pairs,
)
from storage.tasks import add_task, set_task_status
from tests.conftest import MENTEE, MENTOR, MENTOR2

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)


def _pairing(session: Session, mentor: str = MENTOR, focus: str = "research") -> Pairing:
    return create_pairing(
        session,
        program_id=default_program(session).id,
        mentor_id=mentor,
        mentee_id=MENTEE,
        focus=focus,
        origin="request",
        now=NOW,
    )


def _share(session: Session, pairing: Pairing) -> None:
    change_sharing(session, pairing, MENTEE, SharingMove.PROPOSE, NOW)
    assert pairing.mentee_shares_at is not None
    stamp = proposal_stamp(pairing.mentee_shares_at)
    later = NOW + timedelta(hours=1)
    decision = change_sharing(session, pairing, MENTOR, SharingMove.AGREE, later, answering=stamp)
    assert decision.outcome is SharingOutcome.SHARED


def test_consent_is_kept_per_member_with_its_time(session: Session) -> None:
    pairing = _pairing(session)
    first = change_sharing(session, pairing, MENTOR, SharingMove.PROPOSE, NOW)
    assert first.outcome is SharingOutcome.PROPOSED
    assert (pairing.mentor_shares_at, pairing.mentee_shares_at) == (NOW, None)
    assert not is_shared(pairing)

    session.flush()
    session.expire_all()
    stored = session.get(Pairing, pairing.id)
    assert stored is not None
    assert stored.mentor_shares_at is not None
    stamp = proposal_stamp(stored.mentor_shares_at)
    assert stamp == proposal_stamp(NOW)  # round-trips to the microsecond

    later = NOW + timedelta(days=1)
    stale = change_sharing(session, stored, MENTEE, SharingMove.AGREE, later, answering="1")
    assert stale.outcome is SharingOutcome.NOT_OPEN
    agreed = change_sharing(session, stored, MENTEE, SharingMove.AGREE, later, answering=stamp)
    assert agreed.outcome is SharingOutcome.SHARED
    # The proposer's consent keeps its time; the answer has its own.
    assert (stored.mentor_shares_at, stored.mentee_shares_at) == (NOW, later)
    assert is_shared(stored)

    stopped = change_sharing(session, stored, MENTEE, SharingMove.WITHDRAW, later)
    assert stopped.outcome is SharingOutcome.STOPPED
    assert (stored.mentor_shares_at, stored.mentee_shares_at) == (None, None)
    kinds = session.scalars(
        select(Activity.kind)
        .where(Activity.pairing_id == stored.id, Activity.kind.like("pairing.sharing%"))
        .order_by(Activity.id)
    ).all()
    assert kinds == [
        "pairing.sharing_proposed",
        "pairing.sharing_shared",
        "pairing.sharing_stopped",
    ]


def test_only_open_pairs_where_both_agree_hand_out_text(session: Session) -> None:
    shared = _pairing(session)
    proposed = _pairing(session, MENTOR2, "career")
    ended = _pairing(session, MENTOR, "wellbeing")
    for pairing in (shared, proposed, ended):
        add_goal(session, pairing, text=f"goal of {pairing.focus}", by=MENTEE, now=NOW)
        add_task(
            session,
            pairing,
            text=f"task of {pairing.focus}",
            by=pairing.mentor_id,
            assignee_id=MENTEE,
            now=NOW,
            due_date=TODAY - timedelta(days=2),
        )
    achieved = add_goal(session, shared, text="an achieved goal", by=MENTEE, now=NOW)
    set_goal_status(session, shared, achieved, "achieved", by=MENTEE, now=NOW)
    done = add_task(session, shared, text="a done task", by=MENTOR, assignee_id=MENTEE, now=NOW)
    set_task_status(session, shared, done, "done", by=MENTEE, now=NOW)
    add_goal(session, shared, text="a later goal", by=MENTOR, now=NOW + timedelta(minutes=1))

    _share(session, shared)
    change_sharing(session, proposed, MENTEE, SharingMove.PROPOSE, NOW)
    _share(session, ended)
    close_pairing(
        session,
        ended,
        by=MENTOR,
        completed=True,
        reason=None,
        reason_visibility="nobody",
        now=NOW,
    )
    session.flush()

    assert [is_shared(p) for p in (shared, proposed, ended)] == [True, False, False]
    assert shared_work(session, proposed) is None
    assert shared_work(session, ended) is None
    work = shared_work(session, shared)
    assert work is not None
    assert [g.text for g in work.goals] == ["goal of research", "a later goal", "an achieved goal"]
    assert [t.text for t in work.open_tasks] == ["task of research"]

    items = list(shared_items(session, shared.program_id))
    assert {i.pairing_id for i in items} == {shared.id}
    assert [(i.item, i.text, i.status) for i in items] == [
        ("goal", "goal of research", "open"),
        ("goal", "a later goal", "open"),
        ("goal", "an achieved goal", "achieved"),
        ("task", "task of research", "open"),
    ]
    assert items[-1].when == TODAY - timedelta(days=2)
    assert items[-1].assignee_id == MENTEE
    assert sharing_pairs(session, shared.program_id) == 1

    counts = pair_counts(session, shared.id, TODAY)
    assert counts.goals == {"open": 2, "achieved": 1, "dropped": 0}
    assert (counts.open_tasks, counts.overdue_tasks, counts.done_tasks) == (1, 1, 1)
    # Counts are for any pair, shared or not.
    assert pair_counts(session, proposed.id, TODAY).open_tasks == 1

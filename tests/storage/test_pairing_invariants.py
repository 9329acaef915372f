"""Random sequences of asks, answers, assignments and endings, on the real database, never
leave two open pairings (or two pending requests) for the same mentor, mentee and focus."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from bot.errors import Refused
from bot.lifecycle import PairingEvent, RequestEvent, RequestStatus
from storage.db import SessionFactory, unit_of_work
from storage.models import MentorRequest, Pairing
from storage.pairings import OPEN, apply_pairing_event, close_pairing, create_pairing
from storage.programs import default_program
from storage.requests import apply_request_event, get_request, open_request, try_request_event

FOCUSES = ("research", "clinical-skills")
NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
_runs = itertools.count()


def make_machine(sessions: SessionFactory) -> type[RuleBasedStateMachine]:
    class Mentorships(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            run = next(_runs)
            # Fresh people per example, so examples never see each other's rows.
            self.people = [f"U{run:05d}P{n}" for n in range(3)]
            self.request_ids: list[int] = []
            self.pairing_ids: list[int] = []

        @rule(mentee=st.integers(0, 2), mentor=st.integers(0, 2), focus=st.sampled_from(FOCUSES))
        def ask(self, mentee: int, mentor: int, focus: str) -> None:
            try:
                with unit_of_work(sessions) as session:
                    request = open_request(
                        session,
                        program_id=default_program(session).id,
                        mentee_id=self.people[mentee],
                        mentor_id=self.people[mentor],
                        focus=focus,
                        note="",
                        now=NOW,
                        remind_after=timedelta(days=3),
                        expire_after=timedelta(days=14),
                    )
                    self.request_ids.append(request.id)
            except Refused:
                pass

        @rule(pick=st.integers(0, 50), event=st.sampled_from(list(RequestEvent)))
        def answer(self, pick: int, event: RequestEvent) -> None:
            if not self.request_ids:
                return
            request_id = self.request_ids[pick % len(self.request_ids)]
            try:
                with unit_of_work(sessions) as session:
                    request = get_request(session, request_id, lock=True)
                    assert request is not None
                    if event is not RequestEvent.ACCEPT:
                        try_request_event(request, event, NOW)
                        return
                    if request.status != RequestStatus.PENDING.value:
                        return
                    apply_request_event(request, event, NOW)
                    pairing = create_pairing(
                        session,
                        program_id=default_program(session).id,
                        mentor_id=request.mentor_id,
                        mentee_id=request.mentee_id,
                        focus=request.focus,
                        origin="request",
                        now=NOW,
                    )
                    self.pairing_ids.append(pairing.id)
            except Refused:
                pass

        @rule(mentee=st.integers(0, 2), mentor=st.integers(0, 2), focus=st.sampled_from(FOCUSES))
        def assign(self, mentee: int, mentor: int, focus: str) -> None:
            try:
                with unit_of_work(sessions) as session:
                    pairing = create_pairing(
                        session,
                        program_id=default_program(session).id,
                        mentor_id=self.people[mentor],
                        mentee_id=self.people[mentee],
                        focus=focus,
                        origin="assigned",
                        now=NOW,
                        assigned_by="U0COORD01",
                    )
                    self.pairing_ids.append(pairing.id)
            except Refused:
                pass

        @rule(pick=st.integers(0, 50), completed=st.booleans(), pause=st.booleans())
        def change(self, pick: int, completed: bool, pause: bool) -> None:
            if not self.pairing_ids:
                return
            pairing_id = self.pairing_ids[pick % len(self.pairing_ids)]
            with unit_of_work(sessions) as session:
                pairing = session.get(Pairing, pairing_id)
                assert pairing is not None
                if pairing.status not in OPEN:
                    return
                if pause:
                    event = (
                        PairingEvent.RESUME if pairing.status == "paused" else PairingEvent.PAUSE
                    )
                    apply_pairing_event(pairing, event, NOW)
                    return
                close_pairing(
                    session,
                    pairing,
                    by=pairing.mentor_id,
                    completed=completed,
                    reason=None,
                    reason_visibility="nobody",
                    now=NOW,
                )

        @invariant()
        def one_open_pairing_and_one_pending_request_per_triple(self) -> None:
            with unit_of_work(sessions) as session:
                open_counts = session.execute(
                    select(func.count())
                    .select_from(Pairing)
                    .where(Pairing.mentor_id.in_(self.people), Pairing.status.in_(OPEN))
                    .group_by(Pairing.mentor_id, Pairing.mentee_id, Pairing.focus)
                ).scalars()
                assert all(n == 1 for n in open_counts)
                pending_counts = session.execute(
                    select(func.count())
                    .select_from(MentorRequest)
                    .where(
                        MentorRequest.mentor_id.in_(self.people), MentorRequest.status == "pending"
                    )
                    .group_by(MentorRequest.mentor_id, MentorRequest.mentee_id, MentorRequest.focus)
                ).scalars()
                assert all(n == 1 for n in pending_counts)
                selfish = session.scalar(
                    select(func.count())
                    .select_from(Pairing)
                    .where(
                        Pairing.mentor_id.in_(self.people), Pairing.mentor_id == Pairing.mentee_id
                    )
                )
                assert selfish == 0

    return Mentorships


def test_random_histories_keep_pairings_unique(sessions: SessionFactory) -> None:
    run_state_machine_as_test(
        make_machine(sessions),
        settings=settings(max_examples=25, stateful_step_count=25, deadline=None),
    )

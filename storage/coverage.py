"""Coverage of one program: does every trainee have a mentor?

A program's **trainees** are its members (not gone from the workspace) who have a trainee
profile, were declared trainees by a coordinator (the members modal), or have asked for, waited
for, been matched for or had a mentor in the program. A
trainee is **covered** by an open (active or paused) mentorship as mentee in the program.
**Mentors** are members with a listed mentor profile; one **has a free place** when the profile
is open to new mentees and their mentee limit (across programs) is not reached.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.programs import Role
from storage.matching import RoundStatus
from storage.models import (
    MatchParticipant,
    MatchRound,
    MentorProfile,
    MentorRequest,
    Pairing,
    Person,
    ProgramMember,
    TraineeProfile,
    WaitingEntry,
)
from storage.pairings import OPEN
from storage.people import gone_clause
from storage.places import WAITING
from storage.profiles import mentee_counts

MEMBER = Role.MEMBER
WAITING_REQUEST = ("sending", "pending")
UNDECIDED_ROUNDS = (RoundStatus.COLLECTING.value, RoundStatus.PROPOSED.value)


@dataclass(frozen=True)
class Uncovered:
    """A trainee without a mentor: since when they are a member, and what they are doing about
    it (on the waiting list, in an undecided matching round, waiting for an answer)."""

    user_id: str
    member_since: datetime
    waiting_list: bool
    in_round: bool
    asked: bool


@dataclass(frozen=True)
class Coverage:
    members: int
    mentors: int
    mentors_with_places: int
    trainees: int
    covered: int
    covered_by_focus: dict[str, int]  # focus slug -> trainees with a mentor for it
    uncovered: list[Uncovered]  # longest a member first


def _ids(session: Session, statement: Select[str]) -> set[str]:
    return set(session.scalars(statement))


def program_coverage(session: Session, program_id: int) -> Coverage:
    """``program_id``'s coverage now (see the module's definitions)."""
    joined = dict(
        session.execute(
            select(ProgramMember.user_id, func.min(ProgramMember.added_at))
            .join(Person, Person.user_id == ProgramMember.user_id)
            .where(
                ProgramMember.program_id == program_id,
                ProgramMember.role == MEMBER,
                ~gone_clause(),
                Person.is_bot.is_(False),
            )
            .group_by(ProgramMember.user_id)
        ).all()
    )
    members = set(joined)
    # One read per table, each row with its status: what is open now, and who ever was.
    pairings = session.execute(
        select(Pairing.mentee_id, Pairing.focus, Pairing.status).where(
            Pairing.program_id == program_id
        )
    ).all()
    entries = session.execute(
        select(WaitingEntry.user_id, WaitingEntry.status).where(
            WaitingEntry.program_id == program_id
        )
    ).all()
    rounds = session.execute(
        select(MatchParticipant.user_id, MatchRound.status)
        .join(MatchRound, MatchRound.id == MatchParticipant.round_id)
        .where(MatchRound.program_id == program_id, MatchParticipant.role == "trainee")
    ).all()
    requests = session.execute(
        select(MentorRequest.mentee_id, MentorRequest.status).where(
            MentorRequest.program_id == program_id
        )
    ).all()
    profiled = _ids(
        session,
        select(TraineeProfile.user_id)
        .join(ProgramMember, ProgramMember.user_id == TraineeProfile.user_id)
        .where(ProgramMember.program_id == program_id),
    )
    declared = _ids(
        session,
        select(ProgramMember.user_id).where(
            ProgramMember.program_id == program_id, ProgramMember.role == Role.TRAINEE
        ),
    )
    mentees_open = [(mentee, focus) for mentee, focus, status in pairings if status in OPEN]
    waiting = {user for user, status in entries if status == WAITING}
    in_round = {user for user, status in rounds if status in UNDECIDED_ROUNDS}
    asked = {user for user, status in requests if status in WAITING_REQUEST}
    ever = (
        {mentee for mentee, _, _ in pairings}
        | {user for user, _ in entries}
        | {user for user, _ in rounds}
        | {user for user, _ in requests}
    )
    trainees = members & (profiled | declared | ever)
    covered_focus = [(mentee, focus) for mentee, focus in mentees_open if mentee in trainees]
    covered = {mentee for mentee, _ in covered_focus}
    by_focus = Counter(focus for _, focus in set(covered_focus))
    uncovered = sorted(
        (
            Uncovered(
                user_id=user_id,
                member_since=joined[user_id],
                waiting_list=user_id in waiting,
                in_round=user_id in in_round,
                asked=user_id in asked,
            )
            for user_id in trainees - covered
        ),
        key=lambda u: (u.member_since, u.user_id),
    )
    mentors, with_places = _mentors(session, members)
    return Coverage(
        members=len(members),
        mentors=mentors,
        mentors_with_places=with_places,
        trainees=len(trainees),
        covered=len(covered),
        covered_by_focus=dict(sorted(by_focus.items())),
        uncovered=uncovered,
    )


def _mentors(session: Session, members: set[str]) -> tuple[int, int]:
    """How many of ``members`` mentor (a listed profile), and how many of those have a place."""
    listed = session.execute(
        select(MentorProfile.user_id, MentorProfile.open, Person.capacity)
        .join(Person, Person.user_id == MentorProfile.user_id)
        .where(MentorProfile.listed.is_(True))
    ).all()
    mentors = [(user_id, is_open, cap) for user_id, is_open, cap in listed if user_id in members]
    taken = mentee_counts(session, [user_id for user_id, _, _ in mentors])
    with_places = sum(
        1
        for user_id, is_open, cap in mentors
        if is_open and (cap is None or taken.get(user_id, 0) < cap)
    )
    return len(mentors), with_places


@dataclass(frozen=True)
class RoundProgress:
    """An undecided matching round: its focus, when it closes, how many trainees it invited and
    how many of them have ranked mentors."""

    focus: str
    status: str
    deadline: datetime
    invited: int
    ranked: int
    round_id: int = 0


def rounds_in_progress(session: Session, program_id: int) -> list[RoundProgress]:
    rounds = session.scalars(
        select(MatchRound)
        .where(
            MatchRound.program_id == program_id,
            MatchRound.status.in_(UNDECIDED_ROUNDS),
        )
        .order_by(MatchRound.deadline, MatchRound.id)
    ).all()
    progress = []
    for match_round in rounds:
        ranks = session.scalars(
            select(MatchParticipant.ranked).where(
                MatchParticipant.round_id == match_round.id, MatchParticipant.role == "trainee"
            )
        ).all()
        progress.append(
            RoundProgress(
                focus=match_round.focus,
                status=match_round.status,
                deadline=match_round.deadline,
                invited=len(ranks),
                ranked=sum(1 for ranked in ranks if ranked),
                round_id=match_round.id,
            )
        )
    return progress


def has_mentor_in(session: Session, program_id: int, user_id: str) -> bool:
    """Whether ``user_id`` has an open mentorship as mentee in the program (one is enough)."""
    found = session.scalar(
        select(Pairing.id)
        .where(
            Pairing.program_id == program_id,
            Pairing.mentee_id == user_id,
            Pairing.status.in_(OPEN),
        )
        .limit(1)
    )
    return found is not None


def member_since(session: Session, program_id: int, user_id: str) -> datetime | None:
    """When ``user_id`` became a member of the program; None when they are not one."""
    return session.scalar(
        select(func.min(ProgramMember.added_at)).where(
            ProgramMember.program_id == program_id,
            ProgramMember.user_id == user_id,
            ProgramMember.role == MEMBER,
        )
    )

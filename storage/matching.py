"""Matching rounds: opening one, the preferences people give, the proposal, and approving it.

Each step that must happen once is a conditional update that only one caller can win: closing
(``collecting`` -> ``proposed``), cancelling, and approving a pair (``proposed`` ->
``approved``). Approvals lock the round row first, so approvals of one round run one after
another (two coordinators clicking at once, or one clicking twice), and the mentors' rows in
``people`` before counting their mentees, so two rounds approved at once that share a mentor
never both take their last place. (Accepting a request counts a mentor's mentees without that
row lock; for the limit to hold against an acceptance at the very same moment, that flow would
take the same lock.)"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, delete, func, select, update
from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.matching import Choices, Proposal, Round
from bot.text import md
from storage.conflicts import standing_conflicts
from storage.models import (
    MatchPair,
    MatchParticipant,
    MatchRound,
    Pairing,
    Person,
    ScheduledSend,
)
from storage.outbox import CLAIMED, SENT, NewSend, enqueue, enqueue_many, send_key
from storage.pairings import OPEN, create_pairing
from storage.people import departed_among, ensure_people
from storage.upsert import insert_new


class RoundStatus(StrEnum):
    COLLECTING = "collecting"
    PROPOSED = "proposed"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class PairStatus(StrEnum):
    PROPOSED = "proposed"
    UNMATCHED = "unmatched"
    REMOVED = "removed"
    APPROVED = "approved"
    NOT_MADE = "not_made"  # approved, but the mentor had no place left by then
    ALREADY_PAIRED = "already_paired"  # the trainee found a mentor for the focus meanwhile


# The trainees a decided round leaves without a mentor: told kindly, put on the waiting list.
LEFT_WITHOUT = (PairStatus.UNMATCHED.value, PairStatus.REMOVED.value, PairStatus.NOT_MADE.value)


TRAINEE = "trainee"
MENTOR = "mentor"

INVITE_TRAINEE = "match.invite.trainee"
INVITE_MENTOR = "match.invite.mentor"
NOT_MATCHED = "match.unmatched"
PROPOSAL = "match.proposal"
INTRODUCTION = "match.intro"
CANCELLED_NOTE = "match.cancelled"


def get_round(session: Session, round_id: int, *, lock: bool = False) -> MatchRound | None:
    query = select(MatchRound).where(MatchRound.id == round_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def lock_round(session: Session, round_id: int) -> MatchRound | None:
    """The round, locked for this transaction: a no-op update, which takes the row lock on
    PostgreSQL and the database's write lock on SQLite (where ``FOR UPDATE`` does nothing), so
    approvals of one round, and of rounds that share a mentor, run one after another. Called
    first in its transaction, so on SQLite everything read after it is read under the lock."""
    locked = session.scalar(
        update(MatchRound)
        .where(MatchRound.id == round_id)
        .values(status=MatchRound.status)
        .returning(MatchRound.id)
        .execution_options(synchronize_session=False)
    )
    if locked is None:
        return None
    return session.scalar(
        select(MatchRound)
        .where(MatchRound.id == round_id)
        .execution_options(populate_existing=True)
    )


def open_round(
    session: Session,
    *,
    program_id: int,
    focus: str,
    deadline: datetime,
    created_by: str,
    now: datetime,
    trainees: Mapping[str, Sequence[str]],
    mentors: Mapping[str, int],
) -> MatchRound:
    """A new round collecting preferences until ``deadline``: ``trainees`` with the suggestions
    each is shown, ``mentors`` with their places. Everyone's invitation is enqueued with it."""
    ensure_people(session, [*trainees, *mentors])  # pairings refer to their people rows
    round_ = MatchRound(
        program_id=program_id,
        focus=focus,
        status=RoundStatus.COLLECTING.value,
        deadline=deadline,
        created_by=created_by,
        created_at=now,
    )
    session.add(round_)
    session.flush()
    blank = {"round_id": round_.id, "suggestions": [], "ranked": [], "rather_not": []}
    insert_new(
        session,
        MatchParticipant,
        [
            {**blank, "user_id": user, "role": TRAINEE, "places": 0, "suggestions": list(shown)}
            for user, shown in trainees.items()
        ]
        + [
            {**blank, "user_id": user, "role": MENTOR, "places": places}
            for user, places in mentors.items()
        ],
        key=[MatchParticipant.round_id, MatchParticipant.user_id, MatchParticipant.role],
    )
    people = participants(session, round_.id)
    enqueue_many(
        session,
        [
            NewSend(
                key=send_key("match.invite", person.id),
                kind=INVITE_TRAINEE if person.role == TRAINEE else INVITE_MENTOR,
                slot_at=now,
                due_at=now,
                recipient=person.user_id,
            )
            for person in people
        ],
    )
    return round_


def participants(
    session: Session, round_id: int, role: str | None = None
) -> list[MatchParticipant]:
    query = select(MatchParticipant).where(MatchParticipant.round_id == round_id)
    if role is not None:
        query = query.where(MatchParticipant.role == role)
    return list(session.scalars(query.order_by(MatchParticipant.id)))


def participant_of(
    session: Session, participant_id: int, user_id: str, role: str
) -> MatchParticipant:
    """The participant row, when it is ``user_id``'s own in ``role``; a refusal otherwise (a
    forged button naming someone else's list lands here)."""
    found = session.get(MatchParticipant, participant_id)
    if found is None or found.user_id != user_id or found.role != role:
        raise Refused(
            md("That list belongs to someone else, so I left it alone."),
            reason="forbidden",
        )
    return found


def participants_by_id(session: Session, ids: Sequence[int]) -> dict[int, MatchParticipant]:
    if not ids:
        return {}
    found = session.scalars(select(MatchParticipant).where(MatchParticipant.id.in_(list(ids))))
    return {row.id: row for row in found}


def require_collecting(round_: MatchRound | None) -> MatchRound:
    if round_ is None or round_.status != RoundStatus.COLLECTING.value:
        raise Refused(
            md("That matching round has closed, so your answer wasn't saved."),
            reason="bad_input",
        )
    return round_


def set_ranked(
    session: Session, row: MatchParticipant, mentors: Sequence[str], now: datetime
) -> None:
    row.ranked = list(dict.fromkeys(mentors))
    row.updated_at = now


def set_rather_not(
    session: Session, row: MatchParticipant, trainees: Sequence[str], now: datetime
) -> None:
    row.rather_not = list(dict.fromkeys(trainees))
    row.updated_at = now


def rounds_in(status: RoundStatus, program_id: int | None = None) -> Select[int]:
    """The ids of the rounds in ``status``: of one program, or of every program."""
    query = select(MatchRound.id).where(MatchRound.status == status.value)
    if program_id is not None:
        query = query.where(MatchRound.program_id == program_id)
    return query


def withdraw_mentor(session: Session, mentor_id: str) -> None:
    """Take a mentor out of every round not decided yet (their profile hidden or closed, or
    they left): see :func:`withdraw_mentors`."""
    withdraw_mentors(session, [mentor_id])


def withdraw_mentors(
    session: Session, mentor_ids: Collection[str], *, program_id: int | None = None
) -> None:
    """Take these mentors out of the rounds not decided yet (of one program, or of all): out
    of the rounds still collecting answers, and out of the proposals waiting for approval,
    whose trainees are left for the coordinator."""
    if not mentor_ids:
        return
    wanted = sorted(set(mentor_ids))
    session.execute(
        delete(MatchParticipant).where(
            MatchParticipant.user_id.in_(wanted),
            MatchParticipant.role == MENTOR,
            MatchParticipant.round_id.in_(rounds_in(RoundStatus.COLLECTING, program_id)),
        )
    )
    session.execute(
        update(MatchPair)
        .where(
            MatchPair.round_id.in_(rounds_in(RoundStatus.PROPOSED, program_id)),
            MatchPair.mentor_id.in_(wanted),
            MatchPair.status == PairStatus.PROPOSED.value,
        )
        .values(
            mentor_id=None,
            status=PairStatus.UNMATCHED.value,
            reason="The proposed mentor is no longer taking part",
        )
    )


def round_to_solve(session: Session, round_id: int) -> Round:
    """The round as the solver sees it: each trainee's own ranking first, then the suggestions
    they were shown (the directory ranking) for the places they left unranked."""
    choices: dict[str, Choices] = {}
    places: dict[str, int] = {}
    rather_not: dict[str, set[str]] = {}
    for row in participants(session, round_id):
        if row.role == TRAINEE:
            ranked = list(row.ranked)
            filled = [m for m in row.suggestions if m not in ranked]
            choices[row.user_id] = Choices(tuple(ranked + filled), ranked=len(ranked))
        else:
            places[row.user_id] = row.places
            rather_not[row.user_id] = set(row.rather_not)
    # A mentor's standing list (people they assess or supervise) holds in every round.
    for mentor, people in standing_conflicts(session, list(places)).items():
        rather_not.setdefault(mentor, set()).update(people)
    return Round(choices=choices, places=places, rather_not=rather_not)


def cancel_round(session: Session, round_id: int, by: str, now: datetime) -> bool:
    """Cancel a round that is not decided yet; False when it was (or is gone). Invitations
    still waiting are then not sent, and nobody is paired."""
    won = session.scalar(
        update(MatchRound)
        .where(
            MatchRound.id == round_id,
            MatchRound.status.in_([RoundStatus.COLLECTING.value, RoundStatus.PROPOSED.value]),
        )
        .values(status=RoundStatus.CANCELLED.value, closed_by=by, decided_at=now)
        .returning(MatchRound.id)
    )
    return won is not None


def enqueue_cancelled_notes(session: Session, round_: MatchRound, now: datetime) -> int:
    """After a cancel: a short note owed to each participant who got their invitation and has
    not been matched (a trainee who found a mentor for the focus meanwhile is left alone), keyed
    by the participant so it goes once. Those whose invitation had not gone out never heard of
    the round. How many were enqueued."""
    people = participants(session, round_.id)
    sent = set(
        session.scalars(
            select(ScheduledSend.dedupe_key).where(
                ScheduledSend.dedupe_key.in_([send_key("match.invite", p.id) for p in people]),
                ScheduledSend.status == SENT,
            )
        )
    )
    invited = [p for p in people if send_key("match.invite", p.id) in sent]
    paired = _mentored_for(
        session, round_.program_id, [p.user_id for p in invited if p.role == TRAINEE], round_.focus
    )
    return enqueue_many(
        session,
        [
            NewSend(
                key=send_key(CANCELLED_NOTE, person.id),
                kind=CANCELLED_NOTE,
                slot_at=now,
                due_at=now,
                recipient=person.user_id,
            )
            for person in invited
            if person.user_id not in paired
        ],
    )


def due_rounds_clause(now: datetime) -> ColumnElement[bool]:
    """Rounds still collecting whose deadline has passed."""
    return and_(MatchRound.status == RoundStatus.COLLECTING.value, MatchRound.deadline <= now)


def due_round_ids(session: Session, now: datetime) -> list[int]:
    return list(session.scalars(select(MatchRound.id).where(due_rounds_clause(now))))


def close_round(session: Session, round_id: int, by: str | None, now: datetime) -> bool:
    """Stop collecting; False when someone (or the scheduler) closed it already."""
    won = session.scalar(
        update(MatchRound)
        .where(MatchRound.id == round_id, MatchRound.status == RoundStatus.COLLECTING.value)
        .values(status=RoundStatus.PROPOSED.value, proposed_at=now, closed_by=by)
        .returning(MatchRound.id)
    )
    return won is not None


def save_proposal(
    session: Session, round_id: int, proposal: Proposal, reasons: Mapping[str, str]
) -> None:
    """The proposed pairs and the unmatched trainees, each with its reason (by trainee id)."""
    rows = [
        {
            "round_id": round_id,
            "trainee_id": pair.trainee,
            "mentor_id": pair.mentor,
            "reason": reasons.get(pair.trainee, ""),
            "status": PairStatus.PROPOSED.value,
        }
        for pair in proposal.pairs
    ] + [
        {
            "round_id": round_id,
            "trainee_id": miss.trainee,
            "mentor_id": None,
            "reason": reasons.get(miss.trainee, ""),
            "status": PairStatus.UNMATCHED.value,
        }
        for miss in proposal.unmatched
    ]
    insert_new(session, MatchPair, rows, key=[MatchPair.round_id, MatchPair.trainee_id])


def pairs_of(session: Session, round_id: int) -> list[MatchPair]:
    return list(
        session.scalars(
            select(MatchPair).where(MatchPair.round_id == round_id).order_by(MatchPair.id)
        )
    )


def change_pair(
    session: Session, pair: MatchPair, mentor_id: str | None, by: str, now: datetime
) -> None:
    """A coordinator's change before approval: another mentor, or (None) no mentor."""
    if pair.status not in (
        PairStatus.PROPOSED.value,
        PairStatus.UNMATCHED.value,
        PairStatus.REMOVED.value,
    ):
        raise Refused(
            md("That pair was already approved, so I left it as it is."),
            reason="bad_input",
        )
    pair.mentor_id = mentor_id
    pair.status = PairStatus.PROPOSED.value if mentor_id else PairStatus.REMOVED.value
    pair.reason = "chosen by a coordinator" if mentor_id else "removed by a coordinator"
    pair.decided_by = by
    pair.decided_at = now


@dataclass(frozen=True)
class Approved:
    """A pair this approval created (``pairing_id``), for its introduction."""

    pair_id: int
    pairing_id: int
    trainee_id: str
    mentor_id: str


def approve_pairs(
    session: Session,
    round_: MatchRound,
    pair_ids: Sequence[int] | None,
    by: str,
    now: datetime,
) -> list[Approved]:
    """Create the pairings of the proposed pairs ``pair_ids`` (all of them: None), each once,
    and enqueue each new pair's introductions (one to each person, keyed by the pair).

    The caller has locked ``round_`` (:func:`lock_round`). The pairs are claimed by one
    conditional update, so pairs another approval took are skipped. The mentors' rows are then
    locked (in id order, so approvals of rounds that share mentors never deadlock) before
    their mentees are counted: a mentor who reached their limit since the proposal gets no
    more (the pair is marked ``not_made``), and a trainee who found a mentor for the focus
    meanwhile keeps theirs (``already_paired``). Reads are a handful of statements for the
    whole round; only the pairings are made one by one."""
    claim = (
        update(MatchPair)
        .where(MatchPair.round_id == round_.id, MatchPair.status == PairStatus.PROPOSED.value)
        .values(decided_by=by, decided_at=now, status=PairStatus.APPROVED.value)
        .returning(MatchPair.id)
        .execution_options(synchronize_session=False)
    )
    if pair_ids is not None:
        claim = claim.where(MatchPair.id.in_(list(pair_ids)))
    claimed = list(session.scalars(claim))
    pairs = (
        list(
            session.scalars(
                select(MatchPair)
                .where(MatchPair.id.in_(claimed))
                .order_by(MatchPair.id)
                .execution_options(populate_existing=True)
            )
        )
        if claimed
        else []
    )
    mentor_ids = sorted({str(pair.mentor_id) for pair in pairs})
    limits = {
        person.user_id: person.capacity
        for person in session.scalars(
            select(Person)
            .where(Person.user_id.in_(mentor_ids))
            .order_by(Person.user_id)
            .with_for_update()
        )
    }
    mentees = _mentee_counts(session, mentor_ids)
    paired = _mentored_for(session, round_.program_id, [p.trainee_id for p in pairs], round_.focus)
    made: list[Approved] = []
    for pair in pairs:
        mentor_id = str(pair.mentor_id)
        if pair.trainee_id in paired:
            pair.status = PairStatus.ALREADY_PAIRED.value
            pair.pairing_id = paired[pair.trainee_id]
            pair.reason = "already had a mentor for this focus by the time it was approved"
            continue
        limit = limits.get(mentor_id)
        if limit is not None and mentees.get(mentor_id, 0) >= limit:
            pair.status = PairStatus.NOT_MADE.value
            pair.reason = "the mentor had no place left by the time it was approved"
            continue
        pairing = create_pairing(
            session,
            program_id=round_.program_id,
            mentor_id=mentor_id,
            mentee_id=pair.trainee_id,
            focus=round_.focus,
            origin="assignment",
            now=now,
            assigned_by=by,
        )
        mentees[mentor_id] = mentees.get(mentor_id, 0) + 1
        pair.pairing_id = pairing.id
        made.append(Approved(pair.id, pairing.id, pair.trainee_id, mentor_id))
    enqueue_many(
        session,
        [
            NewSend(
                key=send_key(INTRODUCTION, f"{approved.pair_id}/{person}"),
                kind=INTRODUCTION,
                slot_at=now,
                due_at=now,
                pairing_id=approved.pairing_id,
                recipient=person,
            )
            for approved in made
            for person in (approved.mentor_id, approved.trainee_id)
        ],
    )
    if pair_ids is None:
        finish_round(session, round_, now)
    return made


def _mentee_counts(session: Session, mentor_ids: Sequence[str]) -> dict[str, int]:
    """Open mentorships per mentor, in every program (a mentor's limit counts them all)."""
    if not mentor_ids:
        return {}
    rows = session.execute(
        select(Pairing.mentor_id, func.count())
        .where(Pairing.mentor_id.in_(list(mentor_ids)), Pairing.status.in_(OPEN))
        .group_by(Pairing.mentor_id)
    )
    return {mentor: int(count) for mentor, count in rows}


def _mentored_for(
    session: Session, program_id: int, mentee_ids: Sequence[str], focus: str
) -> dict[str, int]:
    """Which of ``mentee_ids`` have an open pairing for ``focus`` in the program (its id)."""
    if not mentee_ids:
        return {}
    rows = session.execute(
        select(Pairing.mentee_id, Pairing.id).where(
            Pairing.program_id == program_id,
            Pairing.mentee_id.in_(list(mentee_ids)),
            Pairing.focus == focus,
            Pairing.status.in_(OPEN),
        )
    )
    return {str(mentee): int(pairing_id) for mentee, pairing_id in rows}


def finish_round(session: Session, round_: MatchRound, now: datetime) -> list[MatchPair]:
    """Mark the round approved and enqueue the kind note to each trainee left without a mentor
    (once: the note is keyed by the pair), unless they have left or were erased since. The
    trainees told, for the waiting list."""
    round_.status = RoundStatus.APPROVED.value
    round_.decided_at = now
    left = [pair for pair in pairs_of(session, round_.id) if pair.status in LEFT_WITHOUT]
    gone = departed_among(session, [pair.trainee_id for pair in left])
    left = [pair for pair in left if pair.trainee_id not in gone]
    enqueue_many(
        session,
        [
            NewSend(
                key=send_key(NOT_MATCHED, pair.id),
                kind=NOT_MATCHED,
                slot_at=now,
                due_at=now,
                recipient=pair.trainee_id,
            )
            for pair in left
        ],
    )
    return left


def enqueue_proposal(
    session: Session, round_id: int, coordinator: str, now: datetime
) -> ScheduledSend | None:
    """The proposal owed to ``coordinator``, enqueued claimed for sending at once."""
    return enqueue(
        session,
        key=send_key(PROPOSAL, f"{round_id}/{coordinator}"),
        kind=PROPOSAL,
        slot_at=now,
        now=now,
        recipient=coordinator,
    )


def proposal_sends(session: Session, round_id: int) -> list[ScheduledSend]:
    """The round's proposal messages (one per coordinator it went to)."""
    return list(
        session.scalars(
            select(ScheduledSend)
            .where(ScheduledSend.dedupe_key.like(f"{PROPOSAL}/{round_id}/%"))
            .order_by(ScheduledSend.id)
        )
    )


def record_proposal_message(
    session: Session, send: ScheduledSend, channel: str, ts: str, now: datetime
) -> None:
    """Where a proposal Slack took ended up, learnt from a click on it because its sender did
    not record it; a claim still open is marked sent, so no sender posts it again."""
    send.channel, send.ts = channel, ts
    if send.status == CLAIMED:
        send.status, send.sent_at = SENT, now


def round_of_proposal_send(session: Session, key: str) -> MatchRound | None:
    """The round a ``match.proposal/<round>/<coordinator>`` send is about."""
    return session.get(MatchRound, int(key.split("/")[1]))


def pair_of_send(session: Session, key: str) -> MatchPair | None:
    """The pair a ``match.unmatched/<id>`` or ``match.intro/<id>/<person>`` send is about."""
    return session.get(MatchPair, int(key.split("/")[1]))

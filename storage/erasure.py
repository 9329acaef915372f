"""Erasing a person: what they wrote goes, what they were part of ends, and their user id is
replaced everywhere it remains by a stable pseudonym, so program counts, dates and their
partners' own records stay right.

The id is replaced in every string, text and JSON column of every table the models know
(read from the metadata, so a table added later is covered without a change here); the free
text they wrote is listed explicitly, table by table."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Table, Text, and_, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage.leaving import Departure, end_everything_of
from storage.models import (
    Activity,
    Base,
    CheckIn,
    ColleagueIntroduction,
    ExitSurvey,
    Goal,
    IntroductionAsk,
    MatchParticipant,
    MeetingPlan,
    MentorProfile,
    MentorRequest,
    Pairing,
    Person,
    ScheduledSend,
    SessionRating,
    Task,
    TraineeProfile,
)
from storage.upsert import insert_new

ERASED_REASON = "Ended early: the member left the program"
MEMBER_ERASED = "pairing.member_left"
# What stands where a goal or task text someone wrote was removed (the column holds text).
REMOVED = "(removed at the author's request)"
_WRITTEN_GOALS = ("goal.added", "goal.edited")
_CLOSED_GOALS = ("goal.achieved", "goal.dropped", "goal.reopened")


def pseudonym(user_id: str, key: str) -> str:
    """The same stand-in for ``user_id`` wherever it is used: "X" and 12 hex digits, keyed so
    a list of workspace ids cannot be hashed to find whom it stands for."""
    digest = hmac.new(key.encode(), user_id.encode(), hashlib.sha256).hexdigest()
    return "X" + digest[:12].upper()


def _written_by(session: Session, user_id: str, kinds: tuple[str, ...]) -> list[int]:
    return [
        subject
        for subject in session.scalars(
            select(Activity.subject_id).where(
                Activity.actor_id == user_id,
                Activity.kind.in_(kinds),
                Activity.subject_id.is_not(None),
            )
        )
        if subject is not None
    ]


def remove_free_text(session: Session, user_id: str) -> None:
    """Everything ``user_id`` typed: request notes, goals and tasks they wrote, reasons they
    gave, their check-in notes, the details of their changes, their profiles, their matching
    preferences, their cached name and zone."""
    session.execute(update(MentorRequest).where(MentorRequest.mentee_id == user_id).values(note=""))
    session.execute(update(Pairing).where(Pairing.ended_by == user_id).values(end_reason=None))
    goals = _written_by(session, user_id, _WRITTEN_GOALS)
    if goals:
        session.execute(update(Goal).where(Goal.id.in_(goals)).values(text=REMOVED))
    closed = _written_by(session, user_id, _CLOSED_GOALS)
    if closed:
        session.execute(update(Goal).where(Goal.id.in_(closed)).values(close_reason=None))
    tasks = _written_by(session, user_id, ("task.added",))
    if tasks:
        session.execute(update(Task).where(Task.id.in_(tasks)).values(text=REMOVED))
    session.execute(update(CheckIn).where(CheckIn.answered_by == user_id).values(note=None))
    # Why a mentor introduced their mentee to a colleague; what a mentee asked to be introduced to.
    mentored = select(Pairing.id).where(Pairing.mentor_id == user_id)
    session.execute(
        update(ColleagueIntroduction)
        .where(ColleagueIntroduction.pairing_id.in_(mentored))
        .values(why="")
    )
    mentee_of = select(Pairing.id).where(Pairing.mentee_id == user_id)
    session.execute(
        update(IntroductionAsk)
        .where(IntroductionAsk.pairing_id.in_(mentee_of))
        .values(looking_for="")
    )
    session.execute(update(Activity).where(Activity.actor_id == user_id).values(detail={}))
    # Their profiles are theirs alone: bio, notes, specialties, preferences all go.
    session.execute(delete(MentorProfile).where(MentorProfile.user_id == user_id))
    session.execute(delete(TraineeProfile).where(TraineeProfile.user_id == user_id))
    # What they wrote in feedback; their scores stay (pseudonymous) in the aggregates.
    session.execute(
        update(SessionRating).where(SessionRating.rater_id == user_id).values(note=None)
    )
    session.execute(
        update(ExitSurvey).where(ExitSurvey.user_id == user_id).values(helped=None, change=None)
    )
    # What they said in matching rounds (whom they ranked, whom they'd rather not take).
    session.execute(
        update(MatchParticipant)
        .where(MatchParticipant.user_id == user_id)
        .values(ranked=[], rather_not=[], suggestions=[])
    )
    session.execute(
        update(Person)
        .where(Person.user_id == user_id)
        .values(display_name="", tz=None, capacity=None, profile_fetched_at=None)
    )


# What a mention of an erased person becomes inside text (a goal, a digest the app drew): a
# mention of the pseudonym would draw as an unknown user, and the pseudonym is never shown.
FORMER_MEMBER = "a former member"


def _replace_in_json(value: Any, user_id: str, stand_in: str) -> Any:
    text = json.dumps(value).replace(f"<@{user_id}>", FORMER_MEMBER)
    return json.loads(text.replace(user_id, stand_in))


def replace_user_id(session: Session, user_id: str, stand_in: str) -> None:
    """Put ``stand_in`` wherever ``user_id`` appears, in every table: whole values and inside
    longer text alike, where a mention of them (``<@id>``, typed into someone else's goal or
    drawn in a digest) reads "a former member"."""
    pattern = f"%{user_id}%"
    people: Table = Person.__table__  # type: ignore[assignment]
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if table is people and column.name == "user_id":
                continue  # the key itself: a new row stands in for the person (below)
            if isinstance(column.type, String | Text):
                session.execute(
                    update(table)
                    .where(column.like(pattern))
                    .values(
                        {
                            column.name: func.replace(
                                func.replace(column, f"<@{user_id}>", FORMER_MEMBER),
                                user_id,
                                stand_in,
                            )
                        }
                    )
                )
            elif isinstance(column.type, JSON):
                keys = list(table.primary_key.columns)
                rows = session.execute(
                    select(*keys, column).where(cast(column, Text).like(pattern))
                ).all()
                for row in rows:
                    session.execute(
                        update(table)
                        .where(and_(*(key == row[i] for i, key in enumerate(keys))))
                        .values({column.name: _replace_in_json(row[-1], user_id, stand_in)})
                    )


def forget_dm_channels(session: Session, user_id: str) -> None:
    """Clear where the app's DMs to ``user_id`` stand: a DM channel id resolves back to its
    person with the bot token, so an erased person's must not stay behind (the messages can no
    longer be redrawn, and need not be: what they were about has ended)."""
    session.execute(
        update(Task).where(Task.assignee_id == user_id).values(dm_channel=None, dm_ts=None)
    )
    session.execute(
        update(MentorRequest)
        .where(MentorRequest.mentor_id == user_id)
        .values(mentor_channel=None, mentor_ts=None)
    )
    session.execute(
        update(ScheduledSend)
        .where(ScheduledSend.recipient == user_id)
        .values(channel=None, ts=None)
    )
    session.execute(
        update(Pairing)
        .where(or_(Pairing.mentor_id == user_id, Pairing.mentee_id == user_id))
        .values(share_proposal_channel=None, share_proposal_ts=None)
    )
    # The group DMs of the introductions they were in (as the mentee or the colleague), and the
    # DMs that asked them, as mentor, for one.
    mentee_of = select(Pairing.id).where(Pairing.mentee_id == user_id)
    session.execute(
        update(ColleagueIntroduction)
        .where(
            or_(
                ColleagueIntroduction.colleague_id == user_id,
                ColleagueIntroduction.pairing_id.in_(mentee_of),
            )
        )
        .values(channel=None, ts=None)
    )
    mentored = select(Pairing.id).where(Pairing.mentor_id == user_id)
    session.execute(
        update(IntroductionAsk)
        .where(IntroductionAsk.pairing_id.in_(mentored))
        .values(mentor_channel=None, mentor_ts=None)
    )
    session.execute(
        update(MeetingPlan).where(MeetingPlan.picker_id == user_id).values(channel=None, ts=None)
    )


def erase_person(
    session: Session, user_id: str, *, key: str, by: str, now: datetime
) -> tuple[Departure, str]:
    """Erase ``user_id`` (``by`` themselves or a coordinator): their open mentorships end and
    requests are withdrawn (returned, for the partners' notes), their free text goes, and
    their id is replaced by its pseudonym (also returned)."""
    stand_in = pseudonym(user_id, key)
    person = session.get(Person, user_id)
    if person is not None:
        person.is_deleted = True  # as for someone who left: no exit survey is asked of them
        session.flush()
    departure = end_everything_of(
        session, user_id, by=user_id, reason=ERASED_REASON, kind=MEMBER_ERASED, now=now
    )
    remove_free_text(session, user_id)
    forget_dm_channels(session, user_id)
    session.flush()
    person = session.get(Person, user_id)
    insert_new(
        session,
        Person,
        [
            {
                "user_id": stand_in,
                "display_name": "",
                "is_bot": False,
                "is_deleted": True,
                "left_at": person.left_at if person is not None else None,
                "erased_at": now,
            }
        ],
        key=[Person.user_id],
    )
    replace_user_id(session, user_id, stand_in)
    session.execute(delete(Person).where(Person.user_id == user_id))
    session.flush()
    session.expire_all()
    return departure, stand_in

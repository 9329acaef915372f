"""What the app holds about one person, read for ``/mentor my data`` and ``/mentor plan``.

Only what the person wrote, did, or already saw in Slack: their requests both ways, their
mentorships with the goals, tasks and reassessments both members see, their own check-in
answers and notes, and the changes they made. A partner appears by user id only; a partner's
private reason for ending, or their check-in notes, are not the person's to take away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.introductions import DELIVERED, introductions_of
from storage.models import (
    Activity,
    AuditEntry,
    CheckIn,
    ColleagueIntroduction,
    ExitSurvey,
    Goal,
    IntroductionAsk,
    MatchParticipant,
    MatchRound,
    MeetingPlan,
    MentorProfile,
    MentorRequest,
    Pairing,
    Person,
    Program,
    ProgramMember,
    PulseAnswer,
    Reassessment,
    SessionRating,
    Task,
    TraineeProfile,
    WaitingEntry,
)

JsonObject = dict[str, Any]


# A focus as its program words it (``None``: the installation's own list), never its slug.
FocusLabel = Callable[[int | None, str], str]


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _program_names(session: Session) -> dict[int, str]:
    return {p.id: p.name for p in session.scalars(select(Program))}


def pairings_of(session: Session, user_id: str) -> Sequence[Pairing]:
    return session.scalars(
        select(Pairing)
        .where(or_(Pairing.mentor_id == user_id, Pairing.mentee_id == user_id))
        .order_by(Pairing.started_at, Pairing.id)
    ).all()


def _goal(goal: Goal) -> JsonObject:
    return {
        "id": goal.id,
        "text": goal.text,
        "competency": goal.competency,
        "status": goal.status,
        "target_date": _when(goal.target_date),
        "created_at": _when(goal.created_at),
        "closed_at": _when(goal.closed_at),
        "close_reason": goal.close_reason,
    }


def _task(task: Task) -> JsonObject:
    return {
        "id": task.id,
        "goal_id": task.goal_id,
        "text": task.text,
        "assignee": task.assignee_id,
        "due_date": _when(task.due_date),
        "status": task.status,
        "completed_at": _when(task.completed_at),
        "completed_by": task.completed_by,
    }


def _reassessment(row: Reassessment) -> JsonObject:
    return {
        "at": _when(row.at),
        "goals_achieved": row.goals_achieved,
        "goals_dropped": row.goals_dropped,
        "goals_added": row.goals_added,
        "tasks_done": row.tasks_done,
        "tasks_dropped": row.tasks_dropped,
    }


def _by_pairing(rows: Sequence[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for row in rows:
        found.setdefault(row.pairing_id, []).append(row)
    return found


def _work(
    session: Session, ids: Sequence[int]
) -> tuple[dict[int, list[JsonObject]], dict[int, list[JsonObject]], dict[int, list[JsonObject]]]:
    """(goals, tasks, reassessments) of the mentorships ``ids``, each by mentorship as
    JSON-ready values: what both the export and the learning plan show of a mentorship's work."""
    goals = session.scalars(
        select(Goal).where(Goal.pairing_id.in_(ids)).order_by(Goal.created_at, Goal.id)
    ).all()
    tasks = session.scalars(select(Task).where(Task.pairing_id.in_(ids)).order_by(Task.id)).all()
    reassessments = session.scalars(
        select(Reassessment).where(Reassessment.pairing_id.in_(ids)).order_by(Reassessment.at)
    ).all()
    return (
        {k: [_goal(g) for g in v] for k, v in _by_pairing(goals).items()},
        {k: [_task(t) for t in v] for k, v in _by_pairing(tasks).items()},
        {k: [_reassessment(r) for r in v] for k, v in _by_pairing(reassessments).items()},
    )


def _introductions(
    session: Session, ids: Sequence[int], *, with_why: bool
) -> dict[int, list[JsonObject]]:
    """The introductions made in the mentorships ``ids`` (their why only for the pair's own
    export: the learning plan can reach coordinators, who never see it)."""
    return {
        pairing_id: [
            {
                "colleague": row.colleague_id,
                "status": row.status,
                "made_at": _when(row.made_at),
                "answered_at": _when(row.answered_at),
                **({"why": row.why} if with_why else {}),
            }
            for row in rows
        ]
        for pairing_id, rows in introductions_of(session, ids).items()
    }


def _asks(session: Session, ids: Sequence[int]) -> dict[int, list[JsonObject]]:
    asks = session.scalars(
        select(IntroductionAsk)
        .where(IntroductionAsk.pairing_id.in_(ids), IntroductionAsk.mentor_ts.is_not(None))
        .order_by(IntroductionAsk.asked_at, IntroductionAsk.id)
    ).all()
    return {
        k: [
            {
                "looking_for": a.looking_for,
                "asked_at": _when(a.asked_at),
                "answered_at": _when(a.answered_at),
            }
            for a in v
        ]
        for k, v in _by_pairing(asks).items()
    }


def personal_data(session: Session, user_id: str, focus: FocusLabel) -> JsonObject:
    """Everything held about ``user_id``, as JSON-ready values."""
    names = _program_names(session)
    person = session.get(Person, user_id)
    pairings = pairings_of(session, user_id)
    ids = [p.id for p in pairings]
    goals, tasks, reassessments = _work(session, ids)
    introductions = _introductions(session, ids, with_why=True)
    asks = _asks(session, ids)
    meetings = _by_pairing(
        session.scalars(
            select(MeetingPlan)
            .where(MeetingPlan.pairing_id.in_(ids))
            .order_by(MeetingPlan.created_at, MeetingPlan.id)
        ).all()
    )
    introduced_to_me = session.execute(
        select(ColleagueIntroduction, Pairing)
        .join(Pairing, Pairing.id == ColleagueIntroduction.pairing_id)
        .where(
            ColleagueIntroduction.colleague_id == user_id,
            ColleagueIntroduction.status.in_(DELIVERED),
        )
        .order_by(ColleagueIntroduction.made_at, ColleagueIntroduction.id)
    ).all()
    checkins = _by_pairing(
        session.scalars(
            select(CheckIn).where(CheckIn.pairing_id.in_(ids)).order_by(CheckIn.slot_at)
        ).all()
    )
    requests = session.scalars(
        select(MentorRequest)
        .where(or_(MentorRequest.mentee_id == user_id, MentorRequest.mentor_id == user_id))
        .order_by(MentorRequest.created_at, MentorRequest.id)
    ).all()
    memberships = session.scalars(
        select(ProgramMember).where(ProgramMember.user_id == user_id).order_by(ProgramMember.id)
    ).all()
    activity = session.scalars(
        select(Activity).where(Activity.actor_id == user_id).order_by(Activity.at, Activity.id)
    ).all()
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.actor == user_id).order_by(AuditEntry.at)
    ).all()
    mentor_profile = session.get(MentorProfile, user_id)
    trainee_profile = session.get(TraineeProfile, user_id)
    waiting = session.scalars(
        select(WaitingEntry).where(WaitingEntry.user_id == user_id).order_by(WaitingEntry.id)
    ).all()
    rounds = session.execute(
        select(MatchParticipant, MatchRound)
        .join(MatchRound, MatchRound.id == MatchParticipant.round_id)
        .where(MatchParticipant.user_id == user_id)
        .order_by(MatchRound.created_at, MatchRound.id)
    ).all()
    ratings = session.scalars(
        select(SessionRating).where(SessionRating.rater_id == user_id).order_by(SessionRating.id)
    ).all()
    exits = session.scalars(
        select(ExitSurvey).where(ExitSurvey.user_id == user_id).order_by(ExitSurvey.id)
    ).all()
    pulses = session.scalars(
        select(PulseAnswer).where(PulseAnswer.user_id == user_id).order_by(PulseAnswer.id)
    ).all()
    return {
        "user_id": user_id,
        "profile": {
            "display_name": person.display_name if person else "",
            "timezone": person.tz if person else None,
            "capacity": person.capacity if person else None,
        },
        "programs": [
            {
                "program": names.get(m.program_id, ""),
                "role": m.role,
                "source": m.source,
                "added_at": _when(m.added_at),
            }
            for m in memberships
        ],
        "requests_made": [
            {
                "id": r.id,
                "program": names.get(r.program_id, ""),
                "mentor": r.mentor_id,
                "focus": focus(r.program_id, r.focus),
                "note": r.note,
                "status": r.status,
                "created_at": _when(r.created_at),
            }
            for r in requests
            if r.mentee_id == user_id
        ],
        "requests_received": [
            {
                "id": r.id,
                "program": names.get(r.program_id, ""),
                "mentee": r.mentee_id,
                "focus": focus(r.program_id, r.focus),
                "note": r.note,  # addressed to them: they read it in Slack
                "status": r.status,
                "created_at": _when(r.created_at),
            }
            for r in requests
            if r.mentor_id == user_id
        ],
        "mentorships": [
            {
                "id": p.id,
                "program": names.get(p.program_id, ""),
                "role": "mentor" if p.mentor_id == user_id else "mentee",
                "partner": p.mentee_id if p.mentor_id == user_id else p.mentor_id,
                "focus": focus(p.program_id, p.focus),
                "status": p.status,
                "started_at": _when(p.started_at),
                "ended_at": _when(p.ended_at),
                # A reason is the writer's: the partner's stays private to coordinators.
                "end_reason": p.end_reason if p.ended_by == user_id else None,
                "cadence": p.cadence,
                "meeting_format": p.meeting_format,
                "goals": goals.get(p.id, []),
                "tasks": tasks.get(p.id, []),
                "checkins": [
                    {
                        "slot_at": _when(c.slot_at),
                        "answer": c.answer,
                        "answered_by": c.answered_by,
                        "answered_at": _when(c.answered_at),
                        "note": c.note if c.answered_by == user_id else None,
                        "duration_minutes": c.duration_minutes,
                    }
                    for c in checkins.get(p.id, [])
                ],
                "reassessments": reassessments.get(p.id, []),
                "introductions": introductions.get(p.id, []),
                "introductions_asked": asks.get(p.id, []),
                "meetings_planned": [
                    {
                        "proposed_by": m.proposed_by,
                        "offered_to": m.picker_id,
                        "times_offered": list(m.options),
                        "status": m.status,
                        "starts_at": _when(m.starts_at),
                    }
                    for m in meetings.get(p.id, [])
                ],
            }
            for p in pairings
        ],
        "introductions_to_you": [
            {
                "mentee": pairing.mentee_id,
                "by_mentor": pairing.mentor_id,
                "status": row.status,
                "made_at": _when(row.made_at),
                "answered_at": _when(row.answered_at),
                "why": row.why,
            }
            for row, pairing in introduced_to_me
        ],
        "activity": [
            {
                "at": _when(a.at),
                "kind": a.kind,
                "mentorship": a.pairing_id,
                "subject_id": a.subject_id,
                "detail": a.detail,
            }
            for a in activity
        ],
        "mentor_profile": None
        if mentor_profile is None
        else {
            "listed": mentor_profile.listed,
            "open": mentor_profile.open,
            "focus_areas": [focus(None, key) for key in mentor_profile.focus_areas],
            "specialty": mentor_profile.specialty,
            "specialty_other": mentor_profile.specialty_other,
            "stages": mentor_profile.stages,
            "formats": mentor_profile.formats,
            "languages": mentor_profile.languages,
            "bio": mentor_profile.bio,
            "updated_at": _when(mentor_profile.updated_at),
        },
        "trainee_profile": None
        if trainee_profile is None
        else {
            "stage": trainee_profile.stage,
            "specialty": trainee_profile.specialty,
            "specialty_other": trainee_profile.specialty_other,
            "focus_areas": [focus(None, key) for key in trainee_profile.focus_areas],
            "note": trainee_profile.note,
            "updated_at": _when(trainee_profile.updated_at),
        },
        "waiting_list": [
            {
                "program": names.get(w.program_id, ""),
                "focus": focus(w.program_id, w.focus),
                "status": w.status,
                "joined_at": _when(w.joined_at),
            }
            for w in waiting
        ],
        "matching_rounds": [
            {
                "program": names.get(r.program_id, ""),
                "focus": focus(r.program_id, r.focus),
                "role": p.role,
                "round_status": r.status,
                "suggested_to_you": p.suggestions,
                "your_ranking": p.ranked,
                "rather_not": p.rather_not,
            }
            for p, r in rounds
        ],
        "feedback_given": [
            *(
                {
                    "kind": "session rating",
                    "mentorship": r.pairing_id,
                    "score": r.score,
                    "note": r.note,
                    "at": _when(r.rated_at),
                }
                for r in ratings
            ),
            *(
                {
                    "kind": "exit survey",
                    "mentorship": e.pairing_id,
                    "goals_met": e.goals_met,
                    "recommend": e.recommend,
                    "helped": e.helped,
                    "change": e.change,
                    "share_text": e.share_text,
                    "at": _when(e.answered_at),
                }
                for e in exits
                if e.answered_at is not None
            ),
            *(
                {"kind": "pulse", "answers": p.answers, "at": _when(p.answered_at)}
                for p in pulses
                if p.answered_at is not None
            ),
        ],
        "coordinator_actions": [
            {
                "at": _when(e.at),
                "program": names.get(e.program_id or 0, ""),
                "action": e.action,
                "subject": e.subject,
            }
            for e in audit
        ],
    }


def learning_plan(
    session: Session, trainee_id: str, pairing_ids: Sequence[int], focus: FocusLabel
) -> JsonObject:
    """The trainee's goals, tasks and reassessments in these mentorships (where they are the
    mentee), as JSON-ready values for the plan document."""
    names = _program_names(session)
    pairings = session.scalars(
        select(Pairing)
        .where(Pairing.id.in_(list(pairing_ids)), Pairing.mentee_id == trainee_id)
        .order_by(Pairing.started_at, Pairing.id)
    ).all()
    ids = [p.id for p in pairings]
    goals, tasks, reassessments = _work(session, ids)
    introductions = _introductions(session, ids, with_why=False)
    return {
        "trainee": trainee_id,
        "mentorships": [
            {
                "program": names.get(p.program_id, ""),
                "mentor": p.mentor_id,
                "focus": focus(p.program_id, p.focus),
                "status": p.status,
                "started_at": _when(p.started_at),
                "ended_at": _when(p.ended_at),
                "goals": goals.get(p.id, []),
                "tasks": tasks.get(p.id, []),
                "reassessments": reassessments.get(p.id, []),
                "introductions": introductions.get(p.id, []),
            }
            for p in pairings
        ],
    }

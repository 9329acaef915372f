"""Typed SQLAlchemy models: programs, people, profiles, the waiting list, requests, pairings,
goals, tasks, check-ins, matching rounds, the outbox, the audit log and the installation's
state.

No ``from __future__ import annotations`` here: SQLAlchemy reads each ``Mapped[...]``
annotation, and real ones spare it evaluating a string per column (9 ms of every start)."""

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

USER_ID = String(32)
SHORT = String(32)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) as on
    PostgreSQL (``timestamptz``). Naive datetimes are refused: they are always a bug here."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


def _open_pairing_clause() -> Any:
    return text("status IN ('active', 'paused')")


class Program(Base):
    """A training program: its coordinators, channel and rhythm. A column left empty takes the
    installation's setting of the same name, so the default program (made from the settings)
    keeps following them until someone edits it."""

    __tablename__ = "programs"
    # The required-mentorship probe: programs whose trainees are due a look (few have a rule).
    __table_args__ = (Index("ix_programs_required_next", "required_next_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # Lower-cased name: names are unique whatever their case.
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    digest_channel: Mapped[str | None] = mapped_column(SHORT)
    focus_areas: Mapped[list[str] | None] = mapped_column(JSON)
    competencies: Mapped[list[str] | None] = mapped_column(JSON)
    specialties: Mapped[list[str] | None] = mapped_column(JSON)
    default_cadence: Mapped[str | None] = mapped_column(SHORT)
    reassess_every_weeks: Mapped[int | None] = mapped_column(Integer)
    request_reminder_days: Mapped[int | None] = mapped_column(Integer)
    request_expiry_days: Mapped[int | None] = mapped_column(Integer)
    digest_weekday: Mapped[int | None] = mapped_column(Integer)
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM"
    timezone: Mapped[str | None] = mapped_column(String(64))
    open_to_join: Mapped[bool] = mapped_column(Boolean, default=False)
    # Membership kept in step with a Slack user group or channel, when one is linked.
    member_usergroup: Mapped[str | None] = mapped_column(SHORT)
    member_channel: Mapped[str | None] = mapped_column(SHORT)
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(USER_ID)
    # Whether a "We met" check-in offers the usefulness rating; NULL means on.
    meeting_feedback: Mapped[bool | None] = mapped_column(Boolean)
    # Required mentorship: every trainee should have a mentor within this many days of joining,
    # or by this date (at most one of the two is set); and when the tick next looks for the
    # trainees whose reminder has come (NULL when there is no rule).
    mentor_within_days: Mapped[int | None] = mapped_column(Integer)
    mentor_by: Mapped[date | None] = mapped_column(Date)
    required_next_at: Mapped[datetime | None]


class ProgramMember(Base):
    """Someone's place in a program: ``member`` (mentor or mentee) or ``coordinator``; ``source``
    says how they came in (added, joined, usergroup, channel, pairing, migration)."""

    __tablename__ = "program_members"
    __table_args__ = (
        UniqueConstraint("program_id", "user_id", "role", name="uq_program_member_role"),
        Index("ix_program_members_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    user_id: Mapped[str] = mapped_column(USER_ID)
    role: Mapped[str] = mapped_column(SHORT)
    source: Mapped[str] = mapped_column(SHORT)
    added_at: Mapped[datetime]
    added_by: Mapped[str | None] = mapped_column(USER_ID)


class Person(Base):
    """Someone the app has met in Slack, with what it caches of their profile."""

    __tablename__ = "people"
    # The retention probe: people who left before the cutoff (few have left at all).
    __table_args__ = (Index("ix_people_left_at", "left_at"),)

    user_id: Mapped[str] = mapped_column(USER_ID, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    tz: Mapped[str | None] = mapped_column(String(64))
    profile_fetched_at: Mapped[datetime | None]
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the app learnt that they left the workspace (deactivated, or unreachable for good).
    left_at: Mapped[datetime | None]
    # Set once the person's data was erased: this row then stands for them under a pseudonym.
    erased_at: Mapped[datetime | None]
    capacity: Mapped[int | None] = mapped_column(Integer)
    # The program a coordinator last chose to see on their Home (checked again on every read).
    home_program_id: Mapped[int | None] = mapped_column(Integer)


class MentorProfile(Base):
    """Someone's mentor profile: one per person, whatever their programs. ``listed`` is the
    opt-in (a hidden profile is in no directory and no suggestion); ``open`` is "taking new
    mentees now". Capacity stays on :class:`Person`; the time zone comes from Slack."""

    __tablename__ = "mentor_profiles"

    user_id: Mapped[str] = mapped_column(ForeignKey("people.user_id"), primary_key=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    focus_areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # focus slugs
    specialty: Mapped[str | None] = mapped_column(String(64))  # a specialty slug, or "other"
    specialty_other: Mapped[str | None] = mapped_column(String(80))
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)  # career stages mentored
    formats: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    # People the mentor assesses or supervises: never paired with them (private to the
    # mentor and the coordinators of the programs they share).
    conflicts: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TraineeProfile(Base):
    """What someone looking for a mentor says about themselves: one per person."""

    __tablename__ = "trainee_profiles"

    user_id: Mapped[str] = mapped_column(ForeignKey("people.user_id"), primary_key=True)
    stage: Mapped[str | None] = mapped_column(SHORT)
    specialty: Mapped[str | None] = mapped_column(String(64))
    specialty_other: Mapped[str | None] = mapped_column(String(80))
    focus_areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # focus slugs sought
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WaitingEntry(Base):
    """A trainee waiting for a mentor in one program and focus, because nobody fitted.

    ``waiting`` until a fitting mentor has a free place; then ``notified`` (told once, with the
    mentor named in ``notified_mentor_id``), or ``left`` when they leave the list."""

    __tablename__ = "waiting_list"
    __table_args__ = (
        Index(
            "uq_waiting_entry",
            "program_id",
            "user_id",
            "focus",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
        Index("ix_waiting_list_status_program", "status", "program_id", "focus"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("people.user_id"), index=True)
    focus: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(SHORT)
    joined_at: Mapped[datetime]
    notified_at: Mapped[datetime | None]
    notified_mentor_id: Mapped[str | None] = mapped_column(USER_ID)
    left_at: Mapped[datetime | None]


class FreedPlace(Base):
    """The fact that a mentor has a place again (a mentorship of theirs ended or never
    started, their limit rose, their profile opened or showed again), recorded in the same
    transaction as the change. The waiting list hears of it from here, once, by the next tick
    (``offered_at``), whatever made the place free."""

    __tablename__ = "freed_places"
    __table_args__ = (Index("ix_freed_places_unoffered", "offered_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[str] = mapped_column(USER_ID)
    cause: Mapped[str] = mapped_column(SHORT)
    at: Mapped[datetime]
    offered_at: Mapped[datetime | None]


class MentorRequest(Base):
    """A mentee asking someone to mentor them for one focus."""

    __tablename__ = "mentor_requests"
    __table_args__ = (
        Index(
            "uq_pending_request",
            "program_id",
            "mentee_id",
            "mentor_id",
            "focus",
            unique=True,
            # One open request per mentee, mentor and focus, while being sent or waiting.
            sqlite_where=text("status IN ('sending', 'pending')"),
            postgresql_where=text("status IN ('sending', 'pending')"),
        ),
        # The scheduler's due queries filter on status and a due time, and order by the time.
        Index("ix_mentor_requests_due_reminder", "status", "remind_at"),
        Index("ix_mentor_requests_due_expiry", "status", "expires_at"),
        # The retention probe: requests whose note is still kept, by age.
        Index(
            "ix_mentor_requests_noted",
            "created_at",
            sqlite_where=text("note <> ''"),
            postgresql_where=text("note <> ''"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    mentee_id: Mapped[str] = mapped_column(ForeignKey("people.user_id"), index=True)
    mentor_id: Mapped[str] = mapped_column(ForeignKey("people.user_id"), index=True)
    focus: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(SHORT, index=True)
    created_at: Mapped[datetime]
    suggested_id: Mapped[str | None] = mapped_column(USER_ID)
    remind_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    mentor_channel: Mapped[str | None] = mapped_column(SHORT)
    mentor_ts: Mapped[str | None] = mapped_column(SHORT)


class Pairing(Base):
    """A mentor and a mentee working together on one focus, with their agreed rhythm."""

    __tablename__ = "pairings"
    __table_args__ = (
        Index(
            "uq_open_pairing",
            "program_id",
            "mentor_id",
            "mentee_id",
            "focus",
            unique=True,
            sqlite_where=_open_pairing_clause(),
            postgresql_where=_open_pairing_clause(),
        ),
        # What the scheduler's due queries filter on (status, a due time) and order by (the
        # time, then id), so a tick with nothing due reads an empty index range.
        Index("ix_pairings_due_checkin", "status", "next_checkin_at", "id"),
        Index("ix_pairings_due_reassess", "status", "next_reassess_at", "id"),
        Index("ix_pairings_due_pause_end", "status", "paused_until", "id"),
        # The retention probe: ended pairings whose text is not purged yet, by end time.
        Index("ix_pairings_unpurged_ended", "purged_at", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    mentor_id: Mapped[str] = mapped_column(ForeignKey("people.user_id"), index=True)
    mentee_id: Mapped[str] = mapped_column(ForeignKey("people.user_id"), index=True)
    focus: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(SHORT)
    origin: Mapped[str] = mapped_column(SHORT)  # "request" or "assignment"
    assigned_by: Mapped[str | None] = mapped_column(USER_ID)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(USER_ID)
    end_reason: Mapped[str | None] = mapped_column(Text)
    end_reason_visibility: Mapped[str | None] = mapped_column(SHORT)
    # The agreed rhythm; empty until the pair establishes communication.
    cadence: Mapped[str | None] = mapped_column(SHORT)
    weekday: Mapped[int | None] = mapped_column(Integer)
    local_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM"
    monthly_nth: Mapped[int | None] = mapped_column(Integer)
    monthly_day: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str | None] = mapped_column(String(64))
    meeting_format: Mapped[str | None] = mapped_column(SHORT)
    cadence_anchor: Mapped[date | None] = mapped_column(Date)
    next_checkin_at: Mapped[datetime | None]
    reassess_every_weeks: Mapped[int] = mapped_column(Integer, default=4)
    next_reassess_at: Mapped[datetime | None]
    paused_until: Mapped[datetime | None]
    unanswered_checkins: Mapped[int] = mapped_column(Integer, default=0)
    # Each member's consent to share the pair's goal and task text with coordinators, and
    # since when; the text is shared only while both are set.
    mentor_shares_at: Mapped[datetime | None]
    mentee_shares_at: Mapped[datetime | None]
    # The proposal DM to the member asked, redrawn once the proposal is over.
    share_proposal_channel: Mapped[str | None] = mapped_column(SHORT)
    share_proposal_ts: Mapped[str | None] = mapped_column(SHORT)
    last_activity_at: Mapped[datetime]
    # When its free text was purged, RETENTION_MONTHS after it ended (dates and counts stay).
    purged_at: Mapped[datetime | None]


class Goal(Base):
    """A specific goal a pair agreed."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date)
    competency: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(SHORT, default="open")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(Text)


class Task(Base):
    """Something a mentor asked to be done, optionally towards a goal."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"))
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    assignee_id: Mapped[str] = mapped_column(USER_ID)
    status: Mapped[str] = mapped_column(SHORT, default="open")
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(USER_ID)
    dm_channel: Mapped[str | None] = mapped_column(SHORT)
    dm_ts: Mapped[str | None] = mapped_column(SHORT)


class Activity(Base):
    """Who changed what, when: the history of goals, tasks and pairings that reports read."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_pairing_at", "pairing_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairings.id"))
    actor_id: Mapped[str | None] = mapped_column(USER_ID)
    kind: Mapped[str] = mapped_column(String(48), index=True)  # e.g. "goal.achieved"
    subject_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(index=True)


class Reassessment(Base):
    """One reassess-and-refine round and what it changed."""

    __tablename__ = "reassessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    at: Mapped[datetime]
    goals_achieved: Mapped[int] = mapped_column(Integer, default=0)
    goals_dropped: Mapped[int] = mapped_column(Integer, default=0)
    goals_added: Mapped[int] = mapped_column(Integer, default=0)
    tasks_done: Mapped[int] = mapped_column(Integer, default=0)
    tasks_dropped: Mapped[int] = mapped_column(Integer, default=0)


class CheckIn(Base):
    """One scheduled check-in of a pair and how they answered it."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("pairing_id", "slot_at", name="uq_checkin_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    slot_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(SHORT)  # met, rescheduled, skipped
    answered_by: Mapped[str | None] = mapped_column(USER_ID)
    answered_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)


class ScheduledSend(Base):
    """The outbox: one row per message the scheduler owes, keyed so it goes out exactly once.

    A row is claimed (``status='claimed'``, ``claimed_at``) before the Web API call and marked
    ``sent`` or ``failed`` after it. A claim older than the claim timeout is taken to belong to
    a process that died mid-send and is retried. A row enqueued for later (a check-in that
    falls outside its recipient's working hours) waits as ``pending`` until ``due_at``."""

    __tablename__ = "scheduled_sends"
    __table_args__ = (
        # Pending rows by due time, and claims by age (the crash rule's look-up).
        Index("ix_scheduled_sends_due", "status", "due_at", "id"),
        Index("ix_scheduled_sends_claims", "status", "claimed_at"),
        # A tapped message's claimed place, matched against what was sent there.
        Index("ix_scheduled_sends_message", "channel", "ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(SHORT, index=True)
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairings.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_requests.id"))
    recipient: Mapped[str | None] = mapped_column(SHORT)
    slot_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(SHORT)  # pending, claimed, sent, failed, skipped
    due_at: Mapped[datetime | None]  # when a pending row may be claimed and sent
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(SHORT)
    ts: Mapped[str | None] = mapped_column(SHORT)
    # What was posted (JSON: text and blocks), kept for messages redrawn row by row later (the
    # digest's at-risk rows), so a redraw starts from what the app drew, never from a payload.
    drawn: Mapped[str | None] = mapped_column(Text)


class OpenedView(Base):
    """A modal the app opened for a person: the only views a payload may have updated, and
    only for that person (a view id in a payload is the client's word)."""

    __tablename__ = "opened_views"

    view_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(USER_ID)
    opened_at: Mapped[datetime] = mapped_column(index=True)


class ProcessedEvent(Base):
    """Events API deliveries already handled, so Slack's retries have no second effect."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class AuditEntry(Base):
    """One coordinator action (assign, reassign, close, nudge, report, forget, match approval):
    who did what to whom in which program, and when. Coordinators download their program's."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_program_at", "program_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    actor: Mapped[str] = mapped_column(USER_ID)
    action: Mapped[str] = mapped_column(String(48))
    # Whom or what the action was about: a user id, or ``pairing:<id>`` and the like.
    subject: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class InstallationState(Base):
    """The one row of what the installation itself is in: whether Slack removed the app (or
    revoked its token), so the scheduler stops sending instead of failing every send."""

    __tablename__ = "installation_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    sending_stopped_at: Mapped[datetime | None]
    stopped_because: Mapped[str | None] = mapped_column(SHORT)


class MatchRound(Base):
    """A program-wide matching round: who is in it, their preferences until ``deadline``, then
    a proposal the program's coordinators approve pair by pair or all at once."""

    __tablename__ = "match_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    focus: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(SHORT, index=True)  # collecting, proposed, approved, ...
    deadline: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime]
    proposed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(USER_ID)
    decided_at: Mapped[datetime | None]
    # When retention cleared the participants' ranks, suggestions and "rather not" lists.
    purged_at: Mapped[datetime | None]


class MatchParticipant(Base):
    """A trainee or mentor in a round, with what they said: a trainee's ranked mentors (and the
    suggestions they were shown), a mentor's places and the trainees they would rather not take."""

    __tablename__ = "match_participants"
    __table_args__ = (UniqueConstraint("round_id", "user_id", "role", name="uq_match_participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id"), index=True)
    user_id: Mapped[str] = mapped_column(USER_ID)
    role: Mapped[str] = mapped_column(SHORT)  # trainee or mentor
    places: Mapped[int] = mapped_column(Integer, default=0)
    suggestions: Mapped[list[str]] = mapped_column(JSON, default=list)
    ranked: Mapped[list[str]] = mapped_column(JSON, default=list)
    rather_not: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime | None]


class MatchPair(Base):
    """One proposed pair of a round, its reason, and whether it was approved (``pairing_id``)."""

    __tablename__ = "match_pairs"
    __table_args__ = (UniqueConstraint("round_id", "trainee_id", name="uq_match_pair_trainee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id"), index=True)
    trainee_id: Mapped[str] = mapped_column(USER_ID)
    mentor_id: Mapped[str | None] = mapped_column(USER_ID)  # None: unmatched
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(SHORT)  # proposed, unmatched, removed, approved
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairings.id"))
    decided_by: Mapped[str | None] = mapped_column(USER_ID)
    decided_at: Mapped[datetime | None]


class SessionRating(Base):
    """How useful one member found one met check-in (1-5), with an optional private note.
    Never shown on its own: only aggregates of enough people's ratings are."""

    __tablename__ = "session_ratings"
    __table_args__ = (
        UniqueConstraint("checkin_id", "rater_id", name="uq_session_rating"),
        Index("ix_session_ratings_program_at", "program_id", "rated_at"),
        Index("ix_session_ratings_mentor", "mentor_id", "rated_at"),
        # The retention probe: ratings old enough to fold, in any program.
        Index("ix_session_ratings_rated_at", "rated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id"))
    rater_id: Mapped[str] = mapped_column(USER_ID)
    # The pairing's mentor, whose teaching the rating is evidence of (when the mentee rates).
    mentor_id: Mapped[str] = mapped_column(USER_ID)
    focus: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime]


class RatingWeek(Base):
    """One week and focus of a program's usefulness ratings, folded into counts when its
    ratings passed the retention period: the cell :func:`storage.feedback.rating_cells` reads
    in place of the ratings, so the digest's and the report's figures stay as they were."""

    __tablename__ = "rating_weeks"
    __table_args__ = (UniqueConstraint("program_id", "week_start", "focus", name="uq_rating_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    week_start: Mapped[datetime]
    focus: Mapped[str] = mapped_column(String(64))
    people: Mapped[int] = mapped_column(Integer)
    answers: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)


class ExitBlock(Base):
    """A whole block of enough people's end-of-mentorship answers of one focus (see
    :func:`bot.feedback.in_blocks`), folded into counts when all of them passed the retention
    period: ``counts`` maps each answer (a 0-10 recommendation, or all/some/none) to how many
    gave it. The figures to date count it exactly as they counted the answers."""

    __tablename__ = "exit_blocks"
    __table_args__ = (Index("ix_exit_blocks_program", "program_id", "focus"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    focus: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(SHORT)  # recommend or goals
    people: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    folded_at: Mapped[datetime]


class ExitSurvey(Base):
    """The survey one member of an ended mentorship is asked once, and their answers."""

    __tablename__ = "exit_surveys"
    __table_args__ = (
        UniqueConstraint("pairing_id", "user_id", name="uq_exit_survey"),
        Index("ix_exit_surveys_program_answered", "program_id", "answered_at"),
        Index("ix_exit_surveys_mentor", "mentor_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    user_id: Mapped[str] = mapped_column(USER_ID)
    role: Mapped[str] = mapped_column(SHORT)  # mentor or mentee
    mentor_id: Mapped[str] = mapped_column(USER_ID)
    focus: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    goals_met: Mapped[str | None] = mapped_column(SHORT)  # all, some, none
    recommend: Mapped[int | None] = mapped_column(Integer)  # 0-10, mentees only
    helped: Mapped[str | None] = mapped_column(Text)
    change: Mapped[str | None] = mapped_column(Text)
    # The writer agreed to show their text to coordinators, without their name.
    share_text: Mapped[bool] = mapped_column(Boolean, default=False)


class Pulse(Base):
    """A short survey a coordinator sent to every active member of a program."""

    __tablename__ = "pulses"
    __table_args__ = (Index("ix_pulses_open", "closed_at", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    created_by: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime]
    questions: Mapped[list[str]] = mapped_column(JSON)
    remind_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class PulseAnswer(Base):
    """One person asked in a pulse, and their answers once they gave them."""

    __tablename__ = "pulse_answers"
    __table_args__ = (UniqueConstraint("pulse_id", "user_id", name="uq_pulse_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulses.id"))
    user_id: Mapped[str] = mapped_column(USER_ID)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None]


class SlackBudget(Base):
    """One of Slack's budgets shared by every process of the installation (PostgreSQL): when the
    next call is on time at the steady rate, in seconds since the epoch by the database's own
    clock (``bot.pacing``'s generic cell rate algorithm, booked under the row's lock)."""

    __tablename__ = "slack_budgets"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    due: Mapped[float] = mapped_column(Float)


class IntroductionAsk(Base):
    """A mentee asking their mentor for an introduction ("someone in interventional radiology
    research"), and the DM that asked the mentor, redrawn once someone was introduced. One
    per submitted form (a retried submission finds its own row)."""

    __tablename__ = "introduction_asks"
    __table_args__ = (
        UniqueConstraint("pairing_id", "submission", name="uq_introduction_ask_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    submission: Mapped[str] = mapped_column(String(64))  # the form's view id
    looking_for: Mapped[str] = mapped_column(Text, default="")
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    mentor_channel: Mapped[str | None] = mapped_column(SHORT)
    mentor_ts: Mapped[str | None] = mapped_column(SHORT)


class ColleagueIntroduction(Base):
    """A mentor introducing their mentee to a colleague: a group DM of the mentee, the colleague
    and the app (its channel and message recorded, to redraw), and the colleague's answer.
    Made once per mentorship and colleague; ``why`` is the mentor's words to them both."""

    __tablename__ = "introductions"
    __table_args__ = (
        UniqueConstraint("pairing_id", "colleague_id", name="uq_introduction"),
        # The digest and the report count introductions made in a window.
        Index("ix_introductions_made_at", "made_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"), index=True)
    colleague_id: Mapped[str] = mapped_column(USER_ID, index=True)
    why: Mapped[str] = mapped_column(Text, default="")
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("introduction_asks.id"))
    # sending (the group DM is on its way), made, accepted ("Happy to talk"), declined ("Not now")
    status: Mapped[str] = mapped_column(SHORT)
    made_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(SHORT)
    ts: Mapped[str | None] = mapped_column(SHORT)


def _offered_plan_clause() -> Any:
    return text("status = 'offered'")


class MeetingPlan(Base):
    """A member's **Plan our next meeting**: times offered to the other member (in a DM the app
    recorded, to redraw), and the one they picked. A mentorship has at most one offer waiting
    for a pick at a time."""

    __tablename__ = "meeting_plans"
    __table_args__ = (
        Index(
            "uq_meeting_plan_offered",
            "pairing_id",
            unique=True,
            sqlite_where=_offered_plan_clause(),
            postgresql_where=_offered_plan_clause(),
        ),
        # A check-in reads the meetings agreed around its day.
        Index("ix_meeting_plans_agreed", "pairing_id", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id"))
    proposed_by: Mapped[str] = mapped_column(USER_ID)
    picker_id: Mapped[str] = mapped_column(USER_ID)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO instants, UTC
    # offered, agreed, declined, lapsed, moved, withdrawn, ended (storage/meeting_plans.py)
    status: Mapped[str] = mapped_column(SHORT)
    starts_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(SHORT)
    ts: Mapped[str | None] = mapped_column(SHORT)

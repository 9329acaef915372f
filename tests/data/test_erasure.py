"""Erasure (``/mentor forget``): a marker written into every text field a person can fill is
gone from every text column of every table afterwards, and so is their user id; the partner's
records and past weeks' digest numbers stay. Through the running app, on both databases."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, Engine, String, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from bot.programs import Source
from bot.settings import Settings
from handlers import ids
from handlers.flows.audit import build_audit_csv
from storage.audit import record_audit
from storage.checkins import record_answer
from storage.goals import add_goal, set_goal_status
from storage.introductions import (
    deliver_ask,
    deliver_introduction,
    open_introduction,
    record_ask,
)
from storage.models import (
    AuditEntry,
    Base,
    CheckIn,
    ExitSurvey,
    Goal,
    MatchParticipant,
    MatchRound,
    MentorProfile,
    Pairing,
    Person,
    ScheduledSend,
    SessionRating,
    TraineeProfile,
    WaitingEntry,
)
from storage.outbox import NewSend, enqueue_many
from storage.pairings import close_pairing, create_pairing, record
from storage.programs import add_members, default_program_id
from storage.reports import Period, digest_numbers
from storage.tasks import add_task
from tests.clock import FrozenClock
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER, make_settings
from tests.data.test_audit import nursing_coordinated_by, replied
from tests.handlers.helpers import all_text, buttons, dms_to, last_dm, typed
from tests.handlers.test_pairings import pair
from tests.harness import Harness, running_harness
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import dm_channel_id

ADMIN = "U0ADMIN01"
REASON = "Asked in writing, ticket HR-2231 <!channel>"


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack) -> Settings:
    fake_slack.add_user(ADMIN, "gina", real_name="Gina Admin", tz="America/New_York")
    return make_settings(database_url=db_url, slack_api_url=fake_slack.base_url, admins=ADMIN)


MARKER = "Zq7MARKERx"
PAST_WEEK = Period(
    start=datetime(2026, 11, 16, 5, 0, tzinfo=UTC), end=datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
)
SEEDED_AT = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)

# Every text column a person can fill (directly, or as Slack tells us their name); the test
# below fails when a new text column appears that is in neither list, so that whoever adds
# one decides whether erasure must clear it.
PERSON_TEXT = {
    ("people", "display_name"),
    ("mentor_requests", "note"),
    ("pairings", "end_reason"),
    ("goals", "text"),
    ("goals", "close_reason"),
    ("tasks", "text"),
    ("checkins", "note"),
    ("activity", "detail"),
    ("mentor_profiles", "bio"),
    ("mentor_profiles", "specialty_other"),
    ("trainee_profiles", "note"),
    ("trainee_profiles", "specialty_other"),
    ("session_ratings", "note"),
    ("exit_surveys", "helped"),
    ("exit_surveys", "change"),
    ("introductions", "why"),  # the mentor's words
    ("introduction_asks", "looking_for"),  # the mentee's words
}
# Profile choices from the program's lists and whom someone ranked: not free text, but theirs,
# so erasure removes them too (the profile rows go; ranked lists are emptied).
PERSON_CHOICES = {
    ("mentor_profiles", "focus_areas"),
    ("mentor_profiles", "stages"),
    ("mentor_profiles", "formats"),
    ("mentor_profiles", "languages"),
    ("mentor_profiles", "conflicts"),  # people they assess or supervise: goes with the profile
    ("trainee_profiles", "focus_areas"),
    ("match_participants", "ranked"),
    ("match_participants", "rather_not"),
    ("match_participants", "suggestions"),
}
NOT_PERSON_TEXT = {
    ("scheduled_sends", "error"),  # Slack's error codes
    ("scheduled_sends", "drawn"),  # a digest as the app drew it: ids in it are replaced
    ("match_pairs", "reason"),  # written by the app ("their 1st choice")
    ("pulses", "questions"),  # written by coordinators
    ("pulse_answers", "answers"),  # scores only, kept (pseudonymous) for the aggregates
    ("exit_blocks", "counts"),  # how many gave each answer in a folded block: no one's own
    # Written by the app about coordinator actions, or an erasure's reason as the coordinator or
    # admin gave it (their words, not the erased person's).
    ("audit_log", "detail"),
    ("meeting_plans", "options"),  # times the app offered, worked out from both zones
    ("programs", "name"),  # set by admins, not members
    ("programs", "name_key"),
    ("programs", "focus_areas"),
    ("programs", "competencies"),
    ("programs", "specialties"),
}


def remaining_mentions(session: Session, needles: list[str]) -> list[tuple[str, str]]:
    """(table, column) of every string, text or JSON column of every table still holding any
    of ``needles``."""
    found: list[tuple[str, str]] = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            text = column if isinstance(column.type, String | Text) else cast(column, Text)
            hits = session.scalar(
                select(func.count())
                .select_from(table)
                .where(or_(*(text.like(f"%{needle}%") for needle in needles)))
            )
            if hits:
                found.append((table.name, column.name))
    return found


def test_every_free_text_column_is_classified() -> None:
    text_columns = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Text | JSON)
        or (isinstance(column.type, String) and (column.type.length or 0) > 64)
    }
    text_columns -= {("scheduled_sends", "dedupe_key")}  # keys the app makes
    known = PERSON_TEXT | PERSON_CHOICES | NOT_PERSON_TEXT
    assert text_columns <= known, text_columns - known


def _pair(harness: Harness, note: str) -> int:
    harness.command(f"ask <@{MENTOR}> research {note}", user_id=MENTEE)
    value = buttons(last_dm(harness, MENTOR).args["blocks"])[ids.REQUEST_ACCEPT]["value"]
    harness.block_action(user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=value)
    with harness.session() as session:
        return session.scalars(
            select(Pairing.id).where(Pairing.mentee_id == MENTEE, Pairing.mentor_id == MENTOR)
        ).one()


def seed(harness: Harness) -> int:
    """MENTEE fills every field they can with MARKER, in the past week and now; returns the
    mentorship with MENTOR, which is still open."""
    harness.clock.set(SEEDED_AT)
    pairing_id = _pair(harness, f"request note {MARKER}")
    harness.command(f"goal add <@{MENTOR}> goal {MARKER}", user_id=MENTEE)
    harness.command(f"goal add <@{MENTEE}> Mentor's own goal for <@{MENTEE}>", user_id=MENTOR)
    with harness.session() as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        now = SEEDED_AT
        add_task(session, pairing, text=f"task {MARKER}", by=MENTEE, assignee_id=MENTEE, now=now)
        dropped = add_goal(session, pairing, text=f"dropped {MARKER}", by=MENTEE, now=now)
        set_goal_status(session, pairing, dropped, "dropped", by=MENTEE, now=now, reason=MARKER)
        kept = add_goal(session, pairing, text="Present at grand rounds", by=MENTOR, now=now)
        set_goal_status(session, pairing, kept, "achieved", by=MENTOR, now=now)
        checkin = CheckIn(pairing_id=pairing.id, slot_at=now, sent_at=now)
        session.add(checkin)
        session.flush()
        record_answer(session, pairing, checkin, "met", by=MENTEE, now=now, note=MARKER, minutes=30)
        session.add(
            SessionRating(
                program_id=pairing.program_id,
                pairing_id=pairing.id,
                checkin_id=checkin.id,
                rater_id=MENTEE,
                mentor_id=MENTOR,
                focus="research",
                score=4,
                note=f"rating {MARKER}",
                rated_at=now,
            )
        )
        record(session, pairing, actor_id=MENTEE, kind="pairing.paused", now=now, until=MARKER)
        ask, _ = record_ask(
            session, pairing_id=pairing.id, submission="V0ASK", looking_for=f"ask {MARKER}", now=now
        )
        deliver_ask(session, ask.id, dm_channel_id(MENTOR), "1700000000.000100")
        # MENTEE mentors someone too, and introduced them to a colleague in their own words.
        mentoring = create_pairing(
            session,
            program_id=pairing.program_id,
            mentor_id=MENTEE,
            mentee_id=STRANGER,
            focus="research",
            origin="request",
            now=now,
        )
        opened = open_introduction(
            session,
            pairing_id=mentoring.id,
            colleague_id=MENTOR2,
            why=f"why {MARKER}",
            ask_id=None,
            now=now,
        )
        deliver_introduction(session, opened.introduction.id, "G0GROUP01", "1700000000.000200")
        close_pairing(
            session,
            mentoring,
            by=MENTEE,
            completed=True,
            reason=None,
            reason_visibility="nobody",
            now=now,
        )
        earlier = create_pairing(
            session,
            program_id=pairing.program_id,
            mentor_id=MENTOR2,
            mentee_id=MENTEE,
            focus="research",
            origin="request",
            now=now,
        )
        session.add(
            ExitSurvey(
                program_id=pairing.program_id,
                pairing_id=earlier.id,
                user_id=MENTEE,
                role="mentee",
                mentor_id=MENTOR2,
                focus="research",
                created_at=now,
                answered_at=now,
                goals_met="some",
                recommend=8,
                helped=f"helped {MARKER}",
                change=f"change {MARKER}",
            )
        )
        close_pairing(
            session,
            earlier,
            by=MENTEE,
            completed=False,
            reason=f"reason {MARKER}",
            reason_visibility="coordinators",
            now=now + timedelta(hours=1),
        )
        record_audit(
            session,
            program_id=pairing.program_id,
            actor=COORDINATOR,
            action="nudge",
            subject=MENTEE,
            now=now,
        )
    harness.clock.set(NOW)
    harness.command(f"ask <@{MENTOR2}> research now {MARKER}", user_id=MENTEE)
    with harness.session() as session:
        enqueue_many(
            session,
            [
                NewSend(
                    key=f"checkin/{pairing_id}/{MENTEE}",
                    kind="checkin",
                    slot_at=NOW + timedelta(days=2),
                    due_at=NOW + timedelta(days=2),
                    pairing_id=pairing_id,
                    recipient=MENTEE,
                )
            ],
        )
        person = session.get(Person, MENTEE)
        assert person is not None
        person.display_name = f"Alice {MARKER}"  # as Slack would tell us a name
        program_id = default_program_id(session)
        session.add_all(
            [
                MentorProfile(
                    user_id=MENTEE,
                    bio=f"bio {MARKER}",
                    specialty="other",
                    specialty_other=f"specialty {MARKER}",
                    focus_areas=["research"],
                    created_at=NOW,
                    updated_at=NOW,
                ),
                TraineeProfile(
                    user_id=MENTEE,
                    note=f"note {MARKER}",
                    specialty="other",
                    specialty_other=f"wish {MARKER}",
                    focus_areas=["research"],
                    created_at=NOW,
                    updated_at=NOW,
                ),
                WaitingEntry(
                    program_id=program_id,
                    user_id=MENTEE,
                    focus="clinical-skills",
                    status="waiting",
                    joined_at=NOW,
                ),
            ]
        )
        round_ = MatchRound(
            program_id=program_id,
            focus="clinical-skills",
            status="collecting",
            deadline=NOW + timedelta(days=7),
            created_by=COORDINATOR,
            created_at=NOW,
        )
        session.add(round_)
        session.flush()
        session.add_all(
            [
                MatchParticipant(
                    round_id=round_.id,
                    user_id=MENTEE,
                    role="trainee",
                    suggestions=[MENTOR2],
                    ranked=[MENTOR2],
                    rather_not=[],
                ),
                MatchParticipant(
                    round_id=round_.id,
                    user_id=MENTOR2,
                    role="mentor",
                    places=2,
                    suggestions=[],
                    ranked=[],
                    rather_not=[MENTEE],
                ),
            ]
        )
    return pairing_id


def _counts(session: Session) -> dict[str, Any]:
    numbers = asdict(digest_numbers(session, PAST_WEEK, PAST_WEEK.end, default_program_id(session)))
    # What the week counted; "now" figures (open pairs, pending requests) may move, and the
    # erased person's own reasons go with their text.
    for now_figure in (
        "active_pairings",
        "pending_requests",
        "oldest_pending",
        "waiting_mentees",
        "shared_end_reasons",
        "mentors_at_capacity",
        "failed_sends",
    ):
        numbers.pop(now_figure)
    return numbers


def confirm_forget(harness: Harness, user_id: str, reason: str | None = None) -> dict[str, Any]:
    """Submit the **Forget** form ``/mentor forget`` just opened, as ``user_id``; its reply."""
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.FORGET_VIEW
    values = {}
    if reason is not None:
        values = {ids.FORGET_REASON_BLOCK: {ids.FORGET_REASON_INPUT: typed(reason)}}
    response = harness.view_submission(
        user_id=user_id,
        callback_id=ids.FORGET_VIEW,
        private_metadata=view["private_metadata"],
        values=values,
    )
    return response.json() if response.body.strip() else {}


def _audit(harness: Harness, action: str) -> list[AuditEntry]:
    with harness.session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def test_forget_me_leaves_no_marker_and_no_user_id(harness: Harness) -> None:
    pairing_id = seed(harness)
    with harness.session() as session:
        assert set(remaining_mentions(session, [MARKER])) >= PERSON_TEXT
        past = _counts(session)
        pairings_before = session.scalar(select(func.count()).select_from(Pairing))
    told_before = len(dms_to(harness, MENTOR))

    harness.command("forget me", user_id=MENTEE)
    with harness.session() as session:
        assert remaining_mentions(session, [MARKER]) != []  # nothing yet: only the modal
    confirm_forget(harness, MENTEE)

    with harness.session() as session:
        assert remaining_mentions(session, [MARKER, MENTEE]) == []
        assert _counts(session) == past
        assert session.scalar(select(func.count()).select_from(Pairing)) == pairings_before
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        assert pairing.status == "ended"
        assert pairing.mentee_id.startswith("X")
        mentor_goals = session.scalars(
            select(Goal.text).where(Goal.pairing_id == pairing_id, Goal.status != "dropped")
        ).all()
        assert "Present at grand rounds" in mentor_goals
        assert "Mentor's own goal for a former member" in mentor_goals
        assert session.get(Person, MENTEE) is None
        sends = session.scalars(select(ScheduledSend)).all()
        assert [
            s for s in sends if s.status == "pending" and s.recipient == pairing.mentee_id
        ] == []
        # The partner is still asked about the mentorship that ended (and the mentee whose
        # mentorship MENTEE completed, about that one).
        assert [(s.kind, s.recipient) for s in sends if s.status == "pending"] == [
            ("exit.survey", STRANGER),
            ("exit.survey", MENTOR2),
            ("exit.survey", MENTOR),
        ]
        # Off the waiting list and out of the round still collecting; the other mentor's
        # "rather not" list names the pseudonym.
        assert session.scalars(select(WaitingEntry.status)).all() == ["left"]
        assert session.scalars(select(MatchParticipant.rather_not)).all() == [[pairing.mentee_id]]
    told = dms_to(harness, MENTOR)[told_before:]
    assert len(told) == 1
    assert "no longer taking part" in all_text(told[0].args["blocks"])
    assert MENTEE not in json.dumps(told[0].args)
    response = harness.command("list", user_id=MENTOR)  # the partner's records still draw
    assert "went wrong" not in replied(harness, response)
    home = json.dumps(harness.fake.home_views[MENTOR])
    assert MENTEE not in home
    assert pairing.mentee_id not in home  # the pseudonym is never shown either


def test_an_admin_erases_with_a_reason_audited_and_the_person_told_first(
    harness: Harness,
) -> None:
    seed(harness)
    harness.command(f"forget <@{MENTEE}>", user_id=ADMIN)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert "can't be undone" in all_text(view["blocks"])
    # The reason is required.
    assert confirm_forget(harness, ADMIN, "")["response_action"] == "errors"
    with harness.session() as session:
        assert session.get(Person, MENTEE) is not None
    confirm_forget(harness, ADMIN, REASON)
    with harness.session() as session:
        assert remaining_mentions(session, [MARKER, MENTEE]) == []
    # Told by DM, with the reason escaped, before anything was erased (the last DM they got).
    notice = last_dm(harness, MENTEE)
    assert "is erasing your data" in notice.args["text"]
    assert "HR-2231 &lt;!channel&gt;" in all_text(notice.args["blocks"])
    (entry,) = _audit(harness, "forget")
    assert entry.actor == ADMIN
    assert entry.detail == REASON
    assert entry.subject is not None
    assert entry.subject.startswith("X")


def test_a_coordinator_asks_the_admins_and_erases_nothing_themselves(harness: Harness) -> None:
    seed(harness)
    harness.command(f"forget <@{MENTEE}>", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert "for the workspace's admins" in all_text(view["blocks"])
    confirm_forget(harness, COORDINATOR, REASON)
    with harness.session() as session:
        assert set(remaining_mentions(session, [MARKER])) >= PERSON_TEXT
    (asked,) = _audit(harness, "forget.requested")
    assert (asked.actor, asked.subject, asked.detail) == (COORDINATOR, MENTEE, REASON)
    assert _audit(harness, "forget") == []
    request = last_dm(harness, ADMIN)
    review = buttons(request.args["blocks"])[ids.FORGET_REVIEW]
    assert "&lt;!channel&gt;" in all_text(request.args["blocks"])

    # Nobody but an admin can open it; the admin's own form carries the reason.
    for who in (COORDINATOR, MENTEE):
        harness.block_action(user_id=who, action_id=ids.FORGET_REVIEW, value=review["value"])
    assert harness.fake.calls_to("views.open")[-1].args["view"] == view
    harness.block_action(user_id=ADMIN, action_id=ids.FORGET_REVIEW, value=review["value"])
    admin_form = harness.fake.calls_to("views.open")[-1].args["view"]
    reason_input = next(
        b for b in admin_form["blocks"] if b.get("block_id") == ids.FORGET_REASON_BLOCK
    )
    assert reason_input["element"]["initial_value"] == REASON
    confirm_forget(harness, ADMIN, REASON)
    with harness.session() as session:
        assert remaining_mentions(session, [MARKER, MENTEE]) == []
        assert session.get(Person, MENTEE) is None
    (erased,) = _audit(harness, "forget")
    assert erased.actor == ADMIN
    # The request's subject became the pseudonym with everything else.
    assert _audit(harness, "forget.requested")[0].subject == erased.subject


def test_a_coordinator_cannot_erase_another_programs_coordinator(harness: Harness) -> None:
    # A coordinator can add anyone to their program; that must not let them erase people.
    seed(harness)
    nursing = nursing_coordinated_by(harness, STRANGER)
    with harness.session() as session:
        add_members(session, nursing, [COORDINATOR], source=Source.ADDED, now=harness.clock())
        main = default_program_id(session)
        record_audit(
            session, program_id=main, actor=COORDINATOR, action="nudge", subject="pair:9", now=NOW
        )
    harness.command(f"forget <@{COORDINATOR}> in Nursing fellowship", user_id=STRANGER)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.FORGET_VIEW,
        private_metadata=view["private_metadata"],
        values={ids.FORGET_REASON_BLOCK: {ids.FORGET_REASON_INPUT: typed("gone")}},
    )
    assert _audit(harness, "forget") == []
    assert [e.subject for e in _audit(harness, "forget.requested")] == [COORDINATOR]
    # The default program's log still names its coordinator: nothing was rewritten.
    ((actor, program_id),) = [
        (e.actor, e.program_id) for e in _audit(harness, "nudge") if e.subject == "pair:9"
    ]
    assert (actor, program_id) == (COORDINATOR, main)


def test_a_coordinators_own_erasure_leaves_their_entries_to_a_former_coordinator(
    harness: Harness,
) -> None:
    seed(harness)
    nursing = nursing_coordinated_by(harness, COORDINATOR)
    with harness.session() as session:
        for program_id in (default_program_id(session), nursing):
            record_audit(session, program_id=program_id, actor=COORDINATOR, action="nudge", now=NOW)
    harness.command("forget me", user_id=COORDINATOR)
    confirm_forget(harness, COORDINATOR)
    entries = _audit(harness, "nudge")
    assert len({e.actor for e in entries}) == 1  # one pseudonym in every program
    assert entries[0].actor.startswith("X")
    rows = build_audit_csv(entries).decode().splitlines()
    assert all(f"a former coordinator ({entries[0].actor})" in row for row in rows[1:])


@pytest.mark.parametrize("forger", [STRANGER, MENTOR])
def test_forged_confirmations_change_nothing(harness: Harness, forger: str) -> None:
    seed(harness)
    with harness.session() as session:
        program = default_program_id(session)
    for metadata in (
        json.dumps({"user": MENTEE, "program": program}),
        json.dumps({"user": MENTEE, "program": None}),
        "not json",
    ):
        harness.view_submission(
            user_id=forger, callback_id=ids.FORGET_VIEW, private_metadata=metadata, values={}
        )
    with harness.session() as session:
        assert set(remaining_mentions(session, [MARKER])) >= PERSON_TEXT
        assert session.get(Person, MENTEE) is not None


def test_a_coordinator_of_another_program_cannot_forget(harness: Harness) -> None:
    seed(harness)
    nursing = nursing_coordinated_by(harness, STRANGER)
    response = harness.command(f"forget <@{MENTEE}>", user_id=STRANGER)
    assert "isn't in" in replied(harness, response)
    assert harness.fake.calls_to("views.open") == []
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.FORGET_VIEW,
        private_metadata=json.dumps({"user": MENTEE, "program": nursing}),
        values={},
    )
    with harness.session() as session:
        assert session.get(Person, MENTEE) is not None
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "forget")).all() == []


def test_members_cannot_forget_someone_else(harness: Harness) -> None:
    response = harness.command(f"forget <@{MENTOR}>", user_id=MENTEE)
    assert "program coordinators" in replied(harness, response)
    assert harness.fake.calls_to("views.open") == []


def test_without_admins_a_coordinator_is_told_who_can_help(
    db_url: str, engine: Engine, fake_slack: FakeSlack, clock: FrozenClock
) -> None:
    no_admins = make_settings(database_url=db_url, slack_api_url=fake_slack.base_url)
    with running_harness(no_admins, engine, fake_slack, clock) as harness:
        seed(harness)
        response = harness.command(f"forget <@{MENTEE}>", user_id=COORDINATOR)
        assert "none are set up yet" in replied(harness, response)
        assert harness.fake.calls_to("views.open") == []


def test_after_forget_me_no_row_holds_their_dm_channel(harness: Harness) -> None:
    """A DM channel id resolves back to its person with the bot token: once someone is
    erased, no task, request, proposal or send keeps theirs."""
    pair(harness, MENTOR)  # the mentee's "you're paired" DMs
    harness.command("task add Revise the CV", user_id=MENTOR)  # a task DM to the mentee
    harness.command(f"ask <@{MENTEE}> career", user_id=MENTOR2)  # the mentee asked to mentor
    channel = dm_channel_id(MENTEE)
    with harness.session() as session:
        assert ("tasks", "dm_channel") in remaining_mentions(session, [channel])
        assert ("mentor_requests", "mentor_channel") in remaining_mentions(session, [channel])

    harness.command("forget me", user_id=MENTEE)
    confirm_forget(harness, MENTEE)

    with harness.session() as session:
        assert remaining_mentions(session, [channel]) == []


def test_a_drawn_digest_names_an_erased_member_as_a_former_member(harness: Harness) -> None:
    seed(harness)
    drawing = json.dumps(
        {"text": f"<@{MENTEE}> has not checked in", "blocks": [{"text": f"*<@{MENTEE}>* & co"}]}
    )
    with harness.session() as session:
        session.add(
            ScheduledSend(
                dedupe_key="digest:erasure-test",
                kind="digest.weekly",
                recipient=None,
                slot_at=harness.clock(),
                status="sent",
                channel="C0DIGEST01",
                ts="1700000000.000100",
                drawn=drawing,
            )
        )
    harness.command("forget me", user_id=MENTEE)
    confirm_forget(harness, MENTEE)
    with harness.session() as session:
        drawn = session.scalar(
            select(ScheduledSend.drawn).where(ScheduledSend.dedupe_key == "digest:erasure-test")
        )
    assert drawn is not None
    assert json.loads(drawn) == {
        "text": "a former member has not checked in",
        "blocks": [{"text": "*a former member* & co"}],
    }


def test_the_forget_form_lists_everything_that_goes() -> None:
    from handlers.blocks.forget import ForgetMode, ForgetRequest, build_forget_modal
    from tests.handlers.helpers import all_text

    view = build_forget_modal(ForgetRequest(MENTEE, None), mode=ForgetMode.SELF, program_name=None)
    text = all_text(view["blocks"])
    for what in (
        "goals and tasks",
        "check-in notes and feedback comments",
        "mentor and trainee profiles",
        "matching preferences",
        "waiting lists and in matching rounds",
        "open mentorships end",
        "waiting requests are withdrawn",
    ):
        assert what in text, what

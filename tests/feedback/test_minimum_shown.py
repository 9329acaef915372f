"""The minimum-responses rule against every feedback figure people see, end to end: the digest,
a mentor's Home, the report's feedback CSV and the teaching record. Fewer than the minimum of
people (however many answers they gave, whatever period is asked for) shows only “fewer than 5
responses”; a coordinator of another program sees none of it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from handlers import ids
from storage.checkins import record_checkins
from storage.feedback import record_rating
from storage.models import CheckIn, ExitSurvey, Pairing
from storage.pairings import create_pairing
from storage.programs import default_program
from tests.conftest import COORDINATOR, MENTOR, MENTOR2
from tests.handlers.helpers import all_text
from tests.handlers.test_home_tab import home_opened, published_to
from tests.harness import Harness

NOW = datetime(2026, 12, 3, 15, tzinfo=UTC)  # a Thursday
MENTEES = [f"U0FB{n:05d}" for n in range(12)]


def _rate(
    harness: Harness,
    mentees: list[str],
    score: int,
    at: datetime,
    *,
    mentor: str = MENTOR,
    focus: str = "research",
    times: int = 1,
) -> None:
    """Each mentee meets ``mentor`` and rates the meeting ``times`` times, at ``at``."""
    with harness.session() as session:
        program_id = default_program(session).id
        for mentee in mentees:
            pairing = session.scalar(
                select(Pairing).where(
                    Pairing.mentor_id == mentor, Pairing.mentee_id == mentee, Pairing.focus == focus
                )
            ) or create_pairing(
                session,
                program_id=program_id,
                mentor_id=mentor,
                mentee_id=mentee,
                focus=focus,
                origin="request",
                now=at - timedelta(days=60),
            )
            for n in range(times):
                slot = at - timedelta(hours=n + 1)
                record_checkins(session, {pairing.id: slot}, slot)
                checkin = session.scalar(
                    select(CheckIn).where(CheckIn.pairing_id == pairing.id, CheckIn.slot_at == slot)
                )
                assert checkin is not None
                checkin.answer, checkin.answered_at = "met", at
                record_rating(
                    session, pairing, checkin, rater_id=mentee, score=score, note=None, now=at
                )


def _digest_text(harness: Harness) -> str:
    harness.clock.set(NOW)
    harness.command("digest", user_id=COORDINATOR)
    return all_text(harness.fake.calls_to("response_url")[-1].args["blocks"])


def test_the_digest_shows_usefulness_only_for_enough_people(harness: Harness) -> None:
    # Four people, one of them rating twenty times: still four people. The figure is of the
    # last whole week (Monday to Monday), the cell every usefulness figure is made of.
    _rate(harness, MENTEES[:3], 5, NOW - timedelta(days=9))
    _rate(harness, MENTEES[3:4], 1, NOW - timedelta(days=9), times=20)
    text = _digest_text(harness)
    assert "Session usefulness this week: fewer than 5 responses" in text
    assert "/ 5" not in text
    _rate(harness, MENTEES[4:5], 4, NOW - timedelta(days=8))
    text = _digest_text(harness)
    assert "Session usefulness this week: " in text
    assert "(5 people)" in text
    assert "fewer than 5 responses" in text  # the earlier weeks and the end-of-mentorship


def test_home_shows_a_mentor_their_feedback_only_in_whole_groups(harness: Harness) -> None:
    harness.clock.set(NOW)
    _rate(harness, MENTEES[:4], 5, NOW - timedelta(days=3))
    home_opened(harness, MENTOR)
    shown = all_text(published_to(harness, MENTOR)[-1].args["view"]["blocks"])
    assert "Your feedback to date" not in shown
    _rate(harness, MENTEES[4:5], 3, NOW - timedelta(days=2))
    home_opened(harness, MENTOR)
    shown = all_text(published_to(harness, MENTOR)[-1].args["view"]["blocks"])
    assert "Meetings rated useful: 4.6 / 5 (5+ people)" in shown
    # One more rating: the figure moves only when another whole group of five has answered,
    # so the mentor cannot tell what the sixth person gave.
    _rate(harness, MENTEES[5:6], 1, NOW - timedelta(days=1))
    home_opened(harness, MENTOR)
    shown = all_text(published_to(harness, MENTOR)[-1].args["view"]["blocks"])
    assert "Meetings rated useful: 4.6 / 5 (5+ people)" in shown
    # Another mentor, rated by two people, sees nothing.
    _rate(harness, MENTEES[6:8], 5, NOW - timedelta(days=1), mentor=MENTOR2)
    home_opened(harness, MENTOR2)
    assert "Your feedback" not in all_text(
        published_to(harness, MENTOR2)[-1].args["view"]["blocks"]
    )


def _report(harness: Harness, text: str = "report") -> dict[str, list[dict[str, str]]]:
    harness.clock.set(NOW)
    before = len(harness.fake.files)
    harness.command(text, user_id=COORDINATOR)
    files = {f.filename: f.content.decode() for f in harness.fake.files[before:]}
    return {name: list(csv.DictReader(io.StringIO(content))) for name, content in files.items()}


def test_the_feedback_csv_withholds_small_foci_and_leaves_them_out_of_the_total(
    harness: Harness,
) -> None:
    last_week = NOW - timedelta(days=7)  # inside the complete week of 23-29 November
    _rate(harness, MENTEES[:5], 4, last_week)
    _rate(harness, MENTEES[5:7], 1, last_week, focus="clinical-skills")
    rows = {r["focus"]: r for r in _report(harness, "report 2026-11-23 2026-11-29")["feedback.csv"]}
    assert rows["Research"]["usefulness_answers"] == "5"
    assert rows["Research"]["usefulness_weeks_counted"] == "1"
    assert rows["Research"]["usefulness_mean"] == "4.0"
    assert rows["Clinical skills"]["usefulness_answers"] == "fewer than 5 responses"
    assert rows["Clinical skills"]["usefulness_mean"] == ""
    # The total is the shown foci only: it minus Research gives nothing about Clinical skills.
    assert rows["All focus areas"]["usefulness_mean"] == "4.0"
    assert rows["All focus areas"]["usefulness_answers"] == "5"
    # The digest's figure for that week counts the same cells: 3.7 (all seven) minus the
    # Research row would give the two Clinical-skills ratings away.
    before = len(harness.fake.calls_to("response_url"))
    answer = harness.command("digest", user_id=COORDINATOR)
    shown = [answer.json()] if answer.body.strip() else []
    shown += [c.args for c in harness.fake.calls_to("response_url")[before:]]
    digest = " ".join(all_text(reply.get("blocks") or []) for reply in shown)
    assert "4.0 / 5 (5 people)" in digest
    assert "3.1" not in digest


def test_a_narrow_period_cannot_narrow_the_figure(harness: Harness) -> None:
    _rate(harness, MENTEES[:5], 4, NOW - timedelta(days=7, hours=2))
    _rate(harness, MENTEES[5:6], 1, NOW - timedelta(days=7))
    # One day inside that week: no whole week, so no figure, however the days are chosen.
    for period in ("report 2026-11-26 2026-11-26", "report 2026-11-24 2026-12-03"):
        rows = {r["focus"]: r for r in _report(harness, period)["feedback.csv"]}
        for row in rows.values():
            assert row["usefulness_mean"] == ""
    rows = {r["focus"]: r for r in _report(harness, "report 2026-11-23 2026-12-03")["feedback.csv"]}
    assert rows["Research"]["usefulness_answers"] == "6"


def test_the_teaching_record_shows_feedback_only_for_enough_mentees(harness: Harness) -> None:
    _rate(harness, MENTEES[:5], 5, NOW - timedelta(days=3))
    _rate(harness, MENTEES[5:9], 5, NOW - timedelta(days=3), mentor=MENTOR2)
    rows = {r["mentor"]: r for r in _report(harness)["teaching-record.csv"]}
    assert rows[MENTOR]["usefulness_to_date"] == "5.0 / 5 (5+ people)"
    assert rows[MENTOR2]["usefulness_to_date"] == "fewer than 5 responses"


def answered_exit(
    harness: Harness, mentee: str, focus: str, recommend: int | None, goals: str, at: datetime
) -> None:
    """``mentee``'s mentorship with MENTOR in ``focus``, ended, its exit survey answered at
    ``at`` (a mentor's survey carries no recommendation)."""
    with harness.session() as session:
        program_id = default_program(session).id
        pairing = create_pairing(
            session,
            program_id=program_id,
            mentor_id=MENTOR,
            mentee_id=mentee,
            focus=focus,
            origin="request",
            now=at - timedelta(days=85),
        )
        session.add(
            ExitSurvey(
                program_id=program_id,
                pairing_id=pairing.id,
                user_id=mentee,
                role="mentee",
                mentor_id=MENTOR,
                focus=focus,
                created_at=at,
                answered_at=at,
                goals_met=goals,
                recommend=recommend,
                share_text=False,
            )
        )


def test_recommend_scores_need_enough_mentees(harness: Harness) -> None:
    for n, mentee in enumerate(MENTEES[:5]):
        answered_exit(
            harness,
            mentee,
            "research",
            10 if n < 4 else None,
            "all",
            NOW - timedelta(days=5) + timedelta(minutes=n),
        )
    text = _digest_text(harness)
    assert "would recommend their mentor fewer than 5 responses" in text
    assert "goals met all 100%, some 0%, none 0% (5 people)" in text


def test_a_pulse_button_is_kept_out_of_the_digest(harness: Harness) -> None:
    # The digest carries no feedback buttons: nothing a coordinator can tap to reach answers.
    _rate(harness, MENTEES[:5], 4, NOW - timedelta(days=2))
    harness.clock.set(NOW)
    harness.command("digest", user_id=COORDINATOR)
    blocks = harness.fake.calls_to("response_url")[-1].args["blocks"]
    assert ids.PULSE_OPEN not in str(blocks)
    assert ids.EXIT_SURVEY_OPEN not in str(blocks)


def _exit(
    session: object, mentee: str, n: int, *, share: bool, text: str, focus: str = "research"
) -> None:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    program_id = default_program(session).id
    pairing = create_pairing(
        session,
        program_id=program_id,
        mentor_id=MENTOR,
        mentee_id=mentee,
        focus=focus,
        origin="request",
        now=NOW - timedelta(days=90),
    )
    session.add(
        ExitSurvey(
            program_id=program_id,
            pairing_id=pairing.id,
            user_id=mentee,
            role="mentee",
            mentor_id=MENTOR,
            focus=focus,
            created_at=NOW - timedelta(days=5),
            answered_at=NOW - timedelta(days=5) + timedelta(minutes=n),
            goals_met="some",
            recommend=8,
            helped=text,
            share_text=share,
        )
    )


def test_shared_words_only_unnamed_in_whole_blocks_and_never_unshared(harness: Harness) -> None:
    with harness.session() as session:
        for n, mentee in enumerate(MENTEES[:4]):
            _exit(session, mentee, n, share=True, text=f"shared {n}" if n else "=HYPERLINK(x)")
        _exit(session, MENTEES[4], 4, share=False, text="private words")
    rows = _report(harness)["feedback-comments.csv"]
    assert rows == []  # four writers: not yet a whole block
    with harness.session() as session:
        _exit(session, MENTEES[5], 5, share=True, text="shared 5")
        _exit(session, MENTEES[6], 6, share=True, text="shared 6")
    rows = _report(harness)["feedback-comments.csv"]
    assert [r["what_helped_most"] for r in rows] == [
        "'=HYPERLINK(x)",  # a formula never runs in a spreadsheet
        "shared 1",
        "shared 2",
        "shared 3",
        "shared 5",
    ]
    assert all(set(r) == {"focus", "what_helped_most", "what_should_change"} for r in rows)
    assert "private words" not in str(rows)


def test_two_previews_a_moment_apart_never_differ_by_one_rating(harness: Harness) -> None:
    # Six people rated last week, six more this week, and one more rates just after the first
    # preview: a window ending at the moment of asking would move by that one rating between
    # the two previews, and the two means would give its score away.
    _rate(harness, MENTEES[:6], 4, NOW - timedelta(days=8))
    _rate(harness, MENTEES[6:12], 5, NOW - timedelta(days=2))
    harness.clock.set(NOW)
    harness.command("digest", user_id=COORDINATOR)
    first = all_text(harness.fake.calls_to("response_url")[-1].args["blocks"])
    _rate(harness, MENTEES[6:7], 1, NOW + timedelta(minutes=30))
    harness.clock.set(NOW + timedelta(hours=1))
    harness.command("digest", user_id=COORDINATOR)
    second = all_text(harness.fake.calls_to("response_url")[-1].args["blocks"])
    usefulness = [line for line in second.splitlines() if "Session usefulness this week" in line]
    assert usefulness
    assert usefulness[0] in first
    assert "4.0 / 5 (6 people)" in usefulness[0]


def test_shared_words_never_name_a_focus_fewer_writers_share(harness: Harness) -> None:
    # Five writers make a whole block, but only one ended in Clinical skills: naming that focus
    # beside their words would point to them.
    with harness.session() as session:
        for n, mentee in enumerate(MENTEES[:5]):
            _exit(session, mentee, n, share=True, text=f"research words {n}")
        for n, mentee in enumerate(MENTEES[5:9], start=5):
            _exit(session, mentee, n, share=True, text=f"research words {n}")
        _exit(session, MENTEES[9], 9, share=True, text="lonely words", focus="clinical-skills")
    rows = _report(harness)["feedback-comments.csv"]
    lonely = [r for r in rows if r["what_helped_most"] == "lonely words"]
    assert len(lonely) == 1
    assert lonely[0]["focus"] == "Other focus areas"
    assert "Clinical skills" not in str(rows)
    assert {r["focus"] for r in rows if r["what_helped_most"] != "lonely words"} == {"Research"}


def test_the_digest_and_the_csv_show_one_end_of_mentorship_table(harness: Harness) -> None:
    """One Clinical-skills answer, then six Research ones: the digest's figure is the total of
    feedback.csv's foci (Research's first whole block), never a block of its own that would take
    the Clinical-skills answer in and differ from the CSV by it."""
    answers = [("clinical-skills", MENTEES[0], 0)] + [("research", m, 10) for m in MENTEES[1:7]]
    for n, (focus, mentee, recommend) in enumerate(answers):
        answered_exit(harness, mentee, focus, recommend, "all", NOW - timedelta(days=5, minutes=-n))
    text = _digest_text(harness)
    assert "would recommend their mentor +100 (5 people)" in text
    rows = {r["focus"]: r for r in _report(harness)["feedback.csv"]}
    assert rows["All focus areas"]["recommend_score_to_date"] == "100"
    assert rows["All focus areas"]["exit_people_to_date"] == "5"
    assert rows["Clinical skills"]["recommend_score_to_date"] == ""

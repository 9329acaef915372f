"""The coordinator digest end to end: exact numbers, at-risk buttons, CSV, chart, weekly post."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from matplotlib import image
from structlog.testing import capture_logs

from bot.chart import render_engagement_chart
from bot.jobs import run_tick
from bot.slack_client import make_web_client
from handlers import ids
from handlers.blocks.digest import build_digest
from handlers.flows.digest import post_weekly_digest
from storage.models import CheckIn, Goal, MentorRequest, Pairing, Task
from storage.pairings import create_pairing
from storage.people import ensure_person
from storage.programs import default_program
from storage.reports import PAIRING_COLUMNS, Period, at_risk, digest_numbers
from tests.conftest import COORDINATOR, COORDINATOR_CHANNEL, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import all_text, buttons, dms_to, ephemeral_replies
from tests.harness import Harness

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def _seed(harness: Harness) -> int:
    """Two pairings; the first stalled (3 unanswered, overdue task). Returns its id."""
    with harness.session() as s:
        stalled = create_pairing(
            s,
            program_id=default_program(s).id,
            mentor_id=MENTOR,
            mentee_id=MENTEE,
            focus="research",
            origin="request",
            now=NOW - timedelta(days=3),
        )
        stalled.unanswered_checkins = 3
        fine = create_pairing(
            s,
            program_id=default_program(s).id,
            mentor_id=MENTOR2,
            mentee_id=MENTEE,
            focus="wellbeing",
            origin="request",
            now=NOW - timedelta(days=2),
        )
        for i, answer in enumerate(["met", "met", "skipped"]):
            s.add(
                CheckIn(
                    pairing_id=fine.id,
                    slot_at=NOW - timedelta(days=2, hours=i),
                    sent_at=NOW - timedelta(days=2),
                    answer=answer,
                    answered_at=NOW - timedelta(days=1),
                    duration_minutes=45 if i == 0 else None,
                )
            )
        s.add(
            CheckIn(
                pairing_id=stalled.id,
                slot_at=NOW - timedelta(days=1),
                sent_at=NOW - timedelta(days=1),
            )
        )
        s.add(
            Task(
                pairing_id=stalled.id,
                text="secret task",
                due_date=date(2026, 11, 28),
                assignee_id=MENTEE,
                status="open",
            )
        )
        s.add(
            Task(
                pairing_id=fine.id,
                text="done task",
                assignee_id=MENTEE,
                status="done",
                completed_at=NOW - timedelta(days=1),
            )
        )
        s.add(
            Goal(
                pairing_id=fine.id,
                text="secret goal",
                status="achieved",
                created_at=NOW - timedelta(days=2),
                closed_at=NOW - timedelta(hours=5),
            )
        )
        ensure_person(s, STRANGER)
        s.add(
            MentorRequest(
                program_id=default_program(s).id,
                mentee_id=STRANGER,
                mentor_id=MENTOR,
                focus="research",
                status="pending",
                created_at=NOW - timedelta(days=4),
                expires_at=NOW + timedelta(days=10),
                reminded_at=NOW - timedelta(days=1),
            )
        )
        s.flush()
        return stalled.id


def test_digest_numbers_match_the_data(harness: Harness) -> None:
    stalled_id = _seed(harness)
    with harness.session() as s:
        program_id = default_program(s).id
        n = digest_numbers(s, Period(NOW - timedelta(days=7), NOW), NOW, program_id)
        risk = at_risk(s, NOW, date(2026, 12, 1), program_id)
    assert n.active_pairings == 2
    assert n.new_requests == 1
    assert n.request_outcomes == {"pending": 1}
    assert n.pending_requests == 1
    assert n.waiting_mentees == 1
    assert n.checkins_sent == 4
    assert n.checkins_answered == {"met": 2, "skipped": 1}
    assert (n.tasks_completed, n.goals_achieved, n.reassessments) == (1, 1, 0)
    assert (n.completed, n.ended_early) == (0, 0)
    assert [p.pairing_id for p in risk.pairs] == [stalled_id]
    assert risk.pairs[0].reasons == ("3+ check-ins unanswered", "overdue tasks")
    assert risk.total_requests == 1


def test_preview_is_for_coordinators_and_shows_no_private_text(harness: Harness) -> None:
    stalled_id = _seed(harness)
    with capture_logs() as logs:
        refused = harness.command("digest", user_id=STRANGER)
    said = refused.body + "".join(ephemeral_replies(harness))
    assert "That's for program coordinators" in said
    assert "please ask your program director." in said
    outcomes = [e["outcome"] for e in logs if e["event"] == "slack.request"]
    assert outcomes == ["forbidden"]
    harness.command("digest", user_id=COORDINATOR)
    reply = harness.fake.calls_to("response_url")[-1].args
    text = all_text(reply["blocks"])
    assert "*Active pairings:* 2" in text
    assert "secret" not in text
    assert buttons(reply["blocks"])[ids.DIGEST_CLOSE]["value"] == str(stalled_id)


def test_buttons_refused_for_others_and_work_for_coordinators(harness: Harness) -> None:
    stalled_id = _seed(harness)
    harness.block_action(
        user_id=STRANGER, action_id=ids.DIGEST_CLOSE, value=str(stalled_id), ephemeral=True
    )
    with harness.session() as s:
        assert s.get(Pairing, stalled_id).status == "active"  # type: ignore[union-attr]
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_NUDGE, value=str(stalled_id), ephemeral=True
    )
    assert dms_to(harness, MENTOR)
    assert dms_to(harness, MENTEE)
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_CLOSE, value=str(stalled_id), ephemeral=True
    )
    with harness.session() as s:
        p = s.get(Pairing, stalled_id)
        assert p is not None
        assert p.status == "ended"
        assert p.ended_by == COORDINATOR


def test_report_csv_is_exact(harness: Harness) -> None:
    _seed(harness)
    harness.clock.set(NOW)
    harness.command("report", user_id=COORDINATOR)
    files = {f.filename: f.content.decode() for f in harness.fake.files}
    lines = files["pairings.csv"].splitlines()
    assert (
        lines[0]
        == "pairing_id,mentor,mentee,focus,started,status,checkins_held,tasks_done,goals_achieved,introductions_made,introductions_accepted,last_activity,ended,ended_by,at_risk,at_risk_reasons"
    )
    assert lines[1].split(",")[-2:] == ["yes", "3+ check-ins unanswered; overdue tasks"]
    assert lines[2].split(",")[1:] == [
        MENTOR2,
        MENTEE,
        "Wellbeing",
        "2026-11-29T14:00:00Z",
        "active",
        "2",
        "1",
        "1",
        "0",
        "0",
        "2026-11-29T14:00:00Z",
        "",
        "",
        "no",
        "",
    ]
    assert files["teaching-record.csv"].splitlines() == [
        "mentor,meetings_held,hours,usefulness_to_date,recommend_score_to_date",
        f"{MENTOR2},2,0.75,fewer than 5 responses,fewer than 5 responses",
    ]


def test_report_refused_for_others(harness: Harness) -> None:
    harness.command("report", user_id=STRANGER)
    assert not harness.fake.files


def test_chart_is_a_valid_png() -> None:
    png = render_engagement_chart(
        [(date(2026, 11, 2) + timedelta(weeks=i), i, 2 * i) for i in range(12)]
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert image.imread(io.BytesIO(png), format="png").shape[0] > 100


def test_weekly_digest_posts_once_per_week(harness: Harness) -> None:
    _seed(harness)
    client = make_web_client(harness.settings)
    monday_8am = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)  # 08:00 in New York
    run_tick(harness.ctx, client, monday_8am - timedelta(days=1), steps=[post_weekly_digest])
    posted = lambda: [m for m in harness.fake.messages(COORDINATOR_CHANNEL) if m.get("blocks")]  # noqa: E731
    before = len(posted())
    run_tick(harness.ctx, client, monday_8am, steps=[post_weekly_digest])
    run_tick(harness.ctx, client, monday_8am + timedelta(minutes=1), steps=[post_weekly_digest])
    # A week whose moment passed long ago (downtime, a new install) waits for the next one.
    run_tick(harness.ctx, client, monday_8am + timedelta(days=8), steps=[post_weekly_digest])
    assert len(posted()) == before + 1
    assert any(f.filename == "engagement.png" for f in harness.fake.files)
    # Posted Monday morning, it covers last week's seven whole days, and says so.
    (digest,) = posted()[before:]
    assert "Mon 30 Nov – Sun 6 Dec 2026" in all_text(digest["blocks"])


def test_digest_stays_within_limits_for_many_at_risk() -> None:
    from handlers.blocks.digest import DigestView
    from storage.reports import AtRisk, AtRiskPair, DigestNumbers

    numbers = DigestNumbers(1, 0, {}, 0, None, 0, 0, {}, 0, 0, 0, 0, 0, [], {}, [])
    pairs = [AtRiskPair(i, MENTOR, MENTEE, ("overdue tasks",)) for i in range(60)]
    blocks = build_digest(DigestView(NOW, NOW, numbers, AtRisk(pairs, 60, [], 0), NOW)).blocks
    assert len(blocks) <= 50
    assert "more at-risk pairs" in all_text(blocks)


def test_reassign_closes_kindly_and_introduces_a_new_mentor(harness: Harness) -> None:
    from tests.handlers.helpers import modal_values, typed

    stalled_id = _seed(harness)
    harness.block_action(user_id=STRANGER, action_id=ids.DIGEST_REASSIGN, value=str(stalled_id))
    assert harness.fake.calls_to("views.open") == []
    harness.block_action(user_id=COORDINATOR, action_id=ids.DIGEST_REASSIGN, value=str(stalled_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.DIGEST_REASSIGN_VIEW
    values = modal_values(
        who=(
            ids.SUGGEST_BLOCK,
            ids.SUGGEST_INPUT,
            {"type": "users_select", "selected_user": STRANGER},
        ),
        note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Eve runs the research office")),
    )
    harness.view_submission(
        user_id=STRANGER,
        callback_id=ids.DIGEST_REASSIGN_VIEW,
        private_metadata=view["private_metadata"],
        values=values,
    )
    with harness.session() as s:
        assert s.get(Pairing, stalled_id).status == "active"  # type: ignore[union-attr]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.DIGEST_REASSIGN_VIEW,
        private_metadata=view["private_metadata"],
        values=values,
    )
    with harness.session() as s:
        old = s.get(Pairing, stalled_id)
        assert old is not None
        assert (old.status, old.ended_by) == ("ended", COORDINATOR)
        new = s.query(Pairing).filter_by(mentor_id=STRANGER, mentee_id=MENTEE).one()
        assert (new.status, new.focus, new.assigned_by) == ("active", "research", COORDINATOR)
    assert "research office" in all_text(dms_to(harness, STRANGER)[-1].args["blocks"])


def test_report_chart_reaches_the_coordinators_dm(harness: Harness) -> None:
    _seed(harness)
    harness.command("report chart", user_id=COORDINATOR)
    (chart,) = harness.fake.files
    assert chart.filename == "engagement.png"
    assert chart.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_report_for_a_period_counts_only_that_period(harness: Harness) -> None:
    _seed(harness)
    harness.clock.set(NOW)
    harness.command("report 2026-11-01 2026-11-27", user_id=COORDINATOR)
    files = {f.filename: f.content.decode() for f in harness.fake.files}
    # The seeded meetings happened on 29-30 November, after this period.
    assert files["teaching-record.csv"].splitlines() == [
        "mentor,meetings_held,hours,usefulness_to_date,recommend_score_to_date"
    ]
    comment = harness.fake.calls_to("files.completeUploadExternal")[-1].args
    assert "2026-11-01 to 2026-11-27" in str(comment.get("initial_comment"))


HOSTILE = "<!channel> & <http://evil.example|click>"
HOSTILE_ESCAPED = "&lt;!channel&gt; &amp; &lt;http://evil.example|click&gt;"


def _end(harness: Harness, pairing_id: int, by: str, reason: str, visibility: str) -> None:
    from tests.handlers.helpers import modal_values, selected, typed

    harness.view_submission(
        user_id=by,
        callback_id=ids.END_VIEW,
        private_metadata=str(pairing_id),
        values=modal_values(
            outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("ended", "radio_buttons")),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(reason)),
            visibility=(
                ids.VISIBILITY_BLOCK,
                ids.VISIBILITY_INPUT,
                selected(visibility, "radio_buttons"),
            ),
        ),
    )


def _seed_private_text(harness: Harness) -> int:
    """The usual data, plus hostile private text on the at-risk pair and two endings this week:
    one whose reason its writer kept to themselves, one shared with coordinators."""
    harness.clock.set(NOW)
    stalled_id = _seed(harness)
    with harness.session() as s:
        s.add(
            Goal(
                pairing_id=stalled_id,
                text=f"Confidential goal {HOSTILE}",
                status="open",
                created_at=NOW - timedelta(days=3),
            )
        )
        kept = create_pairing(
            s,
            program_id=default_program(s).id,
            mentor_id=MENTOR2,
            mentee_id=STRANGER,
            focus="career",
            origin="request",
            now=NOW - timedelta(days=2),
        )
        shared = create_pairing(
            s,
            program_id=default_program(s).id,
            mentor_id=MENTOR,
            mentee_id=STRANGER,
            focus="teaching",
            origin="request",
            now=NOW - timedelta(days=2),
        )
        s.flush()
        kept_id, shared_id = kept.id, shared.id
    harness.clock.set(NOW - timedelta(hours=1))
    _end(harness, kept_id, STRANGER, f"Kept to myself {HOSTILE}", "nobody")
    _end(harness, shared_id, MENTOR, f"Moved away {HOSTILE}", "coordinators")
    harness.clock.set(NOW)
    with harness.session() as s:
        assert s.get(Pairing, kept_id).end_reason_visibility == "nobody"  # type: ignore[union-attr]
        assert s.get(Pairing, shared_id).status == "ended"  # type: ignore[union-attr]
    return stalled_id


def _shown(call_args: dict[str, object]) -> str:
    """Everything a reader of a message sees: its notification text and its blocks."""
    blocks = call_args.get("blocks")
    return (
        str(call_args.get("text") or "")
        + "\n"
        + all_text(blocks if isinstance(blocks, list) else [])
    )


def test_digest_keeps_private_text_out_and_escapes_shared_reasons(harness: Harness) -> None:
    stalled_id = _seed_private_text(harness)
    harness.command("digest", user_id=COORDINATOR)
    preview = harness.fake.calls_to("response_url")[-1].args
    monday_8am = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    run_tick(harness.ctx, make_web_client(harness.settings), monday_8am, steps=[post_weekly_digest])
    (post,) = [
        c
        for c in harness.fake.calls_to("chat.postMessage")
        if c.args.get("channel") == COORDINATOR_CHANNEL
    ]
    posted = post.args
    # The engagement chart follows in the digest's thread.
    (chart,) = harness.fake.calls_to("files.completeUploadExternal")
    assert chart.args["thread_ts"] == post.response["ts"]
    for shown in (preview, posted):
        block_ids = [b.get("block_id") for b in shown["blocks"]]  # type: ignore[union-attr]
        assert f"digest.pair.{stalled_id}" in block_ids  # the at-risk row is there...
        text = _shown(shown)
        assert "Confidential goal" not in text  # ...without the pair's goals or tasks
        assert "secret task" not in text
        assert "Kept to myself" not in text  # a reason kept private stays private
        assert f"Moved away {HOSTILE_ESCAPED}" in text  # a shared one is shown, escaped
        assert "<!channel>" not in text
        assert "<http://evil.example" not in text
        assert "&amp;lt;" not in text


def _reassign_to(harness: Harness, pairing_id: int, new_mentor: str) -> dict[str, object]:
    from tests.handlers.helpers import modal_values, typed

    harness.block_action(user_id=COORDINATOR, action_id=ids.DIGEST_REASSIGN, value=str(pairing_id))
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    response = harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.DIGEST_REASSIGN_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            who=(
                ids.SUGGEST_BLOCK,
                ids.SUGGEST_INPUT,
                {"type": "users_select", "selected_user": new_mentor},
            ),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("")),
        ),
    )
    return response.json() if response.body else {}


def test_a_refused_new_mentor_changes_nothing_and_says_why_in_the_modal(
    harness: Harness,
) -> None:
    from tests.conftest import BOT_USER, GONE

    stalled_id = _seed(harness)
    harness.clock.set(NOW)
    # Carol already mentors the mentee for research (assigned through the command), and Eve
    # takes no more mentees.
    harness.command(f"assign <@{MENTOR2}> <@{MENTEE}> research", user_id=COORDINATOR)
    harness.command("capacity 0", user_id=STRANGER)
    with harness.session() as s:
        pairings_before = s.query(Pairing).count()
    dms_before = len(harness.fake.calls_to("chat.postMessage"))
    expected = {
        GONE: "deactivated",
        BOT_USER: "is an app",
        MENTEE: "That's the mentee",
        MENTOR: "is their mentor now",
        MENTOR2: "already mentors them for this focus",
        STRANGER: "reached the number of mentees",
    }
    for candidate, why in expected.items():
        answer = _reassign_to(harness, stalled_id, candidate)
        assert answer.get("response_action") == "errors", candidate
        assert why in str(answer["errors"][ids.SUGGEST_BLOCK]), answer  # type: ignore[index]
    with harness.session() as s:
        assert s.get(Pairing, stalled_id).status == "active"  # type: ignore[union-attr]
        assert s.query(Pairing).count() == pairings_before
    assert len(harness.fake.calls_to("chat.postMessage")) == dms_before


def test_reassign_tells_the_mentee_who_replaces_whom(harness: Harness) -> None:
    stalled_id = _seed(harness)
    answer = _reassign_to(harness, stalled_id, STRANGER)
    assert answer.get("response_action") is None
    text = dms_to(harness, MENTEE)[-1].args["text"]
    assert f"<@{MENTOR}>" in text
    assert f"<@{STRANGER}>" in text
    assert "closed your mentorship" in dms_to(harness, MENTOR)[-1].args["text"]
    assert buttons(dms_to(harness, STRANGER)[-1].args["blocks"])[ids.ASSIGNMENT_DECLINE]
    # The export says who ended the old pairing, and when.
    harness.command("report", user_id=COORDINATOR)
    rows = {
        line.split(",")[0]: line.split(",")
        for line in {f.filename: f.content.decode() for f in harness.fake.files}[
            "pairings.csv"
        ].splitlines()[1:]
    }
    header = PAIRING_COLUMNS
    old = dict(zip(header, rows[str(stalled_id)], strict=True))
    assert (old["status"], old["ended_by"]) == ("ended", COORDINATOR)
    assert old["ended"].endswith("Z")


def test_every_at_risk_pair_the_digest_had_no_room_for_is_flagged_in_the_export(
    harness: Harness,
) -> None:
    harness.clock.set(NOW)
    for i in range(30):
        mentee = f"U0MANY{i:04d}"
        harness.fake.add_user(mentee, f"m{i}", real_name=f"Mentee {i}")
        harness.command(f"assign <@{MENTOR}> <@{mentee}> research", user_id=COORDINATOR)
    # Nine weeks on, none of them has reassessed in two rhythms of four weeks.
    harness.clock.set(NOW + timedelta(weeks=9))
    digest = harness.command("digest", user_id=COORDINATOR)
    assert digest.status == 200
    shown = all_text(harness.fake.calls_to("response_url")[-1].args["blocks"])
    assert "more at-risk pairs" in shown
    harness.command("report 2026-11-01 2027-02-01", user_id=COORDINATOR)
    rows = [
        line.split(",")
        for line in {f.filename: f.content.decode() for f in harness.fake.files}[
            "pairings.csv"
        ].splitlines()[1:]
    ]
    flagged = [row for row in rows if row[-2] == "yes"]
    assert len(flagged) == 30
    assert {row[-1] for row in flagged} == {"no reassessment in two rhythms"}


def test_the_preview_names_the_exact_moments_it_covers(harness: Harness) -> None:
    harness.clock.set(NOW)  # 09:00 in New York
    harness.command("digest", user_id=COORDINATOR)
    shown = all_text(harness.fake.calls_to("response_url")[-1].args["blocks"])
    assert "Tue 24 Nov 09:00 – Tue 1 Dec 09:00" in shown


def test_counts_agree_with_their_number(harness: Harness) -> None:
    harness.clock.set(NOW)
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> research", user_id=COORDINATOR)
    harness.command("digest", user_id=COORDINATOR)
    preview = harness.fake.calls_to("response_url")[-1].args
    assert "1 active pairing," in preview["text"]
    assert "0 pairs at risk" in preview["text"]
    assert "1 person" in harness.command("capacity", user_id=MENTOR).json()["text"]
    set_to_one = harness.command("capacity 1", user_id=MENTOR).json()["text"]
    assert "at most 1 person at once" in set_to_one

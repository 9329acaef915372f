"""Many people acting at the same moment, as on a Monday morning: every action takes effect
exactly once, every caller gets an answer, and nothing is logged as an error. Each test fires
its requests from 16 or more threads at once through signed HTTP requests, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from structlog.testing import capture_logs

from bot.programs import ProgramValues
from handlers import ids
from storage.models import (
    Activity,
    Goal,
    MentorProfile,
    MentorRequest,
    Person,
    ProgramMember,
    SessionRating,
    Task,
    WaitingEntry,
)
from storage.programs import create_program, default_program_id, program_named
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_pairings,
    count_requests,
    dms_to,
    last_dm,
    modal_values,
    only_pairing,
    selected,
    typed,
)
from tests.handlers.test_directory import first_find, mentor_values, save_mentor, shown_view
from tests.handlers.test_pairings import pair
from tests.handlers.test_sharing import consents, home_share, proposal_dm
from tests.harness import Harness
from tests.scheduler.helpers import at, checkin_dms, make_pair
from tests.slack.payloads import bot_message
from tests.slack.signed_client import AppResponse

MENTOR3 = "U0MENTOR3"
TRAINEES = [f"U0TRAINE{n}" for n in range(1, 9)]
THREADS = 16


def at_once(actions: list[Callable[[], AppResponse]]) -> list[AppResponse]:
    """Run every action from its own thread, all released together; their responses."""
    barrier = threading.Barrier(len(actions))
    responses: list[AppResponse | BaseException | None] = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        try:
            responses[index] = actions[index]()
        except BaseException as error:  # a caller left without an answer fails the test below
            responses[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    answered = [r for r in responses if isinstance(r, AppResponse)]
    assert len(answered) == len(actions), f"unanswered: {responses}"
    return answered


@contextmanager
def no_errors_logged() -> Iterator[list[MutableMapping[str, Any]]]:
    with capture_logs() as logs:
        yield logs
    errors = [entry for entry in logs if entry.get("log_level") in ("error", "critical")]
    assert not errors, errors


def all_answered(harness: Harness, actions: list[Callable[[], AppResponse]]) -> None:
    """Fire ``actions`` at once (:func:`at_once`) with nothing logged at error level, and wait
    for the work after their acks: every caller answered 200."""
    with no_errors_logged():
        responses = at_once(actions)
        harness.wait_idle()
    assert all(r.status == 200 for r in responses), [r.body for r in responses if r.status != 200]


@pytest.fixture
def crowd(harness: Harness) -> Harness:
    harness.fake.add_user(MENTOR3, "grace", real_name="Grace Cardiologist", tz="America/Denver")
    for n, trainee in enumerate(TRAINEES, start=1):
        harness.fake.add_user(trainee, f"trainee{n}", tz="America/New_York")
    return harness


def _ask(
    harness: Harness, trainee: str, mentor: str, focus: str = "research"
) -> Callable[[], AppResponse]:
    return lambda: harness.sender.command(
        f"ask <@{mentor}> {focus}", user_id=trainee, response_url=harness.fake.response_url()
    )


def _accept(harness: Harness, mentor: str, request_id: int) -> Callable[[], AppResponse]:
    return lambda: harness.sender.block_action(
        user_id=mentor,
        action_id=ids.REQUEST_ACCEPT,
        value=str(request_id),
        response_url=harness.fake.response_url(),
    )


def _request_ids(harness: Harness, mentee: str) -> dict[str, int]:
    with harness.session() as session:
        rows = session.execute(
            select(MentorRequest.mentor_id, MentorRequest.id).where(
                MentorRequest.mentee_id == mentee
            )
        )
        return dict(rows.all())


def test_a_monday_of_asks_while_mentors_accept_loses_none(crowd: Harness) -> None:
    """8 trainees each ask 3 mentors at the same moment (24 asks) while the 3 mentors accept
    an earlier request: all 24 reach their mentor and the 3 accepts make 3 mentorships."""
    mentors = [MENTOR, MENTOR2, MENTOR3]
    for mentor in mentors:
        assert crowd.command(f"ask <@{mentor}> research", user_id=MENTEE).status == 200
    earlier = _request_ids(crowd, MENTEE)
    crowd.fake.reset_calls()

    actions = [_ask(crowd, t, m) for t in TRAINEES for m in mentors]
    actions += [_accept(crowd, m, earlier[m]) for m in mentors]
    all_answered(crowd, actions)
    assert count_pairings(crowd) == 3
    for trainee in TRAINEES:
        assert sorted(_request_ids(crowd, trainee)) == sorted(mentors)
    assert count_requests(crowd, status="pending") == 24
    with crowd.session() as session:
        for mentor in mentors:
            asked = session.scalar(
                select(func.count(MentorRequest.id)).where(
                    MentorRequest.mentor_id == mentor, MentorRequest.mentor_ts.is_not(None)
                )
            )
            assert asked == 9  # the earlier request and the eight new ones, each delivered
        members = session.scalar(
            select(func.count(ProgramMember.id)).where(ProgramMember.user_id.in_(TRAINEES))
        )
        assert members == len(TRAINEES)
        people = session.scalar(
            select(func.count()).select_from(Person).where(Person.user_id.in_(TRAINEES))
        )
        assert people == len(TRAINEES)


def test_the_same_ask_sent_sixteen_times_at_once_is_one_request(crowd: Harness) -> None:
    all_answered(crowd, [_ask(crowd, MENTEE, MENTOR) for _ in range(THREADS)])
    assert count_requests(crowd) == 1
    assert count_requests(crowd, status="pending") == 1  # delivered: its DM reached the mentor


def test_the_same_accept_tapped_sixteen_times_makes_one_mentorship(crowd: Harness) -> None:
    assert crowd.command(f"ask <@{MENTOR}> research", user_id=MENTEE).status == 200
    request_id = _request_ids(crowd, MENTEE)[MENTOR]

    all_answered(crowd, [_accept(crowd, MENTOR, request_id) for _ in range(THREADS)])
    assert count_pairings(crowd) == 1
    assert count_requests(crowd, status="accepted") == 1


def test_sixteen_trainees_asking_one_mentor_at_once_are_all_heard(crowd: Harness) -> None:
    """Two rounds of the eight trainees, each asking for two focus areas, all at once: the
    trainees' people and membership rows are made once each, and every ask is kept."""
    actions = [
        _ask(crowd, trainee, MENTOR, focus)
        for trainee in TRAINEES
        for focus in ("research", "career")
    ]
    all_answered(crowd, actions)
    assert count_requests(crowd, status="pending") == 2 * len(TRAINEES)


def test_joining_the_waiting_list_sixteen_times_at_once_keeps_one_place(crowd: Harness) -> None:
    save_mentor(crowd, open_=False)
    results = first_find(crowd)
    shown = shown_view(crowd, results)

    def wait() -> AppResponse:
        return crowd.sender.block_action(
            user_id=MENTEE, action_id=ids.DIRECTORY_WAIT, value="research", view=shown
        )

    all_answered(crowd, [wait for _ in range(THREADS)])
    with crowd.session() as session:
        entries = session.scalar(
            select(func.count(WaitingEntry.id)).where(WaitingEntry.user_id == MENTEE)
        )
    assert entries == 1


def test_saving_a_mentor_profile_from_sixteen_requests_at_once_keeps_one(crowd: Harness) -> None:
    def save() -> AppResponse:
        return crowd.sender.view_submission(
            user_id=MENTOR3, callback_id=ids.MENTOR_PROFILE_VIEW, values=mentor_values()
        )

    all_answered(crowd, [save for _ in range(THREADS)])
    with crowd.session() as session:
        assert session.get(MentorProfile, MENTOR3) is not None
        assert (
            session.scalar(
                select(func.count()).select_from(Person).where(Person.user_id == MENTOR3)
            )
            == 1
        )


def _answer_form(crowd: Harness, action_id: str) -> dict[str, Any]:
    """The mentor's form for answering the trainee's ask (decline, suggest someone else)."""
    assert crowd.command(f"ask <@{MENTOR}> research", user_id=MENTEE).status == 200
    request_id = _request_ids(crowd, MENTEE)[MENTOR]
    crowd.block_action(user_id=MENTOR, action_id=action_id, value=str(request_id))
    view: dict[str, Any] = crowd.fake.calls_to("views.open")[-1].args["view"]
    crowd.fake.reset_calls()
    return view


def test_the_same_decline_submitted_sixteen_times_declines_once(crowd: Harness) -> None:
    view = _answer_form(crowd, ids.REQUEST_DECLINE)

    def decline() -> AppResponse:
        return crowd.sender.view_submission(
            user_id=MENTOR,
            callback_id=ids.DECLINE_VIEW,
            private_metadata=view["private_metadata"],
            values=modal_values(note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Full this term"))),
        )

    all_answered(crowd, [decline for _ in range(THREADS)])
    assert count_requests(crowd, status="declined") == 1
    assert count_pairings(crowd) == 0
    told = [dm for dm in dms_to(crowd, MENTEE) if "Full this term" in all_text(dm.args["blocks"])]
    assert len(told) == 1


def test_both_members_adding_goals_at_once_keep_every_goal(crowd: Harness) -> None:
    pair(crowd)
    actions = [
        (
            lambda who=who, n=n: crowd.sender.command(
                f"goal add Goal {who[-4:]} number {n}",
                user_id=who,
                response_url=crowd.fake.response_url(),
            )
        )
        for who in (MENTOR, MENTEE)
        for n in range(THREADS // 2)
    ]
    all_answered(crowd, actions)
    with crowd.session() as session:
        titles = set(session.scalars(select(Goal.text)))
    assert len(titles) == THREADS


def test_mark_complete_tapped_sixteen_times_completes_once(crowd: Harness) -> None:
    pair(crowd)
    crowd.command("task add Draft the study protocol", user_id=MENTOR)
    with crowd.session() as session:
        (task_id,) = session.scalars(select(Task.id))
    told_before = len(dms_to(crowd, MENTOR))
    task_dm = last_dm(crowd, MENTEE)
    shown = bot_message(str(task_dm.response["ts"]), blocks=task_dm.args["blocks"])

    def tap() -> AppResponse:
        return crowd.sender.block_action(
            user_id=MENTEE,
            action_id=ids.TASK_COMPLETE,
            value=str(task_id),
            message=shown,
            channel_id=str(task_dm.response["channel"]),
            response_url=crowd.fake.response_url(),
        )

    all_answered(crowd, [tap for _ in range(THREADS)])
    with crowd.session() as session:
        task = session.get(Task, task_id)
        assert task is not None
        assert task.status == "done"
        done = session.scalar(select(func.count(Activity.id)).where(Activity.kind == "task.done"))
    assert done == 1
    assert len(dms_to(crowd, MENTOR)) == told_before + 1


def _open_program(crowd: Harness) -> None:
    with crowd.session() as session:
        create_program(
            session,
            name="Clerkships",
            values=ProgramValues(),
            open_to_join=True,
            now=crowd.clock(),
            by=None,
        )


def _each_trainee_twice_at_once(crowd: Harness, text: str) -> None:
    """Each trainee sends ``text`` twice, all at the same moment: all answered, no errors."""
    actions = [
        (lambda t=t: crowd.sender.command(text, user_id=t, response_url=crowd.fake.response_url()))
        for t in TRAINEES
        for _ in range(2)
    ]
    all_answered(crowd, actions)


def test_trainees_joining_a_program_twice_each_at_once_are_members_once(crowd: Harness) -> None:
    _open_program(crowd)
    _each_trainee_twice_at_once(crowd, "join Clerkships")
    with crowd.session() as session:
        program = program_named(session, "Clerkships")
        assert program is not None
        rows = session.scalars(
            select(ProgramMember.user_id).where(ProgramMember.program_id == program.id)
        ).all()
    assert sorted(rows) == sorted(TRAINEES)


def test_a_meeting_rated_from_sixteen_taps_at_once_keeps_one_rating(crowd: Harness) -> None:
    crowd.clock.set(datetime(2027, 1, 4, 12, tzinfo=UTC))
    make_pair(crowd)
    at(crowd, datetime(2027, 1, 5, 14, tzinfo=UTC))
    value = str(buttons(checkin_dms(crowd, MENTEE)[0].args["blocks"])[ids.CHECKIN_MET]["value"])
    crowd.block_action(user_id=MENTOR, action_id=ids.CHECKIN_MET, value=value)
    view = crowd.fake.calls_to("views.open")[-1].args["view"]
    crowd.view_submission(
        user_id=MENTOR,
        callback_id=ids.CHECKIN_MET_VIEW,
        private_metadata=view["private_metadata"],
        values={},
    )
    taps = [
        (
            lambda score=score: crowd.sender.block_action(
                user_id=MENTEE,
                action_id=ids.checkin_rate_action(score),
                value=f"{value},{score}",
                response_url=crowd.fake.response_url(),
            )
        )
        for score in [1, 2, 3, 4, 5] * 3 + [4]
    ]
    all_answered(crowd, taps)
    with crowd.session() as session:
        raters = session.scalars(select(SessionRating.rater_id)).all()
    assert raters == [MENTEE]


def test_the_same_suggestion_submitted_sixteen_times_redirects_once(crowd: Harness) -> None:
    view = _answer_form(crowd, ids.REQUEST_REDIRECT)

    def suggest() -> AppResponse:
        return crowd.sender.view_submission(
            user_id=MENTOR,
            callback_id=ids.REDIRECT_VIEW,
            private_metadata=view["private_metadata"],
            values=modal_values(
                who=(
                    ids.SUGGEST_BLOCK,
                    ids.SUGGEST_INPUT,
                    {"type": "users_select", "selected_user": MENTOR2},
                ),
                note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("Carol runs research")),
            ),
        )

    all_answered(crowd, [suggest for _ in range(THREADS)])
    assert count_requests(crowd, status="redirected") == 1
    told = [d for d in dms_to(crowd, MENTEE) if "Carol runs research" in all_text(d.args["blocks"])]
    assert len(told) == 1
    assert dms_to(crowd, MENTOR2) == []


def test_trainees_leaving_a_program_twice_each_at_once_leave_once(crowd: Harness) -> None:
    _open_program(crowd)
    for trainee in TRAINEES:
        assert crowd.command("join Clerkships", user_id=trainee).status == 200
    _each_trainee_twice_at_once(crowd, "leave Clerkships")
    with crowd.session() as session:
        program = program_named(session, "Clerkships")
        assert program is not None
        left = session.scalars(
            select(ProgramMember.user_id).where(ProgramMember.program_id == program.id)
        ).all()
    assert left == []


def test_both_members_changing_the_rhythm_at_once_keep_one_whole_rhythm(crowd: Harness) -> None:
    """16 rhythm forms from both members at once, each a different weekday with its own time:
    every form is answered and the pairing ends with one of them whole, never half of one and
    half of another."""
    pairing_id = pair(crowd)
    chosen = {(n % 7, f"{7 + n}:30".rjust(5, "0")) for n in range(THREADS)}

    def submit(who: str, weekday: int, at: str) -> Callable[[], AppResponse]:
        return lambda: crowd.sender.view_submission(
            user_id=who,
            callback_id=ids.COMMUNICATION_VIEW,
            private_metadata=str(pairing_id),
            values=modal_values(
                cadence=(ids.CADENCE_BLOCK, ids.CADENCE_INPUT, selected("weekly")),
                weekday=(ids.WEEKDAY_BLOCK, ids.WEEKDAY_INPUT, selected(str(weekday))),
                time=(ids.TIME_BLOCK, ids.TIME_INPUT, {"type": "timepicker", "selected_time": at}),
                format=(ids.FORMAT_BLOCK, ids.FORMAT_INPUT, selected("call")),
            ),
        )

    actions = [
        submit(MENTOR if n % 2 else MENTEE, weekday, at)
        for n, (weekday, at) in enumerate(sorted(chosen))
    ]
    all_answered(crowd, actions)
    pairing = only_pairing(crowd)
    assert (pairing.weekday, pairing.local_time) in chosen
    assert pairing.cadence == "weekly"
    assert pairing.next_checkin_at is not None


def test_agree_and_not_now_tapped_together_answer_the_proposal_once(crowd: Harness) -> None:
    """The mentor taps Agree eight times and Not now eight times on one sharing proposal, all
    at once: one answer holds, the proposer hears one outcome, and the proposal DM shows that answer."""
    pairing_id = pair(crowd)
    home_share(crowd, MENTEE, pairing_id, on=True)
    dm = proposal_dm(crowd, MENTOR)
    shown = bot_message(str(dm.response["ts"]), text=dm.args["text"], blocks=dm.args["blocks"])
    crowd.fake.reset_calls()

    def tap(action_id: str) -> Callable[[], AppResponse]:
        return lambda: crowd.sender.block_action(
            user_id=MENTOR,
            action_id=action_id,
            value=buttons(dm.args["blocks"])[action_id]["value"],
            message=shown,
            channel_id=str(dm.response["channel"]),
            response_url=crowd.fake.response_url(),
        )

    taps = [tap(ids.SHARING_AGREE), tap(ids.SHARING_DECLINE)] * (THREADS // 2)
    all_answered(crowd, taps)
    assert consents(crowd) in ((True, True), (False, False))
    assert len(dms_to(crowd, MENTEE)) == 1  # the one outcome
    redrawn = [
        call
        for call in crowd.fake.calls_to("chat.update")
        if call.args.get("ts") == dm.response["ts"]
    ]
    # Every redraw tells the answer that held; none says "no longer open" over it.
    held = "agreed" if consents(crowd) == (True, True) else "not now"
    assert redrawn
    assert all(held in call.args["text"] for call in redrawn), [c.args["text"] for c in redrawn]


def test_a_pulse_answered_sixteen_times_at_once_keeps_the_first_answer(crowd: Harness) -> None:
    from storage.models import Pulse, PulseAnswer
    from tests.feedback.test_pulse import _schedule

    crowd.clock.set(datetime(2027, 1, 4, 15, tzinfo=UTC))
    make_pair(crowd)
    _schedule(crowd)
    with crowd.session() as session:
        (pulse_id,) = session.scalars(select(Pulse.id)).all()

    def answer(score: int) -> Callable[[], AppResponse]:
        choice = {"type": "radio_buttons", "selected_option": {"value": str(score)}}
        return lambda: crowd.sender.view_submission(
            user_id=MENTEE,
            callback_id=ids.PULSE_ANSWER_VIEW,
            private_metadata=str(pulse_id),
            values={
                f"{ids.PULSE_ANSWER_BLOCK}:satisfaction": {ids.PULSE_ANSWER_INPUT: choice},
                f"{ids.PULSE_ANSWER_BLOCK}:supported": {ids.PULSE_ANSWER_INPUT: choice},
            },
        )

    all_answered(crowd, [answer(score) for score in [1, 2, 3, 4, 5] * 3 + [4]])
    with crowd.session() as session:
        rows = session.scalars(select(PulseAnswer).where(PulseAnswer.user_id == MENTEE)).all()
    assert len(rows) == 1
    assert rows[0].answered_at is not None
    given = rows[0].answers or {}
    assert given["satisfaction"] == given["supported"]  # one whole answer, never two halves


def test_approve_tapped_sixteen_times_at_once_makes_each_pair_once(crowd: Harness) -> None:
    from storage import matching as rounds
    from storage.models import AuditEntry, Pairing
    from tests.handlers.test_matching import MENTORS, TRAINEES, close_now, open_round

    round_id = open_round(crowd, TRAINEES[:6], MENTORS[:3])
    close_now(crowd, round_id)
    with crowd.session() as session:
        proposed = [p for p in rounds.pairs_of(session, round_id) if p.mentor_id is not None]
    taps = [
        lambda: crowd.sender.block_action(
            user_id=COORDINATOR,
            action_id=ids.MATCH_APPROVE,
            value=str(round_id),
            response_url=crowd.fake.response_url(),
        )
        for _ in range(THREADS)
    ]
    all_answered(crowd, taps)
    with crowd.session() as session:
        pairings = session.scalars(select(Pairing).where(Pairing.origin == "assignment")).all()
        approvals = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "match.approve")
        ).all()
    assert len(pairings) == len(proposed)
    assert len({(p.mentor_id, p.mentee_id) for p in pairings}) == len(proposed)
    assert len(approvals) == 1


def test_the_same_introduction_sixteen_times_at_once_is_one_group_dm(crowd: Harness) -> None:
    from storage.models import ColleagueIntroduction

    pairing_id = pair(crowd)
    intros = [
        lambda: crowd.sender.command(
            f"introduce <@{MENTOR2}> you should talk",
            user_id=MENTOR,
            response_url=crowd.fake.response_url(),
        )
        for _ in range(THREADS)
    ]
    all_answered(crowd, intros)
    with crowd.session() as session:
        (made,) = session.scalars(select(ColleagueIntroduction)).all()
    assert (made.pairing_id, made.status) == (pairing_id, "made")
    group = made.channel
    assert (
        len([c for c in crowd.fake.calls_to("chat.postMessage") if c.args["channel"] == group]) == 1
    )

    answers = [
        lambda n=n: crowd.sender.block_action(
            user_id=MENTOR2,
            action_id=ids.INTRO_HAPPY if n % 2 else ids.INTRO_NOT_NOW,
            value=str(made.id),
            response_url=crowd.fake.response_url(),
        )
        for n in range(THREADS)
    ]
    all_answered(crowd, answers)
    with crowd.session() as session:
        (answered,) = session.scalars(select(ColleagueIntroduction)).all()
    assert answered.status in ("accepted", "declined")
    updates = [c for c in crowd.fake.calls_to("chat.update") if c.args["channel"] == group]
    assert len(updates) == 1  # one answer won; the others changed nothing


def test_planning_a_meeting_sixteen_times_at_once_offers_once(crowd: Harness) -> None:
    from storage.models import MeetingPlan

    pairing_id = make_pair(crowd)
    taps = [
        lambda who=who: crowd.sender.block_action(
            user_id=who,
            action_id=ids.MEETING_PLAN,
            value=str(pairing_id),
            response_url=crowd.fake.response_url(),
        )
        for who in [MENTEE, MENTOR] * (THREADS // 2)
    ]
    all_answered(crowd, taps)
    with crowd.session() as session:
        (offer,) = session.scalars(select(MeetingPlan)).all()
    offered = [
        c
        for c in crowd.fake.calls_to("chat.postMessage")
        if ids.MEETING_OTHER in str(c.args.get("blocks"))
    ]
    assert len(offered) == 1
    assert offered[0].args["channel"] == offer.picker_id


def _offered_times(crowd: Harness) -> list[dict[str, Any]]:
    """A new pair's mentee plans their next meeting: the pick buttons of the mentor's offer."""
    pairing_id = make_pair(crowd)
    crowd.block_action(user_id=MENTEE, action_id=ids.MEETING_PLAN, value=str(pairing_id))
    (offer,) = [
        c
        for c in crowd.fake.calls_to("chat.postMessage")
        if ids.MEETING_OTHER in str(c.args.get("blocks"))
    ]
    return [
        e
        for b in offer.args["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if str(e["action_id"]).startswith(ids.MEETING_PICK)
    ]


def test_a_time_picked_sixteen_times_at_once_is_one_meeting(crowd: Harness) -> None:
    from storage.models import MeetingPlan, ScheduledSend

    times = _offered_times(crowd)
    taps = [
        lambda n=n: crowd.sender.block_action(
            user_id=MENTOR,
            action_id=times[n % len(times)]["action_id"],
            value=times[n % len(times)]["value"],
            response_url=crowd.fake.response_url(),
        )
        for n in range(THREADS)
    ]
    all_answered(crowd, taps)
    with crowd.session() as session:
        (agreed,) = session.scalars(select(MeetingPlan)).all()
        invites = session.scalars(
            select(ScheduledSend).where(ScheduledSend.kind == "calendar.meeting")
        ).all()
    assert agreed.status == "agreed"
    assert sorted(s.recipient for s in invites) == sorted([MENTOR, MENTEE])  # one each


def test_a_pick_and_withdrawals_at_once_end_one_way(crowd: Harness) -> None:
    """The other member picks while the planner taps **Withdraw these times** over and over:
    the offer ends exactly one way, and only that way is drawn and sent."""
    from storage.models import MeetingPlan, ScheduledSend

    time = _offered_times(crowd)[0]
    with crowd.session() as session:
        (offered,) = session.scalars(select(MeetingPlan)).all()
    crowd.fake.reset_calls()

    def tap(n: int) -> AppResponse:
        if n == THREADS // 2:
            return crowd.sender.block_action(
                user_id=MENTOR,
                action_id=time["action_id"],
                value=time["value"],
                response_url=crowd.fake.response_url(),
            )
        return crowd.sender.block_action(
            user_id=MENTEE,
            action_id=ids.MEETING_WITHDRAW,
            value=str(offered.id),
            response_url=crowd.fake.response_url(),
        )

    all_answered(crowd, [lambda n=n: tap(n) for n in range(THREADS)])
    with crowd.session() as session:
        (ended,) = session.scalars(select(MeetingPlan)).all()
        invites = session.scalars(
            select(ScheduledSend).where(ScheduledSend.kind == "calendar.meeting")
        ).all()
    (redrawn,) = crowd.fake.calls_to("chat.update")  # the offer, redrawn once
    drawn = str(redrawn.args["blocks"])
    if ended.status == "agreed":
        assert "withdrew" not in drawn
        assert len(invites) == 2
    else:
        assert ended.status == "withdrawn"
        assert "withdrew the times" in drawn
        assert invites == []


def test_the_same_ask_for_an_introduction_sixteen_times_at_once_asks_once(
    crowd: Harness,
) -> None:
    from storage.models import IntroductionAsk

    pairing_id = pair(crowd)
    asks = [
        lambda: crowd.sender.view_submission(
            user_id=MENTEE,
            callback_id=ids.INTRO_ASK_VIEW,
            private_metadata=str(pairing_id),
            view_id="V0ASKONCE1",
            values=modal_values(
                looking=(ids.INTRO_LOOKING_BLOCK, ids.INTRO_LOOKING_INPUT, typed("a radiologist"))
            ),
        )
        for _ in range(THREADS)
    ]
    all_answered(crowd, asks)
    with crowd.session() as session:
        assert len(session.scalars(select(IntroductionAsk)).all()) == 1
    to_mentor = [
        c for c in dms_to(crowd, MENTOR) if ids.INTRO_FROM_ASK in str(c.args.get("blocks"))
    ]
    assert len(to_mentor) == 1


def test_picks_while_the_mentorship_ends_leave_no_meeting_behind(crowd: Harness) -> None:
    """The other member picks a time over and over while the planner ends the mentorship:
    whichever comes first, the plan ends with the mentorship, and no calendar keeps a meeting
    of a mentorship that has ended."""
    from storage.models import MeetingPlan, Pairing

    time = _offered_times(crowd)[0]
    crowd.command(f"end <@{MENTOR}>", user_id=MENTEE)
    form = crowd.fake.calls_to("views.open")[-1].args["view"]
    end = modal_values(
        outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("ended", "radio_buttons")),
        note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("")),
        visibility=(
            ids.VISIBILITY_BLOCK,
            ids.VISIBILITY_INPUT,
            selected("nobody", "radio_buttons"),
        ),
    )
    crowd.fake.reset_calls()

    def tap(n: int) -> AppResponse:
        if n == THREADS // 2:
            return crowd.sender.view_submission(
                user_id=MENTEE,
                callback_id=ids.END_VIEW,
                private_metadata=form["private_metadata"],
                values=end,
            )
        return crowd.sender.block_action(
            user_id=MENTOR,
            action_id=time["action_id"],
            value=time["value"],
            response_url=crowd.fake.response_url(),
        )

    all_answered(crowd, [lambda n=n: tap(n) for n in range(THREADS)])
    crowd.tick()
    crowd.tick()
    with crowd.session() as session:
        (plan,) = session.scalars(select(MeetingPlan)).all()
        (pairing,) = session.scalars(select(Pairing)).all()
    assert (pairing.status, plan.status) == ("ended", "ended")
    assert [f for f in crowd.fake.files if f.filename == "mentorship-meeting.ics"] == []


def test_leaving_the_program_while_the_mentor_accepts_ends_one_way(crowd: Harness) -> None:
    """A trainee leaves the program while their mentor taps Accept over and over: the request
    is either accepted (the mentorship then carries on) or withdrawn, never both, and no
    request fails."""
    trainee = TRAINEES[0]
    crowd.command(f"ask <@{MENTOR}> research", user_id=trainee)
    request_id = _request_ids(crowd, trainee)[MENTOR]

    def tap(n: int) -> AppResponse:
        if n == THREADS // 2:
            return crowd.sender.command(
                "leave Main program", user_id=trainee, response_url=crowd.fake.response_url()
            )
        return _accept(crowd, MENTOR, request_id)()

    all_answered(crowd, [lambda n=n: tap(n) for n in range(THREADS)])
    with crowd.session() as session:
        request = session.get(MentorRequest, request_id)
        assert request is not None
    pairings = count_pairings(crowd, mentee_id=trainee)
    assert (request.status, pairings) in {("accepted", 1), ("withdrawn", 0)}


def test_taking_a_mentor_out_sixteen_times_at_once_withdraws_and_tells_once(
    crowd: Harness,
) -> None:
    """The coordinator's Members form submitted again and again at once: the mentor leaves the
    program once, the request waiting on them is withdrawn once, and its trainee told once."""
    from storage.models import ScheduledSend

    trainee = TRAINEES[0]
    crowd.command(f"ask <@{MENTOR}> research", user_id=trainee)
    request_id = _request_ids(crowd, trainee)[MENTOR]
    with crowd.session() as session:
        main = default_program_id(session)
    removal = modal_values(
        remove=(
            ids.PROGRAM_REMOVE_MEMBERS_BLOCK,
            ids.PROGRAM_REMOVE_MEMBERS_INPUT,
            {"type": "multi_users_select", "selected_users": [MENTOR]},
        )
    )

    all_answered(
        crowd,
        [
            lambda: crowd.sender.view_submission(
                user_id=COORDINATOR,
                callback_id=ids.PROGRAM_MEMBERS_VIEW,
                private_metadata=json.dumps({"program": main}),
                values=removal,
            )
            for _ in range(THREADS)
        ],
    )
    crowd.tick()
    with crowd.session() as session:
        request = session.get(MentorRequest, request_id)
        assert request is not None
        assert request.status == "withdrawn"
        notes = session.scalars(
            select(ScheduledSend).where(ScheduledSend.kind == "request.closed.mentee")
        ).all()
    assert [(n.recipient, n.status) for n in notes] == [(trainee, "sent")]
    told = [d for d in dms_to(crowd, trainee) if "was withdrawn" in str(d.args["text"])]
    assert len(told) == 1

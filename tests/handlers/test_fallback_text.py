"""Every message's fallback ``text`` (what notifications show and screen readers read) is a
meaningful summary of its blocks: each ``build_*`` function in ``handlers.blocks`` is found and
called with representative inputs, including user text that tries to ping everyone."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import handlers.blocks as blocks_package
from bot import feedback as fb
from bot.cadence import Cadence
from bot.communication import Communication
from bot.directory import MentorCandidate, Seeker, rank_mentors, specialties
from bot.focus import focus_areas
from bot.programs import ProgramConfig
from bot.required import MentorRule, Stage
from bot.settings import DEFAULT_FOCUS_AREAS
from bot.sharing import SharingState
from bot.text import md
from handlers.blocks.checkins import CheckinCard
from handlers.blocks.common import MessageBody
from handlers.blocks.digest import DigestView, build_digest
from handlers.blocks.directory import Labels, MentorForm, Results, Search, TraineeForm
from handlers.blocks.feedback import ExitInvite
from handlers.blocks.forget import ForgetMode, ForgetRequest
from handlers.blocks.home import HomeContent, HomePairing, HomeProgram, HomeRequest
from handlers.blocks.introductions import IntroCard
from handlers.blocks.matching import ProposalRow
from handlers.blocks.modals import FocusForm
from handlers.blocks.pair_details import PairDetails
from handlers.blocks.pairings import Introduction, PairingGroup, PairingLine, RequestLine
from handlers.blocks.programs import ProgramForm, ProgramSummary
from handlers.blocks.reassess import ReassessForm
from handlers.blocks.requests import RequestCard
from handlers.blocks.work import GoalRow, PairingWork, TaskRow
from handlers.blocks.work_modals import GoalDraft, PairingOption
from storage.reports import AtRisk, AtRiskPair, DigestNumbers, WaitingRequest
from storage.sharing import PairCounts
from tests.handlers.helpers import all_text

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 14, tzinfo=UTC)
LOCAL = ZoneInfo("America/New_York")
ME, THEM, COORD = "U0MENTEE1", "U0MENTOR1", "U0COORD01"
TYPED = "Present at <!channel> grand rounds & M&M"  # what a person typed
LABEL = "Research"
AREAS = focus_areas(DEFAULT_FOCUS_AREAS)

GOAL = GoalRow(1, TYPED, "open", TODAY, "Patient care")
DROPPED = GoalRow(2, TYPED, "dropped", None, None, THEM, TODAY, "Not <!here> this year")
ACHIEVED = GoalRow(3, "Publish", "achieved", None, None, ME, TODAY, None)
TASK = TaskRow(7, TYPED, "open", ME, TODAY, goal_id=1, goal=TYPED)
DONE_TASK = TaskRow(8, "Read two papers", "done", ME, None, ME, TODAY)
CARD = CheckinCard(5, ME, THEM, LABEL, TODAY, [GOAL], [TASK])
ANSWERED = CheckinCard(5, ME, THEM, LABEL, TODAY, [GOAL], [TASK], "met", THEM, TYPED, 45)
FEEDBACK = fb.ProgramFeedback(
    minimum=5,
    usefulness=((NOW, fb.Withheld(5)), (NOW, fb.Shown(6, 9, 4.2))),
    pulses=(fb.PulseResult(NOW, (("supported", fb.Shown(7, 7, 3.9)),)),),
    end=fb.EndOfMentorship(fb.NetPromoter(8, 40), fb.Withheld(5)),
)
REQUEST = RequestCard(9, ME, THEM, LABEL, TYPED, TODAY)
INTRO = Introduction(4, THEM, ME, COORD, LABEL, TYPED)
NUMBERS = DigestNumbers(3, 2, {"pending": 2}, 2, NOW, 1, 5, {"met": 3}, 4, 1, 1, 1, 0, [], {}, [])
RISK = AtRisk(
    [AtRiskPair(4, THEM, ME, ("overdue tasks",), False)], 1, [WaitingRequest(9, ME, THEM, NOW)], 1
)
WEEK = (datetime(2026, 11, 23, tzinfo=LOCAL), datetime(2026, 11, 30, tzinfo=LOCAL))
WORK = PairingWork(4, THEM, "mentee", LABEL, [GOAL, DROPPED, ACHIEVED], [TASK, DONE_TASK])
HOME_PAIRING = HomePairing(
    4,
    THEM,
    False,
    LABEL,
    "Weekly",
    None,
    None,
    False,
    SharingState.NOT_SHARED,
    None,
    [GOAL],
    [TASK],
    [DROPPED],
)
TWO_PROGRAMS = [HomeProgram(1, "Surgery", [LABEL]), HomeProgram(2, TYPED, [LABEL])]
COMMUNICATION = Communication(Cadence.MONTHLY, 1, time(9), None, "call", 15)
SEARCH = Search(program_id=1, focus="research", words=("cardiology",))
DIRECTORY_LABELS = Labels({"research": "Research"}, {"general-surgery": "General surgery"})
LISTED = MentorCandidate(
    THEM,
    frozenset({"research"}),
    "general-surgery",
    frozenset({"resident"}),
    frozenset({"call"}),
    "America/Chicago",
    1,
    3,
    bio=TYPED,
)
RANKED = rank_mentors(Seeker(ME, "research", tz="America/New_York"), [LISTED], NOW)
SPECIALTY_CHOICES = specialties(["General surgery"])


def _results(ranked: Any, waiting: bool = False, search: Search = SEARCH) -> Results:
    return Results(search, "Surgery", True, ranked, DIRECTORY_LABELS, waiting)


PROGRAM = ProgramConfig(
    2,
    TYPED,
    False,
    frozenset({COORD}),
    "C0DIGEST1",
    ("Research",),
    ("Patient care",),
    (),
    None,
    4,
    3,
    14,
    0,
    "08:00",
    "America/New_York",
    True,
    "S0GROUP01",
    "C0MEMBERS",
)

# Each builder, with the inputs worth trying (several where it has branches).
Case = tuple[tuple[Any, ...], dict[str, Any]]
COLLEAGUE_INTRO = IntroCard(7, THEM, ME, COORD, TYPED)
NO_WHY = IntroCard(8, THEM, ME, COORD, "")
MEETING_TIMES = [datetime(2026, 12, d, 12, 30, tzinfo=LOCAL) for d in (7, 8, 9)]

SAMPLES: dict[str, list[Case]] = {
    "checkins.build_checkin_message": [
        ((CARD,), {}),
        ((ANSWERED,), {}),
        ((replace(ANSWERED, rating_offered=True),), {}),
        ((replace(ANSWERED, rating_offered=True, rating=4),), {}),
    ],
    "feedback.build_rating_modal": [((5,), {})],
    "coverage.build_find_invite": [(("Cardiology",), {}), ((TYPED,), {})],
    "coverage.build_required_reminder": [
        ((TYPED, MentorRule(within_days=30), date(2026, 12, 20), stage, TODAY), {})
        for stage in Stage
    ]
    + [((TYPED, MentorRule(by=date(2027, 7, 1)), date(2027, 7, 1), Stage.HALFWAY, TODAY), {})],
    "report_modal.build_report_modal": [((2, TYPED, TODAY), {})],
    "digest.build_digest_preview_modal": [
        ((build_digest(DigestView(*WEEK, NUMBERS, RISK, NOW)),), {})
    ],
    "feedback.build_exit_survey_message": [
        ((ExitInvite(3, THEM, TYPED, True),), {}),
        ((ExitInvite(3, ME, LABEL, False, answered=True),), {}),
    ],
    "feedback.build_exit_survey_modal": [((3, True), {}), ((3, False), {})],
    "feedback.build_pulse_modal": [((2, TYPED), {}), ((2, None), {})],
    "feedback.build_pulse_scheduled": [((12, date(2026, 12, 8), TODAY), {})],
    "feedback.build_pulse_message": [
        ((6, TYPED, date(2026, 12, 8), TODAY), {"reminder": False}),
        ((6, TYPED, date(2026, 12, 8), TODAY), {"reminder": True}),
    ],
    "feedback.build_pulse_answer_modal": [((6, ["satisfaction", "rhythm", "supported"]), {})],
    "checkins.build_already_answered": [(("met", THEM), {}), (("skipped", None), {})],
    "checkins.build_checkin_met_modal": [((5, THEM), {})],
    "checkins.build_pause_modal": [(([4], [THEM]), {"today": TODAY})],
    "checkins.build_paused_reply": [(([4], [THEM], date(2027, 1, 15), TODAY), {})],
    "checkins.build_paused_for_other": [((THEM, LABEL, date(2027, 1, 15), TODAY), {})],
    "checkins.build_resumed_for_other": [((THEM, LABEL), {})],
    "checkins.build_resumed_reply": [(([THEM],), {})],
    "checkins.build_pause_ended": [
        ((THEM, LABEL, "Tue 8 Dec at 09:00"), {}),
        ((THEM, LABEL, None), {}),
    ],
    "checkins.build_reassess_prompt": [((4, THEM, LABEL), {})],
    "digest.build_digest": [
        ((DigestView(*WEEK, NUMBERS, RISK, NOW),), {}),
        ((DigestView(*WEEK, NUMBERS, AtRisk([], 0, [], 0), NOW),), {}),
        ((DigestView(*WEEK, NUMBERS, RISK, NOW, "Nursing", feedback=FEEDBACK),), {}),
    ],
    "help.build_help": [
        (([("/mentor ask @person", "Ask someone.")], ["Research"]), {}),
        (([("/mentor ask @person", "Ask someone.")], ["Research"]), {"unknown": "<!channel>x"}),
        (([("/mentor ask @person", "Ask someone.")], ["Research"]), {"unknown_topic": "<!here>"}),
    ],
    "help.build_topic_help": [(("/mentor ask @person", "Ask.", "/mentor ask @a x", "More."), {})],
    "home.build_welcome_home": [((["Research"],), {})],
    "home.build_home": [
        ((HomeContent(TODAY, ["Research"], [HOME_PAIRING], viewer_id=ME),), {}),
        ((HomeContent(TODAY, ["Research"], [], [HomeRequest(THEM, LABEL, TODAY, True)]),), {}),
        # Someone in two programs: a heading per program.
        (
            (
                HomeContent(
                    TODAY,
                    ["Research"],
                    [replace(HOME_PAIRING, program_id=1)],
                    programs=TWO_PROGRAMS,
                ),
            ),
            {},
        ),
    ],
    "modals.build_ask_modal": [((THEM, FocusForm(AREAS, TYPED)), {})],
    "modals.build_assign_modal": [((THEM, ME, FocusForm(AREAS, TYPED)), {})],
    "modals.build_decline_modal": [((9, ME), {})],
    "modals.build_redirect_modal": [((9, ME), {})],
    "modals.build_reassign_modal": [((4, THEM, ME), {})],
    "modals.build_decline_assignment_modal": [((4, COORD), {}), ((4, None), {})],
    "modals.build_end_modal": [
        ((THEM, [(4, LABEL)]), {}),
        ((THEM, [(4, LABEL), (5, "Career")]), {}),
    ],
    "modals.build_communication_modal": [((4, THEM, LABEL, COMMUNICATION), {})],
    "introductions.build_introduce_modal": [
        ((4, ME), {}),
        ((4, ME), {"ask_id": 2, "looking_for": TYPED}),
    ],
    "introductions.build_ask_introduction_modal": [((4, THEM), {})],
    "introductions.build_ask_for_mentor": [((2, ME, TYPED), {})],
    "introductions.build_ask_answered_for_mentor": [((ME, TYPED, COORD), {})],
    "introductions.build_group_introduction": [((COLLEAGUE_INTRO,), {}), ((NO_WHY,), {})],
    "introductions.build_group_answered": [
        ((COLLEAGUE_INTRO,), {"happy": True}),
        ((NO_WHY,), {"happy": False}),
    ],
    "introductions.build_happy_for_mentor": [((COLLEAGUE_INTRO,), {})],
    "introductions.build_not_now_for_mentee": [((COLLEAGUE_INTRO,), {})],
    "introductions.build_not_now_for_mentor": [((COLLEAGUE_INTRO,), {})],
    "meetings.build_meeting_offer": [((3, THEM, MEETING_TIMES, TODAY), {})],
    "meetings.build_meeting_picked": [((THEM, MEETING_TIMES[0], TODAY), {})],
    "meetings.build_meeting_agreed": [((ME, MEETING_TIMES[1], TODAY), {})],
    "meetings.build_no_other_times": [((THEM,), {})],
    "meetings.build_no_time_suited": [((ME,), {})],
    "meetings.build_offer_withdrawn": [((THEM,), {})],
    "meetings.build_offer_ended": [((), {})],
    "pairings.build_introduction_for_mentor": [((INTRO,), {})],
    "pairings.build_introduction_for_mentee": [((INTRO,), {})],
    "pairings.build_reassigned_for_mentee": [((INTRO, "U0MENTOR2"), {})],
    "pairings.build_assignment_declined_for_coordinator": [((THEM, ME, LABEL, TYPED), {})],
    "pairings.build_assignment_declined_for_mentee": [((THEM, LABEL), {})],
    "pairings.build_ended_for_other": [
        ((THEM, LABEL, True), {"other_is_mentee": True}),
        ((THEM, LABEL, False), {"other_is_mentee": False}),
    ],
    "pairings.build_ended_for_actor": [
        ((THEM, LABEL, True), {"actor_is_mentee": True}),
        ((THEM, LABEL, False), {"actor_is_mentee": False}),
    ],
    "pairings.build_communication_changed": [((THEM, "Monthly on the 15th at 09:00"), {})],
    "pairings.build_pairing_list": [
        (
            (),
            {
                "mentors": [PairingLine(THEM, LABEL, "Weekly", TODAY, False)],
                "mentees": [],
                "asked_by_me": [RequestLine("U0MENTOR2", LABEL, TODAY)],
                "asked_of_me": [],
                "today": TODAY,
            },
        ),
        ((), {"mentors": [], "mentees": [], "asked_by_me": [], "asked_of_me": [], "today": TODAY}),
        (
            (),
            {
                "mentors": [PairingLine(THEM, LABEL, "Weekly", TODAY, False)],
                "mentees": [],
                "asked_by_me": [],
                "asked_of_me": [],
                "today": TODAY,
                "groups": [
                    PairingGroup("Surgery", mentors=[PairingLine(THEM, LABEL, None, TODAY, True)]),
                    PairingGroup(TYPED),
                ],
            },
        ),
    ],
    "pairings.build_pairing_choices": [
        (("Which mentorship would you like to end?", [(4, THEM, LABEL)]), {})
    ],
    "programs.build_programs_list": [
        (([ProgramSummary(PROGRAM, 3)], [], [PROGRAM]), {"is_admin": True}),
        (([], [PROGRAM], []), {"is_admin": False}),
        (([], [], []), {"is_admin": False}),
    ],
    "programs.build_program_modal": [
        ((None,), {"program_id": None}),
        ((ProgramForm(TYPED, (COORD,)),), {"program_id": 2, "installation_coordinators": [ME]}),
    ],
    "programs.build_members_modal": [((2, TYPED, [ME, THEM]), {})],
    "reassess.build_reassess_modal": [
        ((ReassessForm(4, THEM, LABEL, [GOAL], [TASK], 4, TODAY),), {}),
    ],
    "requests.build_request_message": [((REQUEST, TODAY), {})],
    "requests.build_request_reminder": [((REQUEST, TODAY), {})],
    "requests.build_request_closed": [
        ((REQUEST, f"You declined. I've let <@{ME}> know kindly."), {})
    ],
    "requests.build_request_sent": [((THEM, LABEL), {})],
    "requests.build_accepted_for_mentee": [((4, THEM, LABEL), {})],
    "requests.build_accepted_for_mentor": [((4, ME, LABEL), {})],
    "requests.build_withdraw_others_offer": [(([(10, "U0MENTOR2")], LABEL), {})],
    "requests.build_declined_for_mentee": [((THEM, LABEL, TYPED), {}), ((THEM, LABEL, None), {})],
    "requests.build_redirect_for_mentee": [((9, THEM, "U0MENTOR2", "Carol", LABEL, TYPED), {})],
    "requests.build_expired_for_mentee": [((THEM, LABEL), {})],
    "requests.build_expired_for_mentor": [((ME, LABEL), {})],
    "requests.build_undelivered_for_mentee": [((THEM, LABEL), {})],
    "requests.build_withdrawn_notice": [((ME, LABEL), {})],
    "requests.build_withdraw_choices": [(([REQUEST, REQUEST],), {})],
    "work.build_task_dm": [((TASK, TODAY, THEM, LABEL), {}), ((TASK, TODAY, ME, LABEL), {})],
    "work.build_task_redrawn": [((TASK, TODAY), {}), ((DONE_TASK, TODAY), {})],
    "work.build_goal_added": [((THEM, LABEL, TYPED), {})],
    "work.build_task_added": [((THEM, LABEL, TYPED), {})],
    "work.build_task_completed": [((ME, LABEL, TYPED), {})],
    "work.build_goal_closed": [((THEM, LABEL, DROPPED), {}), ((ME, LABEL, ACHIEVED), {})],
    "work.build_goals_list": [(([WORK], TODAY), {}), (([], TODAY), {})],
    "work.build_tasks_list": [(([WORK], TODAY, ME), {})],
    "work_modals.build_goal_modal": [
        (([PairingOption(4, "Bob · Research")], ["Patient care"]), {})
    ],
    "work_modals.build_goal_edit_modal": [((1, ["Patient care"], GoalDraft(TYPED)), {})],
    "work_modals.build_goal_drop_modal": [((1, TYPED), {})],
    "sharing.build_proposal_message": [((4, THEM, TYPED, "2026-12-01T14:00:00Z"), {})],
    "sharing.build_proposal_answered": [((True, THEM, LABEL), {}), ((False, THEM, LABEL), {})],
    "sharing.build_proposal_closed": [((), {})],
    "pair_details.build_pair_details_modal": [
        (
            (
                PairDetails(
                    4,
                    THEM,
                    ME,
                    LABEL,
                    "active",
                    TODAY,
                    TODAY,
                    3,
                    PairCounts({"open": 1}, 1, 0, 0),
                    True,
                    [GOAL],
                    [TASK],
                ),
                TODAY,
            ),
            {},
        )
    ],
    "directory.build_results_view": [
        ((_results(RANKED),), {}),
        ((_results([]),), {}),
        ((_results([], waiting=True),), {}),
        ((_results([], search=Search(program_id=1)),), {}),
        ((_results(RANKED, waiting=True),), {}),
        ((replace(_results(RANKED), programs=((1, TYPED), (2, "Surgery"))),), {}),
    ],
    "directory.build_note_view": [(("Request sent", md("I've asked them.")), {})],
    "directory.build_mentor_profile_modal": [
        ((MentorForm(bio=TYPED, languages=TYPED), AREAS, SPECIALTY_CHOICES), {}),
        ((MentorForm(capacity=3, mentees=1), AREAS, SPECIALTY_CHOICES), {}),
    ],
    "directory.build_trainee_profile_modal": [
        ((TraineeForm(note=TYPED), AREAS, SPECIALTY_CHOICES), {"first_time": True}),
        ((TraineeForm(), AREAS, SPECIALTY_CHOICES), {}),
    ],
    "directory.build_profile_chooser": [((), {})],
    "directory.build_filters_modal": [((SEARCH, AREAS, SPECIALTY_CHOICES), {})],
    "directory.build_place_free_message": [((THEM, LABEL, "Surgery", True, 3, 3), {})],
    "directory.build_waiting_joined_view": [((md("You're on the waiting list."), 3), {})],
    "directory.build_place_free_done": [((THEM, LABEL, True), {}), ((THEM, LABEL, False), {})],
    "work_modals.build_task_modal": [(([PairingOption(4, "Bob · Research")], [(1, TYPED)]), {})],
    "forget.build_forget_modal": [
        ((ForgetRequest(ME, None),), {"mode": ForgetMode.SELF, "program_name": None}),
        ((ForgetRequest(THEM, 2),), {"mode": ForgetMode.REQUEST, "program_name": TYPED}),
        (
            (ForgetRequest(THEM, None),),
            {"mode": ForgetMode.ADMIN, "program_name": None, "reason": TYPED},
        ),
    ],
    "forget.build_forget_request_message": [((7, COORD, THEM, TYPED, TYPED), {})],
    "forget.build_erasure_notice": [((COORD, TYPED), {})],
    "leaving.build_partner_left": [
        ((THEM, LABEL), {"partner_is_mentee": True}),
        ((THEM, LABEL), {"partner_is_mentee": False, "erased": True}),
    ],
    "leaving.build_request_closed_for_mentee": [
        ((THEM, LABEL), {"erased": False}),
        ((THEM, LABEL), {"erased": True}),
    ],
    "leaving.build_request_withdrawn_for_mentor": [
        ((THEM, LABEL), {"erased": False}),
        ((THEM, LABEL), {"erased": True}),
    ],
    "matching.build_match_modal": [((1, TYPED, AREAS), {})],
    "matching.build_round_opened": [
        ((5, TYPED, 80, 40, TODAY), {}),
        ((5, TYPED, 80, 40, TODAY, [(THEM, "app"), (COORD, "deactivated")]), {}),
    ],
    "matching.build_round_cancelled_note": [((TYPED, True), {}), ((TYPED, False), {})],
    "matching.build_proposal_approved": [((5, TYPED, 3, 1, 1, COORD), {})],
    "matching.build_trainee_invite": [
        ((3, TYPED, [THEM, COORD], TODAY), {}),
        ((3, LABEL, [], TODAY), {}),
    ],
    "matching.build_mentor_invite": [((3, TYPED, 2, TODAY), {})],
    "matching.build_rank_modal": [((3, [THEM], [THEM, COORD]), {}), ((3, []), {})],
    "matching.build_rather_not_modal": [((3, [ME]), {}), ((3, []), {})],
    "matching.build_proposal": [
        (
            (
                5,
                TYPED,
                [ProposalRow(ME, THEM, "their 1st choice"), ProposalRow(COORD, None, TYPED)],
                2,
            ),
            {},
        ),
        (
            (
                5,
                LABEL,
                [ProposalRow(f"U0T{i:05d}", THEM, "their 2nd choice") for i in range(40)],
                20,
            ),
            {},
        ),
        ((5, LABEL, [], 0), {}),
    ],
    "matching.build_change_modal": [((5,), {})],
    "matching.build_unmatched_note": [((TYPED,), {})],
    "matching.build_answer_saved": [
        ((True, [THEM, COORD]), {}),
        ((True, []), {}),
        ((False, [ME]), {}),
        ((False, []), {}),
    ],
}

# Fallback texts that say nothing about the message they stand for.
GENERIC = {
    "",
    "mentorbot",
    "message",
    "new message",
    "update",
    "notification",
    "digest",
    "task",
    "goal",
    "your goals",
    "your tasks",
    "your mentorships",
    "which mentorship?",
    "which request?",
    "a change to your mentorship",
}
_MENTION = re.compile(r"<@[UW][A-Z0-9]+>")
_WORD = re.compile(r"[A-Za-z]{5,}")


def discovered() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public ``build_*`` function defined in a module of ``handlers.blocks``."""
    for info in pkgutil.iter_modules(blocks_package.__path__):
        module = importlib.import_module(f"{blocks_package.__name__}.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("build_") and function.__module__ == module.__name__:
                yield f"{info.name}.{name}", function


BUILDERS = dict(discovered())


def test_every_builder_is_walked() -> None:
    assert set(BUILDERS) == set(SAMPLES)


def assert_meaningful(text: str) -> None:
    assert text.strip().lower().rstrip(".!:") not in GENERIC, text
    assert len(text.strip()) >= 15, text
    # User text reaches a fallback only escaped: no ping, no forged mention.
    assert "<!" not in text, text
    assert "<@U0STRANGE>" not in text, text


def assert_summarises(message: MessageBody) -> None:
    shown = all_text(message.blocks)
    assert message.blocks, message.text
    for mentioned in _MENTION.findall(message.text):
        assert mentioned in shown, (mentioned, message.text)
    words = {w.lower() for w in _WORD.findall(message.text)} | set(_MENTION.findall(message.text))
    assert any(w in shown.lower() for w in words), (message.text, shown[:300])


@pytest.mark.parametrize(
    ("name", "case"),
    [(name, case) for name, cases in SAMPLES.items() for case in cases],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_fallback_text_is_a_meaningful_summary(name: str, case: Case) -> None:
    args, kwargs = case
    built = BUILDERS[name](*args, **kwargs)
    if isinstance(built, MessageBody):
        assert_meaningful(built.text)
        assert_summarises(built)
    elif isinstance(built, str):
        assert_meaningful(built)  # a message that is only text
    else:
        # Views (modals, Home) have no fallback text; they must still be views.
        assert isinstance(built, dict), name
        assert built.get("type") in ("modal", "home"), name
        if built["type"] == "modal":
            assert built["title"]["text"].strip().lower() not in GENERIC, name

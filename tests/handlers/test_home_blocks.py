"""App Home and reassess builders: Slack's limits for any number of items, escaping, and the
parsers of what comes back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import feedback as fb
from bot.required import MentorRule
from bot.sharing import SharingState
from handlers import ids
from handlers.blocks.common import SECTION_TEXT_LIMIT, VIEW_BLOCK_LIMIT
from handlers.blocks.coverage import ProgramCoverage, WeekFigures
from handlers.blocks.desk import Desk, DeskProgram
from handlers.blocks.home import (
    GOALS_SHOWN,
    HomeContent,
    HomePairing,
    HomeRequest,
    build_home,
    page_count,
    parse_page,
)
from handlers.blocks.introductions import WHY_LIMIT, IntroCard
from handlers.blocks.modals import InvalidSubmission
from handlers.blocks.reassess import (
    EVERY_BLOCK,
    EVERY_INPUT,
    ReassessForm,
    build_reassess_modal,
    parse_reassessment,
    shown_counts,
)
from handlers.blocks.sharing import parse_share_value, share_value
from handlers.blocks.work import GoalRow, TaskRow
from storage.coverage import Coverage, RoundProgress, Uncovered
from storage.feedback import PulseProgress
from storage.reports import AtRisk, AtRiskPair
from tests.handlers.helpers import all_text, buttons, escaping_problems, text_objects

TODAY = date(2026, 12, 1)
NASTY = "<!channel> & <@U0STRANGE> *bold* " * 150  # 5,000+ characters that must stay inert
# The people the builders mention: the only <@...> the app may write.
MEMBERS = {
    "U0MENTEE1",
    "U0MENTOR1",
    *(f"U0{who}{n:03d}" for who in ("OTHER", "ASKED", "TRAIN") for n in range(100)),
}

texts = st.one_of(
    st.text(alphabet="ab <>&*_~`\n🩺", max_size=40),
    st.integers(0, 5000).map(lambda n: ("x<&>" * n)[:n]),
    st.just(NASTY),
)


def _goals(count: int, text: str, first_id: int = 1) -> list[GoalRow]:
    statuses = ("open", "achieved")
    return [
        GoalRow(
            first_id + i,
            f"{text}{i}",
            statuses[i % 2],
            TODAY if i % 3 else None,
            "Patient care" if i % 2 else None,
        )
        for i in range(count)
    ]


def _tasks(count: int, text: str, first_id: int = 1) -> list[TaskRow]:
    """Open tasks; every third works towards a goal (goal ids start at ``first_id`` too)."""
    return [
        TaskRow(
            first_id + i,
            f"{text}{i}",
            "open",
            "U0MENTEE1",
            TODAY if i % 2 else None,
            goal_id=first_id + i // 3 if i % 3 == 0 else None,
            goal=f"{text}goal" if i % 3 == 0 else None,
        )
        for i in range(count)
    ]


def _history(count: int, text: str, first_id: int) -> list[GoalRow]:
    return [
        GoalRow(
            first_id + i,
            f"{text}{i}",
            ("achieved", "dropped")[i % 2],
            None,
            None,
            closed_by="U0MENTOR1",
            closed_on=TODAY,
            reason=text or None,
        )
        for i in range(count)
    ]


def _pairing(n: int, goal_count: int, task_count: int, text: str, **changes: Any) -> HomePairing:
    base = HomePairing(
        pairing_id=n,
        other_id=f"U0OTHER{n:03d}",
        viewer_is_mentor=n % 2 == 0,
        focus_label=text or "Research",
        rhythm=text or None,
        next_checkin=datetime(2026, 12, 8, 7, 30, tzinfo=ZoneInfo("America/New_York")),
        paused_until=None,
        paused=False,
        sharing=list(SharingState)[n % 4],
        proposal="1796113200000000" if n % 4 == 2 else None,
        goals=_goals(goal_count, text, first_id=n * 1000),
        open_tasks=_tasks(task_count, text, first_id=n * 1000),
        history=_history(min(goal_count, 4), text, first_id=n * 1000 + 500),
    )
    return replace(base, **changes)


def _check_limits(view: dict[str, Any]) -> None:
    blocks = view["blocks"]
    assert len(blocks) <= VIEW_BLOCK_LIMIT
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_TEXT_LIMIT
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
            assert all(len(e["text"]) <= SECTION_TEXT_LIMIT for e in block["elements"])
        if block["type"] == "actions":
            action_ids = [e["action_id"] for e in block["elements"]]
            assert len(action_ids) == len(set(action_ids)) <= 25
    problems = [
        problem
        for kind, text in text_objects(view)
        for problem in escaping_problems(kind, text, mentions=MEMBERS)
    ]
    assert problems == []


def _desk(programs: int, uncovered: int, text: str, at_risk: int = 0) -> Desk | None:
    """The desk of the first of ``programs`` coordinated programs named ``text``, with
    ``uncovered`` trainees without a mentor (the first of 2,000 members...), ``at_risk`` stalled
    pairs, an open round and pulse, and required mentorship; None for no program."""
    if programs == 0:
        return None
    since = datetime(2026, 9, 1, tzinfo=UTC)
    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    week = WeekFigures(
        meetings=7,
        answered=9,
        sent=12,
        usefulness=fb.Withheld(5),
        requests_waiting=2,
        risk=AtRisk(
            [
                AtRiskPair(i + 1, f"U0OTHER{i:03d}", f"U0TRAIN{i:03d}", (text or "quiet",))
                for i in range(min(at_risk, 15))
            ],
            at_risk,
            [],
            0,
        ),
    )
    shown = [
        ProgramCoverage(
            n + 1,
            f"{text} {n}",
            Coverage(
                members=uncovered * 2,
                mentors=uncovered // 5,
                mentors_with_places=uncovered // 10,
                trainees=uncovered + 3,
                covered=3,
                covered_by_focus={"research": 2, "x": 1},
                uncovered=[
                    Uncovered(f"U0TRAIN{i % 100:03d}", since, i % 2 == 0, i % 3 == 0, i % 5 == 0)
                    for i in range(uncovered)
                ],
            ),
            {"research": text or "Research"},
            rounds=[RoundProgress("research", "collecting", now, 40, 12, i + 1) for i in range(4)],
            next_digest=now,
            rule=MentorRule(within_days=30),
            pulses=[PulseProgress(100, 40, now)],
            week=week,
        )
        for n in range(programs)
    ]
    return Desk(shown[0], [DeskProgram(c.program_id, c.name) for c in shown], is_admin=True)


def _awaiting(count: int, text: str) -> list[IntroCard]:
    """Introductions waiting for the viewer's answer, each with ``text`` (at its longest) as
    the mentor's words."""
    why = (text * (WHY_LIMIT // max(len(text), 1) + 1))[:WHY_LIMIT]
    return [
        IntroCard(n + 1, f"U0OTHER{n:03d}", f"U0TRAIN{n:03d}", "U0ASKED000", why)
        for n in range(count)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pairing_sizes=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=14),
    request_count=st.integers(0, 30),
    text=texts,
    coordinated=st.integers(0, 6),
    uncovered=st.integers(0, 2_000),
    at_risk=st.integers(0, 40),
    awaiting=st.integers(0, 6),
)
def test_any_home_stays_within_slack_limits(
    pairing_sizes: list[tuple[int, int]],
    request_count: int,
    text: str,
    coordinated: int,
    uncovered: int,
    at_risk: int,
    awaiting: int,
) -> None:
    pairings = [_pairing(n + 1, g, t, text) for n, (g, t) in enumerate(pairing_sizes)]
    requests = [
        HomeRequest(f"U0ASKED{i:03d}", text or "Research", TODAY, mine=i % 2 == 0)
        for i in range(request_count)
    ]
    content = HomeContent(
        TODAY,
        ["Research", text],
        pairings,
        requests,
        desk=_desk(coordinated, uncovered, text, at_risk),
        now=datetime(2026, 12, 1, 15, tzinfo=UTC),
        awaiting=_awaiting(awaiting, text),
        awaiting_count=awaiting * 3,
    )
    seen: set[str] = set()
    for page in range(page_count(len(pairings))):
        view = build_home(replace(content, page=page))
        _check_limits(view)
        seen |= {
            b["elements"][0]["value"]
            for b in view["blocks"]
            if b.get("block_id", "").startswith("home-actions-")
        }
    # Paging reaches every pairing, each on one page.
    assert seen == {str(p.pairing_id) for p in pairings}


def test_a_pairing_shows_what_the_pair_needs() -> None:
    pairing = _pairing(
        7,
        0,
        2,
        "",
        rhythm="Weekly on Tuesday at 07:30 (America/New_York), call",
        goals=_goals(8, "Present at grand rounds "),
        sharing=SharingState.NOT_SHARED,
    )
    view = build_home(HomeContent(TODAY, ["Research"], [pairing]))
    shown = all_text(view["blocks"])
    assert "<@U0OTHER007>" in shown
    assert "Weekly on Tuesday at 07:30" in shown
    assert "Next check-in: Tue 8 Dec at 07:30" in shown
    assert shown.count("Present at grand rounds") == GOALS_SHOWN
    assert "+3 more goals: `/mentor goals` <@U0OTHER007>" in shown
    one_more = build_home(
        HomeContent(TODAY, ["Research"], [replace(pairing, goals=_goals(6, "Goal "))])
    )
    assert "+1 more goal: `/mentor goals`" in all_text(one_more["blocks"])
    found = buttons(view["blocks"])
    for action_id in (
        ids.GOAL_ADD_OPEN,
        ids.TASK_ADD_OPEN,
        ids.HOME_CADENCE,
        ids.HOME_PAUSE,
        ids.HOME_END,
        ids.REASSESS_OPEN,
    ):
        assert found[action_id]["value"] == "7"
    tasks = [b for b in view["blocks"] if b.get("block_id", "").startswith("task-")]
    assert [b["accessory"]["action_id"] for b in tasks] == [ids.TASK_COMPLETE] * 2
    assert any(b.get("accessory", {}).get("action_id") == ids.GOAL_MENU for b in view["blocks"])
    share = next(b for b in view["blocks"] if b.get("block_id") == "home-share-7")
    assert share["accessory"]["action_id"] == ids.HOME_SHARE
    assert parse_share_value(share["accessory"]["value"]) == (7, True)


def test_paused_pairing_says_until_when() -> None:
    pairing = _pairing(3, 0, 0, "", paused=True, paused_until=datetime(2027, 1, 15, tzinfo=UTC))
    shown = all_text(build_home(HomeContent(TODAY, ["Research"], [pairing]))["blocks"])
    assert "Paused until Fri 15 Jan 2027" in shown
    assert "Next check-in" not in shown


def test_no_pairings_is_the_welcome_with_pending_requests() -> None:
    requests = [HomeRequest("U0MENTOR1", "Research", TODAY, mine=True)]
    view = build_home(HomeContent(TODAY, ["Research"], [], requests))
    shown = all_text(view["blocks"])
    assert "Ask someone you know" in shown
    assert "You asked <@U0MENTOR1>: *Research*" in shown
    assert "Waiting for an answer" not in all_text(
        build_home(HomeContent(TODAY, ["Research"]))["blocks"]
    )


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("12:on", (12, True)), ("12:off", (12, False)), ("12", None), ("x:on", None), ("", None)],
)
def test_share_values(value: str, parsed: tuple[int, bool] | None) -> None:
    assert parse_share_value(value) == parsed


def test_share_value_round_trips() -> None:
    assert parse_share_value(share_value(5, True)) == (5, True)
    assert parse_share_value(share_value(5, False)) == (5, False)


@pytest.mark.parametrize(("value", "page"), [("2", 2), ("", 0), ("-1", 0), ("9" * 40, 0)])
def test_page_values(value: str, page: int) -> None:
    assert parse_page(value) == page


# -- reassess ---------------------------------------------------------------------------------


def _form(goals: int, tasks: int, text: str = "Goal ", weeks: int = 4) -> ReassessForm:
    open_goals = [replace(g, status="open") for g in _goals(goals, text)]
    return ReassessForm(9, "U0MENTOR1", "Research", open_goals, _tasks(tasks, text), weeks, TODAY)


def _submitted(view: dict[str, Any]) -> dict[str, Any]:
    """What Slack sends back for the modal submitted with its initial values."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if "initial_option" in element:
            state["selected_option"] = element["initial_option"]
        else:
            state["value"] = element.get("initial_value")
        values[block["block_id"]] = {element["action_id"]: state}
    return values


@settings(max_examples=40, deadline=None)
@given(goals=st.integers(0, 60), tasks=st.integers(0, 120), text=texts)
def test_reassess_modal_stays_within_limits(goals: int, tasks: int, text: str) -> None:
    view = build_reassess_modal(_form(goals, tasks, text))
    _check_limits(view)
    goals_shown, tasks_shown = shown_counts(goals, tasks)
    if (goals_shown, tasks_shown) != (goals, tasks):
        assert "the rest stay as they are" in all_text(view["blocks"])
    for block in view["blocks"]:
        if block["type"] == "input":
            assert len(block["label"]["text"]) <= 2000
    # Submitted untouched, it keeps everything and changes nothing.
    parsed = parse_reassessment(_submitted(view))
    assert set(parsed.decisions.goals.values()) <= {"keep"}
    assert len(parsed.decisions.goals) == goals_shown
    assert len(parsed.decisions.tasks) == tasks_shown
    assert parsed.decisions.new_goals == ()
    assert parsed.every_weeks == 4


def test_reassess_round_trip_with_choices() -> None:
    view = build_reassess_modal(_form(2, 2, weeks=8))
    values = _submitted(view)
    assert values[EVERY_BLOCK][EVERY_INPUT]["selected_option"]["value"] == "8"
    values["reassess-goal-1"]["decision"]["selected_option"] = {"value": "achieved"}
    values["reassess-why-1"]["reason"]["value"] = "  Presented in March "
    values["reassess-why-2"]["reason"]["value"] = "ignored: kept"
    values["reassess-task-2"]["decision"]["selected_option"] = {"value": "done"}
    values[ids.NEW_GOALS_BLOCK][ids.NEW_GOALS_INPUT]["value"] = "• Submit an abstract\n\n- Teach"
    parsed = parse_reassessment(values)
    assert parsed.decisions.goals == {1: "achieved", 2: "keep"}
    assert parsed.decisions.goal_reasons == {1: "Presented in March"}
    assert parsed.decisions.tasks == {1: "keep", 2: "done"}
    assert parsed.decisions.new_goals == ("Submit an abstract", "Teach")
    assert parsed.every_weeks == 8


@pytest.mark.parametrize(
    ("change", "block_id"),
    [
        ({ids.NEW_GOALS_BLOCK: "\n".join(f"goal {i}" for i in range(11))}, ids.NEW_GOALS_BLOCK),
        ({ids.NEW_GOALS_BLOCK: "x" * 501}, ids.NEW_GOALS_BLOCK),
        ({EVERY_BLOCK: None}, EVERY_BLOCK),
        ({EVERY_BLOCK: "5"}, EVERY_BLOCK),
        ({"reassess-goal-1": "finished"}, "reassess-goal-1"),
        ({"reassess-task-1": "achieved"}, "reassess-task-1"),
    ],
)
def test_reassess_bad_input_keeps_the_modal_open(change: dict[str, Any], block_id: str) -> None:
    values = _submitted(build_reassess_modal(_form(1, 1)))
    for changed, value in change.items():
        if changed == ids.NEW_GOALS_BLOCK:
            values[changed][ids.NEW_GOALS_INPUT]["value"] = value
        else:
            field = next(iter(values[changed].values()))
            field["selected_option"] = None if value is None else {"value": value}
    with pytest.raises(InvalidSubmission) as caught:
        parse_reassessment(values)
    assert block_id in caught.value.errors


def test_the_desk_tops_the_first_page_only_and_yields_to_the_pairings() -> None:
    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    desk = _desk(2, 2_000, "Cardiology", at_risk=20)
    few = HomeContent(TODAY, ["Research"], [_pairing(1, 1, 1, "x")], desk=desk, now=now)
    first = build_home(few)["blocks"]
    headers = [b["text"]["text"] for b in first if b["type"] == "header"]
    assert headers[0] == "Coordinator · Cardiology 0"
    text = all_text(first)
    assert "Meetings held: 7 · check-ins answered: 9 of 12" in text
    assert "20 pairs at risk in all" in text
    assert "Pulse survey: 40 of 100 answered" in text
    assert "Showing 1–10 of 2000" in text
    many = [_pairing(n + 1, 40, 40, "x") for n in range(9)]
    full = HomeContent(TODAY, ["Research"], many, desk=desk, now=now)
    first_full = build_home(full)["blocks"]
    assert len(first_full) <= VIEW_BLOCK_LIMIT
    assert sum(1 for b in first_full if b.get("block_id", "").startswith("home-actions-")) == 4
    later = build_home(replace(full, page=1))["blocks"]
    assert "Coordinator ·" not in all_text(later)

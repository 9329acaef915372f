"""No released figure, alone or with others, pins down one person's rating.

An attacker takes every usefulness figure released for a program and period (the digest's
figure per week, which its preview and chart show too, and feedback.csv's per focus and for
all foci) and solves the linear equations they make over the individual ratings. The release
functions are treated as black boxes: which ratings a figure sums is found by changing one
rating at a time and seeing which figures move. A rating is pinned down when its unit vector
lies in the span of the figures' supports.

End-of-mentorship answers (recommendation and goals met) are attacked the same way over the
digest's figure and feedback.csv's rows. A pulse's figures are one cell each (one question of
one closed pulse, program-wide, released nowhere else), and a mentor's own figures (Home, the
teaching record) show people only as "5+"-style bands, so they give no exact sum to solve with."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot import feedback as fb
from handlers.flows.feedback import build_feedback_csv

START = datetime(2026, 11, 2, tzinfo=UTC)
FOCI = ("research", "clinical", "career")
Rating = tuple[str, str, int, int]  # person, focus, week, score


def _weeks(count: int) -> list[tuple[datetime, datetime]]:
    return [(START + timedelta(weeks=i), START + timedelta(weeks=i + 1)) for i in range(count)]


def _cells(ratings: list[Rating], week: int, focus: str) -> fb.Cell:
    return fb.cell_of([fb.Answer(p, v) for p, f, w, v in ratings if (w, f) == (week, focus)])


def released(ratings: list[Rating], weeks: int, minimum: int) -> dict[str, float]:
    """Every usefulness figure the surfaces release, as the sum it stands for (mean × answers)."""
    figures: dict[str, float] = {}
    for week in range(weeks):
        value = fb.week_usefulness([_cells(ratings, week, f) for f in FOCI], minimum)
        if isinstance(value, fb.Shown):
            figures[f"digest week {week}"] = value.mean * value.answers
    by_focus = {f: [_cells(ratings, w, f) for w in range(weeks)] for f in FOCI}
    by_focus = {f: cells for f, cells in by_focus.items() if any(c.answers for c in cells)}
    report = build_feedback_csv(
        {f: f for f in FOCI},
        by_focus,
        fb.exit_table({}, minimum),
        _weeks(weeks),
        minimum,
        ZoneInfo("UTC"),
    )
    for row in csv.DictReader(io.StringIO(report.decode())):
        if row["usefulness_mean"]:
            figures[f"csv {row['focus']}"] = float(row["usefulness_mean"]) * int(
                row["usefulness_answers"]
            )
    return figures


def supports(ratings: list[Rating], weeks: int, minimum: int) -> np.ndarray:
    """One row per released figure: which ratings it sums (found by moving each rating)."""
    base = released(ratings, weeks, minimum)
    rows = {name: np.zeros(len(ratings)) for name in base}
    for index, (person, focus, week, value) in enumerate(ratings):
        moved = [*ratings]
        moved[index] = (person, focus, week, value + 1000)
        after = released(moved, weeks, minimum)
        assert after.keys() == base.keys()  # what is shown never depends on the scores
        for name in base:
            if abs(after[name] - base[name]) > 1:
                rows[name][index] = 1
    return np.array(list(rows.values())) if rows else np.zeros((0, len(ratings)))


def pinned(matrix: np.ndarray) -> list[int]:
    """The ratings whose value the released sums determine exactly."""
    if matrix.shape[0] == 0:
        return []
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for index in range(matrix.shape[1]):
        unit = np.zeros((1, matrix.shape[1]))
        unit[0, index] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(index)
    return found


ratings_strategy = st.lists(
    st.tuples(
        st.sampled_from([f"U0PERSON{i}" for i in range(9)]),
        st.sampled_from(FOCI),
        st.integers(0, 2),
        st.integers(1, 5),
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(ratings=ratings_strategy, minimum=st.sampled_from([2, 3, 5]))
@example(  # the reported case: five Research mentees rated 4, one Clinical-skills mentee 2
    ratings=[(f"U0RESRCH{i}", "research", 0, 4) for i in range(5)]
    + [("U0CLINIC1", "clinical", 0, 2)],
    minimum=5,
)
def test_no_released_figure_pins_down_one_rating(ratings: list[Rating], minimum: int) -> None:
    assert pinned(supports(ratings, 3, minimum)) == []


def test_the_attacker_finds_a_rating_when_a_week_counts_every_rating() -> None:
    """The attacker works: with the digest counting every rating of the week (as it did), the
    week minus feedback.csv's Research row is the one Clinical-skills rating."""
    ratings = [(f"U0RESRCH{i}", "research", 0, 4) for i in range(5)] + [
        ("U0CLINIC1", "clinical", 0, 2)
    ]
    week_total = np.ones((1, 6))
    research_row = np.array([[1, 1, 1, 1, 1, 0]])
    assert pinned(np.vstack([week_total, research_row])) == [5]
    assert pinned(supports(ratings, 1, 5)) == []


# -- end-of-mentorship answers --------------------------------------------------------------------

Exit = tuple[str, str, int, str]  # person, focus, recommend (0-10), goals met


def _exit_rows(exits: list[Exit]) -> dict[str, list[fb.ExitRow]]:
    """Each focus's rows in answering order (the list's order is the order they answered in)."""
    rows: dict[str, list[fb.ExitRow]] = {}
    for index, (person, focus, recommend, goals) in enumerate(exits):
        rows.setdefault(focus, []).append(
            fb.ExitRow(person, "mentee", goals, recommend, START + timedelta(hours=index))
        )
    return rows


def released_exits(exits: list[Exit], minimum: int) -> dict[str, str]:
    """Every end-of-mentorship figure released for a program: the digest's (to date) and each
    row of feedback.csv, as the text a coordinator reads."""
    table = fb.exit_table(_exit_rows(exits), minimum)
    total = table.total
    figures = {
        "digest recommend": fb.nps_text(total.recommend),
        "digest goals": fb.split_text(total.goals_met),
    }
    report = build_feedback_csv(
        {f: f for f in FOCI}, {}, table, _weeks(1), minimum, ZoneInfo("UTC")
    )
    for row in csv.DictReader(io.StringIO(report.decode())):
        if row["recommend_score_to_date"]:
            figures[f"csv {row['focus']} recommend"] = row["recommend_score_to_date"]
        if row["goals_met_all_pct"]:
            figures[f"csv {row['focus']} goals"] = ",".join(
                row[f"goals_met_{g}_pct"] for g in ("all", "some", "none")
            )
    return {name: text for name, text in figures.items() if "fewer than" not in text}


def exit_supports(exits: list[Exit], minimum: int) -> np.ndarray:
    """One row per released figure: which answers it counts (found by turning each answer's
    recommendation and goals around and seeing which figures move)."""
    base = released_exits(exits, minimum)
    rows = {name: np.zeros(len(exits)) for name in base}
    for index, (person, focus, recommend, goals) in enumerate(exits):
        moved = [*exits]
        moved[index] = (
            person,
            focus,
            0 if recommend >= 7 else 10,
            "none" if goals != "none" else "all",
        )
        after = released_exits(moved, minimum)
        assert after.keys() == base.keys()  # what is shown never depends on the answers
        for name in base:
            if after[name] != base[name]:
                rows[name][index] = 1
    return np.array(list(rows.values())) if rows else np.zeros((0, len(exits)))


exits_strategy = st.lists(
    st.tuples(
        st.sampled_from([f"U0PERSON{i}" for i in range(9)]),
        st.sampled_from(FOCI),
        st.integers(0, 10),
        st.sampled_from([g.value for g in fb.GoalsMet]),
    ),
    max_size=24,
)


@settings(max_examples=150, deadline=None)
@given(exits=exits_strategy, minimum=st.sampled_from([2, 3, 5]))
@example(  # one Clinical-skills answer before five Research ones
    exits=[("U0CLINIC1", "clinical", 0, "none")]
    + [(f"U0RESRCH{i}", "research", 10, "all") for i in range(5)],
    minimum=5,
)
@example(  # re-blocking all answers for the total (as the digest did) gave this one away
    exits=[
        ("U0PERSON1", "research", 0, "all"),
        ("U0PERSON1", "clinical", 0, "all"),
        ("U0PERSON0", "research", 0, "all"),
    ],
    minimum=2,
)
def test_no_end_of_mentorship_figure_pins_down_one_answer(exits: list[Exit], minimum: int) -> None:
    assert pinned(exit_supports(exits, minimum)) == []


def test_the_digest_is_the_total_of_the_reports_exit_table() -> None:
    """The digest's figure and feedback.csv's last row count the same answers: the foci's
    whole blocks, never a block of their own that cuts across them."""
    exits = [("U0CLINIC1", "clinical", 0, "none")] + [
        (f"U0RESRCH{i}", "research", 10, "all") for i in range(6)
    ]
    figures = released_exits(exits, 5)
    assert figures["digest recommend"] == "+100 (5 people)"
    assert figures["csv research recommend"] == "100"
    assert figures["csv All focus areas recommend"] == "100"

"""No released figure, alone or with others, pins down one person's rating.

An attacker takes every usefulness figure released for a program and period (the digest's
figure per week, which its preview and chart show too, and feedback.csv's per focus and for
all foci) and solves the linear equations they make over the individual ratings. The release
functions are treated as black boxes: which ratings a figure sums is found by changing one
rating at a time and seeing which figures move. A rating is pinned down when its unit vector
lies in the span of the figures' supports."""

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
        {f: f for f in FOCI}, by_focus, {}, _weeks(weeks), minimum, ZoneInfo("UTC")
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

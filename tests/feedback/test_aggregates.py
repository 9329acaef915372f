"""The minimum-responses rule, over any answers and any grouping: no figure shown is built from
fewer than the minimum of people, and none can be worked out by subtracting shown figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot import feedback as fb

PEOPLE = [f"U{n:04d}" for n in range(12)]
START = datetime(2026, 1, 5, tzinfo=UTC)

answers_st = st.lists(
    st.builds(
        fb.Answer,
        person=st.sampled_from(PEOPLE),
        value=st.integers(1, 5),
        at=st.integers(0, 60 * 24 * 40).map(lambda m: START + timedelta(minutes=m)),
    ),
    max_size=60,
)
minimum_st = st.integers(2, 7)


@given(answers_st, minimum_st)
def test_an_aggregate_is_shown_only_for_enough_people(
    answers: list[fb.Answer], minimum: int
) -> None:
    value = fb.aggregate(answers, minimum)
    people = len({a.person for a in answers})
    if people < minimum:
        assert value == fb.Withheld(minimum)
    else:
        assert isinstance(value, fb.Shown)
        assert value.people == people >= minimum
        assert min(a.value for a in answers) <= value.mean <= max(a.value for a in answers)


@given(answers_st, minimum_st, st.integers(1, 4))
def test_groups_shown_together_never_give_a_small_group_away(
    answers: list[fb.Answer], minimum: int, groups: int
) -> None:
    # Any filter (a focus, a week) splits answers into groups; here by a person's number.
    grouped: dict[int, list[fb.Answer]] = {}
    for answer in answers:
        grouped.setdefault(int(answer.person[1:]) % groups, []).append(answer)
    result = fb.by_group(grouped, minimum)
    for key, value in result.groups.items():
        if isinstance(value, fb.Shown):
            assert len({a.person for a in grouped[key]}) >= minimum
    if isinstance(result.total, fb.Shown):
        assert len({a.person for a in answers}) >= minimum
        hidden = {
            a.person
            for key, value in result.groups.items()
            if isinstance(value, fb.Withheld)
            for a in grouped[key]
        }
        # What the total minus the shown groups leaves is nobody's or enough people's.
        assert len(hidden) == 0 or len(hidden) >= minimum


@given(answers_st, minimum_st, st.integers(0, 60))
def test_a_growing_figure_changes_only_by_enough_people(
    answers: list[fb.Answer], minimum: int, later: int
) -> None:
    ordered = sorted(answers, key=lambda a: (a.at, a.person))
    cut = min(later, len(ordered))
    before = fb.in_blocks(ordered[:cut], minimum)
    after = fb.in_blocks(ordered, minimum)
    assert after[: len(before)] == before
    change = after[len(before) :]
    assert not change or len({a.person for a in change}) >= minimum
    if after:
        assert len({a.person for a in after}) >= minimum


@given(answers_st, minimum_st)
def test_weekly_figures_each_hold_enough_people(answers: list[fb.Answer], minimum: int) -> None:
    last = fb.week_start(date(2026, 2, 9))
    series = fb.weekly(answers, last, 6, minimum, local=lambda at: at.date())
    assert [start for start, _ in series] == [last - timedelta(weeks=w) for w in range(5, -1, -1)]
    for start, value in series:
        inside = [a for a in answers if a.at and fb.week_start(a.at.date()) == start]
        if isinstance(value, fb.Shown):
            assert len({a.person for a in inside}) >= minimum
        else:
            assert len({a.person for a in inside}) < minimum


@given(st.lists(st.tuples(st.sampled_from(PEOPLE), st.integers(0, 10)), max_size=30), minimum_st)
def test_net_promoter_needs_enough_people(pairs: list[tuple[str, int]], minimum: int) -> None:
    value = fb.net_promoter([fb.Answer(p, v) for p, v in pairs], minimum)
    if len({p for p, _ in pairs}) < minimum:
        assert value == fb.Withheld(minimum)
    else:
        assert isinstance(value, fb.NetPromoter)
        assert -100 <= value.score <= 100


def test_net_promoter_counts_promoters_less_detractors() -> None:
    answers = [fb.Answer(f"U{n}", v) for n, v in enumerate([10, 9, 8, 7, 0])]
    assert fb.net_promoter(answers, 5) == fb.NetPromoter(5, 20)


def test_one_person_answering_many_times_is_one_person() -> None:
    answers = [fb.Answer("U1", 5, START + timedelta(days=n)) for n in range(20)]
    assert fb.aggregate(answers, 2) == fb.Withheld(2)
    assert fb.in_blocks(answers, 2) == []


def test_withheld_text_names_the_minimum_only() -> None:
    assert fb.mean_text(fb.Withheld(5), 5) == "fewer than 5 responses"
    assert fb.mean_text(fb.Shown(6, 9, 4.25), 5) == "4.2 / 5 (6 people)"


def test_trend_compares_the_last_two_shown_weeks() -> None:
    week = date(2026, 1, 5)
    series: list[tuple[date, fb.Aggregate]] = [
        (week, fb.Shown(5, 5, 3.0)),
        (week + timedelta(weeks=1), fb.Withheld(5)),
        (week + timedelta(weeks=2), fb.Shown(5, 5, 4.0)),
    ]
    assert fb.trend(series) == "up"
    assert fb.trend([*series[:2], (week, fb.Withheld(5))]) is None


@given(answers_st, minimum_st)
def test_the_streaming_counter_agrees_with_the_block_rule(
    answers: list[fb.Answer], minimum: int
) -> None:
    ordered = sorted(answers, key=lambda a: (a.at, a.person))
    counter = fb.BlockCounter(minimum)
    for answer in ordered:
        counter.add(answer.person, answer.value)
    expected = fb.aggregate(fb.in_blocks(ordered, minimum), minimum)
    got = counter.mean()
    if isinstance(expected, fb.Shown):
        assert isinstance(got, fb.Shown)
        assert (got.people, got.answers) == (expected.people, expected.answers)
        assert abs(got.mean - expected.mean) < 1e-9
    else:
        assert got == expected
    assert counter.net_promoter() == fb.net_promoter(fb.in_blocks(ordered, minimum), minimum)


@given(st.lists(answers_st, max_size=6), minimum_st)
def test_counting_cells_in_the_database_agrees_with_the_answers(
    cells: list[list[fb.Answer]], minimum: int
) -> None:
    for answers in cells:
        assert fb.cell_aggregate(fb.cell_of(answers), minimum) == fb.aggregate(answers, minimum)
    kept = fb.kept_cells([fb.cell_of(c) for c in cells], minimum)
    expected = fb.whole_buckets(cells, minimum)
    if expected:
        assert isinstance(kept, fb.Shown)
        assert kept.answers == len(expected)
        assert abs(kept.mean - sum(a.value for a in expected) / len(expected)) < 1e-9
        assert kept.people >= minimum
    else:
        assert kept == fb.Withheld(minimum)

"""The matching solver: capacities, stability, determinism and the reasons it gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching import (
    MAX_CHOICES,
    Choices,
    Placed,
    Round,
    Unmatched,
    Unplaced,
    blocking_pairs,
    solve,
    spread_suggestions,
)


def test_first_choices_are_kept_when_there_is_room() -> None:
    round_ = Round(
        choices={"T1": Choices(("M1", "M2"), ranked=2), "T2": Choices(("M2",), ranked=0)},
        places={"M1": 1, "M2": 1},
    )
    proposal = solve(round_)
    assert proposal.pairs == (
        Placed("T1", "M1", rank=1, chose=True),
        Placed("T2", "M2", rank=1, chose=False),
    )
    assert proposal.unmatched == ()


def test_a_full_mentor_keeps_the_trainee_who_ranked_them_higher() -> None:
    round_ = Round(
        choices={"T1": Choices(("M2", "M1"), ranked=2), "T2": Choices(("M1",), ranked=1)},
        places={"M1": 1, "M2": 0},
    )
    proposal = solve(round_)
    # M2 has no place left, so T1 applies to M1 as their second choice; T2 ranked M1 first.
    assert proposal.pairs == (Placed("T2", "M1", rank=1, chose=True),)
    assert proposal.unmatched == (Unmatched("T1", Unplaced.PLACES_TAKEN),)


def test_rather_not_is_never_matched_and_explains_an_empty_list() -> None:
    round_ = Round(
        choices={"T1": Choices(("M1",), ranked=1), "T2": Choices(("M1",), ranked=1)},
        places={"M1": 5},
        rather_not={"M1": {"T1"}},
    )
    proposal = solve(round_)
    assert proposal.pairs == (Placed("T2", "M1", rank=1, chose=True),)
    assert proposal.unmatched == (Unmatched("T1", Unplaced.NO_CHOICES),)


def test_only_five_choices_count_and_unknown_or_repeated_mentors_are_ignored() -> None:
    mentors = ("MX", "M1", "M1", "M2", "M3", "M4", "M5")
    round_ = Round(
        choices={"T1": Choices(mentors, ranked=7)},
        places={"M1": 0, "M2": 0, "M3": 0, "M4": 0, "M5": 1},
    )
    assert len(mentors[:MAX_CHOICES]) == 5
    # M5 is the sixth entry: out of the five that count.
    assert solve(round_).unmatched == (Unmatched("T1", Unplaced.NO_CHOICES),)


def test_nobody_in_the_round() -> None:
    proposal = solve(Round(choices={}, places={}))
    assert proposal.pairs == ()
    assert proposal.unmatched == ()


def test_the_proposal_is_the_same_whatever_order_people_are_listed_in() -> None:
    choices = {f"T{i}": Choices(tuple(f"M{(i + k) % 4}" for k in range(3)), 1) for i in range(9)}
    places = {f"M{m}": 2 for m in range(4)}
    forwards = solve(Round(choices=choices, places=places))
    backwards = solve(
        Round(
            choices=dict(reversed(list(choices.items()))),
            places=dict(reversed(list(places.items()))),
        )
    )
    assert forwards == backwards
    assert len(forwards.pairs) == 8


@st.composite
def rounds(draw: st.DrawFn) -> Round:
    mentors = [f"M{i}" for i in range(draw(st.integers(0, 8)))]
    trainees = [f"T{i}" for i in range(draw(st.integers(0, 20)))]
    places = {m: draw(st.integers(0, 3)) for m in mentors}
    choices = {}
    for trainee in trainees:
        listed = draw(st.lists(st.sampled_from(mentors), max_size=6)) if mentors else []
        choices[trainee] = Choices(tuple(listed), ranked=draw(st.integers(0, len(listed))))
    rather_not = {
        m: set(draw(st.lists(st.sampled_from(trainees), max_size=3))) if trainees else set()
        for m in mentors
    }
    return Round(choices=choices, places=places, rather_not=rather_not)


@settings(max_examples=300, deadline=None)
@given(rounds())
def test_every_capacity_holds_and_no_pair_blocks(round_: Round) -> None:
    proposal = solve(round_)
    load: dict[str, int] = {}
    for pair in proposal.pairs:
        load[pair.mentor] = load.get(pair.mentor, 0) + 1
        assert pair.trainee not in round_.rather_not.get(pair.mentor, set())
        assert pair.mentor in round_.choices[pair.trainee].mentors[:MAX_CHOICES]
    assert all(load[m] <= round_.places[m] for m in load)
    assert blocking_pairs(round_, proposal) == []
    # Every trainee is accounted for exactly once.
    placed = [p.trainee for p in proposal.pairs] + [u.trainee for u in proposal.unmatched]
    assert sorted(placed) == sorted(round_.choices)
    assert solve(round_) == proposal


def test_blocking_pairs_finds_an_unstable_proposal() -> None:
    from bot.matching import Proposal

    round_ = Round(
        choices={"T1": Choices(("M1", "M2"), ranked=2), "T2": Choices(("M1",), ranked=1)},
        places={"M1": 1, "M2": 1},
    )
    # T1 and M1 both prefer each other over this (M1 prefers a first-choice, equal rank; T1
    # ranked first, T2 too: ties go to the trainee id, T1).
    unstable = Proposal(
        pairs=(Placed("T2", "M1", 1, True), Placed("T1", "M2", 2, True)), unmatched=()
    )
    assert blocking_pairs(round_, unstable) == [("T1", "M1")]


def test_suggestions_keep_the_best_fit_first_and_spread_equal_fits_over_places() -> None:
    equal = [("M1", 10), ("M2", 10), ("M3", 10), ("M4", 10)]
    ranked = {
        "T1": [("M9", 20), *equal],  # M9 fits T1 better than anyone: always first
        "T2": equal,
        "T3": equal,
    }
    suggestions = spread_suggestions(ranked, {"M1": 1, "M2": 1, "M3": 1, "M4": 2, "M9": 1}, size=2)
    assert suggestions["T1"] == ["M9", "M1"]
    # M1 was shown once for its one place; M2 and M3 not yet.
    assert suggestions["T2"] == ["M2", "M3"]
    # M4 has two places and has not been shown; then the least shown of the rest, in rank order.
    assert suggestions["T3"] == ["M4", "M1"]
    assert spread_suggestions(ranked, {}, size=2) == spread_suggestions(ranked, {}, size=2)


def test_a_round_of_1000_trainees_and_500_mentors_is_solved_stably() -> None:
    # Overlapping lists chain every trainee to every mentor: the package's own game object
    # deep-copies such a graph past Python's recursion limit, which the wrapper avoids.
    choices = {
        f"T{i:04d}": Choices(
            tuple(f"M{(i // 2 + k * 7) % 500:03d}" for k in range(5)), ranked=i % 6
        )
        for i in range(1000)
    }
    places = {f"M{m:03d}": 1 + m % 3 for m in range(500)}
    round_ = Round(choices=choices, places=places, rather_not={"M000": {"T0000"}})
    proposal = solve(round_)
    assert len(proposal.pairs) + len(proposal.unmatched) == 1000
    assert len(proposal.pairs) > 900
    assert blocking_pairs(round_, proposal) == []

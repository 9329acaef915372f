"""The directory's ranking: the documented order, determinism, and working-hours overlap."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.directory import (
    FORMAT_KEYS,
    STAGE_KEYS,
    MentorCandidate,
    Seeker,
    fit_of,
    matches_words,
    rank_key,
    rank_mentors,
    specialties,
    working_hours_overlap,
)

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ZONES = ["America/New_York", "America/Chicago", "Europe/London", "Asia/Kolkata", None]
FOCUSES = ["research", "clinical-skills", "wellbeing"]
SPECIALTIES = ["general-surgery", "pediatrics", "other", None]


def mentor(user_id: str, **fields: object) -> MentorCandidate:
    values: dict[str, object] = {
        "focus_areas": frozenset({"research"}),
        "specialty": None,
        "stages": frozenset(),
        "formats": frozenset(),
        "tz": None,
        "mentees": 0,
        "capacity": 3,
    }
    values.update(fields)
    return MentorCandidate(user_id=user_id, **values)  # type: ignore[arg-type]


candidates = st.builds(
    MentorCandidate,
    user_id=st.from_regex(r"U[0-9A-Z]{8}", fullmatch=True),
    focus_areas=st.frozensets(st.sampled_from(FOCUSES)),
    specialty=st.sampled_from(SPECIALTIES),
    stages=st.frozensets(st.sampled_from(sorted(STAGE_KEYS))),
    formats=st.frozensets(st.sampled_from(sorted(FORMAT_KEYS))),
    tz=st.sampled_from(ZONES),
    mentees=st.integers(0, 6),
    capacity=st.one_of(st.none(), st.integers(1, 8)),
)
seekers = st.builds(
    Seeker,
    user_id=st.just("U0SEEKER1"),
    focus=st.sampled_from([*FOCUSES, None]),
    specialty=st.sampled_from(SPECIALTIES),
    stage=st.sampled_from([*sorted(STAGE_KEYS), None]),
    formats=st.frozensets(st.sampled_from(sorted(FORMAT_KEYS))),
    tz=st.sampled_from(ZONES),
)


def unique(found: list[MentorCandidate]) -> list[MentorCandidate]:
    return list({c.user_id: c for c in found}.values())


def test_focus_fit_comes_before_load() -> None:
    busy_fit = mentor("U0000000A", focus_areas=frozenset({"research"}), mentees=2)
    idle_other = mentor("U0000000B", focus_areas=frozenset({"wellbeing"}), mentees=0)
    ranked = rank_mentors(Seeker("U0SEEKER1", focus="research"), [idle_other, busy_fit], AT)
    assert [r.candidate.user_id for r in ranked] == ["U0000000A", "U0000000B"]
    assert ranked[0].fit.focus
    assert not ranked[1].fit.focus


def test_specialty_outweighs_stage_and_other_matches_nobody() -> None:
    seeker = Seeker("U0SEEKER1", focus="research", specialty="pediatrics", stage="resident")
    by_specialty = mentor("U0000000B", specialty="pediatrics")
    by_stage = mentor("U0000000A", stages=frozenset({"resident"}))
    ranked = rank_mentors(seeker, [by_stage, by_specialty], AT)
    assert [r.candidate.user_id for r in ranked] == ["U0000000B", "U0000000A"]
    other = Seeker("U0SEEKER1", specialty="other")
    assert not rank_mentors(other, [mentor("U0000000C", specialty="other")], AT)[0].fit.specialty


def test_fewer_mentees_then_more_overlap_then_formats_then_id() -> None:
    seeker = Seeker(
        "U0SEEKER1", focus="research", tz="America/New_York", formats=frozenset({"call"})
    )
    loaded = mentor("U0000000A", mentees=2, tz="America/New_York")
    far = mentor("U0000000B", mentees=0, tz="Asia/Kolkata")
    near = mentor("U0000000C", mentees=0, tz="America/Chicago")
    near_call = mentor("U0000000D", mentees=0, tz="America/Chicago", formats=frozenset({"call"}))
    twin = mentor("U0000000E", mentees=0, tz="America/Chicago", formats=frozenset({"call"}))
    ranked = rank_mentors(seeker, [loaded, far, near, twin, near_call], AT)
    assert [r.candidate.user_id for r in ranked] == [
        "U0000000D",
        "U0000000E",
        "U0000000C",
        "U0000000B",
        "U0000000A",
    ]


def test_the_seeker_is_never_ranked() -> None:
    assert rank_mentors(Seeker("U0000000A"), [mentor("U0000000A")], AT) == []


def test_working_hours_overlap() -> None:
    assert working_hours_overlap("America/New_York", "America/New_York", AT) == 8 * 60
    assert working_hours_overlap("America/New_York", "America/Chicago", AT) == 7 * 60
    assert working_hours_overlap("America/New_York", "Asia/Kolkata", AT) == 0
    assert working_hours_overlap("America/New_York", None, AT) is None
    assert working_hours_overlap("Not/AZone", "America/New_York", AT) is None
    # Daylight saving moves the gap: London and New York are 5 h apart in December.
    assert working_hours_overlap("Europe/London", "America/New_York", AT) == 3 * 60


def test_specialties_are_keyed_by_slug_with_other_last() -> None:
    found = specialties(["General surgery", "general  surgery", "Other", "Pediatrics"])
    assert [c.key for c in found] == ["general-surgery", "pediatrics", "other"]


def test_words_narrow_on_bio_specialty_and_languages() -> None:
    c = mentor("U0000000A", bio="Cardiology research, outcomes", languages=("Spanish",))
    assert matches_words(c, ["cardiology"])
    assert matches_words(c, ["SPANISH", "outcomes"])
    assert not matches_words(c, ["oncology"])
    assert matches_words(c, [])


@given(seekers, st.lists(candidates, max_size=12), st.randoms())
def test_ranking_is_deterministic_whatever_the_input_order(
    seeker: Seeker, found: list[MentorCandidate], shuffler: object
) -> None:
    found = unique(found)
    shuffled = list(found)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    first = rank_mentors(seeker, found, AT)
    again = rank_mentors(seeker, shuffled, AT)
    assert [r.candidate for r in first] == [r.candidate for r in again]


@given(seekers, st.lists(candidates, max_size=12))
def test_ranking_follows_the_documented_key(seeker: Seeker, found: list[MentorCandidate]) -> None:
    ranked = rank_mentors(seeker, unique(found), AT)
    keys = [rank_key(r, seeker) for r in ranked]
    assert keys == sorted(keys)
    assert len(ranked) == len(unique(found))
    for r in ranked:
        # Better fit never ranks below worse fit.
        assert r.fit.focus == (seeker.focus is not None and seeker.focus in r.candidate.focus_areas)
        assert r.fit.overlap_minutes is None or 0 <= r.fit.overlap_minutes <= 8 * 60
        # Fits shared between mentors who compare alike are each mentor's own fit.
        assert r.fit == fit_of(seeker, r.candidate, AT)


@given(seekers, candidates, st.integers(1, 5))
def test_a_lighter_load_never_ranks_lower(
    seeker: Seeker, candidate: MentorCandidate, extra: int
) -> None:
    light = candidate
    heavy = candidate._replace(user_id="U0HEAVY00", mentees=candidate.mentees + extra)
    light = candidate._replace(user_id="U0ZLIGHT0")
    ranked = rank_mentors(seeker, [heavy, light], AT)
    assert ranked[0].candidate.user_id == "U0ZLIGHT0"


@given(st.sampled_from(ZONES), st.sampled_from(ZONES))
def test_overlap_is_symmetric(a: str | None, b: str | None) -> None:
    assert working_hours_overlap(a, b, AT) == working_hours_overlap(b, a, AT)

"""The directory's builders and parsers: a search survives the round trip through a modal's
metadata, forged metadata is refused, and profile submissions are checked."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.directory import FORMAT_KEYS, specialties
from bot.focus import focus_areas
from bot.settings import DEFAULT_FOCUS_AREAS
from handlers import ids
from handlers.blocks.directory import (
    WORD_LIMIT,
    WORDS_LIMIT,
    ForgedSearch,
    InvalidProfile,
    Search,
    parse_mentor_profile,
    parse_search,
    parse_trainee_profile,
    split_languages,
)
from tests.handlers.helpers import modal_values, selected, typed

AREAS = focus_areas(DEFAULT_FOCUS_AREAS)
SPECIALTIES = specialties(["General surgery", "Pediatrics"])
keys = st.one_of(st.none(), st.from_regex(r"[a-z][a-z-]{0,30}", fullmatch=True))
words = st.text(min_size=1, max_size=WORD_LIMIT).filter(lambda w: w.strip() == w and w)


@given(
    st.integers(1, 10**6),
    keys,
    keys,
    st.one_of(st.none(), st.sampled_from(sorted(FORMAT_KEYS))),
    st.lists(words, max_size=WORDS_LIMIT).map(tuple),
    st.integers(0, 1000),
)
def test_a_search_survives_its_metadata(
    program: int,
    focus: str | None,
    specialty: str | None,
    format_: str | None,
    typed_words: tuple[str, ...],
    page: int,
) -> None:
    search = Search(program, focus, specialty, format_, typed_words, page)
    assert parse_search(search.to_metadata()) == search


@pytest.mark.parametrize(
    "metadata",
    [
        "",
        "{",
        "[]",
        json.dumps({"p": "1"}),
        json.dumps({"p": True}),
        json.dumps({"p": 0}),
        json.dumps({"p": 1, "n": -1}),
        json.dumps({"p": 1, "f": 3}),
        json.dumps({"p": 1, "w": ["x" * (WORD_LIMIT + 1)]}),
        json.dumps({"p": 1, "w": ["a"] * (WORDS_LIMIT + 1)}),
    ],
)
def test_forged_metadata_is_refused(metadata: str) -> None:
    with pytest.raises(ForgedSearch):
        parse_search(metadata)


def many(*values: str) -> dict[str, object]:
    return {
        "type": "multi_static_select",
        "selected_options": [{"value": v} for v in values],
    }


def mentor(**overrides: tuple[str, str, dict[str, object]]) -> dict[str, object]:
    inputs = {
        "listed": (ids.LISTED_BLOCK, ids.LISTED_INPUT, selected("yes", "radio_buttons")),
        "open": (ids.OPEN_BLOCK, ids.OPEN_INPUT, selected("no", "radio_buttons")),
        "focuses": (ids.FOCUSES_BLOCK, ids.FOCUSES_INPUT, many("research")),
        "languages": (ids.LANGUAGES_BLOCK, ids.LANGUAGES_INPUT, typed("English; spanish, english")),
    }
    inputs.update(overrides)
    return modal_values(**inputs)


def test_a_mentor_profile_is_parsed_and_checked() -> None:
    parsed = parse_mentor_profile(mentor(), AREAS, SPECIALTIES)
    assert (parsed.listed, parsed.open, parsed.focus_areas) == (True, False, ("research",))
    assert parsed.languages == ("English", "spanish")
    assert parsed.specialty is None

    with pytest.raises(InvalidProfile) as no_focus:
        parse_mentor_profile(
            mentor(focuses=(ids.FOCUSES_BLOCK, ids.FOCUSES_INPUT, many())), AREAS, SPECIALTIES
        )
    assert ids.FOCUSES_BLOCK in no_focus.value.errors
    forged = (ids.FOCUSES_BLOCK, ids.FOCUSES_INPUT, many("made-up"))
    with pytest.raises(InvalidProfile):
        parse_mentor_profile(mentor(focuses=forged), AREAS, SPECIALTIES)
    forged_specialty = (ids.SPECIALTY_BLOCK, ids.SPECIALTY_INPUT, selected("oncology"))
    with pytest.raises(InvalidProfile):
        parse_mentor_profile(mentor(specialty=forged_specialty), AREAS, SPECIALTIES)


def test_other_specialty_needs_its_name() -> None:
    other = (ids.SPECIALTY_BLOCK, ids.SPECIALTY_INPUT, selected("other"))
    with pytest.raises(InvalidProfile) as unnamed:
        parse_trainee_profile(modal_values(s=other), AREAS, SPECIALTIES)
    assert ids.SPECIALTY_OTHER_BLOCK in unnamed.value.errors
    named = (ids.SPECIALTY_OTHER_BLOCK, ids.SPECIALTY_OTHER_INPUT, typed("Cardiology"))
    parsed = parse_trainee_profile(modal_values(s=other, n=named), AREAS, SPECIALTIES)
    assert (parsed.specialty, parsed.specialty_other) == ("other", "Cardiology")
    # A name typed with no choice means "other".
    parsed = parse_trainee_profile(modal_values(n=named), AREAS, SPECIALTIES)
    assert parsed.specialty == "other"


def test_languages_are_split_and_bounded() -> None:
    assert split_languages("") == ()
    assert len(split_languages(",".join(f"L{n}" for n in range(30)))) == 10

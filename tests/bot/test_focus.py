"""Focus areas from configuration, and recognising them in what people type."""

from __future__ import annotations

import pytest

from bot.focus import find_focus, focus_areas, match_focus, slug
from bot.settings import DEFAULT_FOCUS_AREAS

AREAS = focus_areas(DEFAULT_FOCUS_AREAS)


def test_default_areas_have_stable_slugs() -> None:
    assert [a.key for a in AREAS] == [
        "clinical-skills",
        "research",
        "career-and-job-search",
        "wellbeing",
        "teaching",
        "leadership",
        "other",
    ]
    assert find_focus("research", AREAS) is not None
    assert find_focus("nope", AREAS) is None


def test_duplicate_labels_collapse() -> None:
    assert [a.label for a in focus_areas(["Research", " research ", "QI & Safety"])] == [
        "Research",
        "QI & Safety",
    ]
    assert slug("QI & Safety") == "qi-safety"


@pytest.mark.parametrize(
    ("typed", "key", "used"),
    [
        ("career and job search please", "career-and-job-search", 4),
        ("Career please", "career-and-job-search", 1),
        ("career-and-job-search", "career-and-job-search", 1),
        ("CLINICAL skills in theatre", "clinical-skills", 2),
        ("clinical", "clinical-skills", 1),
        ("research, methods", "research", 1),
    ],
)
def test_match_focus(typed: str, key: str, used: int) -> None:
    matched = match_focus(typed.split(), AREAS)
    assert matched is not None
    assert (matched[0].key, matched[1]) == (key, used)


@pytest.mark.parametrize("typed", ["", "help me", "job search"])
def test_no_match(typed: str) -> None:
    assert match_focus(typed.split(), AREAS) is None


def test_shared_first_words_need_the_full_label() -> None:
    areas = focus_areas(["Clinical skills", "Clinical research"])
    assert match_focus(["clinical"], areas) is None
    found = match_focus(["clinical", "research"], areas)
    assert found is not None
    assert found[0].key == "clinical-research"

"""Focus areas: what a mentorship is for (clinical skills, research, career...).

Programs configure the labels; the app stores a stable slug ("career-and-job-search") so a
label can be reworded without orphaning existing pairings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slug(label: str) -> str:
    return _NOT_WORD.sub("-", label.lower()).strip("-")


@dataclass(frozen=True)
class FocusArea:
    key: str
    label: str


def focus_areas(labels: Iterable[str]) -> tuple[FocusArea, ...]:
    """The configured areas, in order, one per distinct slug."""
    areas: dict[str, FocusArea] = {}
    for label in labels:
        key = slug(label)
        if key and key not in areas:
            areas[key] = FocusArea(key=key, label=label.strip())
    return tuple(areas.values())


def find_focus(key: str, areas: Sequence[FocusArea]) -> FocusArea | None:
    return next((area for area in areas if area.key == key), None)


def match_focus(words: Sequence[str], areas: Sequence[FocusArea]) -> tuple[FocusArea, int] | None:
    """The focus area that ``words`` start with, and how many words name it.

    Accepts the full label ("career and job search"), the slug ("career-and-job-search"), or
    the label's first word when no other area shares it ("career").
    """
    if not words:
        return None
    lowered = [slug(w) for w in words]
    best: tuple[FocusArea, int] | None = None
    for area in areas:
        label_words = [w for w in (slug(p) for p in area.label.split()) if w]
        n = len(label_words)
        if n and lowered[:n] == label_words and (best is None or n > best[1]):
            best = (area, n)
    if best is not None:
        return best
    first = lowered[0]
    if not first:
        return None
    by_key = find_focus(first, areas)
    if by_key is not None:
        return by_key, 1
    starting = [a for a in areas if slug(a.label).split("-")[0] == first]
    if len(starting) == 1:
        return starting[0], 1
    return None

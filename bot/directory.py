"""The mentor directory's vocabulary and its ranking: career stages, meeting formats, who a
trainee is looking for, and the order in which fitting mentors are shown. Pure: no Slack, no
database, so the directory, the waiting list and matching rounds all rank alike.

The ranking (:func:`rank_mentors`) is deterministic: the same trainee and the same mentors, in
any order, give the same list. Mentors are ordered by, in turn:

1. **fit**: 4 points if they mentor the focus sought, 2 if their specialty is the trainee's
   specialty interest, 1 if they mentor the trainee's career stage (more first);
2. **load**: fewer current mentees first, so the load spreads;
3. **working-hours overlap** with the trainee (more first; unknown counts as none);
4. **format overlap**: how many of the trainee's preferred formats they offer (more first);
5. their Slack user id, so ties always break the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.focus import slug

BIO_LIMIT = 500
NOTE_LIMIT = 500
# A working day is taken as 09:00 to 17:00 local time when comparing time zones.
WORKDAY_START_MINUTES = 9 * 60
WORKDAY_MINUTES = 8 * 60
_DAY = 24 * 60

OTHER_SPECIALTY = "other"

FOCUS_POINTS = 4
SPECIALTY_POINTS = 2
STAGE_POINTS = 1


@dataclass(frozen=True)
class Choice:
    """A fixed option: the stable key stored, the label shown."""

    key: str
    label: str


STAGES: tuple[Choice, ...] = (
    Choice("student", "Students"),
    Choice("resident", "Residents"),
    Choice("fellow", "Fellows"),
    Choice("early-career", "Early-career staff"),
)
# How a trainee names their own stage (the mentor's list speaks of groups).
STAGE_SINGULAR = {
    "student": "Student",
    "resident": "Resident",
    "fellow": "Fellow",
    "early-career": "Early-career staff",
}

FORMATS: tuple[Choice, ...] = (
    Choice("in-person", "In person"),
    Choice("call", "Call"),
    Choice("coffee", "Coffee"),
    Choice("slack", "Slack"),
)

STAGE_KEYS = frozenset(c.key for c in STAGES)
FORMAT_KEYS = frozenset(c.key for c in FORMATS)


def label_of(choices: Sequence[Choice], key: str) -> str:
    return next((c.label for c in choices if c.key == key), key)


def specialties(labels: Iterable[str]) -> tuple[Choice, ...]:
    """A program's specialties as choices keyed by slug, one per slug, in order, with
    "Other" last."""
    found: dict[str, Choice] = {}
    for label in labels:
        key = slug(label)
        if key and key != OTHER_SPECIALTY and key not in found:
            found[key] = Choice(key, label.strip())
    return (*found.values(), Choice(OTHER_SPECIALTY, "Other"))


class MentorCandidate(NamedTuple):
    """A mentor the directory may show: what their profile says, and their current load.
    ``capacity`` None means they set no limit. A named tuple, immutable and cheap to make: a
    search of a large program makes one per mentor (a frozen dataclass took five times as
    long, bench/README.md "Directory")."""

    user_id: str
    focus_areas: frozenset[str]
    specialty: str | None
    stages: frozenset[str]
    formats: frozenset[str]
    tz: str | None
    mentees: int
    capacity: int | None
    specialty_other: str | None = None
    languages: tuple[str, ...] = ()
    bio: str = ""

    @property
    def places_free(self) -> int | None:
        """Free places, or None when no limit is set."""
        return None if self.capacity is None else max(0, self.capacity - self.mentees)

    @property
    def has_place(self) -> bool:
        return self.capacity is None or self.mentees < self.capacity


@dataclass(frozen=True)
class Seeker:
    """Who is looking, and for what: from their trainee profile and what they typed or
    picked. Empty values match nothing (they neither help nor hurt a mentor's rank)."""

    user_id: str
    focus: str | None = None
    specialty: str | None = None
    stage: str | None = None
    formats: frozenset[str] = frozenset()
    tz: str | None = None


@dataclass(frozen=True)
class Fit:
    """Why a mentor is where they are in the list: what the reasons line shows."""

    focus: bool
    specialty: bool
    stage: bool
    overlap_minutes: int | None
    formats: tuple[str, ...]  # formats offered that the trainee prefers (or all, if none)

    @property
    def points(self) -> int:
        return (
            FOCUS_POINTS * self.focus
            + SPECIALTY_POINTS * self.specialty
            + STAGE_POINTS * self.stage
        )


class Ranked(NamedTuple):
    """A mentor in the ranking, with why they stand where they do."""

    candidate: MentorCandidate
    fit: Fit


def _offset_minutes(tz: str | None, at: datetime) -> int | None:
    if not tz:
        return None
    try:
        offset = at.astimezone(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return None if offset is None else int(offset.total_seconds() // 60)


def working_hours_overlap(tz_a: str | None, tz_b: str | None, at: datetime) -> int | None:
    """Minutes a day that two people's 09:00-17:00 working days overlap, on the day ``at``
    (offsets change with daylight saving); None when either time zone is unknown."""
    return _overlap(_offset_minutes(tz_a, at), _offset_minutes(tz_b, at))


def _overlap(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return None
    apart = (a - b) % _DAY
    apart = min(apart, _DAY - apart)
    return max(0, WORKDAY_MINUTES - apart)


def fit_of(
    seeker: Seeker,
    candidate: MentorCandidate,
    at: datetime,
    offsets: dict[str | None, int | None] | None = None,
) -> Fit:
    """How ``candidate`` fits ``seeker``; ``offsets`` caches each zone's offset at ``at``
    across one ranking (thousands of mentors share a handful of zones)."""
    cache = {} if offsets is None else offsets
    for tz in (seeker.tz, candidate.tz):
        if tz not in cache:
            cache[tz] = _offset_minutes(tz, at)
    shared = (
        tuple(sorted(candidate.formats & seeker.formats))
        if seeker.formats
        else tuple(sorted(candidate.formats))
    )
    return Fit(
        focus=seeker.focus is not None and seeker.focus in candidate.focus_areas,
        specialty=(
            seeker.specialty is not None
            and seeker.specialty != OTHER_SPECIALTY
            and seeker.specialty == candidate.specialty
        ),
        stage=seeker.stage is not None and seeker.stage in candidate.stages,
        overlap_minutes=_overlap(cache[seeker.tz], cache[candidate.tz]),
        formats=shared,
    )


def rank_key(ranked: Ranked, seeker: Seeker) -> tuple[int, int, int, int, str]:
    """The sort key of the documented order (smaller first)."""
    fit = ranked.fit
    return (
        -fit.points,
        ranked.candidate.mentees,
        -(fit.overlap_minutes or 0),
        -len(ranked.candidate.formats & seeker.formats),
        ranked.candidate.user_id,
    )


# A named tuple made from its values without the keyword-taking constructor's Python frame
# (a ranking makes one per mentor).
_new = tuple.__new__


def rank_mentors(
    seeker: Seeker, candidates: Iterable[MentorCandidate], at: datetime
) -> list[Ranked]:
    """``candidates`` in the documented order (:func:`rank_key`), each with its fit. ``at``
    fixes the day the time zones are compared on. The seeker never ranks themselves.

    Written for a program of tens of thousands of mentors (bench/README.md "Directory"): a fit,
    and the parts of the sort key that follow from it, depend only on what it compares (zone,
    formats, and whether focus, specialty and stage match), which thousands of mentors share,
    so each is worked out once; the key is a plain tuple with the ranked mentor last (the user
    id before it is unique, so tuples never compare past it)."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    offsets: dict[str | None, int | None] = {}
    fits: dict[tuple[object, ...], tuple[Fit, int, int, int]] = {}
    sought_focus, sought_specialty, sought_stage = seeker.focus, seeker.specialty, seeker.stage
    keyed: list[tuple[int, int, int, int, str, Ranked]] = []
    for c in candidates:
        user_id, focus_areas, specialty, stages, formats, tz, mentees = c[:7]
        if user_id == seeker.user_id:
            continue
        key = (
            tz,
            formats,
            sought_focus in focus_areas,
            specialty == sought_specialty,
            sought_stage in stages,
        )
        found = fits.get(key)
        if found is None:
            fit = fit_of(seeker, c, moment, offsets)
            found = fits[key] = (
                fit,
                -fit.points,
                -(fit.overlap_minutes or 0),
                -len(formats & seeker.formats),
            )
        fit, points, overlap, shared = found
        keyed.append((points, mentees, overlap, shared, user_id, _new(Ranked, (c, fit))))
    keyed.sort()
    return [item[5] for item in keyed]


def matches_words(candidate: MentorCandidate, words: Sequence[str]) -> bool:
    """Whether every typed word appears in the mentor's specialty, languages or bio (any
    case): ``/mentor find research cardiology`` narrows to those who mention cardiology."""
    if not words:
        return True
    haystack = " ".join(
        (
            candidate.specialty or "",
            candidate.specialty_other or "",
            " ".join(candidate.languages),
            candidate.bio,
        )
    ).lower()
    return all(word.lower() in haystack for word in words)


@dataclass(frozen=True)
class MentorProfileValues:
    """What the mentor profile modal sets."""

    listed: bool
    open: bool
    focus_areas: tuple[str, ...]
    specialty: str | None
    specialty_other: str | None
    stages: tuple[str, ...]
    formats: tuple[str, ...]
    languages: tuple[str, ...]
    bio: str
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class TraineeProfileValues:
    """What the trainee profile modal sets."""

    stage: str | None
    specialty: str | None
    specialty_other: str | None
    focus_areas: tuple[str, ...]
    note: str

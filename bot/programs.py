"""Programs as the app sees them: one program's settings, resolved from its own values and the
installation's, and ``in <program>`` picked out of typed text. Pure: no Slack, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.focus import FocusArea, focus_areas
from bot.required import MentorRule, rule_of
from bot.settings import Settings

NAME_LIMIT = 80
# What the migration calls the program it makes from the settings (admins may rename it).
DEFAULT_PROGRAM_NAME = "Main program"


class Role:
    MEMBER = "member"
    COORDINATOR = "coordinator"
    # Declared by a coordinator (the members modal): a trainee, with or without a trainee
    # profile, held to the program's required mentorship. Always beside a MEMBER row.
    TRAINEE = "trainee"


class Source:
    """How someone came into a program."""

    ADDED = "added"  # a coordinator or admin added them
    JOINED = "joined"  # they joined an open program themselves
    USERGROUP = "usergroup"  # the program's linked user group
    CHANNEL = "channel"  # the program's linked channel
    PAIRING = "pairing"  # a request or mentorship in the program
    MIGRATION = "migration"  # they were in the single program before programs existed
    DEFAULT = "default"  # everyone who uses the app starts in the default program


@dataclass(frozen=True)
class ProgramValues:
    """A program's own settings as stored; None means "as the installation is set"."""

    digest_channel: str | None = None
    focus_areas: tuple[str, ...] | None = None
    competencies: tuple[str, ...] | None = None
    specialties: tuple[str, ...] | None = None
    default_cadence: str | None = None
    reassess_every_weeks: int | None = None
    request_reminder_days: int | None = None
    request_expiry_days: int | None = None
    digest_weekday: int | None = None
    digest_time: str | None = None
    timezone: str | None = None
    # Required mentorship (bot.required): no installation-wide default; None is no rule.
    mentor_within_days: int | None = None
    mentor_by: date | None = None


@dataclass(frozen=True)
class ProgramConfig:
    """One program's settings in force: its own values, the installation's where it has none.

    ``coordinators`` includes ``COORDINATORS`` for the default program."""

    id: int
    name: str
    is_default: bool
    coordinators: frozenset[str]
    digest_channel: str | None
    focus_labels: tuple[str, ...]
    competencies: tuple[str, ...]
    specialties: tuple[str, ...]
    default_cadence: str | None
    reassess_every_weeks: int
    request_reminder_days: int
    request_expiry_days: int
    digest_weekday: int
    digest_time: str
    timezone: str
    open_to_join: bool
    member_usergroup: str | None = None
    member_channel: str | None = None
    mentor_rule: MentorRule | None = None

    @property
    def focus_areas(self) -> tuple[FocusArea, ...]:
        return focus_areas(self.focus_labels)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def digest_clock(self) -> time:
        hour, minute = (int(part) for part in self.digest_time.split(":"))
        return time(hour, minute)

    def is_coordinator(self, user_id: str) -> bool:
        return user_id in self.coordinators


DEFAULT_REASSESS_WEEKS = 4

T = TypeVar("T")


def pick(own: T | None, installation: T) -> T:
    return installation if own is None else own


def resolve_config(
    *,
    program_id: int,
    name: str,
    is_default: bool,
    open_to_join: bool,
    values: ProgramValues,
    coordinators: Iterable[str],
    settings: Settings,
    member_usergroup: str | None = None,
    member_channel: str | None = None,
) -> ProgramConfig:
    """The program's settings in force. The installation's coordinators and channel belong to
    the default program only; other settings are every program's defaults."""
    in_force = set(coordinators)
    channel = values.digest_channel
    if is_default:
        in_force.update(settings.coordinators)
        channel = channel or settings.coordinator_channel

    return ProgramConfig(
        id=program_id,
        name=name,
        is_default=is_default,
        coordinators=frozenset(in_force),
        digest_channel=channel,
        focus_labels=values.focus_areas or settings.focus_areas,
        competencies=values.competencies or settings.competencies,
        specialties=values.specialties or settings.specialties,
        default_cadence=values.default_cadence,
        reassess_every_weeks=pick(values.reassess_every_weeks, DEFAULT_REASSESS_WEEKS),
        request_reminder_days=pick(values.request_reminder_days, settings.request_reminder_days),
        request_expiry_days=pick(values.request_expiry_days, settings.request_expiry_days),
        digest_weekday=pick(values.digest_weekday, settings.digest_weekday),
        digest_time=pick(values.digest_time, settings.digest_time),
        timezone=pick(values.timezone, settings.default_timezone),
        open_to_join=open_to_join,
        member_usergroup=member_usergroup,
        member_channel=member_channel,
        mentor_rule=rule_of(values.mentor_within_days, values.mentor_by),
    )


def name_key(name: str) -> str:
    """What makes two program names the same: case and runs of spaces don't."""
    return " ".join(name.split()).lower()


_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ProgramHint:
    """Typed text with ``in <program>`` taken out: the rest, and the program named (as typed)."""

    text: str
    program: str | None


def split_program_hint(text: str, names: Sequence[str]) -> ProgramHint:
    """Take ``in <program>`` out of ``text`` when ``<program>`` is one of ``names`` (any case),
    wherever it stands; the longest name wins, and the last ``in`` when several match. Text
    with no such phrase comes back whole: "in" alone is an ordinary word. One pass over the
    words, each "in" compared only with the names that start with the word after it."""
    by_first_word: dict[str, list[tuple[list[str], str]]] = {}
    for key, name in {name_key(n): n for n in names if n.strip()}.items():
        words = key.split()
        by_first_word.setdefault(words[0], []).append((words, name))
    for candidates in by_first_word.values():
        candidates.sort(key=lambda candidate: -len(" ".join(candidate[0])))
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    lowered = [text[a:b].lower() for a, b in spans]
    for index in range(len(spans) - 2, -1, -1):
        if lowered[index] != "in":
            continue
        for words, name in by_first_word.get(lowered[index + 1], ()):
            if lowered[index + 1 : index + 1 + len(words)] == words:
                start, end = spans[index][0], spans[index + len(words)][1]
                remaining = (text[:start].rstrip() + " " + text[end:].lstrip()).strip()
                return ProgramHint(text=remaining, program=name)
    return ProgramHint(text=text, program=None)


def digest_slot(now: datetime, program: ProgramConfig) -> datetime:
    """The most recent weekly digest time of ``program`` at or before ``now`` (its local
    weekday and time)."""
    zone = program.zone
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - program.digest_weekday) % 7)
    slot = datetime.combine(day, program.digest_clock, zone)
    if slot > now:
        slot = datetime.combine(day - timedelta(days=7), program.digest_clock, zone)
    return slot.astimezone(UTC)


def next_digest(now: datetime, program: ProgramConfig) -> datetime:
    """When ``program``'s next weekly digest is due (the first slot after ``now``)."""
    return digest_slot(now, program) + timedelta(days=7)

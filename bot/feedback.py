"""Feedback aggregates and the rule that guards them: nothing is shown unless at least the
minimum number of people answered the thing it summarises, and no set of figures shown together
lets anyone work out a smaller group's answers by subtraction.

Pure functions over plain values; storage reads the answers, builders word the results."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

USEFULNESS_SCALE = (1, 2, 3, 4, 5)
RECOMMEND_SCALE = tuple(range(11))
PULSE_SCALE = (1, 2, 3, 4, 5)
PULSE_DAYS_DEFAULT = 7
PULSE_DAYS_MIN, PULSE_DAYS_MAX = 2, 30
TREND_WEEKS = 4
_EARLIEST = datetime.min.replace(tzinfo=UTC)


class GoalsMet(StrEnum):
    ALL = "all"
    SOME = "some"
    NONE = "none"


GOALS_MET_LABELS = {GoalsMet.ALL: "All", GoalsMet.SOME: "Some", GoalsMet.NONE: "None"}


class PulseQuestion(StrEnum):
    """The fixed set a pulse picks from; each answered on a 1-5 agreement scale."""

    SATISFACTION = "satisfaction"
    RHYTHM = "rhythm"
    SUPPORTED = "supported"


PULSE_QUESTIONS = {
    PulseQuestion.SATISFACTION: "Overall, how satisfied are you with your mentorship?",
    PulseQuestion.RHYTHM: "Is the meeting rhythm right for you?",
    PulseQuestion.SUPPORTED: "Do you feel supported?",
}
PULSE_SHORT = {
    PulseQuestion.SATISFACTION: "Overall satisfaction",
    PulseQuestion.RHYTHM: "Meeting rhythm right",
    PulseQuestion.SUPPORTED: "Feel supported",
}
PULSE_SCALE_LABELS = {
    PulseQuestion.SATISFACTION: ("Not at all", "Very"),
    PulseQuestion.RHYTHM: ("Not at all", "Just right"),
    PulseQuestion.SUPPORTED: ("Not at all", "Fully"),
}


@dataclass(frozen=True)
class Answer:
    """One person's answer to one question (a score), and when they gave it."""

    person: str
    value: int
    at: datetime | None = None


@dataclass(frozen=True)
class Shown:
    """An aggregate that may be shown: how many people, how many answers, their mean."""

    people: int
    answers: int
    mean: float


@dataclass(frozen=True)
class Withheld:
    """Too few people answered: only that is said, never how few."""

    minimum: int


Aggregate = Shown | Withheld


def people_of(answers: Iterable[Answer]) -> int:
    return len({answer.person for answer in answers})


def aggregate(answers: Sequence[Answer], minimum: int) -> Aggregate:
    """The mean of ``answers`` when at least ``minimum`` different people gave them."""
    people = people_of(answers)
    if people < minimum or not answers:
        return Withheld(minimum)
    return Shown(people, len(answers), sum(a.value for a in answers) / len(answers))


@dataclass(frozen=True)
class NetPromoter:
    """Net promoter score (-100..100) of enough people's 0-10 answers."""

    people: int
    score: int


def net_promoter(answers: Sequence[Answer], minimum: int) -> NetPromoter | Withheld:
    people = people_of(answers)
    if people < minimum or not answers:
        return Withheld(minimum)
    promoters = sum(1 for a in answers if a.value >= 9)
    detractors = sum(1 for a in answers if a.value <= 6)
    return NetPromoter(people, round(100 * (promoters - detractors) / len(answers)))


@dataclass(frozen=True)
class Split:
    """How enough people's categorical answers fell, as shares of the whole."""

    people: int
    shares: tuple[tuple[str, float], ...]


def split(
    choices: Sequence[tuple[str, str]], labels: Sequence[str], minimum: int
) -> Split | Withheld:
    """``choices`` are (person, label) pairs; the share of each of ``labels``."""
    people = len({person for person, _ in choices})
    if people < minimum or not choices:
        return Withheld(minimum)
    total = len(choices)
    return Split(
        people, tuple((label, sum(1 for _, c in choices if c == label) / total) for label in labels)
    )


def blocks(answers: Sequence[Answer], minimum: int) -> list[list[Answer]]:
    """``answers`` in time order cut into whole blocks, each closed as soon as it holds
    ``minimum`` people; the unfinished rest is left out."""
    ordered = sorted(answers, key=lambda a: (a.at is None, a.at or _EARLIEST, a.person))
    found: list[list[Answer]] = []
    start = 0
    people: set[str] = set()
    for index, answer in enumerate(ordered):
        people.add(answer.person)
        if len(people) >= minimum:
            found.append(ordered[start : index + 1])
            start = index + 1
            people = set()
    return found


def in_blocks(answers: Sequence[Answer], minimum: int) -> list[Answer]:
    """The answers a figure that grows over time may count: in time order, whole blocks only,
    each block holding at least ``minimum`` people. A figure shown again later then differs by
    whole blocks, so comparing it with an earlier one reveals no fewer than ``minimum`` people's
    answers (one new rating never shows by itself in the change)."""
    return [answer for block in blocks(answers, minimum) for answer in block]


def settled_blocks(answers: Sequence[Answer], minimum: int, before: datetime) -> list[list[Answer]]:
    """The whole blocks at the start of ``answers`` whose every answer was given before
    ``before``: the blocks retention may fold into counts. Blocks after them are cut exactly as
    before once these are gone, since each block starts afresh where the last one closed."""
    settled: list[list[Answer]] = []
    for block in blocks(answers, minimum):
        if any(answer.at is None or answer.at >= before for answer in block):
            break
        settled.append(block)
    return settled


@dataclass(frozen=True)
class FoldedBlock:
    """A whole block of answers kept only as counts once retention folded it: how many people
    gave them, and how many gave each value."""

    key: str
    people: int
    counts: Mapping[int, int]


def fold(key: str, block: Sequence[Answer]) -> FoldedBlock:
    counts: dict[int, int] = {}
    for answer in block:
        counts[answer.value] = counts.get(answer.value, 0) + 1
    return FoldedBlock(key, people_of(block), counts)


def unfold(block: FoldedBlock) -> list[Answer]:
    """The block's answers as the figures count them, oldest of all: as many answers of each
    value as were given, spread over as many stand-in people (``key:0``, ``key:1``, …) as gave
    them, so that counts, sums and people come out as they did; no stand-in is anyone."""
    values = [value for value, times in sorted(block.counts.items()) for _ in range(times)]
    return [
        Answer(f"{block.key}:{index % max(block.people, 1)}", value, _EARLIEST)
        for index, value in enumerate(values)
    ]


_K = TypeVar("_K", bound=Hashable)


@dataclass(frozen=True)
class Grouped(Generic[_K]):
    """Aggregates per group (a focus, a week) and over all of them, shown together."""

    groups: dict[_K, Aggregate]
    total: Aggregate


def by_group(groups: Mapping[_K, Sequence[Answer]], minimum: int) -> Grouped[_K]:
    """Each group's aggregate and the total, guarded against subtraction: when the groups held
    back (too few people) together hold between one and ``minimum - 1`` people, the total minus
    the shown groups would give them away, so the smallest shown groups are held back too until
    the held-back answers come from at least ``minimum`` people (or every group is held back)."""
    shown = {key: aggregate(answers, minimum) for key, answers in groups.items()}
    total = aggregate([a for answers in groups.values() for a in answers], minimum)

    def hidden_people() -> int:
        return people_of(
            a
            for key, answers in groups.items()
            if isinstance(shown[key], Withheld)
            for a in answers
        )

    while isinstance(total, Shown) and 0 < hidden_people() < minimum:
        candidates = [key for key, value in shown.items() if isinstance(value, Shown)]
        if not candidates:
            break
        smallest = min(candidates, key=lambda key: (people_of(groups[key]), len(groups[key])))
        shown[smallest] = Withheld(minimum)
    return Grouped(shown, total)


def week_start(moment: date) -> date:
    return moment - timedelta(days=moment.weekday())


def whole_weeks(end: datetime, zone: ZoneInfo, count: int) -> list[tuple[datetime, datetime]]:
    """The ``count`` whole local weeks (Monday midnight to Monday midnight in ``zone``, as UTC)
    that are over by ``end``, oldest first. Every usefulness figure (digest, its preview, the
    chart, the report) is made of these same cells: a window that slid with the clock would let
    two figures a moment apart differ by one person's rating."""
    last = week_start(end.astimezone(zone).date())
    weeks = []
    for back in range(count, 0, -1):
        start = last - timedelta(weeks=back)
        weeks.append(
            (
                datetime.combine(start, time(0), zone).astimezone(UTC),
                datetime.combine(start + timedelta(days=7), time(0), zone).astimezone(UTC),
            )
        )
    return weeks


def weekly(
    answers: Sequence[Answer],
    last_week: date,
    weeks: int,
    minimum: int,
    *,
    local: Callable[[datetime], date],
) -> list[tuple[date, Aggregate]]:
    """One aggregate per week (oldest first) of the ``weeks`` weeks ending with the week that
    starts ``last_week``; weeks hold disjoint answers, so each stands or falls alone."""
    starts = [last_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    buckets: dict[date, list[Answer]] = {start: [] for start in starts}
    for answer in answers:
        if answer.at is None:
            continue
        start = week_start(local(answer.at))
        if start in buckets:
            buckets[start].append(answer)
    return [(start, aggregate(buckets[start], minimum)) for start in starts]


def trend(series: Sequence[tuple[date, Aggregate]]) -> str | None:
    """Up, down or steady from the previous shown week to the last one, when both are shown."""
    if len(series) < 2:
        return None
    last = series[-1][1]
    earlier = [value for _, value in series[:-1] if isinstance(value, Shown)]
    if not isinstance(last, Shown) or not earlier:
        return None
    change = last.mean - earlier[-1].mean
    if change >= 0.1:
        return "up"
    if change <= -0.1:
        return "down"
    return "steady"


def mean_text(value: Aggregate, scale_max: int) -> str:
    """“4.2 / 5 (7 people)” or “fewer than 5 responses”."""
    if isinstance(value, Withheld):
        return withheld_text(value.minimum)
    return f"{value.mean:.1f} / {scale_max} ({value.people} people)"


def withheld_text(minimum: int) -> str:
    return f"fewer than {minimum} responses"


def parse_pulse_days(raw: str) -> int | None:
    text = raw.strip()
    if not text.isdigit():
        return None
    days = int(text)
    return days if PULSE_DAYS_MIN <= days <= PULSE_DAYS_MAX else None


def whole_buckets(buckets: Iterable[Sequence[Answer]], minimum: int) -> list[Answer]:
    """The answers of the buckets (cells of a fixed partition, such as weeks) that each hold at
    least ``minimum`` people: a figure over any run of cells then differs from another only by
    whole cells of enough people, whatever span is asked for."""
    return [a for bucket in buckets if people_of(bucket) >= minimum for a in bucket]


@dataclass(frozen=True)
class PulseResult:
    closed_at: datetime
    questions: tuple[tuple[str, Aggregate], ...]


def pulse_result(
    closed_at: datetime,
    questions: Sequence[str],
    answers: Sequence[Mapping[str, object]],
    minimum: int,
) -> PulseResult:
    """Each question's mean over the people who answered it (each answer carries ``person``)."""
    rows = []
    for question in questions:
        given = [
            Answer(str(a["person"]), int(str(a[question])))
            for a in answers
            if isinstance(a.get(question), int)
        ]
        rows.append((question, aggregate(given, minimum)))
    return PulseResult(closed_at, tuple(rows))


@dataclass(frozen=True)
class ExitRow:
    person: str
    role: str
    goals_met: str | None
    recommend: int | None
    at: datetime | None


@dataclass(frozen=True)
class EndOfMentorship:
    """To date, counted in whole blocks of enough people (see :func:`in_blocks`)."""

    recommend: NetPromoter | Withheld
    goals_met: Split | Withheld


_GOAL_LABELS = [v.value for v in GoalsMet]


def recommend_answers(rows: Sequence[ExitRow]) -> list[Answer]:
    return [Answer(r.person, r.recommend, r.at) for r in rows if r.recommend is not None]


def goals_answers(rows: Sequence[ExitRow]) -> list[Answer]:
    """Goals met as answers whose value is the place of the choice in :class:`GoalsMet`."""
    return [
        Answer(r.person, index, r.at)
        for r in rows
        for index, value in enumerate(GoalsMet)
        if r.goals_met == value.value
    ]


@dataclass(frozen=True)
class FoldedExits:
    """A focus's end-of-mentorship answers that retention folded into whole blocks."""

    recommend: tuple[FoldedBlock, ...] = ()
    goals: tuple[FoldedBlock, ...] = ()


def _counted_exits(
    rows: Sequence[ExitRow], minimum: int, folded: FoldedExits = FoldedExits()
) -> tuple[list[Answer], list[Answer]]:
    """The (recommend, goals met) answers a figure over ``rows`` may count: whole blocks only,
    the folded ones first (they were the oldest)."""
    return (
        [a for b in folded.recommend for a in unfold(b)]
        + in_blocks(recommend_answers(rows), minimum),
        [a for b in folded.goals for a in unfold(b)] + in_blocks(goals_answers(rows), minimum),
    )


def _end_of(recommend: Sequence[Answer], goals: Sequence[Answer], minimum: int) -> EndOfMentorship:
    return EndOfMentorship(
        recommend=net_promoter(recommend, minimum),
        goals_met=split([(a.person, _GOAL_LABELS[a.value]) for a in goals], _GOAL_LABELS, minimum),
    )


@dataclass(frozen=True)
class ExitTable:
    """The end-of-mentorship figures of a program to date: one per focus, and the total that
    the digest shows and ``feedback.csv``'s last row repeats."""

    foci: dict[str, EndOfMentorship]
    total: EndOfMentorship
    minimum: int

    def of(self, focus: str) -> EndOfMentorship:
        """A focus's figures; withheld for a focus nobody answered in."""
        return self.foci.get(focus) or _end_of([], [], self.minimum)


def exit_table(
    rows_by_focus: Mapping[str, Sequence[ExitRow]],
    minimum: int,
    folded: Mapping[str, FoldedExits] | None = None,
) -> ExitTable:
    """Each focus counts its answers in whole blocks of enough people (:func:`in_blocks`), and
    the total is exactly the union of those blocks: never a re-blocking of all answers, whose
    blocks would cut across the foci's, so that the total minus the foci shown beside it would
    leave a few people's answers (a focus's unfinished block, or one too small to show).
    ``folded`` holds each focus's blocks that retention kept only as counts."""
    foci: dict[str, EndOfMentorship] = {}
    all_recommend: list[Answer] = []
    all_goals: list[Answer] = []
    folded = folded or {}
    for focus in set(rows_by_focus) | set(folded):
        recommend, goals = _counted_exits(
            rows_by_focus.get(focus, ()), minimum, folded.get(focus, FoldedExits())
        )
        foci[focus] = _end_of(recommend, goals, minimum)
        all_recommend += recommend
        all_goals += goals
    return ExitTable(foci, _end_of(all_recommend, all_goals, minimum), minimum)


@dataclass(frozen=True)
class ProgramFeedback:
    """The digest's feedback section: each figure already held to the minimum."""

    minimum: int
    usefulness: tuple[tuple[datetime, Aggregate], ...]  # oldest first; the last is this week
    pulses: tuple[PulseResult, ...]
    end: EndOfMentorship

    @property
    def this_week(self) -> Aggregate:
        return self.usefulness[-1][1] if self.usefulness else Withheld(self.minimum)

    @property
    def direction(self) -> str | None:
        return trend([(start.date(), value) for start, value in self.usefulness])


@dataclass(frozen=True)
class MentorFeedback:
    """A mentor's own feedback to date (their mentees' ratings and exit answers), in blocks."""

    usefulness: Aggregate
    recommend: NetPromoter | Withheld
    minimum: int

    @property
    def usefulness_text(self) -> str:
        return banded_mean_text(self.usefulness, 5, self.minimum)

    @property
    def recommend_text(self) -> str:
        return banded_nps_text(self.recommend, self.minimum)

    @property
    def any_shown(self) -> bool:
        return isinstance(self.usefulness, Shown) or isinstance(self.recommend, NetPromoter)


def mentor_feedback(
    ratings: Sequence[Answer], recommends: Sequence[Answer], minimum: int
) -> MentorFeedback:
    return MentorFeedback(
        usefulness=aggregate(in_blocks(ratings, minimum), minimum),
        recommend=net_promoter(in_blocks(recommends, minimum), minimum),
        minimum=minimum,
    )


def people_band(people: int, minimum: int) -> str:
    """“10+ people”: a count of people rounded down to a multiple of the minimum, for figures
    whose exact count would help subtract them from another (a mentor's own feedback, which
    cuts across the program's weeks and foci)."""
    return f"{people // minimum * minimum}+ people"


def banded_mean_text(value: Aggregate, scale_max: int, minimum: int) -> str:
    """“4.2 / 5 (5+ people)” or “fewer than 5 responses”."""
    if isinstance(value, Withheld):
        return withheld_text(value.minimum)
    return f"{value.mean:.1f} / {scale_max} ({people_band(value.people, minimum)})"


def banded_nps_text(value: NetPromoter | Withheld, minimum: int) -> str:
    if isinstance(value, Withheld):
        return withheld_text(value.minimum)
    sign = "+" if value.score > 0 else ""
    return f"{sign}{value.score} ({people_band(value.people, minimum)})"


def nps_text(value: NetPromoter | Withheld) -> str:
    if isinstance(value, Withheld):
        return withheld_text(value.minimum)
    sign = "+" if value.score > 0 else ""
    return f"{sign}{value.score} ({value.people} people)"


def split_text(value: Split | Withheld) -> str:
    if isinstance(value, Withheld):
        return withheld_text(value.minimum)
    shares = ", ".join(
        f"{GOALS_MET_LABELS[GoalsMet(label)].lower()} {round(share * 100)}%"
        for label, share in value.shares
    )
    return f"{shares} ({value.people} people)"


class BlockCounter:
    """:func:`in_blocks` followed by :func:`aggregate` / :func:`net_promoter`, fed one answer at
    a time in time order and keeping only counts: for figures over many answers (every mentor's
    ratings in a program) without holding the answers."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum
        self._people: set[str] = set()
        self._values: dict[int, int] = {}
        self._block_people: set[str] = set()
        self._block_values: dict[int, int] = {}

    def add(self, person: str, value: int) -> None:
        self._block_people.add(person)
        self._block_values[value] = self._block_values.get(value, 0) + 1
        if len(self._block_people) >= self.minimum:
            self._people |= self._block_people
            for counted, times in self._block_values.items():
                self._values[counted] = self._values.get(counted, 0) + times
            self._block_people = set()
            self._block_values = {}

    def mean(self) -> Aggregate:
        answers = sum(self._values.values())
        if len(self._people) < self.minimum or not answers:
            return Withheld(self.minimum)
        total = sum(value * times for value, times in self._values.items())
        return Shown(len(self._people), answers, total / answers)

    def net_promoter(self) -> NetPromoter | Withheld:
        answers = sum(self._values.values())
        if len(self._people) < self.minimum or not answers:
            return Withheld(self.minimum)
        promoters = sum(times for value, times in self._values.items() if value >= 9)
        detractors = sum(times for value, times in self._values.items() if value <= 6)
        return NetPromoter(len(self._people), round(100 * (promoters - detractors) / answers))


@dataclass(frozen=True)
class Cell:
    """One cell of a fixed partition (a week, a focus in a week) as the database counts it:
    how many different people answered, how many answers, and their sum."""

    people: int
    answers: int
    total: int


def cell_of(answers: Sequence[Answer]) -> Cell:
    return Cell(people_of(answers), len(answers), sum(a.value for a in answers))


def cell_aggregate(cell: Cell, minimum: int) -> Aggregate:
    """The same as :func:`aggregate` over the cell's answers."""
    if cell.people < minimum or not cell.answers:
        return Withheld(minimum)
    return Shown(cell.people, cell.answers, cell.total / cell.answers)


def kept_cells(cells: Iterable[Cell], minimum: int) -> Aggregate:
    """The mean over the cells that each hold at least ``minimum`` people (as
    :func:`whole_buckets`); ``people`` is then the sum of each cell's people (a person answering
    in two weeks counts in both), since cells are counted apart."""
    kept = [cell for cell in cells if cell.people >= minimum and cell.answers]
    if not kept:
        return Withheld(minimum)
    answers = sum(cell.answers for cell in kept)
    return Shown(sum(c.people for c in kept), answers, sum(c.total for c in kept) / answers)


def week_usefulness(focus_cells: Iterable[Cell], minimum: int) -> Aggregate:
    """The one released usefulness figure of a week (the digest, its preview and chart): the
    mean over that week's focus cells that each hold at least ``minimum`` people, the very
    cells ``feedback.csv`` releases. Every released rating figure is then a sum of whole cells
    of enough people, so no figure minus another (the week's total minus its foci) leaves
    fewer than ``minimum`` people's answers."""
    return kept_cells(focus_cells, minimum)

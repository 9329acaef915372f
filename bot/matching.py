"""Program-wide matching: trainees to mentors, stable for the preferences given.

This is the hospitals/residents problem (mentors are the hospitals, with as many places as they
have left; trainees are the residents), solved with trainee-proposing deferred acceptance, the
algorithm of the residency match: the result never exceeds a mentor's places, is stable (no
trainee and mentor would both rather have each other than what they got), and is the best
stable result for every trainee at once. Such a result is unique, so it does not depend on the
order anyone is listed in: the same round gives the same proposal every time.

The solving is done by the PyPI package ``matching`` (MIT; Gusfield & Irving's resident-optimal
algorithm), wrapped here behind a small typed API, because it is a maintained, tested
implementation of exactly this algorithm. Two things about it shape the wrapper:

- its ``HospitalResident`` game deep-copies the whole graph of players before solving, and that
  copy recurses along the preference lists past Python's recursion limit for a round of 1,000
  trainees and 500 mentors; so the players are built here (the package's ``Player`` and
  ``Hospital``) and handed to its algorithm, ``matching.algorithms.hospital_resident``, directly;
- the algorithm wants every preference reciprocated and no mentor without a place (a mentor
  with no places raises in 1.4), so this module states the game that way:

- a trainee's list is their ranked mentors (at most :data:`MAX_CHOICES`), minus the mentors who
  would rather not take them, the mentors who are not in the round and those with no places;
- a mentor's list is every trainee who listed them: mentors state no order of their own (only
  whom they would rather not take), so they prefer the trainees who ranked them higher, and
  between equal ranks the trainee who ranked themselves (over a place filled from the
  directory), then the trainee id, so every list is strict and the result is determined.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MAX_CHOICES = 5


class Unplaced(StrEnum):
    """Why a trainee got no mentor."""

    NO_CHOICES = "no_choices"  # nobody on their list could take them
    PLACES_TAKEN = "places_taken"  # every mentor on their list was filled by others first


@dataclass(frozen=True)
class Choices:
    """A trainee's mentors, best first; the first ``ranked`` they chose themselves, the rest
    were filled from the directory ranking."""

    mentors: tuple[str, ...]
    ranked: int = 0


@dataclass(frozen=True)
class Round:
    """What a round is solved from."""

    choices: Mapping[str, Choices]
    places: Mapping[str, int]  # mentor id -> places left
    rather_not: Mapping[str, Collection[str]] = field(default_factory=dict)  # mentor -> trainees


@dataclass(frozen=True)
class Placed:
    trainee: str
    mentor: str
    rank: int  # 1 = the trainee's first choice
    chose: bool  # the trainee ranked this mentor themselves (not filled from the directory)


@dataclass(frozen=True)
class Unmatched:
    trainee: str
    why: Unplaced


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[Placed, ...]
    unmatched: tuple[Unmatched, ...]


def spread_suggestions(
    ranked: Mapping[str, Sequence[tuple[str, int]]],
    places: Mapping[str, int],
    size: int = MAX_CHOICES,
) -> dict[str, list[str]]:
    """Each trainee's suggestions, from their directory ranking (mentor, fit points; best
    first): the best fits first, but between mentors who fit equally well, the one suggested
    least so far for their places. The directory breaks such ties the same way for everyone
    (fewer mentees, then the id), so without this every trainee of a round would be shown the
    same few mentors and most would go unmatched."""
    shown: dict[str, int] = {}
    suggestions: dict[str, list[str]] = {}
    for trainee in sorted(ranked):
        order = ranked[trainee]

        def key(index: int, order: Sequence[tuple[str, int]] = order) -> tuple[int, float, int]:
            mentor, points = order[index]
            return (-points, shown.get(mentor, 0) / max(places.get(mentor, 0), 1), index)

        chosen = [order[i][0] for i in sorted(range(len(order)), key=key)[:size]]
        for mentor in chosen:
            shown[mentor] = shown.get(mentor, 0) + 1
        suggestions[trainee] = chosen
    return suggestions


def acceptable_lists(round_: Round) -> dict[str, list[str]]:
    """Each trainee's list as the game sees it: their choices (at most five, no repeats) that
    are in the round, have a place and did not say they would rather not take them."""
    lists: dict[str, list[str]] = {}
    for trainee, choices in round_.choices.items():
        seen: list[str] = []
        for mentor in choices.mentors[:MAX_CHOICES]:
            if mentor in seen or mentor == trainee or round_.places.get(mentor, 0) <= 0:
                continue
            if trainee in round_.rather_not.get(mentor, ()):
                continue
            seen.append(mentor)
        lists[trainee] = seen
    return lists


def mentor_lists(round_: Round, lists: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Each mentor's strict order over the trainees who listed them (see the module notes)."""

    def standing(trainee: str, mentor: str) -> tuple[int, int, str]:
        chosen = round_.choices[trainee]
        rank = chosen.mentors.index(mentor)  # as the trainee ranked them, before filtering
        chose = mentor in chosen.mentors[: chosen.ranked]
        return (rank, 0 if chose else 1, trainee)

    applicants: dict[str, list[str]] = {}
    for trainee, mentors in lists.items():
        for mentor in mentors:
            applicants.setdefault(mentor, []).append(trainee)
    return {
        mentor: sorted(trainees, key=lambda t, m=mentor: standing(t, m))  # type: ignore[misc]
        for mentor, trainees in applicants.items()
    }


def solve(round_: Round) -> Proposal:
    """The trainee-optimal stable matching of ``round_``, with the reason for each outcome."""
    # The matching package is loaded only where a round is solved; every scheduler tick reads
    # this module's types to ask whether a round is due.
    from matching.algorithms import hospital_resident  # type: ignore[import-untyped]
    from matching.players import Hospital, Player  # type: ignore[import-untyped]

    lists = acceptable_lists(round_)
    hospitals = mentor_lists(round_, lists)
    residents = {trainee: mentors for trainee, mentors in lists.items() if mentors}
    placed: dict[str, str] = {}
    if residents:
        trainees = {name: Player(name) for name in sorted(residents)}
        mentors = {name: Hospital(name, round_.places[name]) for name in sorted(hospitals)}
        for name, player in trainees.items():
            player.set_prefs([mentors[mentor] for mentor in residents[name]])
        for name, mentor in mentors.items():
            mentor.set_prefs([trainees[trainee] for trainee in hospitals[name]])
        result = hospital_resident(
            list(trainees.values()), list(mentors.values()), optimal="resident"
        )
        for mentor, matched in result.items():
            for trainee in matched:
                placed[str(trainee.name)] = str(mentor.name)
    pairs: list[Placed] = []
    unmatched: list[Unmatched] = []
    for trainee in sorted(round_.choices):
        mentor = placed.get(trainee)
        if mentor is None:
            why = Unplaced.PLACES_TAKEN if lists[trainee] else Unplaced.NO_CHOICES
            unmatched.append(Unmatched(trainee, why))
            continue
        chosen = round_.choices[trainee]
        pairs.append(
            Placed(
                trainee=trainee,
                mentor=mentor,
                rank=chosen.mentors.index(mentor) + 1,
                chose=mentor in chosen.mentors[: chosen.ranked],
            )
        )
    return Proposal(pairs=tuple(pairs), unmatched=tuple(unmatched))


def blocking_pairs(round_: Round, proposal: Proposal) -> list[tuple[str, str]]:
    """Trainee/mentor pairs who would both rather have each other than what they got: empty
    for a stable proposal. Used by the tests and as a check on the proposal before it is kept."""
    lists = acceptable_lists(round_)
    orders = mentor_lists(round_, lists)
    got = {pair.trainee: pair.mentor for pair in proposal.pairs}
    taken: dict[str, list[str]] = {}
    for pair in proposal.pairs:
        taken.setdefault(pair.mentor, []).append(pair.trainee)
    blocking: list[tuple[str, str]] = []
    for trainee, mentors in lists.items():
        current = got.get(trainee)
        better = mentors if current is None else mentors[: mentors.index(current)]
        for mentor in better:
            held = taken.get(mentor, [])
            if len(held) < round_.places[mentor]:
                blocking.append((trainee, mentor))
                continue
            order = orders[mentor]
            if any(order.index(trainee) < order.index(other) for other in held):
                blocking.append((trainee, mentor))
    return blocking

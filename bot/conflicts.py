"""Conflicts of interest: a mentor is never paired with someone they assess or supervise (their
standing list, on their mentor profile) nor, in a matching round, with a trainee they said
they would rather not take. One rule, asked by every way a pair can be made."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.text import Mrkdwn, fmt, mention


class ConflictKind(StrEnum):
    ASSESSES = "assesses"  # on the mentor's standing list
    RATHER_NOT = "rather_not"  # the mentor's answer in this round


@dataclass(frozen=True)
class Conflict:
    mentor_id: str
    trainee_id: str
    kind: ConflictKind


def find_conflict(
    mentor_id: str,
    trainee_id: str,
    standing: Mapping[str, Collection[str]],
    rather_not: Mapping[str, Collection[str]] | None = None,
) -> Conflict | None:
    """The conflict that keeps ``mentor_id`` from mentoring ``trainee_id``, if any: the
    standing list first (it holds in every program and round)."""
    if trainee_id in standing.get(mentor_id, ()):
        return Conflict(mentor_id, trainee_id, ConflictKind.ASSESSES)
    if rather_not is not None and trainee_id in rather_not.get(mentor_id, ()):
        return Conflict(mentor_id, trainee_id, ConflictKind.RATHER_NOT)
    return None


def conflict_reason(conflict: Conflict) -> Mrkdwn:
    """Why the pair is refused, for a coordinator (or the mentor): never shown to the trainee."""
    if conflict.kind is ConflictKind.ASSESSES:
        return fmt(
            "{mentor} listed {trainee} among the people they assess or supervise, so they "
            "can't be their mentor.",
            mentor=mention(conflict.mentor_id),
            trainee=mention(conflict.trainee_id),
        )
    return fmt(
        "{mentor} said in this round they would rather not mentor {trainee}.",
        mentor=mention(conflict.mentor_id),
        trainee=mention(conflict.trainee_id),
    )


def conflict_error(conflict: Conflict) -> str:
    """The refusal as a form shows it under the mentor field (plain text: forms draw no
    mentions), with what to do when the coordinator knows better."""
    why = (
        "This mentor listed the trainee among the people they assess or supervise."
        if conflict.kind is ConflictKind.ASSESSES
        else "This mentor said in this round they would rather not mentor the trainee."
    )
    return f"{why} Tick “I know, pair them anyway” to go ahead; it is recorded."

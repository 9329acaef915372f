"""Short sentences that sum up what changed, e.g. after a reassessment."""

from __future__ import annotations

from collections.abc import Sequence

from bot.text import plural


def _group(noun: str, parts: Sequence[tuple[int, str]]) -> str | None:
    counted = [(n, word) for n, word in parts if n]
    if not counted:
        return None
    (first, word), rest = counted[0], counted[1:]
    head = f"{plural(first, noun)} {word}"
    return ", ".join([head, *(f"{n} {w}" for n, w in rest)])


def reassessment_summary(
    *,
    goals_achieved: int,
    goals_dropped: int,
    goals_added: int,
    tasks_done: int,
    tasks_dropped: int,
) -> str:
    """ "2 goals achieved, 1 dropped, 1 added; 3 tasks done"."""
    groups = [
        _group(
            "goal",
            [(goals_achieved, "achieved"), (goals_dropped, "dropped"), (goals_added, "added")],
        ),
        _group("task", [(tasks_done, "done"), (tasks_dropped, "dropped")]),
    ]
    present = [g for g in groups if g]
    return "; ".join(present) if present else "no changes: everything stays as it is"

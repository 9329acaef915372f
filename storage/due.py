"""Whether scheduled work is due: several yes-or-no questions answered in one statement."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session


def answer_all(session: Session, questions: Sequence[ColumnElement[bool]]) -> list[bool]:
    """Each of ``questions`` (``EXISTS (…)`` conditions, each stopping at the first row it
    finds) answered, in order, by one ``SELECT``."""
    if not questions:
        return []
    row = session.execute(
        select(*(question.label(f"q{index}") for index, question in enumerate(questions)))
    ).one()
    return [bool(answer) for answer in row]

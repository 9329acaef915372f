"""Slack's workspace-wide message budget, booked in the database by every process of the
installation (the web process and each worker), so together they keep to Slack's limit instead
of each keeping to it alone and learning of the sum from 429s.

A booking is one short transaction of its own (never around a Web API call): the budget's row
is read under its lock with the database's clock, the slot computed as
:class:`bot.pacing.NextSlot` does (bulk calls at the steady rate, interactive ones up to the
burst ahead), and the row moved on. The database's clock is every process's, whatever their
machines' clocks say; the caller sleeps the seconds returned."""

from __future__ import annotations

from sqlalchemy import extract, func, select, update

from bot.pacing import Budget
from storage.db import SessionFactory, unit_of_work
from storage.models import SlackBudget
from storage.upsert import insert_new


class DatabaseBudgets:
    """:class:`bot.pacing.SharedBudgets` in the database (PostgreSQL: row locks)."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions
        self._known: set[str] = set()

    def book(self, key: str, budget: Budget, *, bulk: bool) -> float:
        with unit_of_work(self._sessions) as session:
            if key not in self._known:
                insert_new(session, SlackBudget, [{"key": key, "due": 0.0}], key=[SlackBudget.key])
            stored, clock = session.execute(
                select(SlackBudget.due, extract("epoch", func.clock_timestamp()))
                .where(SlackBudget.key == key)
                .with_for_update()
            ).one()
            due, now = float(stored), float(clock)
            at = max(now, due - (0.0 if bulk else budget.tolerance))
            session.execute(
                update(SlackBudget)
                .where(SlackBudget.key == key)
                .values(due=max(due, at) + budget.interval)
            )
        self._known.add(key)
        return at - now

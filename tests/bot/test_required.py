"""Required mentorship's arithmetic: deadlines by days and by date, the reminder due (halfway,
then the deadline, never a halfway after the deadline), who is overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.required import MentorRule, Stage, deadline, halfway, is_overdue, rule_of, stage_due

ZONE = ZoneInfo("America/New_York")
JOINED = datetime(2026, 9, 1, 15, tzinfo=UTC)


def test_a_rule_is_days_or_a_date() -> None:
    assert rule_of(None, None) is None
    assert rule_of(30, None) == MentorRule(within_days=30)
    assert rule_of(None, date(2027, 7, 1)) == MentorRule(by=date(2027, 7, 1))
    assert rule_of(30, date(2027, 7, 1)) == MentorRule(within_days=30)  # days win, as saved
    with pytest.raises(ValueError, match="either"):
        MentorRule()
    with pytest.raises(ValueError, match="range"):
        MentorRule(within_days=0)


def test_within_days() -> None:
    rule = MentorRule(within_days=30)
    assert deadline(rule, JOINED, ZONE) == JOINED + timedelta(days=30)
    assert halfway(rule, JOINED, ZONE) == JOINED + timedelta(days=15)
    assert stage_due(rule, JOINED, JOINED + timedelta(days=14), ZONE) is None
    assert stage_due(rule, JOINED, JOINED + timedelta(days=15), ZONE) is Stage.HALFWAY
    assert stage_due(rule, JOINED, JOINED + timedelta(days=30), ZONE) is Stage.DEADLINE
    assert not is_overdue(rule, JOINED, JOINED + timedelta(days=29), ZONE)
    assert is_overdue(rule, JOINED, JOINED + timedelta(days=30), ZONE)
    assert rule.describe(date(2026, 9, 1)) == "a mentor within 30 days of joining"


def test_by_a_date_covers_those_who_joined_before_it() -> None:
    rule = MentorRule(by=date(2026, 10, 1))
    due = deadline(rule, JOINED, ZONE)
    assert due == datetime(2026, 10, 1, tzinfo=ZONE)  # its first moment in the program's zone
    assert halfway(rule, JOINED, ZONE) == JOINED + (due - JOINED) / 2  # type: ignore[operator]
    late = datetime(2026, 10, 2, tzinfo=UTC)
    assert deadline(rule, late, ZONE) is None
    assert stage_due(rule, late, late + timedelta(days=300), ZONE) is None
    assert not is_overdue(rule, late, late + timedelta(days=300), ZONE)
    assert rule.describe(date(2026, 9, 1)) == "a mentor by Thu 1 Oct"


@given(
    days=st.integers(1, 365),
    after=st.integers(0, 800 * 24),
)
def test_the_stage_only_moves_forward(days: int, after: int) -> None:
    rule = MentorRule(within_days=days)
    order = {None: 0, Stage.HALFWAY: 1, Stage.DEADLINE: 2}
    now = JOINED + timedelta(hours=after)
    later = now + timedelta(hours=1)
    assert order[stage_due(rule, JOINED, now, ZONE)] <= order[stage_due(rule, JOINED, later, ZONE)]
    assert (stage_due(rule, JOINED, now, ZONE) is Stage.DEADLINE) == is_overdue(
        rule, JOINED, now, ZONE
    )

"""How many people someone is willing to mentor at once."""

from __future__ import annotations

from bot.context import AppContext
from bot.text import Mrkdwn, fmt, md, plural
from storage.db import unit_of_work
from storage.people import get_person, mentee_count, set_capacity


def describe_capacity(ctx: AppContext, user_id: str) -> Mrkdwn:
    with unit_of_work(ctx.sessions) as session:
        person = get_person(session, user_id)
        limit = person.capacity if person is not None else None
        count = mentee_count(session, user_id)
    now = f"You currently mentor {plural(count, 'person', 'people')}."
    if limit is None:
        return fmt("{now} You haven't set a limit. Set one with `/mentor capacity 3`.", now=now)
    return fmt(
        "{now} Your limit is {limit}; when you reach it, new requests are kindly "
        "turned away. Change it with `/mentor capacity N`, or remove it with "
        "`/mentor capacity off`.",
        now=now,
        limit=limit,
    )


def update_capacity(ctx: AppContext, user_id: str, limit: int | None) -> Mrkdwn:
    with unit_of_work(ctx.sessions) as session:
        set_capacity(session, user_id, limit, ctx.now())
        count = mentee_count(session, user_id)
    if limit is None:
        return md("Done: no limit on how many people you mentor. New requests will reach you.")
    full = (
        " You're at that limit now, so new requests will be turned away kindly."
        if count >= limit
        else ""
    )
    return fmt(
        "Done: you'll mentor at most {people} at once.{full}",
        people=plural(limit, "person", "people"),
        full=full,
    )

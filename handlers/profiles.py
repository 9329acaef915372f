"""Who someone is in Slack (name, time zone, bot or person, active or not), cached for a day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import Refused
from bot.text import fmt, md, mention
from storage.db import SessionFactory, unit_of_work
from storage.people import Profile, cached_profile, get_person, profile_is_fresh, remember_profile

SLACKBOT = "USLACKBOT"


def profile_from_user(user: dict[str, Any]) -> Profile:
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or ""
    )
    return Profile(
        user_id=str(user["id"]),
        display_name=str(name),
        tz=user.get("tz") or None,
        is_bot=bool(user.get("is_bot") or user.get("is_app_user") or user["id"] == SLACKBOT),
        is_deleted=bool(user.get("deleted")),
    )


def fetch_profile(client: WebClient, user_id: str) -> Profile | None:
    """``users.info``; None when Slack doesn't know the user."""
    try:
        response = client.users_info(user=user_id)
    except SlackApiError as error:
        if error.response.get("error") in ("user_not_found", "users_not_found"):
            return None
        raise
    user = response.get("user")
    return profile_from_user(user) if isinstance(user, dict) else None


def profiles_before_saving(
    sessions: SessionFactory, client: WebClient, user_ids: Sequence[str], now: datetime
) -> dict[str, Profile | None]:
    """The profiles of ``user_ids`` for a flow that has not opened its unit of work yet: cached
    ones from the database, the rest from ``users.info`` with no transaction open, saved in one
    short unit of work of their own. None for a user Slack doesn't know."""
    profiles: dict[str, Profile | None] = {}
    with unit_of_work(sessions) as session:
        for user_id in user_ids:
            person = get_person(session, user_id)
            if person is not None and profile_is_fresh(person, now):
                profiles[user_id] = cached_profile(person)
    fetched = {u: fetch_profile(client, u) for u in dict.fromkeys(user_ids) if u not in profiles}
    if any(fetched.values()):
        with unit_of_work(sessions) as session:
            for profile in fetched.values():
                if profile is not None:
                    remember_profile(session, profile, now)
    return {**profiles, **fetched}


def person_problem(profile: Profile | None, who: str, role: str = "mentor") -> str | None:
    """Why ``profile`` can't take ``role`` (apps, bots, deactivated or unknown accounts), in
    plain words naming them as ``who`` (a modal shows it as plain text); None when they can."""
    if profile is None:
        return "I can't find that person in this workspace. Pick them from Slack's @ list."
    if profile.is_bot:
        return f"{who} is an app, not a person, so it can't be a {role}."
    if profile.is_deleted:
        return f"{who}'s Slack account is deactivated, so they can't be a {role}."
    return None


def check_person(profile: Profile | None, user_id: str, *, role: str = "mentor") -> Profile:
    """``profile`` if it is a real, active person; a kind refusal for apps, bots and
    deactivated or unknown accounts."""
    if profile is None:
        raise Refused(
            md("I can't find that person in this workspace. Pick them from Slack's @ list."),
            reason="bad_input",
        )
    if profile.is_bot:
        raise Refused(
            fmt(
                "{user} is an app, not a person, so it can't be a {role}.",
                user=mention(user_id),
                role=role,
            ),
            reason="bad_input",
        )
    if profile.is_deleted:
        raise Refused(
            fmt(
                "{user}'s Slack account is deactivated, so they can't be a {role}.",
                user=mention(user_id),
                role=role,
            ),
            reason="bad_input",
        )
    return profile

"""Who someone is in Slack (name, time zone, bot or person, active or not), cached for a day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.errors import Refused
from bot.text import fmt, md, mention
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


def profile_of(session: Session, client: WebClient, user_id: str, now: datetime) -> Profile | None:
    person = get_person(session, user_id)
    if person is not None and profile_is_fresh(person, now):
        return cached_profile(person)
    profile = fetch_profile(client, user_id)
    if profile is not None:
        remember_profile(session, profile, now)
    return profile


def require_person(
    session: Session, client: WebClient, user_id: str, now: datetime, *, role: str = "mentor"
) -> Profile:
    """The profile of a real, active person; a kind refusal for apps, bots and deactivated
    or unknown accounts."""
    profile = profile_of(session, client, user_id, now)
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

"""Modal submissions of profiles and the directory: the mentor and trainee profiles, and the
directory's filters."""

from __future__ import annotations

from functools import partial

from slack_bolt import App, Args

from bot.context import AppContext
from bot.text import md
from handlers import ids
from handlers.blocks.directory import (
    InvalidProfile,
    parse_filters,
    parse_mentor_profile,
    parse_trainee_profile,
)
from handlers.edge import actor_id, edge
from handlers.flows.directory import (
    filters_choices,
    parse_search_or_refuse,
    profile_choices_of,
    require_search,
    results_view,
    save_mentor,
    save_trainee,
)
from handlers.flows.slack import notify
from handlers.views.requests import metadata, state_values


def _reject(args: Args, invalid: InvalidProfile) -> None:
    args.ack(response_action="errors", errors=invalid.errors)
    args.context["outcome"] = "bad_input"


def handle_mentor_profile(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    choices = profile_choices_of(ctx, caller)
    try:
        submitted = parse_mentor_profile(state_values(args), choices.areas, choices.specialties)
    except InvalidProfile as invalid:
        _reject(args, invalid)
        return
    args.ack()
    notify(args.client, caller, save_mentor(ctx, args.client, caller, submitted))


def handle_trainee_profile(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    choices = profile_choices_of(ctx, caller)
    try:
        submitted = parse_trainee_profile(state_values(args), choices.areas, choices.specialties)
    except InvalidProfile as invalid:
        _reject(args, invalid)
        return
    carried = metadata(args)
    search = parse_search_or_refuse(carried) if carried else None
    if search is not None:
        # Checked before saving: a forged search is refused with the profile left as it was.
        require_search(ctx, caller, search)
    save_trainee(ctx, args.client, caller, submitted)
    if search is None:
        args.ack()
        notify(args.client, caller, md("Saved your trainee profile."))
        return
    # The first search asked for the profile: now show what it was looking for.
    args.ack(response_action="update", view=results_view(ctx, caller, search))


def handle_filters(ctx: AppContext, args: Args) -> None:
    caller = actor_id(args)
    search = parse_search_or_refuse(metadata(args))
    choices = filters_choices(ctx, caller, search)
    try:
        chosen = parse_filters(state_values(args), search, choices.areas, choices.specialties)
    except InvalidProfile as invalid:
        _reject(args, invalid)
        return
    args.ack(response_action="update", view=results_view(ctx, caller, chosen))


def register(app: App, ctx: AppContext) -> None:
    handlers = {
        ids.MENTOR_PROFILE_VIEW: handle_mentor_profile,
        ids.TRAINEE_PROFILE_VIEW: handle_trainee_profile,
        ids.DIRECTORY_FILTERS_VIEW: handle_filters,
    }
    for callback_id, handler in handlers.items():
        app.view(callback_id)(edge(f"view:{callback_id}", partial(handler, ctx)))

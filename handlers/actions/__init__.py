"""Button listeners, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from handlers.actions import (
    checkins,
    desk,
    digest,
    directory,
    feedback,
    home,
    introductions,
    matching,
    meetings,
    pairings,
    program_pick,
    reassess,
    requests,
    sharing,
    work,
)


def register(app: App, ctx: AppContext) -> None:
    requests.register(app, ctx)
    pairings.register(app, ctx)
    checkins.register(app, ctx)
    work.register(app, ctx)
    home.register(app, ctx)
    desk.register(app, ctx)
    sharing.register(app, ctx)
    reassess.register(app, ctx)
    digest.register(app, ctx)
    directory.register(app, ctx)
    matching.register(app, ctx)
    program_pick.register(app, ctx)
    feedback.register(app, ctx)
    introductions.register(app, ctx)
    meetings.register(app, ctx)

"""Modal submission listeners, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from handlers.views import (
    checkins,
    digest,
    directory,
    feedback,
    forget,
    introductions,
    matching,
    pairings,
    programs,
    reassess,
    reports,
    requests,
    work,
)


def register(app: App, ctx: AppContext) -> None:
    requests.register(app, ctx)
    pairings.register(app, ctx)
    checkins.register(app, ctx)
    work.register(app, ctx)
    reassess.register(app, ctx)
    digest.register(app, ctx)
    forget.register(app, ctx)
    directory.register(app, ctx)
    matching.register(app, ctx)
    feedback.register(app, ctx)
    introductions.register(app, ctx)
    programs.register(app, ctx)
    reports.register(app, ctx)

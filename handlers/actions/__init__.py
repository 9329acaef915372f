"""Button listeners, one module per feature."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from handlers.actions import pairings, requests


def register(app: App, ctx: AppContext) -> None:
    requests.register(app, ctx)
    pairings.register(app, ctx)

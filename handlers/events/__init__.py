"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from handlers.edge import edge
from handlers.events import membership
from handlers.events.home import handle_app_home_opened


def register(app: App, ctx: AppContext) -> None:
    app.event("app_home_opened")(
        edge("event:app_home_opened", lambda args: handle_app_home_opened(ctx, args))
    )
    membership.register(app, ctx)

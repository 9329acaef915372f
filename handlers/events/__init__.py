"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from handlers.edge import edge
from handlers.events import membership
from handlers.events.home import handle_app_home_opened
from handlers.events.leaving import handle_app_removed, handle_user_change


def register(app: App, ctx: AppContext) -> None:
    app.event("app_home_opened")(
        edge("event:app_home_opened", lambda args: handle_app_home_opened(ctx, args))
    )
    app.event("user_change")(edge("event:user_change", lambda args: handle_user_change(ctx, args)))
    for removed in ("app_uninstalled", "tokens_revoked"):
        app.event(removed)(edge(f"event:{removed}", lambda args: handle_app_removed(ctx, args)))
    membership.register(app, ctx)

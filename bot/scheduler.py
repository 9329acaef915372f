"""The APScheduler loop: one interval job that runs a tick; due times live in the database."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from slack_sdk import WebClient

from bot.context import AppContext
from bot.jobs import run_tick

JOB_ID = "mentorbot-tick"


def _add_tick_job(scheduler: BackgroundScheduler, ctx: AppContext, client: WebClient) -> None:
    interval = ctx.settings.scheduler_interval_seconds

    def tick() -> None:
        run_tick(ctx, client, ctx.now())

    scheduler.add_job(
        tick,
        "interval",
        seconds=interval,
        id=JOB_ID,
        # A late or overlapping tick is folded into one: every tick asks the database for
        # everything due, so nothing is lost by skipping a run.
        coalesce=True,
        max_instances=1,
        misfire_grace_time=interval * 2,
        next_run_time=ctx.now(),
        replace_existing=True,
    )


def background_scheduler(ctx: AppContext, client: WebClient) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_tick_job(scheduler, ctx, client)
    return scheduler


def blocking_scheduler(ctx: AppContext, client: WebClient) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    _add_tick_job(scheduler, ctx, client)
    return scheduler

"""A person's data: ``/mentor my data`` (the export), ``/mentor plan [@person]`` (a trainee's
learning plan) and ``/mentor forget me | @person`` (the erasure modal). Files go to the
caller's DM once the reading unit of work is closed."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.text import Mrkdwn, fmt, md, mention
from handlers.blocks.forget import ForgetRequest, build_forget_modal
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, actor_id, program_hint
from handlers.flows.erasure import ForgetTarget, forget_mode
from handlers.flows.personal_data import FileUpload, export_files, plan_file
from handlers.flows.programs import coordinator_choice, settled_program
from handlers.flows.slack import share_files
from storage.db import unit_of_work


def _to_dm(args: Args, user_id: str, comment: Mrkdwn, files: list[FileUpload]) -> None:
    dm = args.client.conversations_open(users=user_id)
    share_files(args.client, str(dm["channel"]["id"]), comment, files)


def handle_my_data(ctx: AppContext, args: Args, command: parsing.MyData) -> None:
    user = actor_id(args)
    ack_text(args, md("Gathering your data; the files will arrive in our DM."))
    files = export_files(ctx, user)
    _to_dm(
        args,
        user,
        md(
            "Here is everything I hold about you: the same in JSON (for machines) and "
            "Markdown (to read). Other people appear only as you saw them in Slack."
        ),
        files,
    )


def handle_plan(ctx: AppContext, args: Args, command: parsing.Plan) -> None:
    user = actor_id(args)
    trainee, upload = plan_file(ctx, user, command.other_id)
    ack_text(args, md("Making the learning plan; it will arrive in our DM."))
    comment = (
        md("Your individual learning plan, ready for a competency committee or portfolio review.")
        if trainee == user
        else fmt(
            "{trainee}'s individual learning plan, for your mentorship.", trainee=mention(trainee)
        )
    )
    _to_dm(args, user, comment, [upload])


def handle_forget(ctx: AppContext, args: Args, command: parsing.Forget) -> None:
    user = actor_id(args)
    target = command.user_id or user
    with unit_of_work(ctx.sessions) as session:
        if target == user or ctx.settings.is_admin(user):
            forgetting = ForgetTarget(target, None, None)
        else:
            program = settled_program(
                coordinator_choice(session, ctx.settings, user, program_hint(args))
            )
            forgetting = ForgetTarget(target, program.id, program.name)
        mode = forget_mode(session, ctx, user, forgetting)
    args.ack()
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_forget_modal(
            ForgetRequest(target, forgetting.program_id),
            mode=mode,
            program_name=forgetting.program_name,
        ),
    )


ROUTES: Routes = {
    parsing.MyData: Route(("my",), handle_my_data),
    parsing.Plan: Route(("plan",), handle_plan),
    parsing.Forget: Route(("forget",), handle_forget),
}

"""``/mentor pause`` and ``/mentor resume``: check-ins on hold for a rotation, nights or leave."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.dates import DateParseError, parse_pause
from bot.errors import Refused
from bot.text import escape, fmt, md, mention
from handlers.blocks.checkins import build_pause_modal, build_paused_reply, build_resumed_reply
from handlers.commands.routing import Route, Routes
from handlers.edge import actor_id, respond_text
from handlers.flows.checkins import actor_today, pause_pairings, paused_pairing_ids, resume_pairings
from handlers.flows.choosing import PairingChoice, open_pairing_choices


def _choices(ctx: AppContext, caller: str, other_id: str | None) -> list[PairingChoice]:
    """Every open pairing of the caller's, or those with ``other_id``: a pause is about the
    caller's time (a rotation, nights, leave), so without a person it covers them all."""
    choices = open_pairing_choices(ctx, caller, other_id)
    if not choices:
        whom = fmt(" with {other}", other=mention(other_id)) if other_id else md("")
        raise Refused(
            fmt("You don't have an active mentorship{whom}.", whom=whom),
            reason="bad_input",
        )
    return choices


def handle_pause(ctx: AppContext, args: Args, command: parsing.Pause) -> None:
    caller = actor_id(args)
    choices = _choices(ctx, caller, command.other_id)
    today = actor_today(ctx, caller)
    if command.until_text is None:
        args.ack()
        args.client.views_open(
            trigger_id=args.body["trigger_id"],
            view=build_pause_modal(
                [c.pairing_id for c in choices], [c.other_id for c in choices], today
            ),
        )
        return
    try:
        until = parse_pause(command.until_text, today)
    except DateParseError as error:
        raise Refused(escape(error.message), reason="bad_input") from None
    args.ack()
    paused = pause_pairings(ctx, args.client, [c.pairing_id for c in choices], caller, until)
    reply = build_paused_reply(paused.pairing_ids, paused.other_ids, until, today)
    respond_text(args, reply.text, reply.blocks, response_type="ephemeral")


def handle_resume(ctx: AppContext, args: Args, command: parsing.Resume) -> None:
    caller = actor_id(args)
    choices = _choices(ctx, caller, command.other_id)
    paused = paused_pairing_ids(ctx, [c.pairing_id for c in choices])
    if not paused:
        raise Refused(
            md("Your check-ins aren't paused, so there's nothing to resume."), reason="bad_input"
        )
    args.ack()
    resumed = resume_pairings(ctx, args.client, paused, caller)
    respond_text(args, build_resumed_reply(resumed.other_ids), response_type="ephemeral")


ROUTES: Routes = {
    parsing.Pause: Route(("pause",), handle_pause),
    parsing.Resume: Route(("resume",), handle_resume),
}

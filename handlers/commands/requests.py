"""Subcommands for finding a mentor: ask, withdraw, capacity, assign and list."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.errors import Refused
from bot.focus import focus_areas
from bot.text import mention
from handlers.blocks.modals import build_ask_modal, build_assign_modal
from handlers.blocks.pairings import build_pairing_list
from handlers.blocks.requests import build_request_sent, build_withdraw_choices
from handlers.commands.routing import Route, Routes
from handlers.edge import actor_id
from handlers.flows.capacity import describe_capacity, update_capacity
from handlers.flows.listing import pairing_overview
from handlers.flows.pairings import assign_pairing
from handlers.flows.requests import (
    pending_request_cards,
    send_request,
    withdraw_requests,
)


def handle_ask(ctx: AppContext, args: Args, command: parsing.Ask) -> None:
    args.ack()
    if command.focus is None:
        areas = focus_areas(ctx.settings.focus_areas)
        args.client.views_open(
            trigger_id=args.body["trigger_id"],
            view=build_ask_modal(command.mentor_id, areas, command.note),
        )
        return
    sent = send_request(
        ctx,
        args.client,
        mentee_id=actor_id(args),
        mentor_id=command.mentor_id,
        focus=command.focus.key,
        note=command.note,
    )
    args.respond(
        text=build_request_sent(sent.mentor_id, sent.focus_label), response_type="ephemeral"
    )


def handle_withdraw(ctx: AppContext, args: Args, command: parsing.Withdraw) -> None:
    args.ack()
    caller = actor_id(args)
    cards = pending_request_cards(ctx, caller, command.mentor_id)
    if not cards:
        whom = f" to {mention(command.mentor_id)}" if command.mentor_id else ""
        raise Refused(f"You have no requests{whom} waiting for an answer.", reason="bad_input")
    if command.mentor_id is None and len(cards) > 1:
        choices = build_withdraw_choices(cards)
        args.respond(text=choices.text, blocks=choices.blocks, response_type="ephemeral")
        return
    withdrawn = withdraw_requests(ctx, args.client, [c.request_id for c in cards], caller)
    names = ", ".join(mention(w.card.mentor_id) for w in withdrawn)
    args.respond(
        text=f"Withdrawn: your request to {names}. I've let them know.",
        response_type="ephemeral",
    )


def handle_capacity(ctx: AppContext, args: Args, command: parsing.Capacity) -> None:
    caller = actor_id(args)
    if command.limit is None and not command.clear:
        args.ack(response_type="ephemeral", text=describe_capacity(ctx, caller))
        return
    args.ack(response_type="ephemeral", text=update_capacity(ctx, caller, command.limit))


def handle_assign(ctx: AppContext, args: Args, command: parsing.Assign) -> None:
    caller = actor_id(args)
    if not ctx.settings.is_coordinator(caller):
        raise Refused(
            "Only program coordinators can assign mentors. You can ask someone yourself with "
            "`/mentor ask @person`.",
            reason="forbidden",
        )
    args.ack()
    if command.focus is None:
        areas = focus_areas(ctx.settings.focus_areas)
        args.client.views_open(
            trigger_id=args.body["trigger_id"],
            view=build_assign_modal(command.mentor_id, command.mentee_id, areas, command.note),
        )
        return
    assign_pairing(
        ctx,
        args.client,
        coordinator_id=caller,
        mentor_id=command.mentor_id,
        mentee_id=command.mentee_id,
        focus=command.focus.key,
        note=command.note,
    )
    args.respond(
        text=(
            f"Done: {mention(command.mentor_id)} now mentors {mention(command.mentee_id)}. "
            "I've introduced them to each other."
        ),
        response_type="ephemeral",
    )


def handle_list(ctx: AppContext, args: Args, command: parsing.ListPairings) -> None:
    overview = pairing_overview(ctx, actor_id(args))
    listing = build_pairing_list(
        mentors=overview.mentors,
        mentees=overview.mentees,
        asked_by_me=overview.asked_by_me,
        asked_of_me=overview.asked_of_me,
        today=overview.today,
    )
    args.ack(response_type="ephemeral", text=listing.text, blocks=listing.blocks)


ROUTES: Routes = {
    parsing.Ask: Route(("ask",), handle_ask),
    parsing.Withdraw: Route(("withdraw",), handle_withdraw),
    parsing.Capacity: Route(("capacity",), handle_capacity),
    parsing.Assign: Route(("assign",), handle_assign),
    parsing.ListPairings: Route(("list",), handle_list),
}

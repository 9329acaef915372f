"""Subcommands for finding a mentor: ask, withdraw, capacity, assign and list."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.errors import Refused
from bot.text import fmt, md, md_join, mention
from handlers.blocks.modals import build_ask_modal, build_assign_modal
from handlers.blocks.pairings import build_pairing_list
from handlers.blocks.requests import build_request_sent, build_withdraw_choices
from handlers.commands.routing import Route, Routes
from handlers.edge import ack_text, actor_id, program_hint, respond_text
from handlers.flows.capacity import describe_capacity, update_capacity
from handlers.flows.listing import pairing_overview
from handlers.flows.modals import open_modal
from handlers.flows.pairings import assign_pairing
from handlers.flows.program_scope import ask_scope, assign_scope
from handlers.flows.requests import (
    pending_request_cards,
    send_request,
    withdraw_requests,
)
from handlers.flows.waiting import offer_free_places
from storage.db import unit_of_work


def handle_ask(ctx: AppContext, args: Args, command: parsing.Ask) -> None:
    with unit_of_work(ctx.sessions) as session:
        scope = ask_scope(session, ctx.settings, actor_id(args), program_hint(args), command.focus)
    args.ack()
    if command.focus is None or scope.program is None:
        # No focus, or a person in several programs who didn't say which: the form asks.
        open_modal(
            ctx,
            args.client,
            actor_id(args),
            args.body["trigger_id"],
            build_ask_modal(command.mentor_id, scope.form(command.note, command.focus)),
        )
        return
    sent = send_request(
        ctx,
        args.client,
        program=scope.program,
        mentee_id=actor_id(args),
        mentor_id=command.mentor_id,
        focus=command.focus.key,
        note=command.note,
    )
    respond_text(
        args, build_request_sent(sent.mentor_id, sent.focus_label), response_type="ephemeral"
    )


def handle_withdraw(ctx: AppContext, args: Args, command: parsing.Withdraw) -> None:
    args.ack()
    caller = actor_id(args)
    cards = pending_request_cards(ctx, caller, command.mentor_id)
    if not cards:
        whom = (
            fmt(" to {mentor}", mentor=mention(command.mentor_id)) if command.mentor_id else md("")
        )
        raise Refused(
            fmt("You have no requests{whom} waiting for an answer.", whom=whom),
            reason="bad_input",
        )
    if command.mentor_id is None and len(cards) > 1:
        choices = build_withdraw_choices(cards)
        respond_text(args, choices.text, choices.blocks, response_type="ephemeral")
        return
    withdrawn = withdraw_requests(ctx, args.client, [c.request_id for c in cards], caller)
    names = md_join(", ", (mention(w.card.mentor_id) for w in withdrawn))
    respond_text(
        args,
        fmt("Withdrawn: your request to {names}. I've let them know.", names=names),
        response_type="ephemeral",
    )


def handle_capacity(ctx: AppContext, args: Args, command: parsing.Capacity) -> None:
    caller = actor_id(args)
    if command.limit is None and not command.clear:
        ack_text(args, describe_capacity(ctx, caller))
        return
    ack_text(args, update_capacity(ctx, caller, command.limit))
    # A raised (or removed) limit may free a place someone on the waiting list is waiting for.
    offer_free_places(ctx, args.client)


def handle_assign(ctx: AppContext, args: Args, command: parsing.Assign) -> None:
    caller = actor_id(args)
    with unit_of_work(ctx.sessions) as session:
        scope = assign_scope(session, ctx.settings, caller, program_hint(args), command.focus)
    args.ack()
    if command.focus is None or scope.program is None:
        open_modal(
            ctx,
            args.client,
            caller,
            args.body["trigger_id"],
            build_assign_modal(
                command.mentor_id,
                command.mentee_id,
                scope.form(command.note, command.focus),
            ),
        )
        return
    assign_pairing(
        ctx,
        args.client,
        program_id=scope.program.id,
        coordinator_id=caller,
        mentor_id=command.mentor_id,
        mentee_id=command.mentee_id,
        focus=command.focus.key,
        note=command.note,
    )
    respond_text(
        args,
        fmt(
            "Done: {mentor} now mentors {mentee}. I've introduced them to each other.",
            mentor=mention(command.mentor_id),
            mentee=mention(command.mentee_id),
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
        groups=overview.groups,
    )
    ack_text(args, listing.text, listing.blocks)


ROUTES: Routes = {
    parsing.Ask: Route(("ask",), handle_ask),
    parsing.Withdraw: Route(("withdraw",), handle_withdraw),
    parsing.Capacity: Route(("capacity",), handle_capacity),
    parsing.Assign: Route(("assign",), handle_assign),
    parsing.ListPairings: Route(("list",), handle_list),
}

"""Subcommands about an existing pairing: agree check-ins, and end it."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.errors import Refused
from bot.text import Mrkdwn, fmt, md, mention
from handlers import ids
from handlers.blocks.modals import build_communication_modal, build_end_modal
from handlers.blocks.pairings import build_pairing_choices
from handlers.commands.routing import Route, Routes
from handlers.edge import actor_id, respond_text
from handlers.flows.choosing import PairingChoice, open_pairing_choices


def _no_pairing(other_id: str | None) -> Refused:
    if other_id:
        return Refused(
            fmt("You don't have an active mentorship with {other}.", other=mention(other_id)),
            reason="bad_input",
        )
    return Refused(
        md("You don't have an active mentorship yet. Ask someone with `/mentor ask @person`."),
        reason="bad_input",
    )


def caller_pairings(ctx: AppContext, args: Args, other_id: str | None) -> list[PairingChoice]:
    """The caller's open pairings (with ``other_id`` only, if named); a refusal if none."""
    choices = open_pairing_choices(ctx, actor_id(args), other_id)
    if not choices:
        raise _no_pairing(other_id)
    return choices


def offer_choices(
    args: Args, choices: list[PairingChoice], lead: Mrkdwn, *, button_text: str, action_id: str
) -> None:
    """An ephemeral list of the pairings, one button each, when a command named none."""
    offer = build_pairing_choices(
        lead,
        [(c.pairing_id, c.other_id, c.label) for c in choices],
        button_text=button_text,
        action_id=action_id,
    )
    respond_text(args, offer.text, offer.blocks, response_type="ephemeral")


def handle_end(ctx: AppContext, args: Args, command: parsing.End) -> None:
    args.ack()
    choices = caller_pairings(ctx, args, command.other_id)
    if len({c.other_id for c in choices}) == 1:
        open_end_modal(args, choices)
        return
    offer_choices(
        args,
        choices,
        md("Which mentorship would you like to end? Only you will see this."),
        button_text="End…",
        action_id=ids.END_OPEN,
    )


def open_end_modal(args: Args, choices: list[PairingChoice]) -> None:
    """The end modal for pairings that all share the same other person."""
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_end_modal(choices[0].other_id, [(c.pairing_id, c.label) for c in choices]),
    )


def open_communication_modal(args: Args, choice: PairingChoice) -> None:
    args.client.views_open(
        trigger_id=args.body["trigger_id"],
        view=build_communication_modal(
            choice.pairing_id,
            choice.other_id,
            choice.focus_label,
            choice.communication,
            default_cadence=choice.default_cadence,
        ),
    )


def handle_cadence(ctx: AppContext, args: Args, command: parsing.SetCadence) -> None:
    args.ack()
    choices = caller_pairings(ctx, args, command.other_id)
    if len(choices) == 1:
        open_communication_modal(args, choices[0])
        return
    offer_choices(
        args,
        choices,
        md("Which mentorship's check-ins would you like to change?"),
        button_text="Set up check-ins",
        action_id=ids.COMMUNICATION_OPEN,
    )


ROUTES: Routes = {
    parsing.End: Route(("end",), handle_end),
    parsing.SetCadence: Route(("cadence",), handle_cadence),
}

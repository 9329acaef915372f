"""``/mentor introduce @colleague [to @mentee] [why]``: a mentor introduces their mentee."""

from __future__ import annotations

from slack_bolt import Args

from bot import commands as parsing
from bot.context import AppContext
from bot.errors import Refused
from bot.text import fmt, md, mention
from handlers.commands.routing import Route, Routes
from handlers.edge import actor_id, respond_text
from handlers.flows.choosing import PairingChoice, open_pairing_choices
from handlers.flows.introductions import make_introduction
from storage.db import unit_of_work
from storage.pairings import get_pairing


def _mentees(ctx: AppContext, caller: str, mentee_id: str | None) -> list[PairingChoice]:
    """The caller's open mentorships as mentor (with ``mentee_id`` only, if named)."""
    choices = open_pairing_choices(ctx, caller, mentee_id)
    with unit_of_work(ctx.sessions) as session:
        mine = []
        for choice in choices:
            pairing = get_pairing(session, choice.pairing_id)
            if pairing is not None and pairing.mentor_id == caller:
                mine.append(choice)
    return mine


def handle_introduce(ctx: AppContext, args: Args, command: parsing.Introduce) -> None:
    caller = actor_id(args)
    choices = _mentees(ctx, caller, command.mentee_id)
    if not choices:
        if command.mentee_id is not None:
            raise Refused(
                fmt("You don't mentor {mentee} at the moment.", mentee=mention(command.mentee_id)),
                reason="bad_input",
            )
        raise Refused(
            md("Introductions are made by mentors for their mentees, and you mentor nobody yet."),
            reason="bad_input",
        )
    if len({c.other_id for c in choices}) > 1:
        raise Refused(
            md(
                "You mentor several people: say whom to introduce, as in "
                "`/mentor introduce @colleague to @mentee why they should talk`."
            ),
            reason="bad_input",
        )
    if len(choices) > 1:
        raise Refused(
            md(
                "You mentor them in more than one mentorship: use **Introduce to a colleague…** "
                "on the one you mean, on my Home tab."
            ),
            reason="bad_input",
        )
    args.ack()
    told = make_introduction(
        ctx,
        args.client,
        actor_id=caller,
        pairing_id=choices[0].pairing_id,
        colleague_id=command.colleague_id,
        why=command.why,
    )
    respond_text(args, told, response_type="ephemeral")


ROUTES: Routes = {parsing.Introduce: Route(("introduce",), handle_introduce)}

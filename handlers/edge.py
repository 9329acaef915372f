"""The edge every listener runs through: one log line per request, refusals and failures turned
into a private, friendly reply."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from slack_bolt import Args
from slack_sdk.errors import SlackApiError

from bot.acks_first import answering, off_turn
from bot.deadlines import DEADLINES
from bot.errors import Refused
from bot.logging import get_logger
from bot.text import Mrkdwn, fmt, md
from handlers.flows.slack import post_ephemeral, post_message
from handlers.tapped import channel_of

log = get_logger("mentorbot.requests")


def sorry(reference: str) -> Mrkdwn:
    """What someone is told when their request failed on the app's side: nothing was saved
    (its unit of work rolled back), try again, and a reference the logs carry."""
    return fmt(
        "Sorry, something went wrong on our side and nothing was saved. Please try again in "
        "a minute; if it keeps happening, tell your program coordinator (reference {ref}).",
        ref=reference,
    )


Listener = Callable[[Args], None]
Block = dict[str, Any]


def acting_user(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    event_user = (body.get("event") or {}).get("user")
    if isinstance(event_user, dict):
        # user_change carries the whole profile: only its id is ever logged or used.
        event_user = event_user.get("id")
    return body.get("user_id") or event_user


def acting_team(body: dict[str, Any]) -> str | None:
    team = body.get("team")
    if isinstance(team, dict):
        return team.get("id")
    return body.get("team_id") or team


_ACK_LOCK = "ack_lock"


def _ack_lock(args: Args) -> threading.Lock:
    """The request's one lock between its handler and its ack budget's timer (dict.setdefault
    is atomic, so both threads get the same lock)."""
    lock: threading.Lock = args.context.setdefault(_ACK_LOCK, threading.Lock())
    return lock


def ack_text(
    args: Args,
    text: Mrkdwn,
    blocks: Sequence[Block] | None = None,
    *,
    response_type: str | None = "ephemeral",
) -> None:
    """Answer a slash command with a reply (private unless ``response_type`` says otherwise):
    in its ack, or through its ``response_url`` when it was acked already (its ack budget ran
    out, see :func:`ack_within`)."""
    with _ack_lock(args):
        if args.ack.response is None:
            args.ack(text=text, blocks=blocks, response_type=response_type)
            return
    respond_text(args, text, blocks, response_type=response_type or "ephemeral")


def ack_if_waiting(args: Args) -> None:
    """Ack now, empty, unless the request was acked already."""
    with _ack_lock(args):
        if args.ack.response is None:
            args.ack()


@contextmanager
def ack_within(args: Args, budget_ms: int) -> Iterator[None]:
    """Run a slash command's handler with an ack budget: if it has not acked ``budget_ms``
    after it started, it is acked empty then and its answer goes by ``response_url``
    (:func:`ack_text`). A budget of 0 acks at once."""
    _ack_lock(args)  # made before the timer's thread could race to make its own
    if budget_ms <= 0:
        ack_if_waiting(args)
        yield
        return
    deadline = DEADLINES.call_later(budget_ms / 1000, lambda: ack_if_waiting(args))
    try:
        yield
    finally:
        deadline.cancel()


def respond_text(
    args: Args,
    text: Mrkdwn,
    blocks: Sequence[Block] | None = None,
    *,
    response_type: str | None = None,
    replace_original: bool | None = None,
) -> None:
    """Answer through the request's ``response_url``."""
    with off_turn():
        args.respond(
            text=text,
            blocks=blocks,
            response_type=response_type,
            replace_original=replace_original,
        )


def reply_privately(args: Args, text: Mrkdwn, blocks: list[Block] | None = None) -> None:
    """Tell only the acting person (``blocks`` shown when given, ``text`` their fallback): in
    place for commands and message buttons, as an ephemeral message where there is a channel,
    and by DM from App Home or a modal."""
    body = args.body
    user_id = acting_user(body)
    if body.get("response_url") and args.respond is not None:
        respond_text(args, text, blocks, response_type="ephemeral", replace_original=False)
        return
    channel = channel_of(body)
    if channel and user_id:
        post_ephemeral(args.client, channel, user_id, text, blocks)
    elif user_id:
        post_message(args.client, user_id, text, blocks)


def _tell(args: Args, text: Mrkdwn) -> None:
    """Tell the acting person why their request did nothing: a command in its ack (or by its
    response_url once acked), anything else privately after an empty ack."""
    if args.ack is not None and args.body.get("command"):
        try:
            ack_text(args, text)
        except SlackApiError:
            log.exception("slack.reply.failed")
        return
    if args.ack is not None and args.ack.response is None:
        args.ack()
    _reply_safely(args, text)


def edge(handled: str, handler: Listener) -> Listener:
    """Wrap ``handler`` so every request it handles logs one line (team, user, what, outcome,
    duration) and no exception escapes to Bolt."""

    def listener(args: Args) -> None:
        started = perf_counter()
        outcome = "ok"
        detail: dict[str, Any] = {}
        try:
            with answering(lambda: args.ack is not None and args.ack.response is None, args.ack):
                handler(args)
            outcome = str(args.context.get("outcome", "ok"))
        except Refused as refusal:
            outcome = refusal.reason
            detail["why"] = refusal.message
            _tell(args, refusal.message)
        except Exception:
            outcome = "error"
            reference = detail["ref"] = uuid.uuid4().hex[:8]
            log.exception("slack.request.failed", handled=handled, ref=reference)
            _tell(args, sorry(reference))
        finally:
            log.info(
                "slack.request",
                handled=handled,
                team=acting_team(args.body),
                user=acting_user(args.body),
                outcome=outcome,
                duration_ms=round((perf_counter() - started) * 1000, 1),
                **detail,
            )

    return listener


def _reply_safely(args: Args, text: Mrkdwn) -> None:
    try:
        reply_privately(args, text)
    except SlackApiError:
        log.exception("slack.reply.failed")


def actor_id(args: Args) -> str:
    """Who is acting, as Slack signed it; never taken from a button's value."""
    user = acting_user(args.body)
    if not user:
        raise Refused(md("I couldn't tell who you are; please try again."), reason="bad_input")
    return user


def action_value(args: Args) -> str:
    return str((args.action or {}).get("value") or "")


FORGED_VALUE = md("That button didn't carry what I expected, so I did nothing.")


def id_values(raw: str) -> list[int]:
    """Ids carried in a button's value ("12" or "12,13"); a forged value is a refusal."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise Refused(FORGED_VALUE, reason="forbidden")
    return [int(part) for part in parts]


PROGRAM_HINT = "program_hint"


def program_hint(args: Args) -> str | None:
    """The program a typed ``/mentor`` command named with ``in <program>``, if it named one."""
    hint = args.context.get(PROGRAM_HINT)
    return hint if isinstance(hint, str) else None

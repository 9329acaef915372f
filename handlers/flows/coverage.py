"""**Invite all to find a mentor** from a coordinator's Home: one kind DM to each trainee of
the program without a mentor, through the outbox (paced like every send, retried by the tick
if the process dies), at most once per trainee per week (the send's key names the week), and
audited once per tap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.logging import get_logger
from bot.tick import TickContext
from handlers.blocks.coverage import build_find_invite
from handlers.flows.delivery import Kind, Message, deliver
from handlers.flows.program_scope import coordinated_program
from handlers.flows.send_kinds import FIND_INVITE
from storage.audit import record_audit
from storage.coverage import has_mentor_in, program_coverage
from storage.db import unit_of_work
from storage.models import ScheduledSend
from storage.outbox import enqueue, send_key
from storage.people import departed_among
from storage.programs import program_config

log = get_logger("mentorbot.coverage")

INVITED = "coverage.invited"  # the audit action


def invite_key(program_id: int, user_id: str, now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return send_key(FIND_INVITE, f"{program_id}/{user_id}/{year}-W{week:02d}")


def _program_and_user(send: ScheduledSend) -> tuple[int, str] | None:
    parts = send.dedupe_key.split("/")
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2]


@dataclass(frozen=True)
class Invited:
    invited: int  # newly invited now
    already: int  # invited earlier this week


def invite_uncovered(
    ctx: AppContext, client: WebClient, program_id: int, coordinator_id: str
) -> Invited:
    """Invite every trainee of ``program_id`` without a mentor (the coordinator's own program,
    checked here: the button's value is only a claim)."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        program, _ = coordinated_program(session, ctx.settings, coordinator_id, program_id)
        trainees = [u.user_id for u in program_coverage(session, program.id).uncovered]
        send_ids = []
        for user_id in trainees:
            send = enqueue(
                session,
                key=invite_key(program.id, user_id, now),
                kind=FIND_INVITE,
                slot_at=now,
                now=now,
                recipient=user_id,
            )
            if send is not None:
                session.flush()
                send_ids.append(send.id)
        record_audit(
            session,
            program_id=program.id,
            actor=coordinator_id,
            action=INVITED,
            now=now,
            detail=f"{len(send_ids)} invited, {len(trainees) - len(send_ids)} this week already",
        )
    result = deliver(TickContext(app=ctx, client=client, now=now, clock=ctx.now), KINDS, send_ids)
    log.info("coverage.invited", program=program.id, count=len(send_ids), sent=result.sent)
    return Invited(len(send_ids), len(trainees) - len(send_ids))


def _render_find_invite(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    found = _program_and_user(send)
    if found is None:
        return "not an invitation"
    program_id, user_id = found
    if departed_among(session, [user_id]):
        return "the trainee has left"
    if has_mentor_in(session, program_id, user_id):
        return "the trainee has a mentor now"
    message = build_find_invite(program_config(session, ctx.settings, program_id).name)
    return Message(to=user_id, text=message.text, blocks=message.blocks)


KINDS: dict[str, Kind] = {FIND_INVITE: Kind(_render_find_invite, bulk=True)}

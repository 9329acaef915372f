"""The coordinator digest in Block Kit: names, counts and dates only, within Slack's limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.dates import describe_period
from bot.text import clip, escape, mention, plural
from handlers import ids
from handlers.blocks.common import (
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    Block,
    MessageBody,
    context,
    divider,
    header,
    section,
    sections_from_lines,
)
from storage.reports import AtRisk, DigestNumbers

ROW_PREFIX = "digest.pair."
ACTIONS_PREFIX = "digest.actions."
# Room kept for the header, the numbers, the at-risk heading, requests and the closing note.
_FIXED_BLOCKS = 14


@dataclass(frozen=True)
class DigestView:
    start: datetime  # local to the program, inclusive
    end: datetime  # local to the program, exclusive
    numbers: DigestNumbers
    risk: AtRisk
    now: datetime


def _days(since: datetime, now: datetime) -> int:
    return max(0, (now - since).days)


def _numbers_lines(view: DigestView) -> list[str]:
    n = view.numbers
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(n.request_outcomes.items())) or "none"
    answered = n.checkins_answered
    lines = [
        f"*Active pairings:* {n.active_pairings}",
        f"*New requests:* {n.new_requests} ({outcomes})",
    ]
    pending = f"*Pending requests:* {n.pending_requests}"
    if n.oldest_pending is not None:
        pending += f", oldest waiting {plural(_days(n.oldest_pending, view.now), 'day')}"
    lines += [
        pending,
        f"*Waiting for a mentor:* {plural(n.waiting_mentees, 'person', 'people')}",
        f"*Check-ins:* {n.checkins_sent} sent; answered: We met {answered.get('met', 0)}, "
        f"rescheduled {answered.get('rescheduled', 0)}, skipped {answered.get('skipped', 0)}",
        f"*Tasks completed:* {n.tasks_completed}   *Goals achieved:* {n.goals_achieved}   "
        f"*Reassessments:* {n.reassessments}",
        f"*Relationships:* {n.completed} completed, {n.ended_early} ended early",
    ]
    return lines


def _reason_lines(n: DigestNumbers) -> list[str]:
    if not n.shared_end_reasons:
        return []
    lines = ["*Reasons shared with coordinators:*"]
    lines += [f"• {escape(clip(r.replace(chr(10), ' '), 200))}" for r in n.shared_end_reasons]
    return lines


def _ops_lines(n: DigestNumbers) -> list[str]:
    lines: list[str] = []
    if n.failed_sends:
        failed = ", ".join(
            f"{escape(clip(err, 80))} ×{count}" for err, count in sorted(n.failed_sends.items())
        )
        lines.append(f"*Messages that failed:* {sum(n.failed_sends.values())} ({failed})")
    else:
        lines.append("*Messages that failed:* 0")
    at_cap = n.mentors_at_capacity
    shown = ", ".join(mention(m) for m in at_cap[:20])
    more = f" …and {len(at_cap) - 20} more" if len(at_cap) > 20 else ""
    lines.append(f"*Mentors at capacity:* {len(at_cap)}" + (f" ({shown}{more})" if at_cap else ""))
    return lines


def pair_row(pairing_id: int, mentor_id: str, mentee_id: str, reasons: tuple[str, ...]) -> Block:
    text = f"{mention(mentor_id)} → {mention(mentee_id)}: {', '.join(reasons)}"
    return section(text[:SECTION_TEXT_LIMIT], block_id=f"{ROW_PREFIX}{pairing_id}")


def pair_actions(pairing_id: int) -> Block:
    value = str(pairing_id)
    return ActionsBlock(
        block_id=f"{ACTIONS_PREFIX}{pairing_id}",
        elements=[
            ButtonElement(text="Nudge", action_id=ids.DIGEST_NUDGE, value=value),
            ButtonElement(text="Reassign", action_id=ids.DIGEST_REASSIGN, value=value),
            ButtonElement(text="Close", action_id=ids.DIGEST_CLOSE, value=value, style="danger"),
        ],
    ).to_dict()


def build_digest(view: DigestView) -> MessageBody:
    """The digest; at-risk rows beyond what fits are summarised with a pointer to the export."""
    return MessageBody(_digest_text(view), _digest_blocks(view))


def _digest_blocks(view: DigestView) -> list[Block]:
    period = describe_period(view.start, view.end)
    blocks: list[Block] = [header("Mentorship program digest"), context(period)]
    blocks += sections_from_lines(_numbers_lines(view))
    blocks += sections_from_lines(_reason_lines(view.numbers))
    blocks += sections_from_lines(_ops_lines(view.numbers))
    blocks.append(divider())
    risk = view.risk
    if not risk.pairs and not risk.requests:
        blocks.append(section("*At risk:* nothing stands out this week."))
        return blocks
    blocks.append(section(f"*At risk:* {plural(risk.total_pairs, 'pair')}"))
    room = max(0, (MESSAGE_BLOCK_LIMIT - _FIXED_BLOCKS - len(blocks)) // 2)
    shown = risk.pairs[:room]
    for pair in shown:
        blocks.append(pair_row(pair.pairing_id, pair.mentor_id, pair.mentee_id, pair.reasons))
        blocks.append(pair_actions(pair.pairing_id))
    hidden = risk.total_pairs - len(shown)
    if hidden > 0:
        blocks.append(
            context(
                f"…and {plural(hidden, 'more at-risk pair')} — see the export (`/mentor report`)"
            )
        )
    if risk.requests:
        lines = [f"*Requests waiting past their reminder:* {risk.total_requests}"]
        lines += [
            f"• {mention(r.mentee_id)} asked {mention(r.mentor_id)} "
            f"{plural(_days(r.created_at, view.now), 'day')} ago"
            for r in risk.requests
        ]
        if risk.total_requests > len(risk.requests):
            lines.append(f"…and {risk.total_requests - len(risk.requests)} more")
        blocks += sections_from_lines(lines)[:2]
    return blocks[:MESSAGE_BLOCK_LIMIT]


def mark_row(blocks: list[Block], pairing_id: int, note: str) -> list[Block]:
    """The digest with one at-risk row's buttons replaced by what was done (``note``)."""
    target = f"{ACTIONS_PREFIX}{pairing_id}"
    return [context(note) if b.get("block_id") == target else b for b in blocks]


def _digest_text(view: DigestView) -> str:
    n = view.numbers
    return (
        f"Mentorship digest, {describe_period(view.start, view.end)}: "
        f"{plural(n.active_pairings, 'active pairing')}, "
        f"{plural(view.risk.total_pairs, 'pair')} at risk."
    )

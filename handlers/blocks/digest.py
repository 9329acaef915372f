"""The coordinator digest in Block Kit: names, counts and dates only, within Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock
from slack_sdk.models.views import View

from bot.dates import describe_period
from bot.feedback import ProgramFeedback
from bot.required import MentorRule
from bot.text import Mrkdwn, clip, escape, fmt, md, md_join, mention, plural
from handlers import ids
from handlers.blocks.common import (
    MESSAGE_BLOCK_LIMIT,
    Block,
    MessageBody,
    context,
    divider,
    header,
    mrkdwn_text,
    section,
    sections_from_lines,
)
from handlers.blocks.coverage import overdue_ids
from handlers.blocks.feedback import feedback_digest_lines
from storage.coverage import Coverage
from storage.reports import AtRisk, AtRiskPair, DigestNumbers

MODAL_BLOCK_LIMIT = 100  # Slack's limit for a modal
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
    # Named when the installation runs several programs; None keeps a single program's digest
    # as it always was.
    program_name: str | None = None
    # (who left, their partner) for each mentorship that ended because someone left in the
    # period: each appears in the one digest whose period holds it.
    departures: tuple[tuple[str, str], ...] = ()
    # Who waits for a mentor, per focus (counts only): handlers.blocks.directory builds them.
    waiting: Sequence[Mrkdwn] = ()
    # The feedback section (figures of enough people only); None leaves it out.
    feedback: ProgramFeedback | None = None
    # Does every trainee have a mentor (storage.coverage); None leaves the line out.
    coverage: Coverage | None = None
    # The program's required mentorship, when it has one: the line says who is overdue.
    mentor_rule: MentorRule | None = None


def _days(since: datetime, now: datetime) -> int:
    return max(0, (now - since).days)


def _coverage_line(view: DigestView) -> list[Mrkdwn]:
    coverage = view.coverage
    if coverage is None or coverage.trainees == 0:
        return []
    line = fmt(
        "*Coverage:* {covered} of {trainees} trainees have a mentor; {without} without one",
        covered=coverage.covered,
        trainees=coverage.trainees,
        without=coverage.trainees - coverage.covered,
    )
    rule = view.mentor_rule
    zone = view.end.tzinfo
    if rule is not None and isinstance(zone, ZoneInfo):
        overdue = overdue_ids(coverage.uncovered, rule, view.now, zone)
        line = fmt(
            "{line}; {overdue} overdue (the program asks for {rule})",
            line=line,
            overdue=len(overdue),
            rule=rule.describe(view.now.astimezone(zone).date()),
        )
    return [line]


def _numbers_lines(view: DigestView) -> list[Mrkdwn]:
    n = view.numbers
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(n.request_outcomes.items())) or "none"
    answered = n.checkins_answered
    pending = fmt("*Pending requests:* {count}", count=n.pending_requests)
    if n.oldest_pending is not None:
        pending = fmt(
            "{pending}, oldest waiting {days}",
            pending=pending,
            days=plural(_days(n.oldest_pending, view.now), "day"),
        )
    return [
        fmt("*Active pairings:* {count}", count=n.active_pairings),
        *_coverage_line(view),
        fmt("*New requests:* {count} ({outcomes})", count=n.new_requests, outcomes=outcomes),
        pending,
        fmt(
            "*Waiting for a mentor:* {people}", people=plural(n.waiting_mentees, "person", "people")
        ),
        fmt(
            "*Check-ins:* {sent} sent; answered: We met {met}, rescheduled {rescheduled}, "
            "skipped {skipped}",
            sent=n.checkins_sent,
            met=answered.get("met", 0),
            rescheduled=answered.get("rescheduled", 0),
            skipped=answered.get("skipped", 0),
        ),
        fmt(
            "*Tasks completed:* {tasks}   *Goals achieved:* {goals}   "
            "*Reassessments:* {reassessments}",
            tasks=n.tasks_completed,
            goals=n.goals_achieved,
            reassessments=n.reassessments,
        ),
        fmt(
            "*Relationships:* {completed} completed, {ended} ended early",
            completed=n.completed,
            ended=n.ended_early,
        ),
        fmt(
            "*Introductions to colleagues:* {made} made, {accepted} accepted",
            made=n.introductions.made,
            accepted=n.introductions.accepted,
        ),
    ]


def _reason_lines(n: DigestNumbers) -> list[Mrkdwn]:
    if not n.shared_end_reasons:
        return []
    return [
        md("*Reasons shared with coordinators:*"),
        *(fmt("• {reason}", reason=clip(r.replace("\n", " "), 200)) for r in n.shared_end_reasons),
    ]


DEPARTURES_SHOWN = 20


def departure_lines(departures: Sequence[tuple[str, str]]) -> list[Mrkdwn]:
    """Mentorships that ended because a member left the workspace or the program."""
    if not departures:
        return []
    lines = [fmt("*Ended because a member left:* {n}", n=plural(len(departures), "mentorship"))]
    lines += [
        fmt(
            "• {left} left; {partner} was told and offered someone new",
            left=mention(left),
            partner=mention(partner),
        )
        for left, partner in departures[:DEPARTURES_SHOWN]
    ]
    if len(departures) > DEPARTURES_SHOWN:
        lines.append(fmt("…and {n} more", n=len(departures) - DEPARTURES_SHOWN))
    return lines


def _ops_lines(n: DigestNumbers) -> list[Mrkdwn]:
    lines: list[Mrkdwn] = []
    if n.failed_sends:
        failed = md_join(
            ", ",
            (
                fmt("{error} ×{count}", error=clip(err, 80), count=count)
                for err, count in sorted(n.failed_sends.items())
            ),
        )
        lines.append(
            fmt(
                "*Messages that failed:* {total} ({failed})",
                total=sum(n.failed_sends.values()),
                failed=failed,
            )
        )
    else:
        lines.append(md("*Messages that failed:* 0"))
    at_cap = n.mentors_at_capacity
    shown = md_join(", ", (mention(m) for m in at_cap[:20]))
    more = f" …and {len(at_cap) - 20} more" if len(at_cap) > 20 else ""
    listed = fmt(" ({shown}{more})", shown=shown, more=more) if at_cap else md("")
    lines.append(fmt("*Mentors at capacity:* {count}{listed}", count=len(at_cap), listed=listed))
    return lines


def pair_row(pair: AtRiskPair) -> Block:
    """One at-risk pair: names and reasons, never goal or task text; **Details** opens what a
    coordinator may see of the pair (its goals only when both members share them)."""
    text = fmt(
        "{mentor} → {mentee}: {reasons}",
        mentor=mention(pair.mentor_id),
        mentee=mention(pair.mentee_id),
        reasons=", ".join(pair.reasons),
    )
    if pair.shared:
        text = fmt("{row} · _goals shared with coordinators_", row=text)
    return SectionBlock(
        block_id=f"{ROW_PREFIX}{pair.pairing_id}",
        text=mrkdwn_text(text),
        accessory=ButtonElement(
            text="Details", action_id=ids.DIGEST_DETAILS, value=str(pair.pairing_id)
        ),
    ).to_dict()


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
    blocks: list[Block] = [
        header("Mentorship program digest"),
        context(_period_line(view)),
    ]
    blocks += sections_from_lines(_numbers_lines(view))
    blocks += sections_from_lines(_reason_lines(view.numbers))
    blocks += sections_from_lines(departure_lines(view.departures))[:1]
    blocks += sections_from_lines(_ops_lines(view.numbers))
    blocks += sections_from_lines(view.waiting)
    if view.feedback is not None:
        blocks += sections_from_lines(feedback_digest_lines(view.feedback))
    blocks.append(divider())
    risk = view.risk
    if not risk.pairs and not risk.requests:
        blocks.append(section(md("*At risk:* nothing stands out this week.")))
        return blocks
    blocks.append(section(fmt("*At risk:* {n}", n=plural(risk.total_pairs, "pair"))))
    room = max(0, (MESSAGE_BLOCK_LIMIT - _FIXED_BLOCKS - len(blocks)) // 2)
    shown = risk.pairs[:room]
    for pair in shown:
        blocks.append(pair_row(pair))
        blocks.append(pair_actions(pair.pairing_id))
    hidden = risk.total_pairs - len(shown)
    if hidden > 0:
        blocks.append(
            context(
                fmt(
                    "…and {n} — see the export (`/mentor report`)",
                    n=plural(hidden, "more at-risk pair"),
                )
            )
        )
    if risk.requests:
        lines = [fmt("*Requests waiting past their reminder:* {n}", n=risk.total_requests)]
        lines += [
            fmt(
                "• {mentee} asked {mentor} {days} ago",
                mentee=mention(r.mentee_id),
                mentor=mention(r.mentor_id),
                days=plural(_days(r.created_at, view.now), "day"),
            )
            for r in risk.requests
        ]
        if risk.total_requests > len(risk.requests):
            lines.append(fmt("…and {n} more", n=risk.total_requests - len(risk.requests)))
        blocks += sections_from_lines(lines)[:2]
    return blocks[:MESSAGE_BLOCK_LIMIT]


def mark_row(blocks: list[Block], pairing_id: int, note: Mrkdwn) -> list[Block]:
    """The digest with one at-risk row's buttons replaced by what was done (``note``)."""
    target = f"{ACTIONS_PREFIX}{pairing_id}"
    return [context(note) if b.get("block_id") == target else b for b in blocks]


def _period_line(view: DigestView) -> Mrkdwn:
    period = describe_period(view.start, view.end)
    if view.program_name is None:
        return escape(period)
    return fmt("*{program}* · {period}", program=view.program_name, period=period)


def _digest_text(view: DigestView) -> Mrkdwn:
    n = view.numbers
    if view.program_name is not None:
        return fmt(
            "Mentorship digest for {program}, {period}: {active}, {at_risk} at risk.",
            program=view.program_name,
            period=describe_period(view.start, view.end),
            active=plural(n.active_pairings, "active pairing"),
            at_risk=plural(view.risk.total_pairs, "pair"),
        )
    return fmt(
        "Mentorship digest, {period}: {active}, {at_risk} at risk.",
        period=describe_period(view.start, view.end),
        active=plural(n.active_pairings, "active pairing"),
        at_risk=plural(view.risk.total_pairs, "pair"),
    )


def build_digest_preview_modal(digest: MessageBody) -> dict[str, Any]:
    """The digest as it would post now, in a modal (from Home's **Digest preview**); its
    at-risk buttons act as on the digest, and the modal is redrawn from the database."""
    return View(
        type="modal",
        callback_id=ids.DIGEST_PREVIEW_VIEW,
        title="Digest preview",
        close="Close",
        blocks=digest.blocks[:MODAL_BLOCK_LIMIT],
    ).to_dict()

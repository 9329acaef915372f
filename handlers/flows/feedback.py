"""Exit surveys and program pulses: what the outbox sends for them (each DM once, never to a
deactivated person), the answers people give (once, only by the person asked, never after a
pulse closed), scheduling a pulse, and the scheduler step that closes pulses."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import feedback as fb
from bot.cadence import next_working_time, zone_of
from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from bot.programs import ProgramConfig
from bot.spreadsheet import safe_cell
from bot.tick import StepResult, TickContext
from handlers.blocks import feedback as blocks
from handlers.flows.checkins import zone_for
from handlers.flows.delivery import Kind, Message
from handlers.flows.program_scope import focus_label_in
from handlers.flows.programs import coordinator_choice, require_coordinator_of, settled_program
from handlers.flows.slack import program_focus_label, update_to
from storage import checkins as checkin_store
from storage import feedback as store
from storage.audit import record_audit
from storage.db import unit_of_work
from storage.models import ExitSurvey, Pulse, ScheduledSend
from storage.outbox import NewSend, enqueue_many, get_send, send_key
from storage.pairings import get_pairing
from storage.people import get_person
from storage.programs import program_config
from storage.reports import Period

log = get_logger("mentorbot.feedback")


def _gone(session: Session, user_id: str) -> bool:
    person = get_person(session, user_id)
    return person is not None and person.is_deleted


def _zone(session: Session, ctx: AppContext, user_id: str) -> str:
    person = get_person(session, user_id)
    return zone_for(
        {user_id: person.tz if person else None}, user_id, ctx.settings.default_timezone
    )


def _local_date(session: Session, ctx: AppContext, user_id: str, moment: datetime) -> date:
    return moment.astimezone(zone_of(_zone(session, ctx, user_id))).date()


# -- exit surveys ---------------------------------------------------------------------------------


def _invite(session: Session, ctx: AppContext, survey: ExitSurvey) -> blocks.ExitInvite:
    other = survey.mentor_id
    if survey.role != store.MENTEE:
        pairing = get_pairing(session, survey.pairing_id)
        other = pairing.mentee_id if pairing is not None else survey.user_id
    return blocks.ExitInvite(
        survey_id=survey.id,
        other_id=other,
        focus_label=focus_label_in(session, ctx.settings, survey.program_id, survey.focus),
        is_mentee=survey.role == store.MENTEE,
        answered=survey.answered_at is not None,
    )


def _render_exit_survey(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    recipient = str(send.recipient or "")
    survey = store.exit_survey(session, send.pairing_id or 0, recipient)
    if survey is None:
        return "survey gone"
    if _gone(session, recipient):
        return "recipient deactivated"
    if survey.answered_at is not None:
        return "already answered"
    message = blocks.build_exit_survey_message(_invite(session, ctx, survey))
    return Message(to=recipient, text=message.text, blocks=message.blocks)


def _own_survey(session: Session, survey_id: int, actor_id: str, *, lock: bool) -> ExitSurvey:
    survey = store.get_exit_survey(session, survey_id, lock=lock)
    if survey is None or survey.user_id != actor_id:
        log.warning("feedback.exit.not_asked", user=actor_id, survey=survey_id)
        raise Refused(blocks.NOT_ASKED, reason="forbidden")
    if survey.answered_at is not None:
        raise Refused(blocks.EXIT_ANSWERED_BEFORE, reason="repeat")
    return survey


def exit_survey_asks_mentee(ctx: AppContext, survey_id: int, actor_id: str) -> bool:
    """Whether the survey ``actor_id`` may still answer asks the mentee's questions; refused for
    anyone else's survey or one already answered."""
    with unit_of_work(ctx.sessions) as session:
        return _own_survey(session, survey_id, actor_id, lock=False).role == store.MENTEE


def answer_exit_survey(
    ctx: AppContext,
    client: WebClient,
    survey_id: int,
    actor_id: str,
    answers: blocks.ExitAnswers,
) -> None:
    """Keep the answers once, then redraw the survey DM as answered."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        survey = _own_survey(session, survey_id, actor_id, lock=True)
        survey.answered_at = now
        survey.goals_met = answers.goals_met
        survey.recommend = answers.recommend if survey.role == store.MENTEE else None
        survey.helped = answers.helped or None
        survey.change = answers.change or None
        survey.share_text = answers.share_text
        sent = get_send(session, send_key(store.EXIT_SURVEY, f"{survey.pairing_id}:{actor_id}"))
        where = (sent.channel, sent.ts) if sent is not None else (None, None)
        redrawn = blocks.build_exit_survey_message(_invite(session, ctx, survey))
    update_to(client, where[0], where[1], redrawn)


# -- pulses ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PulseTarget:
    program_id: int
    program_name: str | None  # None when the person coordinates one program only


def pulse_program(ctx: AppContext, user_id: str, hint: str | None) -> PulseTarget:
    """The program ``user_id`` would send a pulse in (refused unless they coordinate it)."""
    with unit_of_work(ctx.sessions) as session:
        choice = coordinator_choice(session, ctx.settings, user_id, hint)
        program = settled_program(choice)
        named = len(choice.options) > 1 or hint is not None
        return PulseTarget(program.id, program.name if named else None)


@dataclass(frozen=True)
class Scheduled:
    people: int
    closes: date
    today: date


def _pulse_id(send: ScheduledSend) -> int | None:
    """The pulse a pulse DM belongs to, from its key (``pulse.ask/<pulse id>:<user>``)."""
    subject = send.dedupe_key.split("/", 1)[-1].split(":", 1)[0]
    return int(subject) if subject.isdigit() else None


def schedule_pulse(
    ctx: AppContext, program_id: int, actor_id: str, questions: list[str], days: int
) -> Scheduled:
    """Record the pulse and enqueue, for each active member, the DM and its one reminder, each
    due in that person's working hours; the scheduler sends them."""
    now = ctx.now()
    closes_at = now + timedelta(days=days)
    remind_at = now + timedelta(days=days) / 2
    with unit_of_work(ctx.sessions) as session:
        require_coordinator_of(session, ctx.settings, program_id, actor_id)
        recipients = store.active_members(session, program_id)
        if not recipients:
            raise Refused(blocks.NO_ONE_ACTIVE, reason="bad_input")
        pulse = store.create_pulse(
            session,
            program_id=program_id,
            by=actor_id,
            questions=questions,
            recipients=recipients,
            now=now,
            remind_at=remind_at,
            closes_at=closes_at,
        )
        record_audit(
            session,
            program_id=program_id,
            actor=actor_id,
            action="pulse.send",
            subject=f"pulse:{pulse.id}",
            detail=f"{len(recipients)} people, {days} days",
            now=now,
        )
        zones = checkin_store.zones_of(session, recipients)
        default = ctx.settings.default_timezone
        sends: list[NewSend] = []
        for user in sorted(recipients):
            zone = zone_for(zones, user, default)
            for kind, slot in ((store.PULSE_ASK, now), (store.PULSE_REMIND, remind_at)):
                sends.append(
                    NewSend(
                        key=send_key(kind, f"{pulse.id}:{user}"),
                        kind=kind,
                        slot_at=slot,
                        due_at=next_working_time(slot, zone),
                        recipient=user,
                    )
                )
        enqueue_many(session, sends)
        log.info(
            "feedback.pulse.scheduled", pulse=pulse.id, program=program_id, people=len(recipients)
        )
        return Scheduled(
            len(recipients),
            _local_date(session, ctx, actor_id, closes_at),
            _local_date(session, ctx, actor_id, now),
        )


def _render_pulse(
    session: Session, ctx: AppContext, send: ScheduledSend, *, reminder: bool
) -> Message | str:
    recipient = str(send.recipient or "")
    pulse_id = _pulse_id(send)
    pulse = store.get_pulse(session, pulse_id) if pulse_id is not None else None
    if pulse is None:
        return "pulse gone"
    now = ctx.now()
    if pulse.closed_at is not None or pulse.closes_at <= now:
        return "pulse closed"
    if _gone(session, recipient):
        return "recipient deactivated"
    asked = store.pulse_answer(session, pulse.id, recipient)
    if asked is None:
        return "not asked"
    if asked.answered_at is not None:
        return "already answered"
    name = program_config(session, ctx.settings, pulse.program_id).name
    today = _local_date(session, ctx, recipient, now)
    closes = _local_date(session, ctx, recipient, pulse.closes_at)
    message = blocks.build_pulse_message(pulse.id, name, closes, today, reminder=reminder)
    return Message(to=recipient, text=message.text, blocks=message.blocks)


def _render_pulse_ask(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    return _render_pulse(session, ctx, send, reminder=False)


def _render_pulse_remind(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    return _render_pulse(session, ctx, send, reminder=True)


def _open_pulse_of(
    session: Session, ctx: AppContext, pulse_id: int, actor_id: str, *, lock: bool
) -> tuple[Pulse, int]:
    pulse = store.get_pulse(session, pulse_id)
    asked = store.pulse_answer(session, pulse_id, actor_id, lock=lock) if pulse else None
    if pulse is None or asked is None:
        log.warning("feedback.pulse.not_asked", user=actor_id, pulse=pulse_id)
        raise Refused(blocks.NOT_ASKED, reason="forbidden")
    if asked.answered_at is not None:
        raise Refused(blocks.PULSE_ANSWERED_BEFORE, reason="repeat")
    if pulse.closed_at is not None or pulse.closes_at <= ctx.now():
        raise Refused(blocks.PULSE_CLOSED, reason="late")
    return pulse, asked.id


def pulse_questions_for(ctx: AppContext, pulse_id: int, actor_id: str) -> list[str]:
    """The questions of a pulse ``actor_id`` was asked and may still answer."""
    with unit_of_work(ctx.sessions) as session:
        pulse, _ = _open_pulse_of(session, ctx, pulse_id, actor_id, lock=False)
        return list(pulse.questions)


def answer_pulse(ctx: AppContext, pulse_id: int, actor_id: str, answers: dict[str, int]) -> None:
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        pulse, _ = _open_pulse_of(session, ctx, pulse_id, actor_id, lock=True)
        asked = store.pulse_answer(session, pulse_id, actor_id)
        assert asked is not None
        asked.answers = {q: answers[q] for q in pulse.questions if q in answers}
        asked.answered_at = now


def close_due_pulses(tick: TickContext) -> StepResult:
    """Close the pulses whose time is up: their unsent DMs and reminders are skipped, and a
    late answer is refused kindly."""
    with unit_of_work(tick.app.sessions) as session:
        closed = store.close_due_pulses(session, tick.now)
    if closed:
        log.info("feedback.pulses.closed", pulses=closed)
    return StepResult(due=len(closed))


KINDS: dict[str, Kind] = {
    store.EXIT_SURVEY: Kind(_render_exit_survey),
    store.PULSE_ASK: Kind(_render_pulse_ask),
    store.PULSE_REMIND: Kind(_render_pulse_remind),
}


# -- the report's feedback CSV --------------------------------------------------------------------

FEEDBACK_COLUMNS = (
    "focus",
    "weeks_from",
    "weeks_to",
    "usefulness_weeks_counted",
    "usefulness_answers",
    "usefulness_mean",
    "exit_people_to_date",
    "recommend_score_to_date",
    "goals_met_all_pct",
    "goals_met_some_pct",
    "goals_met_none_pct",
)
ALL_FOCUS = "All focus areas"


def report_weeks(
    program: ProgramConfig, period: Period, now: datetime
) -> list[tuple[datetime, datetime]]:
    """The cells the CSV's usefulness counts: whole local weeks (Monday to Monday) that start
    inside the period and are over by now. A figure over any period is then a set of whole cells,
    so two reports of overlapping periods differ only by whole weeks of enough people."""
    zone = program.zone
    first = fb.week_start(period.start.astimezone(zone).date())
    weeks: list[tuple[datetime, datetime]] = []
    day = first
    while True:
        start = datetime.combine(day, time(0), zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=7), time(0), zone).astimezone(UTC)
        if start >= period.end or end > now:
            break
        if start >= period.start:
            weeks.append((start, end))
        day += timedelta(days=7)
    return weeks


def _mean_cells(cells: Sequence[fb.Cell], minimum: int) -> tuple[str, str, str]:
    counted = sum(1 for cell in cells if cell.people >= minimum and cell.answers)
    value = fb.kept_cells(cells, minimum)
    if isinstance(value, fb.Withheld):
        return ("0", fb.withheld_text(value.minimum), "")
    return (str(counted), str(value.answers), f"{value.mean:.1f}")


def _exit_cells(end: fb.EndOfMentorship) -> tuple[str, ...]:
    people = (
        str(end.recommend.people)
        if isinstance(end.recommend, fb.NetPromoter)
        else str(end.goals_met.people)
        if isinstance(end.goals_met, fb.Split)
        else fb.withheld_text(end.recommend.minimum)
    )
    nps = str(end.recommend.score) if isinstance(end.recommend, fb.NetPromoter) else ""
    shares = (
        tuple(f"{round(share * 100)}" for _, share in end.goals_met.shares)
        if isinstance(end.goals_met, fb.Split)
        else ("", "", "")
    )
    return (people, nps, *shares)


def build_feedback_csv(
    labels: Mapping[str, str],
    ratings: Mapping[str, Sequence[fb.Cell]],
    exits: fb.ExitTable,
    weeks: Sequence[tuple[datetime, datetime]],
    minimum: int,
    zone: ZoneInfo,
) -> bytes:
    """Aggregate feedback per focus and for all of them: usefulness over the whole weeks
    (``ratings``: a focus's cells, one per week) that each hold enough people, and
    end-of-mentorship answers to date in whole blocks per focus (``exits``, whose total the
    digest shows). A focus too small shows "fewer than N responses" and adds
    nothing to the total, so no subtraction recovers it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FEEDBACK_COLUMNS)
    first = weeks[0][0].astimezone(zone).date().isoformat() if weeks else ""
    last = (weeks[-1][1].astimezone(zone).date() - timedelta(days=1)).isoformat() if weeks else ""
    kept_ratings: list[fb.Cell] = []
    for focus in sorted(set(ratings) | set(exits.foci), key=lambda f: labels.get(f, f).lower()):
        cells = list(ratings.get(focus, []))
        kept_ratings += [c for c in cells if c.people >= minimum]
        writer.writerow(
            (
                safe_cell(labels.get(focus, focus)),
                first,
                last,
                *_mean_cells(cells, minimum),
                *_exit_cells(exits.of(focus)),
            )
        )
    writer.writerow(
        (
            ALL_FOCUS,
            first,
            last,
            *_mean_cells(kept_ratings, minimum),
            *_exit_cells(exits.total),
        )
    )
    return out.getvalue().encode()


COMMENT_COLUMNS = ("focus", "what_helped_most", "what_should_change")
OTHER_FOCUS = "Other focus areas"


def build_comments_csv(
    labels: Mapping[str, str],
    comments: Sequence[tuple[str, str, str | None, str | None, datetime | None]],
    minimum: int,
) -> bytes:
    """Shared end-of-mentorship words, without names: released in whole blocks of enough
    writers (in the order they wrote), then sorted by focus and text, so neither the timing of
    an ending nor the order of the file points to who wrote what."""
    counted = fb.in_blocks(
        [fb.Answer(writer, index, at) for index, (writer, _, _, _, at) in enumerate(comments)],
        minimum,
    )
    # A focus few of the released writers share would point to them (a coordinator knows who
    # ended a mentorship in which focus): it is named only with at least ``minimum`` writers.
    writers_of: dict[str, set[str]] = {}
    for a in counted:
        writers_of.setdefault(comments[a.value][1], set()).add(a.person)
    rows = sorted(
        (
            labels.get(comments[a.value][1], comments[a.value][1])
            if len(writers_of[comments[a.value][1]]) >= minimum
            else OTHER_FOCUS,
            comments[a.value][2] or "",
            comments[a.value][3] or "",
        )
        for a in counted
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COMMENT_COLUMNS)
    for focus, helped, change in rows:
        writer.writerow((safe_cell(focus), safe_cell(helped), safe_cell(change)))
    return out.getvalue().encode()


def feedback_report_csv(
    ctx: AppContext, user_id: str, program_id: int, period: Period
) -> tuple[bytes, bytes]:
    """The program's (feedback, shared comments) CSVs for the report; its coordinators only."""
    now = ctx.now()
    minimum = ctx.settings.feedback_min_responses
    with unit_of_work(ctx.sessions) as session:
        program = require_coordinator_of(session, ctx.settings, program_id, user_id)
        weeks = report_weeks(program, period, now)
        ratings: dict[str, list[fb.Cell]] = {}
        for (_, focus), cell in store.rating_cells(session, program_id, weeks).items():
            ratings.setdefault(focus, []).append(cell)
        exits = store.exit_table(session, program_id, minimum)
        comments = store.shared_comments(session, program_id)
        foci = set(ratings) | set(exits.foci) | {c[1] for c in comments}
        labels = {f: program_focus_label(program, f) for f in foci}
    return (
        build_feedback_csv(labels, ratings, exits, weeks, minimum, program.zone),
        build_comments_csv(labels, comments, minimum),
    )

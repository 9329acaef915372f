"""Matching rounds, end to end: a coordinator opens one, trainees rank and mentors mark, the
round closes at its deadline (a scheduler step) or early, the coordinator gets the proposal and
approves it; approved pairs are introduced, unmatched trainees told kindly and put on the
waiting list.

Every message of a round goes through the outbox, enqueued in the transaction that makes it
owed and keyed by its participant, round or pair: the invitations (sent by the next tick), the
proposal (sent at once after the round closes, its CSV following in the thread), and after an
approval each new pair's introductions and the kind notes to those left without a mentor (sent
by the next tick, at the scheduler's pace however large the round). A restart or a retried tick
never sends one twice, and no Web API call is made while a transaction is open."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conflicts import Conflict, conflict_reason
from bot.context import AppContext
from bot.directory import MentorCandidate, Seeker, rank_mentors
from bot.errors import Refused
from bot.logging import get_logger
from bot.matching import Proposal, Round, Unplaced, solve, spread_suggestions
from bot.programs import ProgramConfig
from bot.spreadsheet import safe_cell
from bot.text import fmt, md
from bot.tick import StepResult, TickContext
from handlers.blocks import matching as blocks
from handlers.blocks import pairings as pairing_blocks
from handlers.blocks.matching import MatchSetup, PairChange, ProposalRow
from handlers.flows.delivery import Kind, Message, deliver
from handlers.flows.programs import require_coordinator_of
from handlers.flows.slack import notify, program_focus_label, slack_error, update_to
from handlers.profiles import profiles_before_saving
from storage import matching as rounds
from storage.audit import record_audit
from storage.conflicts import conflict_of, record_overridden, standing_conflicts
from storage.db import unit_of_work
from storage.models import (
    MatchPair,
    MatchRound,
    MentorProfile,
    Pairing,
    Person,
    ProgramMember,
    ScheduledSend,
)
from storage.pairings import OPEN, pairings_by_id
from storage.people import Profile, departed_among
from storage.profiles import join_waiting_list, mentee_counts, trainee_profiles
from storage.programs import members_among, program_config

log = get_logger("mentorbot.matching")

# A mentor who set no limit offers this many places in a round, so one popular mentor is not
# given every trainee who ranked them; a mentor's own limit (/mentor capacity) wins when set.
PLACES_WITHOUT_LIMIT = 2


@dataclass(frozen=True)
class Opened:
    round_id: int
    trainees: int
    mentors: int


def _channel_members(client: WebClient, channel: str) -> list[str]:
    members: list[str] = []
    cursor: str | None = None
    while True:
        page = client.conversations_members(channel=channel, cursor=cursor, limit=1000)
        members += [str(m) for m in page.get("members") or []]
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return members


def _is_private(client: WebClient, channel: str) -> bool:
    """Whether ``channel`` is private; one Slack can't describe is treated as private."""
    try:
        found = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        log.warning("matching.channel.info_failed", error=slack_error(error))
        return True
    return bool(found.get("is_private") or found.get("is_im") or found.get("is_mpim"))


def _in_program(session: Session, program: ProgramConfig, user_ids: Sequence[str]) -> set[str]:
    """Who of ``user_ids`` belongs to the program: their membership rows, as everywhere."""
    if not user_ids:
        return set()
    return set(
        session.scalars(
            select(ProgramMember.user_id).where(
                ProgramMember.program_id == program.id,
                ProgramMember.user_id.in_(list(user_ids)),
            )
        )
    )


def _open_profiles(session: Session, program: ProgramConfig, focus: str) -> list[str]:
    """Mentors whose profile is listed and open for ``focus``, in the program."""
    rows = session.execute(
        select(MentorProfile.user_id, MentorProfile.focus_areas)
        .join(Person, Person.user_id == MentorProfile.user_id)
        .where(
            MentorProfile.listed.is_(True),
            MentorProfile.open.is_(True),
            Person.is_deleted.is_(False),
            Person.is_bot.is_(False),
        )
        .order_by(MentorProfile.user_id)
    ).all()
    offering = [user for user, areas in rows if focus in (areas or ())]
    members = _in_program(session, program, offering)
    return [user for user in offering if user in members]


def _already_paired(session: Session, program_id: int, focus: str) -> set[str]:
    return set(
        session.scalars(
            select(Pairing.mentee_id).where(
                Pairing.program_id == program_id, Pairing.focus == focus, Pairing.status.in_(OPEN)
            )
        )
    )


def _unavailable(session: Session, mentor_ids: Sequence[str]) -> set[str]:
    """Which of ``mentor_ids`` have a mentor profile that is hidden or not open."""
    return set(
        session.scalars(
            select(MentorProfile.user_id).where(
                MentorProfile.user_id.in_(list(mentor_ids)),
                (MentorProfile.listed.is_(False)) | (MentorProfile.open.is_(False)),
            )
        )
    )


def _mentors_of(session: Session, mentor_ids: Sequence[str]) -> list[MentorCandidate]:
    """Each chosen mentor as the ranking sees them (with their profile when they have one)."""
    counts = mentee_counts(session, mentor_ids)
    people = {
        p.user_id: p
        for p in session.scalars(select(Person).where(Person.user_id.in_(list(mentor_ids))))
    }
    profiles = {
        p.user_id: p
        for p in session.scalars(
            select(MentorProfile).where(MentorProfile.user_id.in_(list(mentor_ids)))
        )
    }
    found: list[MentorCandidate] = []
    for user in mentor_ids:
        person, profile = people.get(user), profiles.get(user)
        found.append(
            MentorCandidate(
                user_id=user,
                focus_areas=frozenset(profile.focus_areas or ()) if profile else frozenset(),
                specialty=profile.specialty if profile else None,
                stages=frozenset(profile.stages or ()) if profile else frozenset(),
                formats=frozenset(profile.formats or ()) if profile else frozenset(),
                tz=person.tz if person else None,
                mentees=counts.get(user, 0),
                capacity=person.capacity if person else None,
            )
        )
    return found


def _places(candidate: MentorCandidate) -> int:
    free = candidate.places_free
    return PLACES_WITHOUT_LIMIT if free is None else free


def left_out_reason(profile: Profile | None) -> str | None:
    """Why someone chosen for a round can't take part (an app, a deactivated or unknown
    account); None for a person who can."""
    if profile is None:
        return blocks.LEFT_OUT_UNKNOWN
    if profile.is_bot:
        return blocks.LEFT_OUT_APP
    if profile.is_deleted:
        return blocks.LEFT_OUT_DEACTIVATED
    return None


def _chosen_people(
    ctx: AppContext, client: WebClient, setup: MatchSetup
) -> tuple[MatchSetup, list[tuple[str, str]]]:
    """The setup without the people chosen by name who can't take part, and who they were
    with why. Slack is asked (users.info, cached for a day) before any transaction opens."""
    chosen = list(dict.fromkeys([*setup.trainees, *setup.mentors]))
    if not chosen:
        return setup, []
    try:
        found = profiles_before_saving(ctx.sessions, client, chosen, ctx.now())
    except SlackApiError as error:
        log.warning("matching.people.unreadable", error=slack_error(error))
        raise Refused(
            md(
                "Slack didn't tell me who the people you chose are just now, so I opened no "
                "round. Please try again in a few minutes."
            ),
            reason="bad_input",
        ) from error
    left_out = [(user, why) for user in chosen if (why := left_out_reason(found.get(user)))]
    out = {user for user, _ in left_out}
    kept = replace(
        setup,
        trainees=tuple(t for t in setup.trainees if t not in out),
        mentors=tuple(m for m in setup.mentors if m not in out),
    )
    # Leaving everyone chosen out must not turn into "nobody chosen" (which means everyone).
    if setup.mentors and not kept.mentors:
        raise Refused(
            fmt(
                "None of the mentors you chose can take part, so I opened no round. {line}",
                line=blocks.left_out_line(left_out),
            ),
            reason="bad_input",
        )
    if setup.trainees and not kept.trainees and not (setup.channel or setup.usergroup):
        raise Refused(
            fmt(
                "None of the trainees you chose can take part, so I opened no round. {line}",
                line=blocks.left_out_line(left_out),
            ),
            reason="bad_input",
        )
    return kept, left_out


def start_round(ctx: AppContext, client: WebClient, caller: str, setup: MatchSetup) -> Opened:
    """Open the round ``setup`` describes in its program (the caller must coordinate it).
    People chosen by name who are apps or deactivated are left out, and the coordinator told."""
    with unit_of_work(ctx.sessions) as session:
        # Checked first, so nobody who may not open a round has Slack asked about anyone.
        require_coordinator_of(session, ctx.settings, setup.program_id, caller)
    setup, left_out = _chosen_people(ctx, client, setup)
    try:
        channel_people = _channel_members(client, setup.channel) if setup.channel else []
    except SlackApiError as error:
        log.warning("matching.channel.unreadable", error=slack_error(error))
        raise Refused(
            md(
                "I can't see who is in that channel. Invite me to it (a private channel needs "
                "that), or choose the trainees by name."
            ),
            reason="bad_input",
        ) from error
    if setup.channel and caller not in channel_people and _is_private(client, setup.channel):
        # The app may be in a private channel the coordinator isn't (another program's linked
        # channel): its members are not theirs to learn through a round.
        raise Refused(
            md(
                "That's a private channel you're not in, so I won't read who is in it. Choose "
                "a channel you're in, or the trainees by name."
            ),
            reason="forbidden",
        )
    try:
        group_people = (
            [str(u) for u in client.usergroups_users_list(usergroup=setup.usergroup)["users"]]
            if setup.usergroup
            else []
        )
    except SlackApiError as error:
        log.warning("matching.usergroup.unreadable", error=slack_error(error))
        raise Refused(
            md(
                "I can't find that user group. Check its id (S...), or choose the trainees by name."
            ),
            reason="bad_input",
        ) from error
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        program = require_coordinator_of(session, ctx.settings, setup.program_id, caller)
        if setup.focus not in {a.key for a in program.focus_areas}:
            raise Refused(md("That focus isn't one of the program's."), reason="bad_input")
        if setup.mentors:
            # A mentor chosen by name whose profile says hidden or not taking mentees is left
            # out: the profile is their word (one without a profile may still be chosen); so is
            # anyone outside the program, as for assigning and reassigning.
            unavailable = _unavailable(session, setup.mentors)
            members = members_among(session, program, setup.mentors)
            mentor_ids = [m for m in setup.mentors if m not in unavailable and m in members]
        else:
            # Nobody chosen: every open, listed mentor profile in the program for that focus.
            mentor_ids = _open_profiles(session, program, setup.focus)
        # A mentor with no place left could be matched with nobody: not in the round.
        mentors = [m for m in _mentors_of(session, mentor_ids) if _places(m) > 0]
        if not mentors:
            raise Refused(
                md(
                    "None of the mentors you chose has a place left; ask them to raise their "
                    "limit with `/mentor capacity`, or choose others."
                )
                if setup.mentors
                else md(
                    "No mentor with an open profile offers that focus and has a place left; "
                    "choose the mentors yourself."
                ),
                reason="bad_input",
            )
        wanted = list(dict.fromkeys([*setup.trainees, *channel_people, *group_people]))
        # Only the program's members are matched in it (chosen by name, from a channel or a
        # user group alike): one rule with assigning and reassigning.
        chosen = bool(wanted)
        members = members_among(session, program, wanted)
        wanted = [t for t in wanted if t in members]
        if chosen and not wanted:
            raise Refused(
                fmt(
                    "None of the trainees you chose is in {program}. Its coordinators add "
                    "people with `/mentor program members in {program}`.",
                    program=program.name,
                ),
                reason="bad_input",
            )
        if not wanted:
            # Nobody chosen: everyone in the program with a trainee profile (those who already
            # have a mentor for the focus are left out below).
            profiled = [p.user_id for p in trainee_profiles(session)]
            wanted = sorted(_in_program(session, program, profiled))
        in_round = set(mentor_ids)
        wanted = [t for t in wanted if t not in in_round]
        paired = _already_paired(session, program.id, setup.focus)
        people = {
            p.user_id: p for p in session.scalars(select(Person).where(Person.user_id.in_(wanted)))
        }
        trainees = [
            t
            for t in wanted
            if t not in paired
            and not (people.get(t) is not None and (people[t].is_bot or people[t].is_deleted))
        ]
        if not trainees:
            raise Refused(
                md(
                    "Everyone you chose (or, with nobody chosen, everyone with a trainee "
                    "profile) already has a mentor for that focus, so there's nobody to match."
                ),
                reason="bad_input",
            )
        profiles = {p.user_id: p for p in trainee_profiles(session, trainees)}
        ranked: dict[str, list[tuple[str, int]]] = {}
        # Trainees alike in what the ranking reads (specialty, stage, time zone) rank the
        # mentors alike (no trainee is a mentor of the round), so each such group is ranked
        # once: a round of 1,000 trainees holds a few dozen groups, not 1,000.
        by_kind: dict[tuple[str | None, str | None, str | None], list[tuple[str, int]]] = {}
        for trainee in trainees:
            profile = profiles.get(trainee)
            person = people.get(trainee)
            kind = (
                profile.specialty if profile else None,
                profile.stage if profile else None,
                person.tz if person else None,
            )
            if kind not in by_kind:
                seeker = Seeker(
                    user_id=trainee, focus=setup.focus, specialty=kind[0], stage=kind[1], tz=kind[2]
                )
                by_kind[kind] = [
                    (r.candidate.user_id, r.fit.points) for r in rank_mentors(seeker, mentors, now)
                ]
            ranked[trainee] = by_kind[kind]
        # Never suggest (nor, in the solver, pair) a mentor who assesses or supervises them.
        standing = standing_conflicts(session, [m.user_id for m in mentors])
        for trainee, choices in ranked.items():
            if any(trainee in people for people in standing.values()):
                ranked[trainee] = [c for c in choices if trainee not in standing.get(c[0], ())]
        suggestions = spread_suggestions(ranked, {m.user_id: _places(m) for m in mentors})
        deadline = datetime.combine(setup.deadline, time(23, 59), program.zone).astimezone(UTC)
        round_ = rounds.open_round(
            session,
            program_id=program.id,
            focus=setup.focus,
            deadline=deadline,
            created_by=caller,
            now=now,
            trainees=suggestions,
            mentors={m.user_id: _places(m) for m in mentors},
        )
        record_audit(
            session,
            program_id=program.id,
            actor=caller,
            action="match.open",
            subject=f"round:{round_.id}",
            detail=f"{len(trainees)} trainees, {len(mentors)} mentors",
            now=now,
        )
        opened = Opened(round_.id, len(trainees), len(mentors))
        label = program_focus_label(program, setup.focus)
    message = blocks.build_round_opened(
        opened.round_id, label, opened.trainees, opened.mentors, setup.deadline, left_out
    )
    notify(client, caller, message.text, message.blocks)
    return opened


# Invitations and answers ------------------------------------------------------------------------


def _render_invites(
    session: Session, ctx: AppContext, sends: Sequence[ScheduledSend]
) -> dict[int, Message | str]:
    """A chunk of invitations, with one read per table (a round's are sent together)."""
    people = rounds.participants_by_id(
        session, [int(send.dedupe_key.rsplit("/", 1)[1]) for send in sends]
    )
    found: dict[int, MatchRound | None] = {}
    labels: dict[int, tuple[str, date]] = {}
    rendered: dict[int, Message | str] = {}
    for send in sends:
        row = people.get(int(send.dedupe_key.rsplit("/", 1)[1]))
        if row is None:
            rendered[send.id] = "not in a round any more"
            continue
        if row.round_id not in found:
            found[row.round_id] = rounds.get_round(session, row.round_id)
        round_ = found[row.round_id]
        if round_ is None or round_.status != rounds.RoundStatus.COLLECTING.value:
            rendered[send.id] = "the round closed before the invitation went out"
            continue
        if round_.id not in labels:
            program = program_config(session, ctx.settings, round_.program_id)
            labels[round_.id] = (
                program_focus_label(program, round_.focus),
                round_.deadline.astimezone(program.zone).date(),
            )
        label, closes = labels[round_.id]
        if row.role == rounds.TRAINEE:
            body = blocks.build_trainee_invite(row.id, label, row.suggestions, closes)
        else:
            body = blocks.build_mentor_invite(row.id, label, row.places, closes)
        rendered[send.id] = Message(to=row.user_id, text=body.text, blocks=body.blocks)
    return rendered


def _render_invite(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    return _render_invites(session, ctx, [send])[send.id]


def _render_unmatched(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    pair = rounds.pair_of_send(session, send.dedupe_key)
    round_ = rounds.get_round(session, pair.round_id) if pair is not None else None
    if pair is None or round_ is None:
        return "the pair is gone"
    label = program_focus_label(
        program_config(session, ctx.settings, round_.program_id), round_.focus
    )
    body = blocks.build_unmatched_note(label)
    return Message(to=pair.trainee_id, text=body.text, blocks=body.blocks)


def _render_cancelled(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    participant_id = int(send.dedupe_key.rsplit("/", 1)[1])
    row = rounds.participants_by_id(session, [participant_id]).get(participant_id)
    round_ = rounds.get_round(session, row.round_id) if row is not None else None
    if row is None or round_ is None or round_.status != rounds.RoundStatus.CANCELLED.value:
        return "the round is not cancelled"
    label = program_focus_label(
        program_config(session, ctx.settings, round_.program_id), round_.focus
    )
    body = blocks.build_round_cancelled_note(label, row.role == rounds.TRAINEE)
    return Message(to=row.user_id, text=body.text, blocks=body.blocks)


def rank_form(ctx: AppContext, participant_id: int, caller: str) -> tuple[list[str], list[str]]:
    """The trainee's ranking so far and their suggestions (their own row only)."""
    with unit_of_work(ctx.sessions) as session:
        row = rounds.participant_of(session, participant_id, caller, rounds.TRAINEE)
        rounds.require_collecting(rounds.get_round(session, row.round_id))
        return list(row.ranked), list(row.suggestions)


def rather_not_form(ctx: AppContext, participant_id: int, caller: str) -> list[str]:
    with unit_of_work(ctx.sessions) as session:
        row = rounds.participant_of(session, participant_id, caller, rounds.MENTOR)
        rounds.require_collecting(rounds.get_round(session, row.round_id))
        return list(row.rather_not)


def round_people(ctx: AppContext, participant_id: int, caller: str, role: str) -> list[str]:
    """Whom ``caller`` may name in their answer: the round's mentors (a trainee) or trainees."""
    with unit_of_work(ctx.sessions) as session:
        row = rounds.participant_of(session, participant_id, caller, role)
        other = rounds.MENTOR if role == rounds.TRAINEE else rounds.TRAINEE
        return [p.user_id for p in rounds.participants(session, row.round_id, other)]


def save_answer(
    ctx: AppContext, participant_id: int, caller: str, role: str, people: list[str]
) -> None:
    with unit_of_work(ctx.sessions) as session:
        row = rounds.participant_of(session, participant_id, caller, role)
        rounds.require_collecting(rounds.get_round(session, row.round_id, lock=True))
        if role == rounds.TRAINEE:
            rounds.set_ranked(session, row, people, ctx.now())
        else:
            rounds.set_rather_not(session, row, people, ctx.now())


# Closing and the proposal ----------------------------------------------------------------------


def _ordinal(rank: int) -> str:
    return blocks.ORDINALS[rank - 1] if 1 <= rank <= len(blocks.ORDINALS) else f"{rank}th"


def reasons_of(round_: Round, proposal: Proposal) -> dict[str, str]:
    """Why each trainee got their mentor, or none, in words for the coordinator's CSV."""
    load: dict[str, int] = {}
    for pair in proposal.pairs:
        load[pair.mentor] = load.get(pair.mentor, 0) + 1
    reasons: dict[str, str] = {}
    for pair in proposal.pairs:
        how = (
            f"their {_ordinal(pair.rank)} choice"
            if pair.chose
            else f"{_ordinal(pair.rank)} on their list, suggested by the directory"
        )
        reasons[pair.trainee] = (
            f"{how}; the mentor's places: {load[pair.mentor]} of {round_.places[pair.mentor]} taken"
        )
    for miss in proposal.unmatched:
        reasons[miss.trainee] = (
            "nobody on their list could take them"
            if miss.why is Unplaced.NO_CHOICES
            else "the mentors on their list were filled by trainees who ranked them higher"
        )
    return reasons


CSV_COLUMNS = ("trainee_id", "trainee", "mentor_id", "mentor", "status", "reason")


def proposal_csv(session: Session, round_id: int) -> str:
    """Every trainee of the round: their proposed mentor (or none) and why, names made safe."""
    pairs = rounds.pairs_of(session, round_id)
    names = {
        person.user_id: person.display_name
        for person in session.scalars(
            select(Person).where(
                Person.user_id.in_(
                    {p.trainee_id for p in pairs} | {p.mentor_id for p in pairs if p.mentor_id}
                )
            )
        )
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for pair in pairs:
        mentor = pair.mentor_id or ""
        writer.writerow(
            (
                pair.trainee_id,
                safe_cell(names.get(pair.trainee_id, "")),
                mentor,
                safe_cell(names.get(mentor, "")),
                pair.status,
                safe_cell(pair.reason),
            )
        )
    return out.getvalue()


def _rows(session: Session, round_id: int) -> list[ProposalRow]:
    return [
        ProposalRow(
            p.trainee_id,
            p.mentor_id if p.status == rounds.PairStatus.PROPOSED.value else None,
            p.reason,
        )
        for p in rounds.pairs_of(session, round_id)
    ]


def _render_proposal(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    round_ = rounds.round_of_proposal_send(session, send.dedupe_key)
    if round_ is None or round_.status != rounds.RoundStatus.PROPOSED.value:
        return "the round was decided before its proposal went out"
    label = program_focus_label(
        program_config(session, ctx.settings, round_.program_id), round_.focus
    )
    mentors = len(rounds.participants(session, round_.id, rounds.MENTOR))
    body = blocks.build_proposal(round_.id, label, _rows(session, round_.id), mentors)
    return Message(to=str(send.recipient), text=body.text, blocks=body.blocks)


def propose(ctx: AppContext, client: WebClient, round_id: int, by: str | None) -> bool:
    """Close the round, solve it and send the proposal to the coordinator who opened it (and
    the one who closed it), the CSV in its thread; False when it had been closed already.

    The proposal is enqueued in the closing transaction and sent from the outbox, so a process
    that dies after closing still sends it (a later tick takes the claim over)."""
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        if by is not None:
            found = rounds.get_round(session, round_id)
            if found is None:
                raise Refused(md("That matching round is gone."), reason="bad_input")
            require_coordinator_of(session, ctx.settings, found.program_id, by)
        if not rounds.close_round(session, round_id, by, now):
            return False
        round_ = rounds.get_round(session, round_id)
        assert round_ is not None
        if by is not None:  # closed early by a coordinator (the deadline closes it otherwise)
            record_audit(
                session,
                program_id=round_.program_id,
                actor=by,
                action="match.close",
                subject=f"round:{round_id}",
                now=now,
            )
        stated = rounds.round_to_solve(session, round_id)
        proposal = solve(stated)
        rounds.save_proposal(session, round_id, proposal, reasons_of(stated, proposal))
        sends = [
            rounds.enqueue_proposal(session, round_id, coordinator, now)
            for coordinator in dict.fromkeys([round_.created_by, *([by] if by else [])])
        ]
        session.flush()
        send_ids = [send.id for send in sends if send is not None]
        csv_text = proposal_csv(session, round_id)
    tick = TickContext(app=ctx, client=client, now=now, clock=ctx.now)
    deliver(tick, KINDS, send_ids)
    for send_id in send_ids:
        _attach_csv(ctx, client, send_id, round_id, csv_text)
    return True


def _attach_csv(
    ctx: AppContext, client: WebClient, send_id: int, round_id: int, csv_text: str
) -> None:
    """The CSV follows the proposal in its thread; a failure leaves the proposal standing."""
    with unit_of_work(ctx.sessions) as session:
        send = session.get(ScheduledSend, send_id)
        where = (str(send.channel), send.ts) if send is not None and send.ts else None
    if where is None:
        return  # not delivered yet: a later tick sends it, with its "Send the CSV" button
    _upload_csv(client, where[0], where[1], round_id, csv_text)


def _upload_csv(
    client: WebClient, channel: str, thread_ts: str | None, round_id: int, csv_text: str
) -> None:
    try:
        client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            filename=f"match-round-{round_id}.csv",
            title="Proposed pairs, with the reason for each",
            content=csv_text,
        )
    except SlackApiError as error:
        log.warning("matching.csv.failed", error=slack_error(error))


def send_csv(ctx: AppContext, client: WebClient, round_id: int, caller: str) -> None:
    """The round's CSV again, in the coordinator's DM (a coordinator of its program only)."""
    require_round_coordinator(ctx, round_id, caller)
    with unit_of_work(ctx.sessions) as session:
        csv_text = proposal_csv(session, round_id)
        round_ = rounds.get_round(session, round_id)
        record_audit(
            session,
            program_id=round_.program_id if round_ is not None else None,
            actor=caller,
            action="match.csv",
            subject=f"round:{round_id}",
            now=ctx.now(),
        )
    dm = client.conversations_open(users=caller)
    _upload_csv(client, str(dm["channel"]["id"]), None, round_id, csv_text)


def _render_intros(
    session: Session, ctx: AppContext, sends: Sequence[ScheduledSend]
) -> dict[int, Message | str]:
    """A chunk of introductions, with one read per table: the existing introduction, from the
    coordinator who approved the pair, to each of the two."""
    pairings = pairings_by_id(session, {int(s.pairing_id or 0) for s in sends})
    pairs = {
        p.id: p
        for p in session.scalars(
            select(MatchPair).where(
                MatchPair.id.in_({int(s.dedupe_key.split("/")[1]) for s in sends})
            )
        )
    }
    configs: dict[int, ProgramConfig] = {}
    rendered: dict[int, Message | str] = {}
    for send in sends:
        pairing = pairings.get(int(send.pairing_id or 0))
        pair = pairs.get(int(send.dedupe_key.split("/")[1]))
        if pairing is None or pair is None or pairing.status not in OPEN:
            rendered[send.id] = "the pairing ended before its introduction went out"
            continue
        program = configs.get(pairing.program_id) or configs.setdefault(
            pairing.program_id, program_config(session, ctx.settings, pairing.program_id)
        )
        intro = pairing_blocks.Introduction(
            pairing_id=pairing.id,
            mentor_id=pairing.mentor_id,
            mentee_id=pairing.mentee_id,
            coordinator_id=str(pair.decided_by or pairing.assigned_by),
            focus_label=program_focus_label(program, pairing.focus),
            note="",
        )
        body = (
            pairing_blocks.build_introduction_for_mentor(intro)
            if send.recipient == pairing.mentor_id
            else pairing_blocks.build_introduction_for_mentee(intro)
        )
        rendered[send.id] = Message(to=str(send.recipient), text=body.text, blocks=body.blocks)
    return rendered


def _render_intro(session: Session, ctx: AppContext, send: ScheduledSend) -> Message | str:
    return _render_intros(session, ctx, [send])[send.id]


KINDS: dict[str, Kind] = {
    rounds.INVITE_TRAINEE: Kind(render=_render_invite, render_many=_render_invites),
    rounds.INVITE_MENTOR: Kind(render=_render_invite, render_many=_render_invites),
    rounds.NOT_MATCHED: Kind(render=_render_unmatched),
    rounds.PROPOSAL: Kind(render=_render_proposal),
    rounds.INTRODUCTION: Kind(render=_render_intro, render_many=_render_intros),
    rounds.CANCELLED_NOTE: Kind(render=_render_cancelled),
}


def propose_due_rounds(tick: TickContext) -> StepResult:
    """Close every round whose deadline passed and send its proposal."""
    with unit_of_work(tick.app.sessions) as session:
        due = rounds.due_round_ids(session, tick.now)
    result = StepResult()
    for round_id in due:
        try:
            if propose(tick.app, tick.client, round_id, None):
                result.sent += 1
        except Exception:
            log.exception("matching.propose.failed", round_id=round_id)
            result.failed += 1
            result.failures.append(f"match/{round_id}")
        result.due += 1
    return result


# Approving ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    made: int
    left: int
    repeat: bool
    status: str = ""  # the round's status when nothing was done


def require_round_coordinator(ctx: AppContext, round_id: int, caller: str) -> None:
    """Refused unless ``caller`` coordinates the round's program; read in a transaction of its
    own, so the approving one starts with its lock (:func:`storage.matching.lock_round`)."""
    with unit_of_work(ctx.sessions) as session:
        found = rounds.get_round(session, round_id)
        if found is None:
            raise Refused(md("That matching round is gone."), reason="bad_input")
        require_coordinator_of(session, ctx.settings, found.program_id, caller)


def _locked(session: Session, round_id: int) -> MatchRound:
    locked = rounds.lock_round(session, round_id)
    if locked is None:
        raise Refused(md("That matching round is gone."), reason="bad_input")
    return locked


def pairs_to_approve(ctx: AppContext, round_id: int, caller: str) -> int | None:
    """How many proposed pairs an approval by ``caller`` would make (refused unless they
    coordinate the round's program); None when the round is not waiting for approval."""
    require_round_coordinator(ctx, round_id, caller)
    with unit_of_work(ctx.sessions) as session:
        round_ = rounds.get_round(session, round_id)
        if round_ is None or round_.status != rounds.RoundStatus.PROPOSED.value:
            return None
        pairs = rounds.pairs_of(session, round_id)
        return sum(1 for p in pairs if p.mentor_id is not None and p.status == "proposed")


def approve_round(ctx: AppContext, round_id: int, caller: str) -> Outcome:
    """Create every proposed pair once and put the unmatched on the waiting list. The
    introductions and the kind notes to the unmatched are enqueued with the change and go out
    from the outbox (at the scheduler's pace, however large the round; never twice)."""
    now = ctx.now()
    require_round_coordinator(ctx, round_id, caller)
    with unit_of_work(ctx.sessions) as session:
        round_ = _locked(session, round_id)
        if round_.status != rounds.RoundStatus.PROPOSED.value:
            return Outcome(0, 0, repeat=True, status=round_.status)
        made = rounds.approve_pairs(session, round_, None, caller, now)
        record_audit(
            session,
            program_id=round_.program_id,
            actor=caller,
            action="match.approve",
            subject=f"round:{round_id}",
            detail=f"{len(made)} pairs made",
            now=now,
        )
        left = [p for p in rounds.pairs_of(session, round_id) if p.status in rounds.LEFT_WITHOUT]
        # Someone who left or was erased since the proposal waits for nothing.
        gone = departed_among(session, [p.trainee_id for p in left])
        for miss in (p for p in left if p.trainee_id not in gone):
            join_waiting_list(
                session,
                program_id=round_.program_id,
                user_id=miss.trainee_id,
                focus=round_.focus,
                now=now,
            )
    return Outcome(len(made), len(left), repeat=False)


def cancel_round(ctx: AppContext, round_id: int, caller: str) -> bool:
    """Cancel the round (a coordinator of its program); False when it was decided already.
    Everyone invited and not matched is owed a short note, sent by the next tick."""
    require_round_coordinator(ctx, round_id, caller)
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        if not rounds.cancel_round(session, round_id, caller, now):
            return False
        round_ = rounds.get_round(session, round_id)
        assert round_ is not None
        rounds.enqueue_cancelled_notes(session, round_, now)
        record_audit(
            session,
            program_id=round_.program_id,
            actor=caller,
            action="match.cancel",
            subject=f"round:{round_id}",
            now=now,
        )
    return True


def redraw_approved_proposal(
    ctx: AppContext,
    client: WebClient,
    round_id: int,
    caller: str,
    clicked: tuple[str, str] | None,
) -> int:
    """Redraw the round's proposal messages to their approved state (no Approve buttons left),
    after the approval committed; how many. ``clicked`` is where the button was pressed: a
    proposal sent but not recorded (its sender died after Slack took it) gets it stored, when
    it is in the caller's DM with the app."""
    with unit_of_work(ctx.sessions) as session:
        round_ = rounds.get_round(session, round_id)
        if round_ is None or round_.status != rounds.RoundStatus.APPROVED.value:
            return 0
        require_coordinator_of(session, ctx.settings, round_.program_id, caller)
        sends = rounds.proposal_sends(session, round_id)
        known = {(s.channel, s.ts) for s in sends if s.channel and s.ts}
        unrecorded = (
            next((s.id for s in sends if s.recipient == caller and not s.ts), None)
            if clicked is not None and clicked not in known
            else None
        )
        pairs = rounds.pairs_of(session, round_id)
        body = blocks.build_proposal_approved(
            round_id,
            program_focus_label(
                program_config(session, ctx.settings, round_.program_id), round_.focus
            ),
            made=sum(p.status == rounds.PairStatus.APPROVED.value for p in pairs),
            left=sum(p.status in rounds.LEFT_WITHOUT for p in pairs),
            already=sum(p.status == rounds.PairStatus.ALREADY_PAIRED.value for p in pairs),
            by=next((str(p.decided_by) for p in pairs if p.decided_by), caller),
        )
    if unrecorded is not None and clicked is not None and _in_dm_with(client, caller, clicked[0]):
        with unit_of_work(ctx.sessions) as session:
            send = session.get(ScheduledSend, unrecorded)
            if send is not None and not send.ts:
                rounds.record_proposal_message(session, send, *clicked, ctx.now())
                known.add(clicked)
    for channel, ts in sorted(known, key=str):
        update_to(client, channel, ts, body)
    return len(known)


def _in_dm_with(client: WebClient, user_id: str, channel: str) -> bool:
    """Whether ``channel`` is the app's DM with ``user_id``, where their proposal was sent.
    Where a click says it happened is only the payload's claim: a message anywhere else (the
    DM of a trainee, another program's channel) is never redrawn as a proposal."""
    try:
        dm = client.conversations_open(users=user_id)
    except SlackApiError as error:
        log.warning("matching.dm.unknown", error=slack_error(error))
        return False
    return str(dm["channel"]["id"]) == channel


def change_conflict(ctx: AppContext, caller: str, change: PairChange) -> Conflict | None:
    """The conflict of interest the change would pair, for the form to show before it is
    saved (a coordinator of the round's program only: the lists are theirs to see)."""
    require_round_coordinator(ctx, change.round_id, caller)
    if change.mentor_id is None:
        return None
    with unit_of_work(ctx.sessions) as session:
        return conflict_of(session, change.mentor_id, change.trainee_id, change.round_id)


def change_pair(ctx: AppContext, caller: str, change: PairChange) -> None:
    """Another mentor for one trainee of a proposal, or none (the pair removed). A conflict of
    interest is refused unless the coordinator ticked "pair them anyway", which is audited."""
    require_round_coordinator(ctx, change.round_id, caller)
    with unit_of_work(ctx.sessions) as session:
        round_ = _locked(session, change.round_id)
        if round_.status != rounds.RoundStatus.PROPOSED.value:
            raise Refused(
                md("That round was already approved, so I left it as it is."), reason="bad_input"
            )
        pair = session.scalar(
            select(MatchPair).where(
                MatchPair.round_id == round_.id, MatchPair.trainee_id == change.trainee_id
            )
        )
        if pair is None:
            raise Refused(md("They're not a trainee in this round."), reason="bad_input")
        mentors = {p.user_id for p in rounds.participants(session, round_.id, rounds.MENTOR)}
        if change.mentor_id is not None and change.mentor_id not in mentors:
            raise Refused(md("Choose one of this round's mentors."), reason="bad_input")
        conflict = (
            conflict_of(session, change.mentor_id, change.trainee_id, round_.id)
            if change.mentor_id is not None
            else None
        )
        if conflict is not None and not change.override:
            raise Refused(conflict_reason(conflict), reason="bad_input")
        rounds.change_pair(session, pair, change.mentor_id, caller, ctx.now())
        record_audit(
            session,
            program_id=round_.program_id,
            actor=caller,
            action="match.change",
            subject=change.trainee_id,
            detail=change.mentor_id or "no mentor",
            now=ctx.now(),
        )
        if conflict is not None:
            record_overridden(session, round_.program_id, caller, conflict, ctx.now())

"""Administering programs: listing them, saving the add/edit modal, members added and removed by
hand, joining and leaving, and membership kept in step with a linked channel or user group."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.context import AppContext
from bot.errors import Refused
from bot.logging import get_logger
from bot.programs import ProgramConfig, Role, Source, name_key
from bot.settings import Settings
from bot.text import Mrkdwn, fmt, md, md_join, mention
from handlers.blocks.programs import MemberChanges, ProgramForm, ProgramSummary
from handlers.flows.programs import (
    NOT_A_COORDINATOR,
    coordinator_choice,
    program_names,
    settled_program,
)
from handlers.flows.slack import notify, slack_error
from storage.audit import record_audit
from storage.db import unit_of_work
from storage.events import first_delivery
from storage.leaving import take_out_of_program
from storage.memberships import (
    is_member,
    match_linked_members,
    member_counts,
    programs_linked_to_channel,
    programs_linked_to_usergroup,
    set_coordinators,
)
from storage.models import Program
from storage.people import ensure_people
from storage.programs import (
    add_members,
    all_configs,
    apply_values,
    create_program,
    get_program,
    is_coordinator_of,
    member_ids,
    members_among,
    program_config,
    program_named,
    programs_of,
    remove_members,
    rename_program,
    values_of,
)

log = get_logger("mentorbot.program_admin")

ADMINS_ONLY = md(
    "Setting up programs is for workspace admins. If you need a program changed, "
    "please ask one of them."
)
MEMBERS_PAGE = 200


def require_admin(settings: Settings, user_id: str) -> None:
    if not settings.is_admin(user_id):
        log.warning("programs.not_admin", user=user_id)
        raise Refused(ADMINS_ONLY, reason="forbidden")


# -- /mentor programs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramsListing:
    managed: list[ProgramSummary]
    mine: list[ProgramConfig]
    joinable: list[ProgramConfig]
    is_admin: bool


def programs_listing(ctx: AppContext, user_id: str) -> ProgramsListing:
    """Everything in full for an admin; a coordinator sees their own programs in full and, like
    everyone, the other programs they are in and the open ones they could join."""
    admin = ctx.settings.is_admin(user_id)
    with unit_of_work(ctx.sessions) as session:
        configs = all_configs(session, ctx.settings)
        mine_ids = {c.id for c in programs_of(session, ctx.settings, user_id)}
        managed = [c for c in configs if admin or c.is_coordinator(user_id)]
        counts = member_counts(session, [c.id for c in managed])
    managed_ids = {c.id for c in managed}
    return ProgramsListing(
        managed=[ProgramSummary(c, counts.get(c.id, 0)) for c in managed],
        mine=[c for c in configs if c.id in mine_ids and c.id not in managed_ids],
        joinable=[c for c in configs if c.open_to_join and c.id not in mine_ids | managed_ids],
        is_admin=admin,
    )


def typed_program_name(ctx: AppContext, name: str | None, hint: str | None) -> str | None:
    """The program a subcommand names. ``in <program>`` was taken out of the typed text before
    parsing, which splits a name such as "Fellowship in Cardiology" when "Cardiology" is a
    program too: the whole name is preferred when a program has it."""
    if name and hint:
        whole = f"{name} in {hint}"
        with unit_of_work(ctx.sessions) as session:
            if program_named(session, whole) is not None:
                return whole
    return name or hint


# -- the add/edit modal ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramDraft:
    """What the edit modal opens with."""

    program_id: int
    form: ProgramForm
    installation_coordinators: tuple[str, ...]


def _form_of(session: Session, program: Program) -> ProgramForm:
    return ProgramForm(
        name=program.name,
        coordinators=tuple(sorted(member_ids(session, program.id, Role.COORDINATOR))),
        values=values_of(program),
        open_to_join=program.open_to_join,
        member_usergroup=program.member_usergroup,
        member_channel=program.member_channel,
        meeting_feedback=program.meeting_feedback is not False,
    )


def _unknown_program(name: str, known: list[ProgramConfig]) -> Refused:
    return Refused(
        fmt(
            "I don't know a program called {name}. The programs: {names}.",
            name=name,
            names=program_names(known),
        ),
        reason="bad_input",
    )


def _which(configs: list[ProgramConfig], usage: Mrkdwn, joiner: Mrkdwn) -> Refused:
    """The refusal asking an admin which program they mean."""
    return Refused(
        fmt(
            "There are several programs ({names}). Say which one, for example "
            "`{usage} {joiner}{example}`.",
            names=program_names(configs),
            usage=usage,
            joiner=joiner,
            example=configs[-1].name,
        ),
        reason="bad_input",
    )


def draft_for_edit(ctx: AppContext, user_id: str, name: str | None) -> ProgramDraft:
    """The program an admin asked to edit: the one named, or the only one there is."""
    require_admin(ctx.settings, user_id)
    with unit_of_work(ctx.sessions) as session:
        configs = all_configs(session, ctx.settings)
        if name is None:
            if len(configs) > 1:
                raise _which(configs, md("/mentor program edit"), md(""))
            program = get_program(session, configs[0].id)
        else:
            program = program_named(session, name)
        if program is None:
            raise _unknown_program(name or "", configs)
        installation = ctx.settings.coordinators if program.is_default else ()
        return ProgramDraft(program.id, _form_of(session, program), tuple(installation))


def name_problem(ctx: AppContext, program_id: int | None, name: str) -> str | None:
    """Why ``name`` can't be this program's name (another program has it), if it can't."""
    with unit_of_work(ctx.sessions) as session:
        taken = program_named(session, name)
    if taken is not None and taken.id != program_id:
        return "There is already a program with this name. Please pick another."
    return None


@dataclass(frozen=True)
class SavedProgram:
    program_id: int
    name: str
    created: bool
    relinked: bool  # its linked channel or user group changed: members to read from Slack


def save_program(
    ctx: AppContext, user_id: str, program_id: int | None, form: ProgramForm
) -> SavedProgram:
    """Create the program (``program_id`` None) or replace its settings and coordinators."""
    require_admin(ctx.settings, user_id)
    now = ctx.now()
    with unit_of_work(ctx.sessions) as session:
        if program_id is None:
            program = create_program(
                session,
                name=form.name,
                values=form.values,
                open_to_join=form.open_to_join,
                now=now,
                by=user_id,
            )
            before: tuple[str | None, str | None] = (None, None)
        else:
            found = get_program(session, program_id)
            if found is None:
                raise Refused(md("That program no longer exists."), reason="bad_input")
            program = found
            before = (program.member_channel, program.member_usergroup)
            rename_program(session, program, form.name)
            apply_values(program, form.values, now)
            program.open_to_join = form.open_to_join
        program.member_channel = form.member_channel
        program.member_usergroup = form.member_usergroup
        # Left empty while on, the default, as the migration left every program.
        program.meeting_feedback = None if form.meeting_feedback else False
        set_coordinators(session, program.id, form.coordinators, now=now, by=user_id)
        session.flush()
        log.info("programs.saved", program=program.id, by=user_id, created=program_id is None)
        return SavedProgram(
            program_id=program.id,
            name=program.name,
            created=program_id is None,
            relinked=before != (form.member_channel, form.member_usergroup),
        )


# -- linked channel and user group ----------------------------------------------------------------


def _channel_members(client: WebClient, channel: str) -> list[str]:
    members: list[str] = []
    cursor: str | None = None
    while True:
        page = client.conversations_members(channel=channel, limit=MEMBERS_PAGE, cursor=cursor)
        members.extend(str(u) for u in page.get("members") or [])
        cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "") or None
        if cursor is None:
            return members


def _usergroup_members(client: WebClient, usergroup: str) -> list[str]:
    page = client.usergroups_users_list(usergroup=usergroup)
    return [str(u) for u in page.get("users") or []]


def sync_linked_members(
    ctx: AppContext, client: WebClient, program_id: int, *, tell: str, bot_user: str | None
) -> None:
    """Bring the members who came through the program's linked channel and user group in step
    with Slack. Slack is read with no transaction open; a link that can't be read is reported
    to ``tell`` (the admin who saved it), and its members are left as they were."""
    with unit_of_work(ctx.sessions) as session:
        program = get_program(session, program_id)
        if program is None:
            return
        name, channel, usergroup = program.name, program.member_channel, program.member_usergroup
    links: list[tuple[str, str | None]] = [(Source.CHANNEL, channel), (Source.USERGROUP, usergroup)]
    for source, linked in links:
        people: list[str] = []
        if linked is not None:
            try:
                if source == Source.CHANNEL:
                    people = _channel_members(client, linked)
                else:
                    people = _usergroup_members(client, linked)
            except SlackApiError as error:
                log.warning(
                    "programs.link_unreadable", program=program_id, error=slack_error(error)
                )
                notify(client, tell, _unreadable(source, name, slack_error(error)))
                continue
        if source == Source.CHANNEL and linked is not None and bot_user and bot_user not in people:
            # Slack sends join and leave events only for channels the app is in.
            notify(client, tell, _not_in_channel(name))
        people = [p for p in people if p != bot_user]
        with unit_of_work(ctx.sessions) as session:
            added, removed = match_linked_members(
                session, program_id, people, source=source, now=ctx.now()
            )
        log.info(
            "programs.link_synced",
            program=program_id,
            source=source,
            added=len(added),
            removed=removed,
        )


def _not_in_channel(name: str) -> Mrkdwn:
    return fmt(
        "I've added the people in the channel linked to {name}. To follow who joins and "
        "leaves it from now on, please invite me to that channel (`/invite @mentorbot`).",
        name=name,
    )


def _unreadable(source: str, name: str, error: str) -> Mrkdwn:
    if source == Source.CHANNEL:
        return fmt(
            "I couldn't read who is in the channel linked to {name} ({error}). If it is a "
            "private channel, please invite me to it, then save the program again.",
            name=name,
            error=error,
        )
    return fmt(
        "I couldn't read who is in the user group linked to {name} ({error}). Please check "
        "the user group's id, then save the program again.",
        name=name,
        error=error,
    )


def channel_changed(
    ctx: AppContext, event_id: str | None, channel: str, user_id: str, *, joined: bool
) -> int:
    """Someone joined or left ``channel``: programs linked to it follow. Each event takes effect
    once (Slack retries); returns how many programs changed."""
    return _linked_change(
        ctx,
        event_id,
        lambda session: programs_linked_to_channel(session, channel),
        Source.CHANNEL,
        added=[user_id] if joined else [],
        removed=[] if joined else [user_id],
    )


def usergroup_changed(
    ctx: AppContext,
    event_id: str | None,
    usergroup: str,
    added: Iterable[str],
    removed: Iterable[str],
) -> int:
    return _linked_change(
        ctx,
        event_id,
        lambda session: programs_linked_to_usergroup(session, usergroup),
        Source.USERGROUP,
        added=list(added),
        removed=list(removed),
    )


def _linked_change(
    ctx: AppContext,
    event_id: str | None,
    linked: Callable[[Session], list[int]],
    source: str,
    *,
    added: list[str],
    removed: list[str],
) -> int:
    with unit_of_work(ctx.sessions) as session:
        # The event is recorded in the same transaction as its effect: a failure leaves it
        # unrecorded, so Slack's retry applies it.
        if event_id and not first_delivery(session, event_id, ctx.now()):
            return 0
        program_ids: list[int] = linked(session)
        for program_id in program_ids:
            add_members(session, program_id, added, source=source, now=ctx.now())
            take_out_of_program(session, program_id, removed, ctx.now(), source=source)
        if program_ids:
            ensure_people(session, added)  # met now: in the default program too
        return len(program_ids)


# -- members by hand ------------------------------------------------------------------------------


def may_manage_members(session: Session, settings: Settings, program_id: int, user_id: str) -> bool:
    return settings.is_admin(user_id) or is_coordinator_of(session, settings, program_id, user_id)


@dataclass(frozen=True)
class MembersDraft:
    program_id: int
    name: str
    members: list[str]
    trainees: int = 0  # members declared trainees


def members_draft(ctx: AppContext, user_id: str, hint: str | None) -> MembersDraft:
    """The program whose members ``user_id`` manages: an admin any (named, or the only one), a
    coordinator their own."""
    with unit_of_work(ctx.sessions) as session:
        if ctx.settings.is_admin(user_id):
            configs = all_configs(session, ctx.settings)
            if hint is not None:
                named = next((c for c in configs if name_key(c.name) == name_key(hint)), None)
                if named is None:
                    raise _unknown_program(hint, configs)
                program = named
            elif len(configs) == 1:
                program = configs[0]
            else:
                raise _which(configs, md("/mentor program members"), md("in "))
        else:
            program = settled_program(coordinator_choice(session, ctx.settings, user_id, hint))
        members = member_ids(session, program.id)
        trainees = member_ids(session, program.id, Role.TRAINEE) & members
        return MembersDraft(program.id, program.name, sorted(members), len(trainees))


@dataclass(frozen=True)
class MembersChanged:
    name: str  # the program's
    added: list[str]
    removed: int
    marked: list[str]  # newly declared trainees
    unmarked: int  # no longer declared trainees


def change_members(
    ctx: AppContext, user_id: str, program_id: int, changes: MemberChanges
) -> MembersChanged:
    """Add and remove members by hand, and declare who among them are trainees. Refused,
    changing nothing, for anyone but an admin or that program's coordinator. Someone removed
    stops being a declared trainee too."""
    with unit_of_work(ctx.sessions) as session:
        if get_program(session, program_id) is None or not may_manage_members(
            session, ctx.settings, program_id, user_id
        ):
            log.warning("programs.members_refused", user=user_id, program=program_id)
            raise Refused(NOT_A_COORDINATOR, reason="forbidden")
        config = program_config(session, ctx.settings, program_id)
        now = ctx.now()
        joining = list(dict.fromkeys([*changes.add, *changes.trainees]))
        added = add_members(session, program_id, joining, source=Source.ADDED, now=now, by=user_id)
        ensure_people(session, joining)  # met now: in the default program too
        removed = take_out_of_program(session, program_id, changes.remove, now)
        marked = add_members(
            session,
            program_id,
            changes.trainees,
            role=Role.TRAINEE,
            source=Source.ADDED,
            now=now,
            by=user_id,
        )
        unmarked = remove_members(
            session, program_id, [*changes.untrainees, *changes.remove], role=Role.TRAINEE
        )
        if added or removed or marked or unmarked:
            record_audit(
                session,
                program_id=program_id,
                actor=user_id,
                action="members.change",
                detail=(
                    f"added {len(added)}, removed {removed}, trainees marked {len(marked)}, "
                    f"unmarked {unmarked}"
                ),
                now=now,
            )
        return MembersChanged(config.name, added, removed, marked, unmarked)


# -- joining and leaving --------------------------------------------------------------------------


def join_program(ctx: AppContext, user_id: str, name: str) -> Mrkdwn:
    with unit_of_work(ctx.sessions) as session:
        program = program_named(session, name)
        if program is None:
            raise Refused(
                fmt(
                    "I don't know a program called {name}. `/mentor programs` lists the ones "
                    "you can join.",
                    name=name,
                ),
                reason="bad_input",
            )
        if user_id in members_among(session, program, [user_id]):
            return fmt("You're already in {name}. Nothing to do!", name=program.name)
        if not program.open_to_join:
            config = program_config(session, ctx.settings, program.id)
            raise Refused(_invite_only(config), reason="refused")
        add_members(session, program.id, [user_id], source=Source.JOINED, now=ctx.now(), by=user_id)
        ensure_people(session, [user_id])  # met now: in the default program too
        return fmt(
            "Welcome to {name}! You can now ask its mentors with `/mentor ask @person`.",
            name=program.name,
        )


def _invite_only(config: ProgramConfig) -> Mrkdwn:
    if config.coordinators:
        coordinators = [mention(u) for u in sorted(config.coordinators)]
        return fmt(
            "{name} is invite-only. Its coordinators can add you: {people}.",
            name=config.name,
            people=md_join(", ", coordinators),
        )
    return fmt("{name} is invite-only; its coordinators can add you.", name=config.name)


def leave_program(ctx: AppContext, user_id: str, name: str) -> Mrkdwn:
    with unit_of_work(ctx.sessions) as session:
        ensure_people(session, [user_id])  # met now: their default membership is a row to leave
        program = program_named(session, name)
        if program is None or not is_member(session, program.id, user_id):
            shown = program.name if program is not None else name
            return fmt("You're not a member of {name}, so there's nothing to leave.", name=shown)
        take_out_of_program(session, program.id, [user_id], ctx.now())
        return fmt(
            "You've left {name}: its waiting list, its matching rounds and your requests "
            "there that waited for an answer. Any mentorships you have there carry on as they "
            "are; `/mentor end @person` ends one if you wish.",
            name=program.name,
        )

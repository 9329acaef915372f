"""Programs administered from Slack, end to end: admins add and edit programs through the modal,
coordinators manage their own program's members, people join and leave open programs, and a
linked channel or user group keeps membership in step (events taking effect once)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.programs import Role, Source
from bot.settings import Settings
from handlers import ids
from storage.models import MentorRequest, Program, ProgramMember
from tests.conftest import (
    COORDINATOR,
    MENTEE,
    MENTOR,
    MENTOR2,
    STRANGER,
    make_settings,
)
from tests.handlers.helpers import (
    all_text,
    dms_to,
    ephemeral_replies,
    modal_values,
    selected,
    typed,
)
from tests.harness import Harness
from tests.slack import payloads
from tests.slack.fake_slack import FakeSlack

ADMIN = "U0ADMIN01"
LINKED_CHANNEL = "C0LINKED1"
PRIVATE_CHANNEL = "G0SECRET1"
USERGROUP = "S0RESIDNT"


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack) -> Settings:
    fake_slack.add_user(ADMIN, "gina", real_name="Gina Admin", tz="America/New_York")
    fake_slack.add_channel(
        LINKED_CHANNEL, "im-residents", members=[MENTEE, MENTOR, payloads.BOT_USER_ID]
    )
    fake_slack.add_channel(PRIVATE_CHANNEL, "secret", is_private=True, is_member=False)
    fake_slack.add_usergroup(USERGROUP, [MENTOR2])
    return make_settings(database_url=db_url, slack_api_url=fake_slack.base_url, admins=ADMIN)


def program_form(
    name: str,
    *,
    coordinators: tuple[str, ...] = (),
    digest_channel: str | None = None,
    weekday: str | None = None,
    digest_time: str | None = None,
    zone: str = "",
    focus: str = "",
    open_to_join: bool = False,
    channel: str | None = None,
    usergroup: str = "",
    meeting_feedback: bool | None = None,
) -> dict[str, Any]:
    """view.state.values of the program modal as Slack sends them (without the rating box
    unless ``meeting_feedback`` says how it is ticked)."""
    option = {"value": "open", "text": {"type": "plain_text", "text": "open"}}
    rate = {"value": "rate", "text": {"type": "plain_text", "text": "rate"}}
    rating = {}
    if meeting_feedback is not None:
        rating["rating"] = (
            ids.PROGRAM_RATING_BLOCK,
            ids.PROGRAM_RATING_INPUT,
            {"type": "checkboxes", "selected_options": [rate] if meeting_feedback else []},
        )
    return modal_values(
        **rating,
        name=(ids.PROGRAM_NAME_BLOCK, ids.PROGRAM_NAME_INPUT, typed(name)),
        coordinators=(
            ids.PROGRAM_COORDINATORS_BLOCK,
            ids.PROGRAM_COORDINATORS_INPUT,
            {"type": "multi_users_select", "selected_users": list(coordinators)},
        ),
        digest=(
            ids.PROGRAM_DIGEST_CHANNEL_BLOCK,
            ids.PROGRAM_DIGEST_CHANNEL_INPUT,
            {"type": "conversations_select", "selected_conversation": digest_channel},
        ),
        weekday=(
            ids.PROGRAM_WEEKDAY_BLOCK,
            ids.PROGRAM_WEEKDAY_INPUT,
            selected(weekday) if weekday else {"type": "static_select", "selected_option": None},
        ),
        time=(
            ids.PROGRAM_TIME_BLOCK,
            ids.PROGRAM_TIME_INPUT,
            {"type": "timepicker", "selected_time": digest_time},
        ),
        zone=(ids.PROGRAM_ZONE_BLOCK, ids.PROGRAM_ZONE_INPUT, typed(zone)),
        focus=(ids.PROGRAM_FOCUS_BLOCK, ids.PROGRAM_FOCUS_INPUT, typed(focus)),
        open=(
            ids.PROGRAM_OPEN_BLOCK,
            ids.PROGRAM_OPEN_INPUT,
            {"type": "checkboxes", "selected_options": [option] if open_to_join else []},
        ),
        channel=(
            ids.PROGRAM_CHANNEL_BLOCK,
            ids.PROGRAM_CHANNEL_INPUT,
            {"type": "conversations_select", "selected_conversation": channel},
        ),
        usergroup=(ids.PROGRAM_USERGROUP_BLOCK, ids.PROGRAM_USERGROUP_INPUT, typed(usergroup)),
    )


def submit_program(
    harness: Harness, name: str, *, user: str = ADMIN, program_id: int | None = None, **fields: Any
) -> Any:
    response = harness.view_submission(
        user_id=user,
        callback_id=ids.PROGRAM_VIEW,
        private_metadata=json.dumps({"program": program_id}),
        values=program_form(name, **fields),
    )
    return response.json() if response.body else None


def programs(harness: Harness) -> dict[str, Program]:
    with harness.session() as session:
        found = session.scalars(select(Program)).all()
        session.expunge_all()
        return {p.name: p for p in found}


def people(harness: Harness, name: str, role: str = Role.MEMBER) -> dict[str, str]:
    """user id -> source, for one program's members in ``role``."""
    with harness.session() as session:
        rows = session.execute(
            select(ProgramMember.user_id, ProgramMember.source)
            .join(Program, Program.id == ProgramMember.program_id)
            .where(Program.name == name, ProgramMember.role == role)
        )
        return {str(user): str(source) for user, source in rows.all()}


def replies(harness: Harness, response: Any) -> str:
    body = response.json() if response.body else {}
    return "\n".join([str(body.get("text", "")), *ephemeral_replies(harness)])


def test_an_admin_creates_a_program_through_the_modal(harness: Harness) -> None:
    response = harness.command("program add", user_id=ADMIN)
    assert response.status == 200
    opened = harness.fake.calls_to("views.open")[-1].args["view"]
    assert opened["callback_id"] == ids.PROGRAM_VIEW

    answer = submit_program(
        harness,
        "Internal Medicine",
        coordinators=(MENTOR2,),
        digest_channel="C0COORDS1",
        weekday="2",
        digest_time="09:30",
        zone="Europe/London",
        focus="Research\nBoards prep",
        open_to_join=True,
        channel=LINKED_CHANNEL,
        usergroup=f"<!subteam^{USERGROUP}|@residents>",
    )
    assert answer is None  # the modal closes

    program = programs(harness)["Internal Medicine"]
    assert (program.digest_channel, program.digest_weekday, program.digest_time) == (
        "C0COORDS1",
        2,
        "09:30",
    )
    assert program.timezone == "Europe/London"
    assert program.focus_areas == ["Research", "Boards prep"]
    assert program.open_to_join
    assert program.created_by == ADMIN
    assert (program.member_channel, program.member_usergroup) == (LINKED_CHANNEL, USERGROUP)
    assert people(harness, "Internal Medicine", Role.COORDINATOR) == {MENTOR2: Source.ADDED}
    # The channel's and the user group's members joined; the app's own bot user did not.
    assert people(harness, "Internal Medicine") == {
        MENTEE: Source.CHANNEL,
        MENTOR: Source.CHANNEL,
        MENTOR2: Source.USERGROUP,
    }
    told = [str(call.args["text"]) for call in dms_to(harness, ADMIN)]
    assert any("Internal Medicine" in text for text in told)
    assert not any("invite me" in text for text in told)

    listing = harness.command("programs", user_id=ADMIN).json()
    shown = all_text(listing["blocks"])
    assert "Internal Medicine" in shown
    assert "3 members" in shown
    assert f"<@{MENTOR2}>" in shown
    assert "Wednesdays at 09:30 (Europe/London)" in shown


def test_non_admins_neither_open_nor_submit_the_program_modal(harness: Harness) -> None:
    before = programs(harness)
    response = harness.command("program add", user_id=COORDINATOR)
    assert "workspace admins" in replies(harness, response)
    assert harness.fake.calls_to("views.open") == []
    response = harness.command("program edit Main program", user_id=COORDINATOR)
    assert harness.fake.calls_to("views.open") == []

    submit_program(harness, "Sneaky", user=COORDINATOR)
    main = before["Main program"]
    submit_program(harness, "Renamed", user=COORDINATOR, program_id=main.id, open_to_join=True)
    after = programs(harness)
    assert set(after) == {"Main program"}
    assert after["Main program"].open_to_join == main.open_to_join
    assert people(harness, "Main program", Role.COORDINATOR) == {}


def test_an_admin_edits_a_program_renaming_it_and_changing_its_settings(
    harness: Harness,
) -> None:
    submit_program(harness, "Surgery", coordinators=(MENTOR,), weekday="0")
    surgery = programs(harness)["Surgery"]

    harness.command("program edit surgery", user_id=ADMIN)
    opened = harness.fake.calls_to("views.open")[-1].args["view"]
    assert json.loads(opened["private_metadata"]) == {"program": surgery.id}
    name_input = next(b for b in opened["blocks"] if b.get("block_id") == ids.PROGRAM_NAME_BLOCK)
    assert name_input["element"]["initial_value"] == "Surgery"

    submit_program(
        harness,
        "General Surgery",
        program_id=surgery.id,
        coordinators=(MENTOR2,),
        weekday="4",
        digest_time="16:00",
        zone="America/Chicago",
    )
    edited = programs(harness)["General Surgery"]
    assert edited.id == surgery.id
    assert (edited.digest_weekday, edited.digest_time, edited.timezone) == (
        4,
        "16:00",
        "America/Chicago",
    )
    assert people(harness, "General Surgery", Role.COORDINATOR) == {MENTOR2: Source.ADDED}

    # With several programs and none named, the admin is asked which one.
    response = harness.command("program edit", user_id=ADMIN)
    assert "/mentor program edit General Surgery" in replies(harness, response)
    response = harness.command("program members", user_id=ADMIN)
    assert "/mentor program members in General Surgery" in replies(harness, response)
    response = harness.command("program edit Astronomy", user_id=ADMIN)
    assert "don't know a program called Astronomy" in replies(harness, response)
    assert len(harness.fake.calls_to("views.open")) == 1


def test_the_default_program_shows_the_installation_coordinators_as_a_note(
    harness: Harness,
) -> None:
    harness.command("program edit", user_id=ADMIN)  # only one program: no name needed
    opened = harness.fake.calls_to("views.open")[-1].args["view"]
    assert f"<@{COORDINATOR}>" in all_text(opened["blocks"])
    coordinators = next(
        b for b in opened["blocks"] if b.get("block_id") == ids.PROGRAM_COORDINATORS_BLOCK
    )
    assert "initial_users" not in coordinators["element"]


def test_a_duplicate_name_or_a_bad_zone_is_refused_inline(harness: Harness) -> None:
    submit_program(harness, "Surgery")
    surgery = programs(harness)["Surgery"]

    answer = submit_program(harness, "  main   PROGRAM ", zone="Mars/Base")
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {ids.PROGRAM_ZONE_BLOCK}

    answer = submit_program(harness, "main PROGRAM")
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {ids.PROGRAM_NAME_BLOCK}

    answer = submit_program(harness, "MAIN program", program_id=surgery.id, open_to_join=True)
    assert set(answer["errors"]) == {ids.PROGRAM_NAME_BLOCK}
    assert set(programs(harness)) == {"Main program", "Surgery"}
    assert not programs(harness)["Surgery"].open_to_join


def test_people_join_open_programs_and_leave_them(harness: Harness) -> None:
    submit_program(harness, "Clerkships", open_to_join=True)
    submit_program(harness, "Fellowship", coordinators=(MENTOR2,))

    listing = all_text(harness.command("programs", user_id=STRANGER).json()["blocks"])
    assert "Clerkships" in listing
    assert "/mentor join" in listing
    assert "Fellowship" not in listing

    response = harness.command("join clerkships", user_id=STRANGER)
    assert "Welcome to Clerkships" in replies(harness, response)
    assert people(harness, "Clerkships") == {STRANGER: Source.JOINED}
    response = harness.command("join Clerkships", user_id=STRANGER)
    assert "already in Clerkships" in replies(harness, response)

    response = harness.command("join Fellowship", user_id=STRANGER)
    shown = replies(harness, response)
    assert "invite-only" in shown
    assert f"<@{MENTOR2}>" in shown
    assert people(harness, "Fellowship") == {}
    response = harness.command("join Astronomy", user_id=STRANGER)
    assert "don't know a program called Astronomy" in replies(harness, response)

    response = harness.command("leave Clerkships", user_id=STRANGER)
    shown = replies(harness, response)
    assert "left Clerkships" in shown
    assert "carry on" in shown
    assert people(harness, "Clerkships") == {}
    response = harness.command("leave Clerkships", user_id=STRANGER)
    assert "not a member of Clerkships" in replies(harness, response)


def test_a_coordinator_manages_their_programs_members_and_no_other(harness: Harness) -> None:
    submit_program(harness, "Surgery", coordinators=(MENTOR2,))
    submit_program(harness, "Medicine", coordinators=(MENTOR,))
    surgery = programs(harness)["Surgery"]

    harness.command("program members in Surgery", user_id=MENTOR2)
    opened = harness.fake.calls_to("views.open")[-1].args["view"]
    assert opened["callback_id"] == ids.PROGRAM_MEMBERS_VIEW
    assert json.loads(opened["private_metadata"]) == {"program": surgery.id}

    def submit(user: str, program_id: int, add: list[str], remove: list[str]) -> None:
        harness.view_submission(
            user_id=user,
            callback_id=ids.PROGRAM_MEMBERS_VIEW,
            private_metadata=json.dumps({"program": program_id}),
            values=modal_values(
                add=(
                    ids.PROGRAM_ADD_MEMBERS_BLOCK,
                    ids.PROGRAM_ADD_MEMBERS_INPUT,
                    {"type": "multi_users_select", "selected_users": add},
                ),
                remove=(
                    ids.PROGRAM_REMOVE_MEMBERS_BLOCK,
                    ids.PROGRAM_REMOVE_MEMBERS_INPUT,
                    {"type": "multi_users_select", "selected_users": remove},
                ),
            ),
        )

    submit(MENTOR2, surgery.id, [MENTEE, STRANGER], [])
    assert people(harness, "Surgery") == {MENTEE: Source.ADDED, STRANGER: Source.ADDED}
    submit(MENTOR2, surgery.id, [], [STRANGER])
    assert people(harness, "Surgery") == {MENTEE: Source.ADDED}

    # Medicine's coordinator can't open Surgery's members, nor forge a submission for it.
    opened_before = len(harness.fake.calls_to("views.open"))
    response = harness.command("program members in Surgery", user_id=MENTOR)
    assert "don't coordinate Surgery" in replies(harness, response)
    assert len(harness.fake.calls_to("views.open")) == opened_before
    submit(MENTOR, surgery.id, [STRANGER], [MENTEE])
    assert people(harness, "Surgery") == {MENTEE: Source.ADDED}
    submit(STRANGER, surgery.id, [STRANGER], [])
    assert people(harness, "Surgery") == {MENTEE: Source.ADDED}

    submit(ADMIN, surgery.id + 100, [STRANGER], [])  # a program that doesn't exist
    with harness.session() as session:
        assert (
            session.scalars(
                select(ProgramMember).filter_by(user_id=STRANGER, program_id=surgery.id + 100)
            ).all()
            == []
        )
    # An admin manages any program.
    submit(ADMIN, surgery.id, [MENTOR], [])
    assert set(people(harness, "Surgery")) == {MENTEE, MENTOR}


def _channel_event(kind: str, user: str, channel: str = LINKED_CHANNEL) -> dict[str, Any]:
    return {
        "type": kind,
        "user": user,
        "channel": channel,
        "channel_type": "C",
        "team": payloads.TEAM_ID,
        "event_ts": "1700000000.000100",
    }


def test_a_linked_channel_keeps_members_in_step_and_each_event_counts_once(
    harness: Harness,
) -> None:
    submit_program(harness, "Medicine", channel=LINKED_CHANNEL)
    assert people(harness, "Medicine") == {MENTEE: Source.CHANNEL, MENTOR: Source.CHANNEL}
    # Someone added by hand stays when they leave the channel.
    medicine = programs(harness)["Medicine"]
    harness.view_submission(
        user_id=ADMIN,
        callback_id=ids.PROGRAM_MEMBERS_VIEW,
        private_metadata=json.dumps({"program": medicine.id}),
        values=modal_values(
            add=(
                ids.PROGRAM_ADD_MEMBERS_BLOCK,
                ids.PROGRAM_ADD_MEMBERS_INPUT,
                {"type": "multi_users_select", "selected_users": [MENTOR2]},
            )
        ),
    )

    harness.event(_channel_event("member_joined_channel", STRANGER), event_id="Ev0JOIN01")
    assert people(harness, "Medicine")[STRANGER] == Source.CHANNEL
    harness.event(_channel_event("member_left_channel", STRANGER), event_id="Ev0LEFT01")
    harness.event(_channel_event("member_left_channel", MENTOR2), event_id="Ev0LEFT02")
    assert people(harness, "Medicine") == {
        MENTEE: Source.CHANNEL,
        MENTOR: Source.CHANNEL,
        MENTOR2: Source.ADDED,
    }

    # Slack retries the join: it took effect already, so it changes nothing now.
    harness.event(
        _channel_event("member_joined_channel", STRANGER), event_id="Ev0JOIN01", retry_num=1
    )
    assert STRANGER not in people(harness, "Medicine")
    # Another channel's events touch no program.
    harness.event(_channel_event("member_joined_channel", STRANGER, "C0OTHER01"))
    assert STRANGER not in people(harness, "Medicine")

    # Unlinking the channel takes out those who came through it.
    submit_program(harness, "Medicine", program_id=medicine.id)
    assert people(harness, "Medicine") == {MENTOR2: Source.ADDED}


def test_leaving_a_channel_linked_to_two_programs_leaves_both(harness: Harness) -> None:
    submit_program(harness, "Medicine", channel=LINKED_CHANNEL)
    submit_program(harness, "Surgery", channel=LINKED_CHANNEL)
    for program in ("Medicine", "Surgery"):
        assert set(people(harness, program)) == {MENTEE, MENTOR}

    harness.event(_channel_event("member_left_channel", MENTEE), event_id="Ev0LEFTBOTH")

    for program in ("Medicine", "Surgery"):
        assert set(people(harness, program)) == {MENTOR}, program


def test_a_linked_user_group_keeps_members_in_step(harness: Harness) -> None:
    submit_program(harness, "Fellowship", usergroup=USERGROUP)
    assert people(harness, "Fellowship") == {MENTOR2: Source.USERGROUP}
    changed = {
        "type": "subteam_members_changed",
        "subteam_id": USERGROUP,
        "team_id": payloads.TEAM_ID,
        "date_previous_update": 1446670362,
        "date_update": 1492906952,
        "added_users": [MENTEE, STRANGER],
        "added_users_count": "2",
        "removed_users": [MENTOR2],
        "removed_users_count": "1",
        "event_ts": "1700000000.000200",
    }
    harness.event(changed, event_id="Ev0GROUP1")
    assert people(harness, "Fellowship") == {MENTEE: Source.USERGROUP, STRANGER: Source.USERGROUP}
    harness.event({**changed, "added_users": [], "removed_users": [STRANGER]}, event_id="Ev0GROUP2")
    harness.event(changed, event_id="Ev0GROUP2", retry_num=1)
    assert people(harness, "Fellowship") == {MENTEE: Source.USERGROUP}


def test_a_channel_the_app_cannot_read_is_reported_to_the_admin(harness: Harness) -> None:
    submit_program(harness, "Secret", channel=PRIVATE_CHANNEL)
    assert people(harness, "Secret") == {}
    told = [str(call.args["text"]) for call in dms_to(harness, ADMIN)]
    assert any("invite me" in text for text in told)


def test_a_long_channel_is_read_page_by_page(harness: Harness) -> None:
    crowd = [f"U0CROWD{n:03d}" for n in range(450)]
    harness.fake.set_channel_members(LINKED_CHANNEL, crowd)
    submit_program(harness, "Everyone", channel=LINKED_CHANNEL)
    assert set(people(harness, "Everyone")) == set(crowd)
    assert len(harness.fake.calls_to("conversations.members")) == 3
    # The app isn't in that channel, so it would hear of nobody joining: the admin is told.
    told = [str(call.args["text"]) for call in dms_to(harness, ADMIN)]
    assert any("invite me to that channel" in text for text in told)


def test_help_shows_program_administration_to_admins_and_coordinators_only(
    harness: Harness,
) -> None:
    for user, shown in ((ADMIN, True), (COORDINATOR, True), (MENTEE, False)):
        guide = all_text(harness.command("help", user_id=user).json()["blocks"])
        assert ("/mentor program add" in guide) is shown, user
        assert "/mentor join" in guide
        assert "/mentor programs" in guide


def test_a_program_name_with_in_is_taken_whole(harness: Harness) -> None:
    submit_program(harness, "Cardiology", open_to_join=True)
    submit_program(harness, "Fellowship in Cardiology", open_to_join=True)
    harness.command("join Fellowship in Cardiology", user_id=STRANGER)
    assert STRANGER in people(harness, "Fellowship in Cardiology")
    assert STRANGER not in people(harness, "Cardiology")
    harness.command("program edit fellowship in cardiology", user_id=ADMIN)
    opened = harness.fake.calls_to("views.open")[-1].args["view"]
    fellowship = programs(harness)["Fellowship in Cardiology"]
    assert json.loads(opened["private_metadata"]) == {"program": fellowship.id}


def test_joining_a_program_keeps_everyone_in_the_default_one(harness: Harness) -> None:
    """One model of membership: the default program's members are rows like any other, and
    programs, join, leave and the directory all read them."""
    response = harness.command("join Main program", user_id=STRANGER)
    assert "already in Main program" in replies(harness, response)

    submit_program(harness, "Clerkships", open_to_join=True)
    harness.command("join Clerkships", user_id=STRANGER)
    response = harness.command("join Main program", user_id=STRANGER)
    assert "already in Main program" in replies(harness, response)
    assert STRANGER in people(harness, "Main program")
    assert STRANGER in people(harness, "Clerkships")

    response = harness.command("leave Main program", user_id=STRANGER)
    assert "You've left Main program" in replies(harness, response)
    assert STRANGER not in people(harness, "Main program")
    response = harness.command("join Main program", user_id=STRANGER)
    assert "invite-only" in replies(harness, response)


def test_the_rating_after_a_meeting_is_switched_per_program(harness: Harness) -> None:
    submit_program(harness, "Surgery", meeting_feedback=False)
    surgery = programs(harness)["Surgery"]
    assert surgery.meeting_feedback is False

    harness.command("program edit Surgery", user_id=ADMIN)
    opened = harness.fake.calls_to("views.open")[-1].args["view"]
    box = next(b for b in opened["blocks"] if b.get("block_id") == ids.PROGRAM_RATING_BLOCK)
    assert not box["element"].get("initial_options")

    submit_program(harness, "Surgery", program_id=surgery.id, meeting_feedback=True)
    assert programs(harness)["Surgery"].meeting_feedback is None  # on, the default
    harness.command("program edit Surgery", user_id=ADMIN)
    opened = harness.fake.calls_to("views.open")[-1].args["view"]
    box = next(b for b in opened["blocks"] if b.get("block_id") == ids.PROGRAM_RATING_BLOCK)
    assert box["element"]["initial_options"]


def test_someone_in_no_program_at_all_is_told_how_to_join_one(harness: Harness) -> None:
    harness.command("leave Main program", user_id=STRANGER)
    assert STRANGER not in people(harness, "Main program")
    for text in ("ask <@U0MENTOR1> research", "find research"):
        response = harness.command(text, user_id=STRANGER)
        assert "not in any program just now" in replies(harness, response)
    with harness.session() as session:
        assert session.scalars(select(MentorRequest)).all() == []

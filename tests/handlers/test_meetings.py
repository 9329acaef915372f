"""Plan our next meeting end to end, through signed requests and the fake Slack on both
databases: three times in both members' working days offered to the other member, one picked,
a one-off calendar invite to each (read back with icalendar), the check-in that day knowing it,
and every pick refused that isn't the other member's, of a time offered."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from bot.calendar_invites import meeting_uid
from handlers import ids
from storage.models import MeetingPlan
from tests.conftest import COORDINATOR, MENTEE, MENTOR, STRANGER
from tests.data.test_leaving import user_change
from tests.handlers.helpers import (
    all_text,
    buttons,
    dms_to,
    end_mentorship,
    ephemeral_replies,
    last_dm,
    modal_values,
    typed,
)
from tests.harness import Harness
from tests.scheduler.helpers import at, checkin_dms, make_pair
from tests.slack import payloads
from tests.slack.fake_slack import Call

SATURDAY = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
TUESDAY_CHECKIN = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)  # 09:00 in New York


def offers(harness: Harness) -> list[Call]:
    return [c for c in dms_to(harness, MENTOR) if ids.MEETING_OTHER in buttons(c.args["blocks"])]


def pick_buttons(message: Call | dict[str, object]) -> dict[str, str]:
    """Each time's label -> its value, on an offer."""
    blocks = message.args["blocks"] if isinstance(message, Call) else message["blocks"]
    found: dict[str, str] = {}
    for block in blocks:  # type: ignore[union-attr]
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if str(element["action_id"]).startswith(ids.MEETING_PICK):
                found[element["text"]["text"]] = element["value"]
    return found


def plans(harness: Harness) -> list[MeetingPlan]:
    with harness.session() as session:
        return list(session.scalars(select(MeetingPlan).order_by(MeetingPlan.id)))


def plan(harness: Harness, pairing_id: int, by: str = MENTEE) -> None:
    harness.block_action(user_id=by, action_id=ids.MEETING_PLAN, value=str(pairing_id))


def planned_pair(harness: Harness) -> int:
    """On Saturday, a pair with a rhythm whose mentee has just planned their next meeting."""
    harness.clock.set(SATURDAY)
    pairing_id = make_pair(harness)
    plan(harness, pairing_id)
    return pairing_id


def meeting_files(harness: Harness, member: str) -> list[Calendar]:
    """The meeting invites (and withdrawals) in ``member``'s DM, read back, oldest first."""
    return [
        Calendar.from_ical(f.content)
        for f in harness.fake.files
        if f.channel == payloads.dm_channel_id(member) and f.filename == "mentorship-meeting.ics"
    ]


def test_a_meeting_is_planned_picked_and_in_both_calendars(harness: Harness) -> None:
    planned_pair(harness)

    (offer,) = offers(harness)
    times = pick_buttons(offer)
    assert list(times) == ["Mon 7 Dec at 12:30", "Tue 8 Dec at 12:30", "Wed 9 Dec at 12:30"]
    assert any("Mon 7 Dec at 12:30" in reply for reply in ephemeral_replies(harness))

    harness.block_action(
        user_id=MENTOR,
        action_id=f"{ids.MEETING_PICK}.1",
        value=times["Tue 8 Dec at 12:30"],
        channel_id=payloads.dm_channel_id(MENTOR),
    )
    (redrawn,) = [
        c for c in harness.fake.calls_to("chat.update") if c.args["ts"] == offer.response["ts"]
    ]
    assert "Tue 8 Dec at 12:30" in all_text(redrawn.args["blocks"])
    assert pick_buttons(redrawn) == {}
    assert "picked *Tue 8 Dec at 12:30*" in all_text(last_dm(harness, MENTEE).args["blocks"])
    (agreed,) = plans(harness)
    assert agreed.status == "agreed"
    assert agreed.starts_at == datetime(2026, 12, 8, 17, 30, tzinfo=UTC)

    harness.tick()
    harness.tick()  # never twice
    for member in (MENTOR, MENTEE):
        (calendar,) = meeting_files(harness, member)
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == meeting_uid(agreed.id)
        assert event.decoded("dtstart").astimezone(UTC) == agreed.starts_at
        assert calendar.walk("VTIMEZONE")

    # The check-in on that Tuesday knows the pair planned to meet that day.
    at(harness, TUESDAY_CHECKIN)
    (checkin,) = checkin_dms(harness, MENTEE)
    assert "You planned to meet today at 12:30" in all_text(checkin.args["blocks"])


def test_planning_twice_offers_once(harness: Harness) -> None:
    pairing_id = planned_pair(harness)
    plan(harness, pairing_id)
    plan(harness, pairing_id, by=MENTOR)
    assert len(offers(harness)) == 1
    assert len(plans(harness)) == 1
    replies = ephemeral_replies(harness)
    assert sum("You've already offered" in reply for reply in replies) == 1
    assert sum("already offered you times" in reply for reply in replies) == 1


def test_only_the_other_member_picks_a_time_offered(harness: Harness) -> None:
    harness.clock.set(SATURDAY)
    pairing_id = make_pair(harness)
    plan(harness, STRANGER_PAIRING := pairing_id, by=STRANGER)  # not theirs: nothing offered
    assert offers(harness) == []
    plan(harness, STRANGER_PAIRING)
    (offer,) = offers(harness)
    value = next(iter(pick_buttons(offer).values()))
    plan_id = value.split(":")[0]
    for who in (MENTEE, STRANGER):
        harness.block_action(user_id=who, action_id=f"{ids.MEETING_PICK}.0", value=value)
    # A time that was never offered, and a value that is not the app's.
    harness.block_action(
        user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=f"{plan_id}:1999999999"
    )
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value="x:y")
    assert [p.status for p in plans(harness)] == ["offered"]
    assert harness.fake.calls_to("chat.update") == []


def test_other_times_come_later_and_old_buttons_stop_working(harness: Harness) -> None:
    planned_pair(harness)
    (offer,) = offers(harness)
    first = pick_buttons(offer)
    plan_id = next(iter(first.values())).split(":")[0]
    harness.block_action(user_id=MENTOR, action_id=ids.MEETING_OTHER, value=plan_id)

    (redrawn,) = [
        c for c in harness.fake.calls_to("chat.update") if c.args["ts"] == offer.response["ts"]
    ]
    later = pick_buttons(redrawn)
    assert list(later) == ["Thu 10 Dec at 12:30", "Fri 11 Dec at 12:30", "Mon 14 Dec at 12:30"]
    harness.block_action(
        user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=first["Mon 7 Dec at 12:30"]
    )
    assert plans(harness)[0].status == "offered"
    harness.block_action(
        user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=later["Thu 10 Dec at 12:30"]
    )
    assert plans(harness)[0].status == "agreed"


def test_running_out_of_times_tells_the_planner(harness: Harness) -> None:
    pairing_id = planned_pair(harness)
    plan_id = next(iter(pick_buttons(offers(harness)[0]).values())).split(":")[0]
    for _ in range(5):  # ten working days in two weeks: three at a time
        harness.block_action(user_id=MENTOR, action_id=ids.MEETING_OTHER, value=plan_id)
    assert plans(harness)[0].status == "declined"
    assert "None of the times" in str(last_dm(harness, MENTEE).args["text"])
    plan(harness, pairing_id)  # a new plan can be made
    assert len(plans(harness)) == 2


def test_meet_command_plans_for_the_only_mentorship(harness: Harness) -> None:
    harness.clock.set(SATURDAY)
    make_pair(harness)
    response = harness.command("meet", user_id=MENTEE)
    assert response.status == 200
    assert len(offers(harness)) == 1
    harness.clock.set(SATURDAY + timedelta(minutes=1))
    replies = [str(c.args.get("text")) for c in harness.fake.calls_to("response_url")]
    assert any("I've offered" in reply for reply in replies)


def test_an_ended_mentorship_withdraws_the_meeting_to_come(harness: Harness) -> None:
    planned_pair(harness)
    value = pick_buttons(offers(harness)[0])["Wed 9 Dec at 12:30"]
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.2", value=value)
    harness.tick()
    harness.clock.advance(timedelta(hours=1))
    end_mentorship(harness, by=MENTEE, other=MENTOR)
    assert [p.status for p in plans(harness)] == ["ended"]
    harness.tick()
    harness.tick()
    for member in (MENTOR, MENTEE):
        sent = meeting_files(harness, member)
        assert [str(c["METHOD"]) for c in sent] == ["REQUEST", "CANCEL"]
        (first,), (withdrawn,) = (c.walk("VEVENT") for c in sent)
        assert str(withdrawn["UID"]) == str(first["UID"])
        assert int(withdrawn["SEQUENCE"]) > int(first["SEQUENCE"])


def test_my_data_holds_the_meetings_planned(harness: Harness) -> None:
    planned_pair(harness)
    value = pick_buttons(offers(harness)[0])["Mon 7 Dec at 12:30"]
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=value)
    harness.fake.reset_calls()
    harness.command("my data", user_id=MENTEE)
    export = {f.filename: f.content.decode() for f in harness.fake.files}
    (data,) = [json.loads(text) for name, text in export.items() if name.endswith(".json")]
    (mentorship,) = data["mentorships"]
    (meeting,) = mentorship["meetings_planned"]
    assert (meeting["proposed_by"], meeting["offered_to"], meeting["status"]) == (
        MENTEE,
        MENTOR,
        "agreed",
    )
    assert meeting["starts_at"].startswith("2026-12-07T17:30")
    (readable,) = [text for name, text in export.items() if name.endswith(".md")]
    assert "### Meetings planned" in readable


def test_picking_another_time_moves_the_meeting_in_both_calendars(harness: Harness) -> None:
    pairing_id = planned_pair(harness)
    first = pick_buttons(offers(harness)[0])["Mon 7 Dec at 12:30"]
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=first)
    harness.tick()

    # The mentor plans again: the mentee is offered times that would move Monday's meeting.
    plan(harness, pairing_id, by=MENTOR)
    (offer,) = [
        c for c in dms_to(harness, MENTEE) if ids.MEETING_OTHER in buttons(c.args["blocks"])
    ]
    assert "move your meeting of Mon 7 Dec at 12:30" in all_text(offer.args["blocks"])
    later = pick_buttons(offer)["Wed 9 Dec at 12:30"]
    harness.block_action(user_id=MENTEE, action_id=f"{ids.MEETING_PICK}.2", value=later)
    harness.tick()

    moved, agreed = plans(harness)
    assert (moved.status, agreed.status) == ("moved", "agreed")
    for member in (MENTOR, MENTEE):
        sent = meeting_files(harness, member)
        events = [(str(c["METHOD"]), str(c.walk("VEVENT")[0]["UID"])) for c in sent]
        assert sorted(events) == sorted(
            [
                ("REQUEST", meeting_uid(moved.id)),
                ("CANCEL", meeting_uid(moved.id)),
                ("REQUEST", meeting_uid(agreed.id)),
            ]
        )
    # Home shows the new time only.
    homes = [c for c in harness.fake.calls_to("views.publish") if c.args["user_id"] == MENTEE]
    shown = all_text(homes[-1].args["view"]["blocks"])
    assert "Next meeting planned: Wed 9 Dec at 12:30" in shown


def test_other_times_on_an_offer_to_move_still_say_what_they_move(harness: Harness) -> None:
    pairing_id = planned_pair(harness)
    first = pick_buttons(offers(harness)[0])["Mon 7 Dec at 12:30"]
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=first)
    plan(harness, pairing_id, by=MENTOR)
    (offer,) = [
        c for c in dms_to(harness, MENTEE) if ids.MEETING_OTHER in buttons(c.args["blocks"])
    ]
    plan_id = next(iter(pick_buttons(offer).values())).split(":")[0]
    harness.block_action(user_id=MENTEE, action_id=ids.MEETING_OTHER, value=plan_id)

    (redrawn,) = [
        c for c in harness.fake.calls_to("chat.update") if c.args["ts"] == offer.response["ts"]
    ]
    assert "move your meeting of Mon 7 Dec at 12:30" in all_text(redrawn.args["blocks"])
    assert list(pick_buttons(redrawn)) != list(pick_buttons(offer))


def withdraw_buttons(harness: Harness) -> list[str]:
    """The plan ids on **Withdraw these times** in what the planner was told privately."""
    replies = [
        *harness.fake.calls_to("response_url"),
        *harness.fake.calls_to("chat.postEphemeral"),
    ]
    return [
        str(found[ids.MEETING_WITHDRAW]["value"])
        for reply in replies
        if ids.MEETING_WITHDRAW in (found := buttons(reply.args.get("blocks") or []))
    ]


def test_the_planner_withdraws_their_times_and_may_offer_new_ones(harness: Harness) -> None:
    pairing_id = planned_pair(harness)
    (offer,) = offers(harness)
    (first,) = plans(harness)
    assert withdraw_buttons(harness) == [str(first.id)]
    plan(harness, pairing_id)  # planning again says so, with the same button
    assert withdraw_buttons(harness) == [str(first.id)] * 2
    harness.fake.reset_calls()

    harness.block_action(user_id=MENTEE, action_id=ids.MEETING_WITHDRAW, value=str(first.id))
    harness.block_action(user_id=MENTEE, action_id=ids.MEETING_WITHDRAW, value=str(first.id))

    assert [p.status for p in plans(harness)] == ["withdrawn"]
    (redrawn,) = harness.fake.calls_to("chat.update")  # the mentor's offer, as recorded
    assert redrawn.args["ts"] == offer.response["ts"]
    assert "withdrew the times" in all_text(redrawn.args["blocks"])
    assert pick_buttons(redrawn) == {}
    replies = ephemeral_replies(harness)
    assert sum("I've withdrawn the times you offered" in r for r in replies) == 1
    assert sum("aren't on offer any more" in r for r in replies) == 1

    # The mentor's old buttons pick nothing now; new times can be offered.
    value = next(iter(pick_buttons(offer).values()))
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=value)
    assert [p.status for p in plans(harness)] == ["withdrawn"]
    plan(harness, pairing_id)
    assert [p.status for p in plans(harness)] == ["withdrawn", "offered"]
    assert len(offers(harness)) == 1


def test_only_the_planner_withdraws_and_only_before_a_pick(harness: Harness) -> None:
    planned_pair(harness)
    (offer,) = offers(harness)
    (offered,) = plans(harness)
    harness.fake.reset_calls()

    for who in (MENTOR, STRANGER):
        harness.block_action(user_id=who, action_id=ids.MEETING_WITHDRAW, value=str(offered.id))
    harness.block_action(user_id=MENTEE, action_id=ids.MEETING_WITHDRAW, value="x")

    assert [p.status for p in plans(harness)] == ["offered"]
    assert harness.fake.calls_to("chat.update") == []
    replies = ephemeral_replies(harness)
    assert any(f"Only <@{MENTEE}> can withdraw" in r for r in replies)
    assert any("can't find that meeting plan" in r for r in replies)

    value = next(iter(pick_buttons(offer).values()))
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=value)
    harness.block_action(user_id=MENTEE, action_id=ids.MEETING_WITHDRAW, value=str(offered.id))
    assert [p.status for p in plans(harness)] == ["agreed"]


def offer_redraws(harness: Harness, offer: Call) -> list[Call]:
    return [c for c in harness.fake.calls_to("chat.update") if c.args["ts"] == offer.response["ts"]]


def test_ending_the_mentorship_closes_the_offer_waiting_for_a_pick(harness: Harness) -> None:
    planned_pair(harness)
    (offer,) = offers(harness)
    (offered,) = plans(harness)
    harness.fake.reset_calls()

    end_mentorship(harness, by=MENTEE, other=MENTOR)

    assert [p.status for p in plans(harness)] == ["ended"]
    (redrawn,) = offer_redraws(harness, offer)  # the mentor's offer, as the app recorded it
    assert redrawn.args["channel"] == offer.response["channel"]
    assert "This mentorship has ended" in all_text(redrawn.args["blocks"])
    assert pick_buttons(redrawn) == {}
    assert ids.MEETING_OTHER not in buttons(redrawn.args["blocks"])

    # The old buttons, and the planner's Withdraw, change nothing and say why.
    harness.fake.reset_calls()
    value = next(iter(pick_buttons(offer).values()))
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=value)
    harness.block_action(user_id=MENTOR, action_id=ids.MEETING_OTHER, value=str(offered.id))
    harness.block_action(user_id=MENTEE, action_id=ids.MEETING_WITHDRAW, value=str(offered.id))
    assert [p.status for p in plans(harness)] == ["ended"]
    assert harness.fake.calls_to("chat.update") == []
    assert meeting_files(harness, MENTOR) == []
    replies = ephemeral_replies(harness)
    assert len(replies) == 3
    assert all("That mentorship has ended" in r for r in replies)


def test_other_times_on_an_offer_left_open_by_an_ended_mentorship_offer_nothing(
    harness: Harness,
) -> None:
    """An offer still marked waiting although its mentorship ended (one saved before endings
    closed offers) offers no later times."""
    pairing_id = planned_pair(harness)
    (offer,) = offers(harness)
    end_mentorship(harness, by=MENTEE, other=MENTOR)
    with harness.session() as session:
        (row,) = session.scalars(select(MeetingPlan).where(MeetingPlan.pairing_id == pairing_id))
        row.status = "offered"
    harness.fake.reset_calls()

    harness.block_action(user_id=MENTOR, action_id=ids.MEETING_OTHER, value=str(row.id))

    assert [p.status for p in plans(harness)] == ["offered"]
    assert plans(harness)[0].options == row.options
    assert offer_redraws(harness, offer) == []
    assert any("That mentorship has ended" in r for r in ephemeral_replies(harness))


def test_a_coordinator_closing_the_mentorship_closes_its_offer(harness: Harness) -> None:
    pairing_id = planned_pair(harness)
    (offer,) = offers(harness)
    harness.fake.reset_calls()

    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_CLOSE, value=str(pairing_id), ephemeral=True
    )

    assert [p.status for p in plans(harness)] == ["ended"]
    (redrawn,) = offer_redraws(harness, offer)
    assert "This mentorship has ended" in all_text(redrawn.args["blocks"])


def test_the_planner_leaving_the_workspace_closes_their_offer(harness: Harness) -> None:
    planned_pair(harness)
    (offer,) = offers(harness)
    harness.fake.reset_calls()

    harness.event(user_change(MENTEE, deleted=True), event_id="Ev0PLANNERGONE")

    assert [p.status for p in plans(harness)] == ["ended"]
    (redrawn,) = offer_redraws(harness, offer)
    assert pick_buttons(redrawn) == {}


def test_a_meeting_still_to_come_is_called_off_and_one_held_keeps_its_time(
    harness: Harness,
) -> None:
    pairing_id = planned_pair(harness)
    held = pick_buttons(offers(harness)[0])["Mon 7 Dec at 12:30"]
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=held)
    harness.clock.set(datetime(2026, 12, 8, 15, 0, tzinfo=UTC))  # after Monday's meeting
    plan(harness, pairing_id)
    coming = next(iter(pick_buttons(offers(harness)[-1]).values()))
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.0", value=coming)
    assert [p.status for p in plans(harness)] == ["agreed", "agreed"]

    end_mentorship(harness, by=MENTOR, other=MENTEE)

    assert [p.status for p in plans(harness)] == ["agreed", "ended"]
    harness.fake.reset_calls()
    harness.command("my data", user_id=MENTEE)
    export = {f.filename: f.content.decode() for f in harness.fake.files}
    (data,) = [json.loads(text) for name, text in export.items() if name.endswith(".json")]
    (mentorship,) = data["mentorships"]
    assert [m["status"] for m in mentorship["meetings_planned"]] == ["agreed", "ended"]


def test_a_coordinator_reassigning_the_mentee_closes_the_old_mentorships_offer(
    harness: Harness,
) -> None:
    pairing_id = planned_pair(harness)
    (offer,) = offers(harness)
    harness.block_action(user_id=COORDINATOR, action_id=ids.DIGEST_REASSIGN, value=str(pairing_id))
    form = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.fake.reset_calls()

    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.DIGEST_REASSIGN_VIEW,
        private_metadata=form["private_metadata"],
        values=modal_values(
            who=(
                ids.SUGGEST_BLOCK,
                ids.SUGGEST_INPUT,
                {"type": "users_select", "selected_user": STRANGER},
            ),
            note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed("")),
        ),
    )

    assert [p.status for p in plans(harness)] == ["ended"]
    (redrawn,) = offer_redraws(harness, offer)
    assert "This mentorship has ended" in all_text(redrawn.args["blocks"])


def test_a_partner_leaving_takes_the_meeting_off_the_other_calendar(harness: Harness) -> None:
    planned_pair(harness)
    value = pick_buttons(offers(harness)[0])["Wed 9 Dec at 12:30"]
    harness.block_action(user_id=MENTOR, action_id=f"{ids.MEETING_PICK}.2", value=value)
    harness.tick()
    harness.clock.advance(timedelta(hours=1))

    harness.event(user_change(MENTEE, deleted=True), event_id="Ev0PLANNERGONE")
    harness.tick()
    harness.tick()

    sent = meeting_files(harness, MENTOR)
    assert [str(c["METHOD"]) for c in sent] == ["REQUEST", "CANCEL"]
    assert [str(c["METHOD"]) for c in meeting_files(harness, MENTEE)] == ["REQUEST"]
    assert [p.status for p in plans(harness)] == ["ended"]

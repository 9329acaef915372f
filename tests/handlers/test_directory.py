"""Profiles, the directory and the waiting list end to end: signed requests in, the loopback
Slack fake out, a real database."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select

from bot.programs import ProgramValues, Source
from handlers import ids
from handlers.blocks.directory import Labels, waiting_list_lines
from storage.models import MentorProfile, ScheduledSend, TraineeProfile, WaitingEntry
from storage.pairings import create_pairing
from storage.programs import add_members, create_program, default_program
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import (
    all_text,
    buttons,
    count_requests,
    dms_to,
    ephemeral_replies,
    last_dm,
    modal_values,
    only_pairing,
    only_request,
    selected,
    typed,
)
from tests.harness import Harness

HOSTILE = "<!channel> & <@U0STRANGE> *bold*"


def many(*values: str, kind: str = "multi_static_select") -> dict[str, Any]:
    return {
        "type": kind,
        "selected_options": [
            {"value": v, "text": {"type": "plain_text", "text": v}} for v in values
        ],
    }


def mentor_values(
    *,
    listed: bool = True,
    open_: bool = True,
    focus: tuple[str, ...] = ("research",),
    bio: str = "",
    conflicts: tuple[str, ...] = (),
) -> dict[str, Any]:
    return modal_values(
        listed=(
            ids.LISTED_BLOCK,
            ids.LISTED_INPUT,
            selected("yes" if listed else "no", "radio_buttons"),
        ),
        open=(ids.OPEN_BLOCK, ids.OPEN_INPUT, selected("yes" if open_ else "no", "radio_buttons")),
        focuses=(ids.FOCUSES_BLOCK, ids.FOCUSES_INPUT, many(*focus)),
        specialty=(ids.SPECIALTY_BLOCK, ids.SPECIALTY_INPUT, selected("general-surgery")),
        stages=(ids.STAGES_BLOCK, ids.STAGES_INPUT, many("resident")),
        formats=(ids.FORMATS_BLOCK, ids.FORMATS_INPUT, many("call", "coffee", kind="checkboxes")),
        languages=(ids.LANGUAGES_BLOCK, ids.LANGUAGES_INPUT, typed("English, Spanish")),
        bio=(ids.BIO_BLOCK, ids.BIO_INPUT, typed(bio)),
        conflicts=(
            ids.CONFLICTS_BLOCK,
            ids.CONFLICTS_INPUT,
            {"type": "multi_users_select", "selected_users": list(conflicts)},
        ),
    )


def trainee_values(note: str = "Planning my first study") -> dict[str, Any]:
    return modal_values(
        stage=(ids.STAGE_BLOCK, ids.STAGE_INPUT, selected("resident")),
        specialty=(ids.SPECIALTY_BLOCK, ids.SPECIALTY_INPUT, selected("general-surgery")),
        focuses=(ids.FOCUSES_BLOCK, ids.FOCUSES_INPUT, many("research")),
        note=(ids.NOTE_BLOCK, ids.NOTE_INPUT, typed(note)),
    )


def opened(harness: Harness, callback_id: str) -> dict[str, Any]:
    views = [c.args["view"] for c in harness.fake.calls_to("views.open") if c.error is None]
    found = [v for v in views if v["callback_id"] == callback_id]
    assert found, f"no {callback_id} modal opened"
    return found[-1]


def stored_view(harness: Harness, callback_id: str) -> dict[str, Any]:
    """The fake's modal showing ``callback_id``; a trainee profile modal answered with
    ``response_action: update`` shows the results under its own id."""
    views = list(harness.fake.views.values())
    found = [v for v in views if v.get("callback_id") == callback_id] or [
        v for v in views if v.get("callback_id") == ids.TRAINEE_PROFILE_VIEW
    ]
    assert found
    return found[-1]


def stored_view_id(harness: Harness, callback_id: str) -> str:
    return str(stored_view(harness, callback_id)["id"])


def shown_view(harness: Harness, view: dict[str, Any]) -> dict[str, Any]:
    """``view`` as a payload carries it: under the id and hash of the modal Slack shows."""
    stored = stored_view(harness, view["callback_id"])
    return {**view, "id": stored["id"], "hash": stored["hash"]}


def save_mentor(harness: Harness, user_id: str = MENTOR, **kwargs: Any) -> None:
    harness.command("profile mentor", user_id=user_id)
    opened(harness, ids.MENTOR_PROFILE_VIEW)
    response = harness.view_submission(
        user_id=user_id, callback_id=ids.MENTOR_PROFILE_VIEW, values=mentor_values(**kwargs)
    )
    assert response.status == 200
    assert response.body in ("", b"", None) or "errors" not in response.body


def first_find(
    harness: Harness, text: str = "find research", note: str = "Planning my first study"
) -> dict[str, Any]:
    """The first /mentor find: the trainee profile, then (its submission) the results."""
    harness.command(text, user_id=MENTEE)
    form = opened(harness, ids.TRAINEE_PROFILE_VIEW)
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.TRAINEE_PROFILE_VIEW,
        values=trainee_values(note),
        private_metadata=form["private_metadata"],
    )
    answer = response.json()
    assert answer["response_action"] == "update"
    view: dict[str, Any] = answer["view"]
    assert view["callback_id"] == ids.DIRECTORY_VIEW
    return view


def find(harness: Harness, text: str = "find research", user_id: str = MENTEE) -> dict[str, Any]:
    harness.fake.reset_calls()
    harness.command(text, user_id=user_id)
    return opened(harness, ids.DIRECTORY_VIEW)


def tap(
    harness: Harness, view: dict[str, Any], action_id: str, value: str, user_id: str = MENTEE
) -> None:
    shown = shown_view(harness, view)
    harness.block_action(user_id=user_id, action_id=action_id, value=value, view=shown)


def test_profile_find_ask_accept(harness: Harness) -> None:
    harness.command("capacity 3", user_id=MENTOR)
    save_mentor(harness)
    results = first_find(harness)

    shown = all_text(results["blocks"])
    assert f"<@{MENTOR}>" in shown
    assert "Research · General surgery · 3 of 3 places free" in shown
    assert "your working hours overlap 7 h" in shown  # New York and Chicago
    assert "call or coffee" in shown
    ask = buttons(results["blocks"])[ids.DIRECTORY_ASK]
    assert ask["value"] == MENTOR

    tap(harness, results, ids.DIRECTORY_ASK, MENTOR)
    request = only_request(harness)
    assert (request.mentee_id, request.mentor_id, request.focus) == (MENTEE, MENTOR, "research")
    assert request.note == "Planning my first study"
    with harness.session() as session:
        assert request.program_id == default_program(session).id
    updated = harness.fake.calls_to("views.update")[-1].args["view"]
    assert "I've asked" in all_text(updated["blocks"])

    dm = last_dm(harness, MENTOR)
    harness.block_action(
        user_id=MENTOR, action_id=ids.REQUEST_ACCEPT, value=str(request.id), message=dm.args
    )
    pairing = only_pairing(harness)
    assert (pairing.mentor_id, pairing.mentee_id, pairing.status) == (MENTOR, MENTEE, "active")

    # Now paired for research, the mentor is no longer offered to them for it.
    again = find(harness)
    assert f"<@{MENTOR}>" not in all_text(again["blocks"])


def test_a_hidden_profile_leaves_the_directory_at_once(harness: Harness) -> None:
    save_mentor(harness)
    save_mentor(harness, MENTOR2)
    results = first_find(harness)
    assert f"<@{MENTOR}>" in all_text(results["blocks"])

    save_mentor(harness, listed=False)
    assert f"<@{MENTOR}>" not in all_text(find(harness)["blocks"])
    assert f"<@{MENTOR2}>" in all_text(find(harness)["blocks"])

    # The Ask in the results shown before hiding no longer reaches them.
    tap(harness, results, ids.DIRECTORY_ASK, MENTOR)
    assert count_requests(harness) == 0
    note = harness.fake.calls_to("views.update")[-1].args["view"]
    assert "can't take new mentees" in all_text(note["blocks"])


def test_nobody_fits_join_the_waiting_list_and_hear_once_when_a_place_frees(
    harness: Harness,
) -> None:
    harness.command("capacity 1", user_id=MENTOR)
    save_mentor(harness)
    with harness.session() as session:
        create_pairing(
            session,
            program_id=default_program(session).id,
            mentor_id=MENTOR,
            mentee_id=STRANGER,
            focus="research",
            origin="request",
            now=harness.clock(),
        )
    results = first_find(harness)
    assert "Nobody fits just now" in all_text(results["blocks"])
    tap(harness, results, ids.DIRECTORY_WAIT, "research")
    with harness.session() as session:
        (entry,) = session.scalars(select(WaitingEntry)).all()
        assert (entry.user_id, entry.focus, entry.status) == (MENTEE, "research", "waiting")
    assert dms_to(harness, MENTEE) == []

    harness.command("capacity 2", user_id=MENTOR)
    notices = [
        d for d in dms_to(harness, MENTEE) if ids.WAITING_ASK in buttons(d.args.get("blocks"))
    ]
    assert len(notices) == 1
    assert f"<@{MENTOR}>" in all_text(notices[0].args["blocks"])

    # Raising it again, a profile saved again, and the scheduler: nobody is told twice.
    harness.command("capacity 3", user_id=MENTOR)
    save_mentor(harness)
    harness.tick()
    again = [d for d in dms_to(harness, MENTEE) if ids.WAITING_ASK in buttons(d.args.get("blocks"))]
    assert len(again) == 1
    with harness.session() as session:
        sends = session.scalars(
            select(ScheduledSend).where(ScheduledSend.kind == "waiting.place_free")
        ).all()
        assert [s.status for s in sends] == ["sent"]

    # Someone else can't use the notice; its owner asks with one tap.
    value = buttons(notices[0].args["blocks"])[ids.WAITING_ASK]["value"]
    harness.block_action(user_id=STRANGER, action_id=ids.WAITING_ASK, value=value)
    assert count_requests(harness) == 0
    harness.block_action(user_id=MENTEE, action_id=ids.WAITING_ASK, value=value)
    request = only_request(harness)
    assert (request.mentor_id, request.focus, request.note) == (
        MENTOR,
        "research",
        "Planning my first study",
    )


def test_a_mentorship_ending_frees_a_place_for_the_waiting_list(harness: Harness) -> None:
    harness.command("capacity 1", user_id=MENTOR)
    save_mentor(harness)
    with harness.session() as session:
        pairing = create_pairing(
            session,
            program_id=default_program(session).id,
            mentor_id=MENTOR,
            mentee_id=STRANGER,
            focus="research",
            origin="request",
            now=harness.clock(),
        )
        pairing_id = pairing.id
    results = first_find(harness)
    tap(harness, results, ids.DIRECTORY_WAIT, "research")
    harness.view_submission(
        user_id=MENTOR,
        callback_id=ids.END_VIEW,
        private_metadata=str(pairing_id),
        values=modal_values(
            outcome=(ids.OUTCOME_BLOCK, ids.OUTCOME_INPUT, selected("completed", "radio_buttons")),
            visibility=(
                ids.VISIBILITY_BLOCK,
                ids.VISIBILITY_INPUT,
                selected("coordinators", "radio_buttons"),
            ),
        ),
    )
    notices = [
        d for d in dms_to(harness, MENTEE) if ids.WAITING_ASK in buttons(d.args.get("blocks"))
    ]
    assert len(notices) == 1


def test_forged_asks_and_filters_are_refused_and_change_nothing(harness: Harness) -> None:
    save_mentor(harness)
    results = first_find(harness)
    with harness.session() as session:
        other = create_program(
            session,
            name="Nursing",
            values=ProgramValues(),
            open_to_join=False,
            now=harness.clock(),
            by=None,
        )
        add_members(session, other.id, [MENTOR2], source=Source.ADDED, now=harness.clock())
        other_id = other.id
    metadata = json.loads(results["private_metadata"])

    forged_program = {**results, "private_metadata": json.dumps({**metadata, "p": other_id})}
    tap(harness, forged_program, ids.DIRECTORY_ASK, MENTOR)
    forged_focus = {**results, "private_metadata": json.dumps({**metadata, "f": "not-a-focus"})}
    tap(harness, forged_focus, ids.DIRECTORY_ASK, MENTOR)
    garbage = {**results, "private_metadata": "{not json"}
    tap(harness, garbage, ids.DIRECTORY_ASK, MENTOR)
    tap(harness, results, ids.DIRECTORY_ASK, "<!channel>")
    tap(harness, results, ids.DIRECTORY_ASK, MENTEE)  # themselves
    assert count_requests(harness) == 0

    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.DIRECTORY_FILTERS_VIEW,
        private_metadata=json.dumps({**metadata, "p": other_id}),
        values={},
    )
    assert "response_action" not in (response.body or "")
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.DIRECTORY_FILTERS_VIEW,
        private_metadata=results["private_metadata"],
        values=modal_values(focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("made-up"))),
    )
    assert response.json()["response_action"] == "errors"
    tap(harness, results, ids.DIRECTORY_WAIT, "wellbeing")  # not the search's focus
    with harness.session() as session:
        assert session.scalars(select(WaitingEntry)).all() == []


def test_filters_and_show_more(harness: Harness) -> None:
    for user in (MENTOR, MENTOR2, STRANGER):
        save_mentor(harness, user, focus=("research", "wellbeing"))
    results = first_find(harness, "find")
    tap(harness, results, ids.DIRECTORY_FILTERS_OPEN, "filters")
    filters = harness.fake.calls_to("views.update")[-1].args["view"]
    assert filters["callback_id"] == ids.DIRECTORY_FILTERS_VIEW
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.DIRECTORY_FILTERS_VIEW,
        private_metadata=filters["private_metadata"],
        values=modal_values(
            focus=(ids.FOCUS_BLOCK, ids.FOCUS_INPUT, selected("wellbeing")),
            format=(ids.FORMAT_BLOCK, ids.FORMAT_INPUT, selected("coffee")),
        ),
    )
    view = response.json()["view"]
    assert json.loads(view["private_metadata"])["f"] == "wellbeing"
    assert "Wellbeing · Coffee" in all_text(view["blocks"])


def test_bio_and_note_are_escaped(harness: Harness) -> None:
    save_mentor(harness, bio=HOSTILE)
    results = first_find(harness, note=HOSTILE)
    shown = all_text(results["blocks"])
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt; &amp; &lt;@U0STRANGE&gt;" in shown
    tap(harness, results, ids.DIRECTORY_ASK, MENTOR)
    dm = all_text(last_dm(harness, MENTOR).args["blocks"])
    assert "<!channel>" not in dm
    assert "&lt;!channel&gt;" in dm


def test_profile_modal_keeps_what_was_saved_and_refuses_a_long_bio(harness: Harness) -> None:
    save_mentor(harness, bio="Short bio")
    harness.fake.reset_calls()
    harness.command("profile mentor", user_id=MENTOR)
    assert "Short bio" in json.dumps(opened(harness, ids.MENTOR_PROFILE_VIEW))
    response = harness.view_submission(
        user_id=MENTOR, callback_id=ids.MENTOR_PROFILE_VIEW, values=mentor_values(bio="x" * 501)
    )
    assert ids.BIO_BLOCK in response.json()["errors"]
    with harness.session() as session:
        saved = session.get(MentorProfile, MENTOR)
        assert saved is not None
        assert saved.bio == "Short bio"


def test_coordinators_see_the_waiting_list_per_focus_in_the_digest(harness: Harness) -> None:
    save_mentor(harness, open_=False)
    results = first_find(harness)
    tap(harness, results, ids.DIRECTORY_WAIT, "research")
    harness.fake.reset_calls()
    response = harness.command("digest", user_id=COORDINATOR)
    replies = [c.args for c in harness.fake.calls_to("response_url")]
    shown = response.body + "".join(all_text(r.get("blocks")) for r in replies)
    assert "Waiting for a mentor:* 1" in shown
    assert "• Research: 1" in shown
    # Counts only: nobody on the list is named.
    assert MENTEE not in shown


def test_waiting_list_lines_are_counts_most_waiting_first() -> None:
    labels = Labels(focus={"research": "Research", "wellbeing": "Well<being>"}, specialties={})
    lines = waiting_list_lines({"research": 1, "wellbeing": 3, "gone": 0}, labels)
    assert lines == [
        "*Waiting for a mentor:* 4",
        "• Well&lt;being&gt;: 3",
        "• Research: 1",
    ]
    assert waiting_list_lines({}, labels) == []


def test_the_directory_shows_only_the_programs_own_mentors(harness: Harness) -> None:
    with harness.session() as session:
        surgery = create_program(
            session,
            name="Surgery",
            values=ProgramValues(focus_areas=("Research", "Operating skills")),
            open_to_join=False,
            now=harness.clock(),
            by=None,
        )
        add_members(session, surgery.id, [MENTOR], source=Source.ADDED, now=harness.clock())
    save_mentor(harness, MENTOR)
    save_mentor(harness, MENTOR2)
    # Everyone the app meets is in the default program, and being in Surgery too takes no one
    # out of it: both mentors are in the default program's directory.
    results = first_find(harness)
    assert f"<@{MENTOR2}>" in all_text(results["blocks"])
    assert f"<@{MENTOR}>" in all_text(results["blocks"])
    # Naming a program one isn't in is refused.
    harness.fake.reset_calls()
    harness.command("find research in Surgery", user_id=MENTEE)
    assert harness.fake.calls_to("views.open") == []
    assert any("not in" in reply for reply in ephemeral_replies(harness))

    with harness.session() as session:
        add_members(session, surgery.id, [MENTEE], source=Source.ADDED, now=harness.clock())
    in_surgery = find(harness, "find research in Surgery")
    shown = all_text(in_surgery["blocks"])
    assert f"<@{MENTOR}>" in shown
    assert f"<@{MENTOR2}>" not in shown
    assert "in Surgery" in shown


def test_racing_free_places_tell_each_waiting_trainee_once(harness: Harness) -> None:
    harness.command("capacity 1", user_id=MENTOR)
    save_mentor(harness)
    with harness.session() as session:
        create_pairing(
            session,
            program_id=default_program(session).id,
            mentor_id=MENTOR,
            mentee_id=STRANGER,
            focus="research",
            origin="request",
            now=harness.clock(),
        )
    results = first_find(harness)
    tap(harness, results, ids.DIRECTORY_WAIT, "research")

    # Two changes that free a place arrive at once (two tabs, a retry): one notice.
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(
                lambda limit: harness.sender.command(
                    f"capacity {limit}", user_id=MENTOR, response_url=harness.fake.response_url()
                ),
                (2, 3),
            )
        )
    harness.wait_idle()
    assert [a.status for a in answers] == [200, 200]
    notices = [
        d for d in dms_to(harness, MENTEE) if ids.WAITING_ASK in buttons(d.args.get("blocks"))
    ]
    assert len(notices) == 1


def test_a_trainee_profile_carrying_another_programs_search_is_refused_and_saves_nothing(
    harness: Harness,
) -> None:
    harness.command("find research", user_id=MENTEE)
    form = opened(harness, ids.TRAINEE_PROFILE_VIEW)
    with harness.session() as session:
        other = create_program(
            session,
            name="Nursing",
            values=ProgramValues(),
            open_to_join=False,
            now=harness.clock(),
            by=None,
        )
        other_id = other.id
    metadata = json.loads(form["private_metadata"])
    response = harness.view_submission(
        user_id=MENTEE,
        callback_id=ids.TRAINEE_PROFILE_VIEW,
        values=trainee_values(),
        private_metadata=json.dumps({**metadata, "p": other_id}),
    )
    assert "response_action" not in (response.body or "")
    with harness.session() as session:
        assert session.scalars(select(TraineeProfile)).all() == []

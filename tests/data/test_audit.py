"""The coordinators' audit log: each action recorded, and ``/mentor report audit`` giving a
program's coordinators that program's entries only, through the running app."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from bot.programs import ProgramValues, Role, Source
from handlers import ids
from storage.models import AuditEntry, Pairing
from storage.programs import add_members, create_program, default_program_id
from tests.conftest import COORDINATOR, MENTEE, MENTOR, MENTOR2, STRANGER
from tests.handlers.helpers import ephemeral_replies
from tests.harness import Harness
from tests.slack.signed_client import AppResponse

NURSING = "Nursing fellowship"


def replied(harness: Harness, response: AppResponse) -> str:
    """What the person was told privately: in the command's answer, or after it."""
    body = response.json() if response.body else {}
    return "\n".join([str(body.get("text") or ""), *ephemeral_replies(harness)])


def audit_rows(harness: Harness) -> list[dict[str, str]]:
    (upload,) = [f for f in harness.fake.files if f.filename == "audit-log.csv"][-1:]
    return list(csv.DictReader(io.StringIO(upload.content.decode())))


def nursing_coordinated_by(harness: Harness, coordinator: str) -> int:
    with harness.session() as session:
        program = create_program(
            session,
            name=NURSING,
            values=ProgramValues(focus_areas=("Research",)),
            open_to_join=False,
            now=harness.clock(),
            by=None,
        )
        add_members(
            session,
            program.id,
            [coordinator],
            role=Role.COORDINATOR,
            source=Source.ADDED,
            now=harness.clock(),
        )
        return program.id


def test_assign_nudge_close_and_reports_are_recorded_and_downloadable(harness: Harness) -> None:
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> research", user_id=COORDINATOR)
    with harness.session() as session:
        pairing_id = session.scalars(select(Pairing.id)).one()
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_NUDGE, value=str(pairing_id), ephemeral=True
    )
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_CLOSE, value=str(pairing_id), ephemeral=True
    )
    harness.command("report", user_id=COORDINATOR)
    harness.command("report chart", user_id=COORDINATOR)
    harness.command("report audit", user_id=COORDINATOR)

    rows = audit_rows(harness)
    subject = f"pairing:{pairing_id}"
    assert [(r["actor"], r["action"], r["subject"]) for r in rows] == [
        (COORDINATOR, "assign", subject),
        (COORDINATOR, "nudge", subject),
        (COORDINATOR, "close", subject),
        (COORDINATOR, "report.download", ""),
        (COORDINATOR, "report.chart", ""),
        (COORDINATOR, "report.audit", ""),
    ]
    assert all(r["at_utc"].endswith("Z") for r in rows)


def test_a_coordinator_of_another_program_sees_none_of_it(harness: Harness) -> None:
    nursing = nursing_coordinated_by(harness, STRANGER)
    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> research", user_id=COORDINATOR)
    harness.command("report audit", user_id=STRANGER)
    assert [(r["actor"], r["action"]) for r in audit_rows(harness)] == [(STRANGER, "report.audit")]
    with harness.session() as session:
        programs = {e.action: e.program_id for e in session.scalars(select(AuditEntry)).all()}
        assert programs == {"assign": default_program_id(session), "report.audit": nursing}


def test_someone_coordinating_two_programs_names_one(harness: Harness) -> None:
    nursing_coordinated_by(harness, COORDINATOR)
    response = harness.command("report audit", user_id=COORDINATOR)
    assert "more than one program" in replied(harness, response)
    assert harness.fake.files == []
    harness.command(f"report audit in {NURSING}", user_id=COORDINATOR)
    assert [r["action"] for r in audit_rows(harness)] == ["report.audit"]


def test_members_cannot_download_the_audit_log(harness: Harness) -> None:
    harness.command(f"ask <@{MENTOR2}> research", user_id=MENTEE)
    response = harness.command("report audit", user_id=MENTEE)
    assert "program coordinators" in replied(harness, response)
    assert harness.fake.files == []
    with harness.session() as session:
        assert session.scalars(select(AuditEntry)).all() == []


def test_audit_cells_cannot_run_as_formulas() -> None:
    from datetime import UTC, datetime

    from handlers.flows.audit import build_audit_csv

    entry = AuditEntry(
        program_id=1,
        actor="U0COORD01",
        action="forget",
        subject="=HYPERLINK()",
        detail="+1",
        at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    (row,) = list(csv.reader(io.StringIO(build_audit_csv([entry]).decode())))[1:]
    assert row[3:] == ["'=HYPERLINK()", "'+1"]


def test_a_reassignment_is_recorded_with_both_pairings(harness: Harness) -> None:
    from tests.coordinators.test_digest import _reassign_to

    harness.command(f"assign <@{MENTOR}> <@{MENTEE}> research", user_id=COORDINATOR)
    with harness.session() as session:
        old = session.scalars(select(Pairing.id)).one()
    _reassign_to(harness, old, MENTOR2)
    with harness.session() as session:
        new = session.scalars(select(Pairing.id).where(Pairing.mentor_id == MENTOR2)).one()
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.subject, e.detail) for e in entries] == [
            ("assign", f"pairing:{old}", ""),
            ("reassign", f"pairing:{old}", f"new pairing:{new}"),
        ]


def test_every_coordinator_action_is_recorded(harness: Harness) -> None:
    """Opening, closing early and cancelling a round, its CSV, a pulse, membership changes,
    opening a pair's Details (it shows what the pair shares) and a digest preview."""
    from tests.feedback.test_program_scope import _pulse_values
    from tests.handlers.helpers import modal_values
    from tests.handlers.test_matching import MENTORS, TRAINEES, close_now, open_round
    from tests.handlers.test_pairings import pair

    pairing_id = pair(harness)
    first = open_round(harness, TRAINEES[:2], MENTORS[:1])
    close_now(harness, first)
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CSV, value=str(first))
    second = open_round(harness, TRAINEES[2:4], MENTORS[1:2])
    harness.block_action(user_id=COORDINATOR, action_id=ids.MATCH_CANCEL, value=str(second))

    harness.command("survey", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.PULSE_VIEW,
        private_metadata=view["private_metadata"],
        values=_pulse_values(),
    )
    harness.command("program members", user_id=COORDINATOR)
    view = harness.fake.calls_to("views.open")[-1].args["view"]
    harness.view_submission(
        user_id=COORDINATOR,
        callback_id=ids.PROGRAM_MEMBERS_VIEW,
        private_metadata=view["private_metadata"],
        values=modal_values(
            add=(
                ids.PROGRAM_ADD_MEMBERS_BLOCK,
                ids.PROGRAM_ADD_MEMBERS_INPUT,
                {"type": "multi_users_select", "selected_users": [STRANGER]},
            ),
        ),
    )
    harness.block_action(
        user_id=COORDINATOR, action_id=ids.DIGEST_DETAILS, value=str(pairing_id), ephemeral=True
    )
    harness.command("digest", user_id=COORDINATOR)

    with harness.session() as session:
        done = [
            (a.action, a.subject)
            for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if a.actor == COORDINATOR
        ]
    assert done == [
        ("match.open", f"round:{first}"),
        ("match.close", f"round:{first}"),
        ("match.csv", f"round:{first}"),
        ("match.open", f"round:{second}"),
        ("match.cancel", f"round:{second}"),
        ("pulse.send", "pulse:1"),
        ("members.change", None),
        ("pair.details", f"pairing:{pairing_id}"),
        ("digest.preview", None),
    ]

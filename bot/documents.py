"""Readable Markdown documents made from what :mod:`storage.personal_data` reads: a person's
data export and a trainee's individual learning plan. Pure: values in, text out.

Whatever a person typed is escaped, so their text reads as written and never turns into
Markdown structure (headings, links, HTML) in a viewer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

# Brackets, emphasis, code, HTML, headings, tables and strike-through; the text never starts a
# line, so list markers need no escape, and parentheses mean nothing without brackets.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")

Name = Callable[[str], str]


def md_text(text: str | None) -> str:
    """``text`` as literal Markdown on one line: special characters escaped, lines joined."""
    if not text:
        return ""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _date(value: str | None) -> str:
    return value[:10] if value else "—"


def _lines(pairs: Iterable[tuple[str, str | int | None]]) -> list[str]:
    return [f"- **{label}:** {value}" for label, value in pairs if value not in (None, "")]


def _goals(goals: list[dict[str, Any]], tasks: list[dict[str, Any]], name: Name) -> list[str]:
    out: list[str] = []
    if not goals:
        out.append("_No goals yet._")
    for goal in goals:
        out.append(f"#### {md_text(goal['text'])}")
        out.extend(
            _lines(
                [
                    ("ACGME competency", md_text(goal["competency"]) or "not set"),
                    ("Status", goal["status"]),
                    ("Target date", _date(goal["target_date"])),
                    ("Set on", _date(goal["created_at"])),
                    (
                        "Achieved on" if goal["status"] == "achieved" else "Closed on",
                        _date(goal["closed_at"]) if goal["closed_at"] else None,
                    ),
                    ("Why it was closed", md_text(goal["close_reason"])),
                ]
            )
        )
        linked = [t for t in tasks if t["goal_id"] == goal["id"]]
        if linked:
            out.append("- **Tasks:**")
            out.extend(f"  - {_task_line(t, name)}" for t in linked)
        out.append("")
    loose = [t for t in tasks if t["goal_id"] not in {g["id"] for g in goals}]
    if loose:
        out.append("#### Other tasks")
        out.extend(f"- {_task_line(t, name)}" for t in loose)
        out.append("")
    return out


def _task_line(task: dict[str, Any], name: Name) -> str:
    done = f", done {_date(task['completed_at'])}" if task["completed_at"] else ""
    due = f", due {_date(task['due_date'])}" if task["due_date"] else ""
    return f"{md_text(task['text'])} ({task['status']}{due}{done}; for {name(task['assignee'])})"


def _reassessments(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["_No reassessments yet._", ""]
    out = [
        "| Date | Goals achieved | Goals dropped | Goals added | Tasks done | Tasks dropped |",
        "|---|---|---|---|---|---|",
    ]
    out.extend(
        f"| {_date(r['at'])} | {r['goals_achieved']} | {r['goals_dropped']} | "
        f"{r['goals_added']} | {r['tasks_done']} | {r['tasks_dropped']} |"
        for r in rows
    )
    out.append("")
    return out


INTRODUCTION_ANSWERS = {
    "made": "no answer yet",
    "accepted": "happy to talk",
    "declined": "not now",
}


def _introductions(rows: list[dict[str, Any]], name: Name) -> list[str]:
    if not rows:
        return ["_None yet._", ""]
    out = [
        f"- {name(r['colleague'])}, {_date(r['made_at'])}: "
        f"{INTRODUCTION_ANSWERS.get(r['status'], r['status'])}"
        + (f". Why: {md_text(r['why'])}" if r.get("why") else "")
        for r in rows
    ]
    return [*out, ""]


def learning_plan_markdown(plan: Mapping[str, Any], name: Name, made_on: str) -> str:
    """The trainee's individual learning plan: per mentorship, goals with their ACGME
    competency, status and dates, their tasks, and the reassessment history."""
    out = [
        f"# Individual learning plan: {md_text(name(plan['trainee']))}",
        "",
        f"Made on {made_on}. Goals, competencies, tasks and reassessments as agreed in mentorship.",
        "",
    ]
    if not plan["mentorships"]:
        out += ["_No mentorships yet._", ""]
    for pairing in plan["mentorships"]:
        out.append(f"## {md_text(pairing['focus'])} with {md_text(name(pairing['mentor']))}")
        out.extend(
            _lines(
                [
                    ("Program", md_text(pairing["program"])),
                    ("Mentor", md_text(name(pairing["mentor"]))),
                    ("Status", pairing["status"]),
                    ("Started", _date(pairing["started_at"])),
                    ("Ended", _date(pairing["ended_at"]) if pairing["ended_at"] else None),
                ]
            )
        )
        out += ["", "### Goals", ""]
        out += _goals(pairing["goals"], pairing["tasks"], lambda u: md_text(name(u)))
        out += ["### Reassessments", ""]
        out += _reassessments(pairing["reassessments"])
        out += ["### Introductions to colleagues", ""]
        out += _introductions(pairing["introductions"], lambda u: md_text(name(u)))
    return "\n".join(out).rstrip() + "\n"


def personal_data_markdown(data: Mapping[str, Any], name: Name, made_on: str) -> str:
    """Everything in the data export, readable by a person."""

    def who(user_id: str | None) -> str:
        return md_text(name(user_id)) if user_id else ""

    profile = data["profile"]
    out = [
        f"# Your data in mentorbot: {who(data['user_id'])}",
        "",
        f"Made on {made_on}. The JSON file beside this one holds the same, for machines.",
        "",
        "## Profile",
        *_lines(
            [
                ("Slack user id", data["user_id"]),
                ("Name", md_text(profile["display_name"])),
                ("Time zone", profile["timezone"]),
                ("Mentee capacity", profile["capacity"]),
            ]
        ),
        "",
        "## Programs",
        *(
            f"- {md_text(m['program'])}: {m['role']} since {_date(m['added_at'])}"
            for m in data["programs"]
        ),
        "",
        "## Requests you made",
        *(
            f"- To {who(r['mentor'])} for {md_text(r['focus'])}, {_date(r['created_at'])}: "
            f"{r['status']}" + (f". Your note: {md_text(r['note'])}" if r["note"] else "")
            for r in data["requests_made"]
        ),
        "",
        "## Requests you received",
        *(
            f"- From {who(r['mentee'])} for {md_text(r['focus'])}, {_date(r['created_at'])}: "
            f"{r['status']}" + (f". Their note: {md_text(r['note'])}" if r["note"] else "")
            for r in data["requests_received"]
        ),
        "",
    ]
    for pairing in data["mentorships"]:
        out.append(
            f"## Mentorship: {md_text(pairing['focus'])}, you as {pairing['role']} "
            f"with {who(pairing['partner'])}"
        )
        out.extend(
            _lines(
                [
                    ("Program", md_text(pairing["program"])),
                    ("Status", pairing["status"]),
                    ("Started", _date(pairing["started_at"])),
                    ("Ended", _date(pairing["ended_at"]) if pairing["ended_at"] else None),
                    ("Your reason for ending", md_text(pairing["end_reason"])),
                    ("Check-ins", pairing["cadence"]),
                ]
            )
        )
        out += ["", "### Goals and tasks", ""]
        out += _goals(pairing["goals"], pairing["tasks"], who)
        out += ["### Check-ins", ""]
        out += [
            f"- {_date(c['slot_at'])}: {c['answer'] or 'no answer'}"
            + (f". Your note: {md_text(c['note'])}" if c["note"] else "")
            for c in pairing["checkins"]
        ] or ["_None yet._"]
        out += ["", "### Reassessments", ""]
        out += _reassessments(pairing["reassessments"])
        out += ["### Introductions to colleagues", ""]
        out += _introductions(pairing["introductions"], who)
        planned = [m for m in pairing["meetings_planned"] if m["starts_at"]]
        if planned:
            out += ["### Meetings planned", ""]
            out += [
                f"- {m['starts_at'][:16].replace('T', ' ')} UTC"
                + (" (moved to another time)" if m["status"] == "moved" else "")
                for m in planned
            ]
            out.append("")
        if pairing["introductions_asked"]:
            out += ["### Introductions asked for", ""]
            out += [
                f"- {_date(a['asked_at'])}: {md_text(a['looking_for'])}"
                + (f" (answered {_date(a['answered_at'])})" if a["answered_at"] else "")
                for a in pairing["introductions_asked"]
            ]
            out.append("")
    if data["introductions_to_you"]:
        out += ["## Introductions to you", ""]
        out += [
            f"- {who(r['by_mentor'])} introduced {who(r['mentee'])} to you, "
            f"{_date(r['made_at'])}: {INTRODUCTION_ANSWERS.get(r['status'], r['status'])}"
            + (f". Why: {md_text(r['why'])}" if r["why"] else "")
            for r in data["introductions_to_you"]
        ]
        out.append("")
    out += ["## Changes you made", ""]
    out += [
        f"- {a['at'][:16].replace('T', ' ')} {md_text(a['kind'])}"
        + (f" (mentorship {a['mentorship']})" if a["mentorship"] else "")
        for a in data["activity"]
    ] or ["_None._"]
    if data["coordinator_actions"]:
        out += ["", "## What you did as a coordinator", ""]
        out += [
            f"- {e['at'][:16].replace('T', ' ')} {md_text(e['action'])} in "
            f"{md_text(e['program'])}" + (f" ({md_text(e['subject'])})" if e["subject"] else "")
            for e in data["coordinator_actions"]
        ]
    for extra, rows in data.items():
        if extra in _SHOWN:
            continue
        # Sections of other features (profiles, waiting list, matching): listed as they are.
        out += ["", f"## {md_text(extra.replace('_', ' ').capitalize())}", ""]
        if isinstance(rows, dict):
            out += [f"- **{md_text(key)}:** {md_text(str(value))}" for key, value in rows.items()]
        elif isinstance(rows, list):
            out += [f"- {md_text(str(row))}" for row in rows] or ["_None._"]
        else:
            out.append("_None._")
    return "\n".join(out).rstrip() + "\n"


_SHOWN = frozenset(
    {
        "user_id",
        "profile",
        "programs",
        "requests_made",
        "requests_received",
        "mentorships",
        "activity",
        "coordinator_actions",
    }
)

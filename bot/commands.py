"""``/mentor`` text parsed into typed commands; pure, so every grammar rule is unit-tested.

Slack sends mentions picked from the @-menu escaped (``<@U123|name>`` or ``<@U123>``) and
escapes ``& < >`` that people type; this module turns both back into plain values. Anything
it cannot understand becomes a :class:`CommandError` whose message is safe to show as-is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.focus import FocusArea, match_focus
from bot.text import Mrkdwn, fmt, md, normalise_user_text, plural, unescape

NOTE_LIMIT = 500
CAPACITY_LIMIT = 20

_TOKEN = re.compile(r"<[^<>\s]*>|[^\s<]+|<")
_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$")


class CommandError(Exception):
    """Text the user typed that the app cannot act on; ``message`` is shown to them."""

    def __init__(self, message: Mrkdwn) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Help:
    topic: str | None = None
    unknown: str | None = None


@dataclass(frozen=True)
class Ask:
    mentor_id: str
    focus: FocusArea | None
    note: str


@dataclass(frozen=True)
class Withdraw:
    mentor_id: str | None


@dataclass(frozen=True)
class Capacity:
    limit: int | None
    clear: bool = False


@dataclass(frozen=True)
class Assign:
    mentor_id: str
    mentee_id: str
    focus: FocusArea | None
    note: str


@dataclass(frozen=True)
class ListPairings:
    pass


@dataclass(frozen=True)
class End:
    other_id: str | None


@dataclass(frozen=True)
class SetCadence:
    other_id: str | None


@dataclass(frozen=True)
class GoalAdd:
    other_id: str | None
    text: str


@dataclass(frozen=True)
class Goals:
    other_id: str | None


@dataclass(frozen=True)
class TaskAdd:
    other_id: str | None
    text: str
    due_text: str | None  # checked by bot.dates with the caller's today


@dataclass(frozen=True)
class Tasks:
    other_id: str | None


@dataclass(frozen=True)
class Reassess:
    other_id: str | None


@dataclass(frozen=True)
class Pause:
    other_id: str | None
    until_text: str | None  # "2w", "until 2027-01-15"; None opens a picker


@dataclass(frozen=True)
class Resume:
    other_id: str | None


@dataclass(frozen=True)
class Digest:
    pass


@dataclass(frozen=True)
class Survey:
    """A program pulse (``/mentor survey``); the questions and days are asked in a modal."""


@dataclass(frozen=True)
class Match:
    pass


@dataclass(frozen=True)
class Find:
    """Look for a mentor: an optional focus, then words their profile must mention."""

    focus: FocusArea | None = None
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditProfile:
    """Open a profile form: "mentor", "trainee", or None to choose."""

    which: str | None = None


@dataclass(frozen=True)
class Report:
    kind: str  # "csv", "chart" or "audit"
    start: date | None = None  # first day of the period (inclusive)
    end: date | None = None  # last day of the period (inclusive)


@dataclass(frozen=True)
class MyData:
    pass


@dataclass(frozen=True)
class Programs:
    """``/mentor programs``: the programs the caller may see."""


@dataclass(frozen=True)
class ProgramAdd:
    pass


@dataclass(frozen=True)
class Plan:
    other_id: str | None  # a mentee of the caller's, or the caller's mentor; None: their own


@dataclass(frozen=True)
class Forget:
    user_id: str | None  # None: the caller ("forget me"); a coordinator names someone


@dataclass(frozen=True)
class ProgramEdit:
    name: str | None  # as typed; None when the caller named none


@dataclass(frozen=True)
class ProgramMembers:
    """``/mentor program members [in <program>]``; the program comes as the ``in`` hint."""


@dataclass(frozen=True)
class Join:
    name: str


@dataclass(frozen=True)
class Leave:
    name: str


@dataclass(frozen=True)
class Meet:
    other_id: str | None


@dataclass(frozen=True)
class Introduce:
    colleague_id: str
    mentee_id: str | None  # named when the mentor has several mentees
    why: str


Command = (
    Help
    | Survey
    | Ask
    | Withdraw
    | Capacity
    | Assign
    | ListPairings
    | End
    | SetCadence
    | GoalAdd
    | Goals
    | TaskAdd
    | Tasks
    | Reassess
    | Pause
    | Resume
    | Digest
    | Report
    | MyData
    | Plan
    | Forget
    | Find
    | EditProfile
    | Match
    | Programs
    | ProgramAdd
    | ProgramEdit
    | ProgramMembers
    | Join
    | Leave
    | Introduce
    | Meet
)

# (name, usage, what it does) in the order /mentor help lists them.
SUBCOMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "find",
        "/mentor find [focus] [words] [in <program>]",
        "Find a mentor who can take you on now.",
    ),
    ("profile", "/mentor profile [mentor|trainee]", "Your mentor or trainee profile."),
    ("ask", "/mentor ask @person [focus] [note] [in <program>]", "Ask someone to be your mentor."),
    ("withdraw", "/mentor withdraw [@person]", "Cancel a request that has no answer yet."),
    ("list", "/mentor list", "Your mentors, mentees and open requests."),
    ("cadence", "/mentor cadence [@person]", "Agree how often and how you check in."),
    ("goal", "/mentor goal add [@person] [goal]", "Set a specific goal together."),
    ("goals", "/mentor goals [@person]", "Goals and how they're going."),
    ("task", "/mentor task add [@person] [task] [due <date>]", "Give your mentee a task."),
    ("tasks", "/mentor tasks [@person]", "Open and recently done tasks."),
    ("reassess", "/mentor reassess [@person]", "Reassess and refine goals and tasks now."),
    ("pause", "/mentor pause [@person] [2w | until <date>]", "Pause check-ins for a while."),
    ("resume", "/mentor resume [@person]", "Resume paused check-ins."),
    ("meet", "/mentor meet [@person]", "Plan your next meeting: I offer three times."),
    (
        "introduce",
        "/mentor introduce @colleague [to @mentee] [why]",
        "Mentors: introduce your mentee to a colleague.",
    ),
    ("end", "/mentor end [@person]", "End a mentorship, privately and kindly."),
    ("capacity", "/mentor capacity [N|off]", "How many mentees you can take on."),
    (
        "assign",
        "/mentor assign @mentor @mentee [focus] [in <program>]",
        "Coordinators: pair two people.",
    ),
    (
        "digest",
        "/mentor digest [in <program>]",
        "Coordinators: how every pair did in the last 7 days.",
    ),
    (
        "report",
        "/mentor report [from] [to] | chart | audit [in <program>]",
        "Coordinators: the program report.",
    ),
    ("my", "/mentor my data", "Everything I hold about you, as files in our DM."),
    ("plan", "/mentor plan [@person]", "A trainee's learning plan, as a file in our DM."),
    (
        "forget",
        "/mentor forget me | @person [in <program>]",
        "Erase your data (admins: someone's).",
    ),
    (
        "survey",
        "/mentor survey [in <program>]",
        "Coordinators: send a short pulse survey to the program.",
    ),
    ("match", "/mentor match [in <program>]", "Coordinators: match many trainees at once."),
    ("programs", "/mentor programs", "The programs you're in, and those you can join."),
    ("join", "/mentor join <program>", "Join a program that is open to everyone."),
    ("leave", "/mentor leave <program>", "Leave a program (your mentorships carry on)."),
    (
        "program",
        "/mentor program add | edit <program> | members [in <program>]",
        "Admins and coordinators: set up programs and who is in them.",
    ),
    ("help", "/mentor help", "This guide."),
)

# Subcommands for program coordinators and workspace admins: the guide lists them, apart, only
# to those who can use them; their help (``/mentor help report``) answers anyone and says so.
COORDINATOR_SUBCOMMANDS = frozenset({"assign", "digest", "report", "survey", "match", "program"})

# What ``/mentor help <topic>`` shows beyond a subcommand's line: a worked example, and more.
TOPICS: dict[str, tuple[str, str]] = {
    "find": (
        "/mentor find research cardiology",
        "Mentors who can take someone now, best fit first, each with why: focus, specialty, "
        "places free, working hours in common and how they meet. Ask with one tap; filters "
        "and more results are below the list. When nobody fits, join the waiting list and "
        "I'll tell you when a place opens (asking anyone for that focus takes you off the "
        "list). In several programs? Choose one at the top of the results, or add "
        "`in <program>`.",
    ),
    "profile": (
        "/mentor profile mentor",
        "Your mentor profile (open to new mentees, focus areas, specialty, stages, formats, "
        "languages, a short bio) or your trainee profile (stage, specialty interest, what "
        "you're looking for). Hide your mentor profile there to leave the directory at once.",
    ),
    "ask": (
        "/mentor ask @person research I'd like help planning my first study",
        "Pick the person from Slack's @ list. The focus and a note are optional: without a "
        "focus I'll show a form. They can accept, decline with a private note, or suggest a "
        "colleague; I remind them once and the request expires if it goes unanswered.",
    ),
    "withdraw": (
        "/mentor withdraw @person",
        "Cancels your unanswered request to that person. Without a name I list your "
        "requests so you can choose.",
    ),
    "list": (
        "/mentor list",
        "Your mentors and mentees, your check-in rhythm with each, and "
        "requests waiting for an answer either way.",
    ),
    "cadence": (
        "/mentor cadence @person",
        "Weekly, every two weeks, every four weeks, or monthly (a week such as the first "
        "Tuesday, or a day such as the 15th), at a time in your zone, and how you meet.",
    ),
    "goal": (
        "/mentor goal add @person Present a case at grand rounds",
        "Without text I open a form with a target date and a competency. Each goal's menu "
        "marks it achieved, edits it or drops it (with an optional reason).",
    ),
    "goals": (
        "/mentor goals @person",
        "Open, achieved and dropped goals, with why a goal was dropped, and each goal's menu.",
    ),
    "task": (
        "/mentor task add @person Revise the CV due friday",
        "Dates like 2026-12-01, Dec 1, friday or in 2 weeks. The assignee gets a DM with "
        "Mark complete; without text I open a form where you can link the task to a goal.",
    ),
    "tasks": (
        "/mentor tasks @person",
        "Open tasks and those done in the last two weeks, with the goal each one works towards.",
    ),
    "reassess": (
        "/mentor reassess @person",
        "Keep, achieve or drop each goal, finish or drop tasks, add new goals and choose "
        "when to reassess next, all in one form.",
    ),
    "pause": (
        "/mentor pause @person 2w",
        "Also `/mentor pause until 2027-01-15`, or no time for a date picker. Check-ins "
        "start again by themselves on that day.",
    ),
    "resume": (
        "/mentor resume @person",
        "Ends a pause early; check-ins carry on at your agreed rhythm.",
    ),
    "meet": (
        "/mentor meet @person",
        "I offer the other person three times in the next two weeks, inside both your working "
        "days (09:00-17:00 where each of you is), and they pick one; you both get a calendar "
        "invite, and the check-in that day knows. **Plan our next meeting** on my Home tab and "
        "on a check-in does the same.",
    ),
    "introduce": (
        "/mentor introduce @colleague why you two should talk",
        "Mentors: I open a group message with your mentee, the colleague and me, introduce "
        "them in your name, and ask the colleague whether they're happy to talk (a “not now” "
        "reaches only you and your mentee). Mentoring several people? Add `to @mentee`. The "
        "**Introduce to a colleague…** button on my Home tab does the same with a form, and a "
        "mentee can tap **Ask for an introduction** there.",
    ),
    "end": (
        "/mentor end @person",
        "Completed or ended early, with an optional reason that only coordinators may see. "
        "The other person gets a kind note with no reason in it.",
    ),
    "capacity": (
        "/mentor capacity 3",
        "When you mentor that many people, new requests are turned away kindly. "
        "`/mentor capacity off` removes the limit; `/mentor capacity` shows it.",
    ),
    "assign": (
        "/mentor assign @mentor @mentee research",
        "For coordinators: pairs two people and introduces them; the mentor can decline.",
    ),
    "digest": (
        "/mentor digest",
        "For coordinators: the digest of the last 7 days up to now, shown only to you, with "
        "Nudge, Reassign, Close and Details on each pair at risk.",
    ),
    "report": (
        "/mentor report 2026-09-01 2026-11-30",
        "For coordinators: five CSVs for the last 7 days or a period (first and last day, at "
        "most five years): pairings, teaching record, shared goals and tasks, feedback by "
        "focus and shared feedback comments; `/mentor report chart` for the engagement chart; "
        "`/mentor report audit` for the log of what coordinators did in your program.",
    ),
    "my": (
        "/mentor my data",
        "A JSON file and a readable Markdown file with your requests, mentorships, goals, "
        "tasks, check-in answers and notes you wrote, reassessments and the changes you made. "
        "Nothing about anyone else beyond what you already saw in Slack.",
    ),
    "plan": (
        "/mentor plan @mentee",
        "Your goals with their ACGME competencies, status, target and achieved dates, tasks "
        "and reassessments, for a competency committee or portfolio review. Mentors get "
        "their mentee's plan for the mentorship they share.",
    ),
    "forget": (
        "/mentor forget me",
        "Asks you to confirm first. Removes what you wrote, ends your mentorships kindly, "
        "cancels your requests and anything scheduled for you, and replaces your name in "
        "what remains with an anonymous one. It can't be undone. Admins can do this for "
        "someone, with a reason they are told first; a coordinator's `/mentor forget "
        "@person [in <program>]` (someone in a program they coordinate) asks the admins to.",
    ),
    "survey": (
        "/mentor survey",
        "For coordinators: pick 1 to 3 questions (overall satisfaction, the meeting rhythm, "
        "feeling supported) and how many days it stays open (2 to 30). Everyone in an active "
        "or paused mentorship of the program gets it in their working hours, with one "
        "reminder. Results show in the digest only once enough people answered; add "
        "`in <program>` if you coordinate several.",
    ),
    "match": (
        "/mentor match in Surgery residency",
        "For coordinators: a matching round. Trainees rank up to five mentors and mentors can "
        "mark trainees they'd rather not take; at the deadline I propose stable pairs within "
        "every mentor's places, with a CSV of reasons, for you to change or approve.",
    ),
    "programs": (
        "/mentor programs",
        "Admins and coordinators also see each program's coordinators, digest channel and "
        "day, whether it is open or invite-only, and its linked channel or user group.",
    ),
    "join": (
        "/mentor join Internal Medicine",
        "Open programs take anyone; for an invite-only program, ask its coordinators.",
    ),
    "leave": (
        "/mentor leave Internal Medicine",
        "You stop being a member. Mentorships you have there carry on until you end them.",
    ),
    "program": (
        "/mentor program edit Internal Medicine",
        "For admins: `add` and `edit` open a form with the program's name, coordinators, "
        "digest channel and rhythm, focus areas, a linked channel or user group whose "
        "members join by themselves, and required mentorship (every trainee has a mentor "
        "within N days of joining, or by a date). For coordinators and admins: `members` adds "
        "and removes people and marks who are trainees. Your Home has the same, and more, "
        "for each program you coordinate.",
    ),
    "help": ("/mentor help ask", "The guide, or one subcommand with an example."),
}

# More words than this narrow nothing further; they are left out.
MAX_FIND_WORDS = 8

_ALIASES = {
    "search": "find",
    "directory": "find",
    "status": "list",
    "mentors": "list",
    "checkins": "cadence",
    "rhythm": "cadence",
    "cancel": "withdraw",
    "?": "help",
    "objective": "goal",
    "objectives": "goals",
    "intro": "introduce",
    "connect": "introduce",
    "meeting": "meet",
    "schedule": "meet",
}


def tokens(text: str) -> list[str]:
    """Words of ``text``, with each ``<...>`` mention kept whole even when glued to a word."""
    return _TOKEN.findall(text)


def user_id_of(token: str) -> str | None:
    match = _MENTION.match(token)
    return match.group(1) if match else None


def _who(token: str | None, role: str, example: str) -> str:
    if token is None:
        raise CommandError(
            fmt("Who would you like as {role}? Try `{example}`.", role=role, example=example)
        )
    user_id = user_id_of(token)
    if user_id is None:
        raise CommandError(
            fmt(
                "I couldn't tell who “{typed}” is. Type @ and pick the person from "
                "the list so Slack links their name, as in `{example}`.",
                typed=unescape(token),
                example=example,
            )
        )
    return user_id


def _optional_who(rest: list[str], example: str) -> str | None:
    if not rest:
        return None
    if len(rest) > 1:
        raise CommandError(fmt("That's more than I expected. Try `{example}`.", example=example))
    return _who(rest[0], "the other person", example)


def _note(words: Sequence[str]) -> str:
    note = normalise_user_text(unescape(" ".join(words)))
    if len(note) > NOTE_LIMIT:
        raise CommandError(
            fmt(
                "Your note is {length} long; please keep it under {limit}.",
                length=plural(len(note), "character"),
                limit=NOTE_LIMIT,
            )
        )
    return note


def _focus_and_note(rest: list[str], areas: Sequence[FocusArea]) -> tuple[FocusArea | None, str]:
    matched = match_focus(rest, areas)
    if matched is None:
        return None, _note(rest)
    area, used = matched
    return area, _note(rest[used:])


def _ask(rest: list[str], areas: Sequence[FocusArea]) -> Ask:
    example = "/mentor ask @person research"
    mentor = _who(rest[0] if rest else None, "your mentor", example)
    focus, note = _focus_and_note(rest[1:], areas)
    return Ask(mentor_id=mentor, focus=focus, note=note)


def _find(rest: list[str], areas: Sequence[FocusArea]) -> Find:
    matched = match_focus(rest, areas)
    focus, used = matched if matched is not None else (None, 0)
    words = tuple(unescape(w) for w in rest[used:] if w.strip())
    return Find(focus=focus, words=words[:MAX_FIND_WORDS])


def _profile(rest: list[str]) -> EditProfile:
    if not rest:
        return EditProfile()
    which = rest[0].lower()
    if which in ("mentor", "trainee"):
        return EditProfile(which=which)
    if which in ("mentee", "student"):
        return EditProfile(which="trainee")
    raise CommandError(
        md("Say which profile: `/mentor profile mentor` or `/mentor profile trainee`.")
    )


def _assign(rest: list[str], areas: Sequence[FocusArea]) -> Assign:
    example = "/mentor assign @mentor @mentee research"
    mentor = _who(rest[0] if rest else None, "the mentor", example)
    mentee = _who(rest[1] if len(rest) > 1 else None, "the mentee", example)
    if mentor == mentee:
        raise CommandError(md("The mentor and the mentee need to be two different people."))
    focus, note = _focus_and_note(rest[2:], areas)
    return Assign(mentor_id=mentor, mentee_id=mentee, focus=focus, note=note)


def _capacity(rest: list[str]) -> Capacity:
    if not rest:
        return Capacity(limit=None)
    word = rest[0].lower()
    if len(rest) == 1 and word in {"off", "none", "unlimited", "clear"}:
        return Capacity(limit=None, clear=True)
    if len(rest) == 1 and word.isdecimal() and int(word) <= CAPACITY_LIMIT:
        return Capacity(limit=int(word))
    raise CommandError(
        fmt(
            "Capacity is a number of mentees from 0 to {limit}, or `off` "
            "for no limit: for example `/mentor capacity 3`.",
            limit=CAPACITY_LIMIT,
        )
    )


def _leading_person(rest: list[str]) -> tuple[str | None, list[str]]:
    """An optional @person first, then the rest; a plain "@name" is an error, not text."""
    if rest and user_id_of(rest[0]):
        return user_id_of(rest[0]), rest[1:]
    if rest and rest[0].startswith("@"):
        _who(rest[0], "the other person", "/mentor goals @person")
    return None, rest


def _goal_add(rest: list[str]) -> GoalAdd:
    if rest and rest[0].lower() == "add":
        rest = rest[1:]
    other, words = _leading_person(rest)
    return GoalAdd(other_id=other, text=_note(words))


def _task_add(rest: list[str]) -> TaskAdd:
    if rest and rest[0].lower() == "add":
        rest = rest[1:]
    other, words = _leading_person(rest)
    lowered = [w.lower() for w in words]
    due_text: str | None = None
    if "due" in lowered:
        at = len(lowered) - 1 - lowered[::-1].index("due")
        due_text = " ".join(words[at + 1 :]).strip()
        if not due_text:
            raise CommandError(
                md("Due when? Try `due friday`, `due Dec 1`, `due 2026-12-01` or `due in 2 weeks`.")
            )
        words = words[:at]
    return TaskAdd(other_id=other, text=_note(words), due_text=due_text)


def _pause(rest: list[str]) -> Pause:
    other, words = _leading_person(rest)
    until = " ".join(unescape(w) for w in words).strip() or None
    return Pause(other_id=other, until_text=until)


# A report counts week by week: a period from year 1 would be a hundred thousand weeks.
MAX_REPORT_YEARS = 5


def years_before(day: date, years: int) -> date | None:
    """The same day ``years`` earlier (28 February for a 29th that year lacks); None before
    the calendar's first year."""
    if day.year - years < date.min.year:
        return None
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


_REPORT_USAGE = md(
    "Reports come as `/mentor report` (the last 7 days), `/mentor report 2026-09-01 2026-11-30` "
    "(a period, first and last day), `/mentor report chart` or `/mentor report audit`."
)


def _report(rest: list[str]) -> Report:
    kind = "csv"
    if rest and rest[0].lower() in ("csv", "chart", "audit"):
        kind, rest = rest[0].lower(), rest[1:]
    if kind in ("chart", "audit") and rest:
        raise CommandError(_REPORT_USAGE)
    if len(rest) not in (0, 2):
        raise CommandError(_REPORT_USAGE)
    if not rest:
        return Report(kind=kind)
    try:
        start, end = (date.fromisoformat(word) for word in rest)
    except ValueError:
        raise CommandError(_REPORT_USAGE) from None
    if end < start:
        raise CommandError(md("The period's last day comes before its first day."))
    limit = years_before(end, MAX_REPORT_YEARS)
    if limit is not None and start <= limit:
        raise CommandError(
            md(
                "A report covers at most five years. Please pick a shorter period, for example "
                "`/mentor report 2024-07-01 2025-06-30` for one academic year."
            )
        )
    return Report(kind=kind, start=start, end=end)


def _my(rest: list[str]) -> MyData:
    if [w.lower() for w in rest] != ["data"]:
        raise CommandError(md("Did you mean `/mentor my data`? It sends you everything I hold."))
    return MyData()


def _forget(rest: list[str]) -> Forget:
    usage = md(
        "To erase your data, type `/mentor forget me`. Admins (and coordinators, asking "
        "the admins) can name someone: `/mentor forget @person`."
    )
    if len(rest) != 1:
        raise CommandError(usage)
    if rest[0].lower() == "me":
        return Forget(user_id=None)
    if user_id_of(rest[0]) is None:
        raise CommandError(usage)
    return Forget(user_id=_who(rest[0], "the person", "/mentor forget @person"))


_PROGRAM_USAGE = md(
    "Try `/mentor program add`, `/mentor program edit &lt;program&gt;` or "
    "`/mentor program members in &lt;program&gt;`."
)


def _program_name(words: Sequence[str]) -> str:
    return " ".join(unescape(" ".join(words)).split())


def _program(rest: list[str]) -> ProgramAdd | ProgramEdit | ProgramMembers:
    action = rest[0].lower() if rest else ""
    if action == "add" and len(rest) == 1:
        return ProgramAdd()
    if action == "edit":
        return ProgramEdit(name=_program_name(rest[1:]) or None)
    if action == "members" and len(rest) == 1:
        return ProgramMembers()
    raise CommandError(_PROGRAM_USAGE)


def _join_leave(name: str, rest: list[str]) -> Join | Leave:
    program = _program_name(rest)
    if not program:
        raise CommandError(
            fmt(
                "Which program? Try `/mentor {name} &lt;program&gt;`; `/mentor programs` lists them.",
                name=name,
            )
        )
    return Join(name=program) if name == "join" else Leave(name=program)


def _introduce(rest: list[str]) -> Introduce:
    example = "/mentor introduce @colleague to @mentee why they should talk"
    if not rest:
        raise CommandError(
            fmt("Whom would you like your mentee to meet? Try `{example}`.", example=example)
        )
    colleague = _who(rest[0], "the colleague", example)
    words = rest[1:]
    if words and words[0].lower() == "to" and len(words) > 1 and words[1].startswith("<"):
        words = words[1:]
    mentee, words = _leading_person(words)
    if mentee == colleague:
        raise CommandError(md("The colleague and the mentee need to be two different people."))
    return Introduce(colleague_id=colleague, mentee_id=mentee, why=_note(words))


def parse_command(text: str, areas: Sequence[FocusArea]) -> Command:
    """The command in ``text``, or :class:`CommandError` saying what to type instead."""
    words = tokens(text.strip())
    if not words:
        return Help()
    name = _ALIASES.get(words[0].lower(), words[0].lower())
    rest = words[1:]
    if name == "help":
        if not rest:
            return Help()
        typed = text.split()
        word = unescape(typed[1] if len(typed) > 1 else rest[0]).lower()  # the whole word
        return Help(topic=_ALIASES.get(word, word))
    if name == "find":
        return _find(rest, areas)
    if name == "profile":
        return _profile(rest)
    if name == "ask":
        return _ask(rest, areas)
    if name == "withdraw":
        return Withdraw(mentor_id=_optional_who(rest, "/mentor withdraw @person"))
    if name == "capacity":
        return _capacity(rest)
    if name == "assign":
        return _assign(rest, areas)
    if name == "list":
        return ListPairings()
    if name == "end":
        return End(other_id=_optional_who(rest, "/mentor end @person"))
    if name == "cadence":
        return SetCadence(other_id=_optional_who(rest, "/mentor cadence @person"))
    if name == "goal":
        return _goal_add(rest)
    if name == "goals":
        return Goals(other_id=_optional_who(rest, "/mentor goals @person"))
    if name == "task":
        return _task_add(rest)
    if name == "tasks":
        return Tasks(other_id=_optional_who(rest, "/mentor tasks @person"))
    if name == "reassess":
        return Reassess(other_id=_optional_who(rest, "/mentor reassess @person"))
    if name == "pause":
        return _pause(rest)
    if name == "resume":
        return Resume(other_id=_optional_who(rest, "/mentor resume @person"))
    if name == "digest":
        return Digest()
    if name == "report":
        return _report(rest)
    if name == "my":
        return _my(rest)
    if name == "plan":
        return Plan(other_id=_optional_who(rest, "/mentor plan @person"))
    if name == "forget":
        return _forget(rest)
    if name in ("survey", "pulse"):
        if rest:
            raise CommandError(md("Just `/mentor survey`: I'll ask the rest in a form."))
        return Survey()
    if name == "match":
        return Match()
    if name == "programs":
        return Programs()
    if name == "program":
        return _program(rest)
    if name in ("join", "leave"):
        return _join_leave(name, rest)
    if name == "introduce":
        return _introduce(rest)
    if name == "meet":
        return Meet(other_id=_optional_who(rest, "/mentor meet @person"))
    return Help(unknown=first_word(text))


def first_word(text: str) -> str | None:
    """The subcommand word as the person typed it: Slack sends it escaped, so it is unescaped
    here once, and escaped once wherever it is shown."""
    words = text.split()
    return unescape(words[0]) if words else None

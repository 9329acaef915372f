"""Home and ``/mentor list`` for someone in several programs, as built: a heading per program
with that program's requests and pairings under it, within Slack's limits for any number of
programs and items; someone in one program sees exactly what they saw before programs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sharing import SharingState
from handlers.blocks.common import MESSAGE_BLOCK_LIMIT, SECTION_TEXT_LIMIT, VIEW_BLOCK_LIMIT
from handlers.blocks.home import (
    PAIRINGS_PER_PAGE,
    HomeContent,
    HomePairing,
    HomeProgram,
    HomeRequest,
    build_home,
    grouped_pages,
)
from handlers.blocks.introductions import IntroCard
from handlers.blocks.pairings import PairingGroup, PairingLine, RequestLine, build_pairing_list
from handlers.blocks.work import GoalRow, TaskRow
from tests.handlers.helpers import all_text, escaping_problems, text_objects

TODAY = date(2026, 12, 1)
NASTY = "<!channel> & <@U0STRANGE> *bold* " * 10
MEMBERS = {f"U0{who}{n:03d}" for who in ("OTHER", "ASKED") for n in range(1000)}
SURGERY = HomeProgram(1, "Surgery residency", ["Operative skills", "Research"])
CLERKSHIPS = HomeProgram(2, "Clerkships", ["OSCE prep"])


def _pairing(n: int, program_id: int, goals: int = 0, tasks: int = 0) -> HomePairing:
    return HomePairing(
        pairing_id=n,
        other_id=f"U0OTHER{n:03d}",
        viewer_is_mentor=n % 2 == 0,
        focus_label="Research",
        rhythm="Weekly",
        next_checkin=datetime(2026, 12, 8, 7, 30, tzinfo=ZoneInfo("America/New_York")),
        paused_until=None,
        paused=False,
        sharing=SharingState.NOT_SHARED,
        proposal=None,
        goals=[GoalRow(n * 100 + i, f"Goal {i}", "open", None, None) for i in range(goals)],
        open_tasks=[
            TaskRow(n * 100 + i, f"Task {i}", "open", "U0OTHER000", None) for i in range(tasks)
        ],
        program_id=program_id,
    )


def _request(n: int, program_id: int, *, mine: bool) -> HomeRequest:
    return HomeRequest(f"U0ASKED{n:03d}", "Research", TODAY, mine=mine, program_id=program_id)


def _headers(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "header"]


def _under_headers(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """The text shown under each header, up to the next one."""
    found: dict[str, list[dict[str, Any]]] = {}
    current: list[dict[str, Any]] = []
    for block in blocks:
        if block["type"] == "header":
            current = found.setdefault(block["text"]["text"], [])
        current.append(block)
    return {name: all_text(shown) for name, shown in found.items()}


def _pairing_programs(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Each pairing's id (from its buttons) and the heading it is shown under."""
    heading = ""
    under: dict[str, str] = {}
    for block in blocks:
        if block["type"] == "header":
            heading = block["text"]["text"].removesuffix(" (continued)")
        if block.get("block_id", "").startswith("home-actions-"):
            under[block["elements"][0]["value"]] = heading
    return under


def _check_limits(view: dict[str, Any]) -> None:
    blocks = view["blocks"]
    assert len(blocks) <= VIEW_BLOCK_LIMIT
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_TEXT_LIMIT
    problems = [
        problem
        for kind, text in text_objects(view)
        for problem in escaping_problems(kind, text, mentions=MEMBERS)
    ]
    assert problems == []


def test_each_program_has_its_heading_with_its_own_items() -> None:
    content = HomeContent(
        TODAY,
        ["Research"],
        [_pairing(1, SURGERY.program_id, goals=1), _pairing(2, CLERKSHIPS.program_id)],
        [
            _request(1, SURGERY.program_id, mine=True),
            _request(2, CLERKSHIPS.program_id, mine=False),
        ],
        viewer_id="U0ME",
        programs=[SURGERY, CLERKSHIPS],
    )
    blocks = build_home(content)["blocks"]
    assert _headers(blocks) == ["Surgery residency", "Clerkships"]
    shown = _under_headers(blocks)
    assert "You asked <@U0ASKED001>" in shown["Surgery residency"]
    assert "<@U0OTHER001>" in shown["Surgery residency"]
    assert "U0OTHER002" not in shown["Surgery residency"]
    assert "<@U0ASKED002> asked you" in shown["Clerkships"]
    assert "<@U0OTHER002>" in shown["Clerkships"]
    assert "U0ASKED001" not in shown["Clerkships"]
    assert _pairing_programs(blocks) == {"1": "Surgery residency", "2": "Clerkships"}
    assert "Page 1" not in all_text(blocks)  # everything fits on one page


def test_a_program_with_nothing_yet_says_how_to_ask_in_it() -> None:
    content = HomeContent(
        TODAY,
        ["Research"],
        [_pairing(1, SURGERY.program_id)],
        viewer_id="U0ME",
        programs=[SURGERY, replace(CLERKSHIPS, name="Clerkships <!here> & co")],
    )
    shown = _under_headers(build_home(content)["blocks"])
    assert shown.keys() == {"Surgery residency", "Clerkships <!here> & co"}
    clerkships = shown["Clerkships <!here> & co"]
    assert "`/mentor ask @person [focus] in Clerkships &lt;!here&gt; &amp; co`" in clerkships
    assert "Focus areas: OSCE prep" in clerkships
    assert "No mentorships here yet" not in shown["Surgery residency"]


def test_no_pairings_anywhere_is_the_welcome_then_each_program() -> None:
    content = HomeContent(
        TODAY,
        ["Research"],
        [],
        [_request(1, CLERKSHIPS.program_id, mine=True)],
        programs=[SURGERY, CLERKSHIPS],
    )
    blocks = build_home(content)["blocks"]
    assert _headers(blocks) == ["Welcome to mentorbot", "Surgery residency", "Clerkships"]
    shown = _under_headers(blocks)
    assert "You asked <@U0ASKED001>" in shown["Clerkships"]
    assert "Focus areas: Operative skills, Research" in shown["Surgery residency"]
    assert "Focus areas: OSCE prep" in shown["Clerkships"]


def test_one_program_is_home_as_before_programs() -> None:
    pairings = [_pairing(n, SURGERY.program_id, goals=n, tasks=n) for n in range(1, 7)]
    requests = [_request(1, SURGERY.program_id, mine=True)]
    for shown_pairings in (pairings, []):
        before = HomeContent(TODAY, ["Research"], shown_pairings, requests, viewer_id="U0ME")
        for page in (0, 1):
            content = replace(before, page=page)
            assert build_home(replace(content, programs=[SURGERY])) == build_home(content)
    assert "Surgery residency" not in all_text(
        build_home(replace(before, pairings=pairings, programs=[SURGERY]))["blocks"]
    )


def test_a_program_carried_over_to_the_next_page_is_headed_again() -> None:
    pairings = [_pairing(n, SURGERY.program_id, goals=5, tasks=5) for n in range(1, 7)]
    content = HomeContent(TODAY, ["Research"], pairings, programs=[SURGERY, CLERKSHIPS])
    first = build_home(content)["blocks"]
    assert _headers(first) == ["Surgery residency"]
    assert "Page 1 of 2" in all_text(first)
    second = build_home(replace(content, page=1))["blocks"]
    assert _headers(second) == ["Surgery residency (continued)", "Clerkships"]
    assert "Page 2 of 2" in all_text(second)
    # A page that no longer exists shows the last one.
    assert build_home(replace(content, page=7)) == build_home(replace(content, page=1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    program_count=st.integers(2, 12),
    pairings=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 30), st.integers(0, 30)), max_size=14
    ),
    requests=st.lists(st.tuples(st.integers(0, 11), st.booleans()), max_size=40),
    name=st.sampled_from(["Surgery", NASTY, "x" * 300]),
    awaiting=st.integers(0, 6),
)
def test_any_grouped_home_stays_within_limits_and_reaches_everything(
    program_count: int,
    pairings: list[tuple[int, int, int]],
    requests: list[tuple[int, bool]],
    name: str,
    awaiting: int,
) -> None:
    programs = [HomeProgram(i, f"{name} {i}", ["Research", name]) for i in range(program_count)]
    shown_pairings = [
        _pairing(n + 1, p % program_count, goals=g, tasks=t) for n, (p, g, t) in enumerate(pairings)
    ]
    shown_requests = [
        _request(n, p % program_count, mine=mine) for n, (p, mine) in enumerate(requests)
    ]
    content = HomeContent(
        TODAY,
        ["Research"],
        shown_pairings,
        shown_requests,
        viewer_id="U0ME",
        programs=programs,
        awaiting=[
            IntroCard(n + 1, f"U0OTHER{n:03d}", f"U0ASKED{n:03d}", "U0ME", NASTY * 2)
            for n in range(awaiting)
        ],
        awaiting_count=awaiting,
    )
    pages = len(grouped_pages(content))
    headed: set[str] = set()
    placed: dict[str, str] = {}
    for page in range(pages):
        view = build_home(replace(content, page=page))
        _check_limits(view)
        blocks = view["blocks"]
        if pages > 1:
            assert f"Page {page + 1} of {pages}" in all_text(blocks)
        on_page = _pairing_programs(blocks)
        assert len(on_page) <= PAIRINGS_PER_PAGE
        assert not placed.keys() & on_page.keys()  # each pairing on one page only
        placed |= on_page
        headed |= {h for h in _headers(blocks) if not h.endswith(" (continued)")}
    # Every pairing shown once, under its own program's heading; every program headed once.
    names = {p.program_id: _clipped(p.name) for p in programs}
    assert placed == {str(p.pairing_id): names[p.program_id or 0] for p in shown_pairings}
    assert headed >= set(names.values())


def _clipped(name: str) -> str:
    return name if len(name) <= 120 else name[:119].rstrip() + "…"


# -- /mentor list ------------------------------------------------------------------------------


def _line(n: int) -> PairingLine:
    return PairingLine(f"U0OTHER{n:03d}", "Research", "Weekly", TODAY, False)


def test_the_list_groups_by_program_when_there_are_several() -> None:
    groups = [
        PairingGroup("Surgery residency", mentors=[_line(1)], asked_by_me=[_asked(2)]),
        PairingGroup("Clerkships", mentees=[_line(3)], asked_of_me=[_asked(4)]),
        PairingGroup("Nursing <!here>"),
    ]
    listing = build_pairing_list(
        mentors=[_line(1)],
        mentees=[_line(3)],
        asked_by_me=[_asked(2)],
        asked_of_me=[_asked(4)],
        today=TODAY,
        groups=groups,
    )
    assert _headers(listing.blocks) == ["Surgery residency", "Clerkships", "Nursing <!here>"]
    shown = _under_headers(listing.blocks)
    assert "*Your mentors*" in shown["Surgery residency"]
    assert "<@U0OTHER001>" in shown["Surgery residency"]
    assert "You asked <@U0ASKED002>" in shown["Surgery residency"]
    assert "*You mentor*" in shown["Clerkships"]
    assert "<@U0ASKED004> asked you" in shown["Clerkships"]
    assert "U0OTHER001" not in shown["Clerkships"]
    assert "in Nursing &lt;!here&gt;" in shown["Nursing <!here>"]
    assert listing.text == (
        "Your mentorships in 3 programs: 1 mentor, 1 mentee, 2 requests waiting for an answer."
    )


def test_one_group_is_the_list_as_before() -> None:
    lines: dict[str, Any] = {
        "mentors": [_line(1)],
        "mentees": [],
        "asked_by_me": [_asked(2)],
        "asked_of_me": [],
        "today": TODAY,
    }
    one = [PairingGroup("Surgery residency", mentors=[_line(1)], asked_by_me=[_asked(2)])]
    assert build_pairing_list(**lines, groups=one) == build_pairing_list(**lines)


def test_a_list_of_many_programs_fits_one_message() -> None:
    groups = [PairingGroup(f"Program {i}", mentors=[_line(i)]) for i in range(40)]
    listing = build_pairing_list(
        mentors=[], mentees=[], asked_by_me=[], asked_of_me=[], today=TODAY, groups=groups
    )
    assert len(listing.blocks) <= MESSAGE_BLOCK_LIMIT
    assert "+16 more programs not shown here" in all_text(listing.blocks)
    one_huge = [PairingGroup("Big", mentors=[_line(i % 1000) for i in range(3000)]), groups[0]]
    listing = build_pairing_list(
        mentors=[], mentees=[], asked_by_me=[], asked_of_me=[], today=TODAY, groups=one_huge
    )
    assert len(listing.blocks) <= MESSAGE_BLOCK_LIMIT
    assert "+1 more program not shown here" in all_text(listing.blocks)


def _asked(n: int) -> RequestLine:
    return RequestLine(f"U0ASKED{n:03d}", "Research", TODAY)

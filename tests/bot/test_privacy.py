"""The patient-identifier check: warns on likely identifiers, stays quiet on ordinary goals."""

from __future__ import annotations

import pytest

from bot.privacy import identifier_kinds, identifier_warning


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Follow up MRN 12345678 labs", ["record_number"]),
        ("mrn: A1234567", ["record_number"]),
        ("Medical record number 556677", ["record_number"]),
        ("call about 00123456", ["record_number"]),
        ("DOB 03/04/1961 review", ["date_of_birth"]),
        ("date of birth: 1961-04-03", ["date_of_birth"]),
        ("Present patient John Smith at M&M", ["patient_name"]),
        ("pt. Garcia's wound care", ["patient_name"]),
        ("patient Mrs. Okafor, MRN 1234567", ["record_number", "patient_name"]),
        ("Lead patient Safety huddles with patient Ana Ruiz", ["patient_name"]),
    ],
)
def test_likely_identifiers_are_spotted(text: str, kinds: list[str]) -> None:
    assert identifier_kinds(text) == kinds
    warning = identifier_warning(text)
    assert warning is not None
    assert "Submit again" in warning


@pytest.mark.parametrize(
    "text",
    [
        "Improve patient safety handoffs by 2027",
        "Present a QI project on patient experience",
        "Read 3 papers on sepsis by Dec 15",
        "Run 5k in 25 minutes",
        "Publish the 2026 case series",
        "Revise CV for the job fair on 12/01",
        "Draft the study protocol v2.1",
        "patient care competency: teach 10 students",
        "Lead the patient Safety huddle",
    ],
)
def test_ordinary_goals_pass_quietly(text: str) -> None:
    assert identifier_kinds(text) == []
    assert identifier_warning(text) is None


def test_the_warning_names_every_kind_found() -> None:
    warning = identifier_warning("MRN 12345678, DOB 03/04/1961")
    assert warning == (
        "This looks like it may contain a medical record number and a date of birth. Goals and "
        "tasks are about your development, so please leave patient details out. Submit again to "
        "save it as it is."
    )

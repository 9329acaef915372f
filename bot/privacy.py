"""Spotting text that may identify a patient, so the writer can be warned before it is saved.

Goals, tasks and notes are about the trainee's development, never about patients. The checks
are deliberately simple and err on the side of a gentle question: a medical record number, a
date of birth, or "patient" followed by what looks like a name.
"""

from __future__ import annotations

import re

_MRN = re.compile(
    r"\b(?:MRN|med(?:ical)?\s+rec(?:ord)?s?(?:\s+(?:no|num(?:ber)?))?|hospital\s+(?:no|number))"
    r"\s*[:#.]?\s*[A-Z]{0,3}\d{5,12}\b",
    re.IGNORECASE,
)
_LONG_NUMBER = re.compile(r"(?<![\d.,/-])\d{7,10}(?![\d.,/-])")
_DOB = re.compile(
    r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:#]?\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}",
    re.IGNORECASE,
)
_PATIENT_NAME = re.compile(
    r"\b(?:patient|pt\.?|pt:)\s+(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?"
)
# Words that often follow "patient" without being a name.
_NOT_NAMES = {
    "Safety",
    "Care",
    "Education",
    "Experience",
    "Satisfaction",
    "Handoffs",
    "Handoff",
    "Outcomes",
    "Centered",
    "Centred",
    "Communication",
    "Rounds",
    "Flow",
    "Notes",
}

REASONS = {
    "record_number": "a medical record number",
    "date_of_birth": "a date of birth",
    "patient_name": "a patient's name",
}


def identifier_kinds(text: str) -> list[str]:
    """Which kinds of patient identifier ``text`` seems to contain, in a stable order."""
    found: list[str] = []
    if _MRN.search(text) or _LONG_NUMBER.search(text):
        found.append("record_number")
    if _DOB.search(text):
        found.append("date_of_birth")
    for match in _PATIENT_NAME.finditer(text):
        words = match.group(0).split()[1:]
        if words and words[0] in _NOT_NAMES:
            continue
        found.append("patient_name")
        break
    return found


def identifier_warning(text: str) -> str | None:
    """A gentle warning naming what looks like a patient identifier, or None."""
    kinds = identifier_kinds(text)
    if not kinds:
        return None
    what = " and ".join(REASONS[k] for k in kinds)
    return (
        f"This looks like it may contain {what}. Goals and tasks are about your development, "
        "so please leave patient details out. Submit again to save it as it is."
    )

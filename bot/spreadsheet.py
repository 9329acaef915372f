"""Text written into CSV exports, kept from running as a spreadsheet formula."""

from __future__ import annotations

import re

# OWASP's CSV injection rule: a cell is read as a formula when it starts with = + - @, or
# with a tab or carriage return; spreadsheets skip leading spaces and line breaks first.
_FORMULA = re.compile(r"[\t\r]|\s*[=+\-@]")


def safe_cell(text: str) -> str:
    """``text`` for a CSV cell: a leading quote keeps anything formula-like as text."""
    return "'" + text if _FORMULA.match(text) else text

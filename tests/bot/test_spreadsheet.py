"""CSV cells that a spreadsheet would run as formulas are kept as text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.spreadsheet import safe_cell


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\tanything",
        "\r=1+1",
        "\ranything",
        "  =1+1",
        " \t @SUM(A1)",
        "\n-1",
        "\u00a0+1",
    ],
)
def test_formula_like_cells_get_a_leading_quote(typed: str) -> None:
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["Research", "Clinical skills", "R&D = fun", "a-b", "", " x"])
def test_ordinary_cells_are_left_alone(typed: str) -> None:
    assert safe_cell(typed) == typed


@given(st.text())
def test_no_cell_starts_a_formula(typed: str) -> None:
    cell = safe_cell(typed)
    stripped = cell.lstrip()
    assert not cell.startswith(("\t", "\r"))
    assert not stripped.startswith(("=", "+", "-", "@"))

"""Spreadsheet cells: nothing a caller typed can start a formula; numbers stay numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.core.spreadsheet import FORMULA_STARTS, neutral_cell, neutral_text


@given(st.text())
def test_no_neutral_text_starts_a_formula(value: str) -> None:
    shown = neutral_text(value)
    assert not shown.startswith(FORMULA_STARTS)
    assert shown in (value, "'" + value)  # nothing else is changed


def test_each_formula_start_is_neutralized_and_numbers_are_kept() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutral_text(start + "1+1") == "'" + start + "1+1"
    assert neutral_text("正常文本") == "正常文本"
    assert neutral_cell(-3) == -3 and neutral_cell(0.25) == 0.25
    assert neutral_cell("-3") == "'-3"  # text that looks like a number is still text
    assert neutral_cell(None) == "" and neutral_cell(True) == "true"

"""Cells for files people open in a spreadsheet: text that could run as a formula is
neutralized, numbers stay numbers.

Why: a value such as ``=HYPERLINK(...)`` or ``@SUM(...)`` typed into a customer's name or
a unit's label would run when a supervisor opens the export (CSV injection). A leading
apostrophe makes Excel, LibreOffice and WPS show the text as typed.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral_text(value: str) -> str:
    """The text as it should be written: prefixed with ' when it could start a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutral_cell(value: object) -> object:
    """A cell value: numbers and empty cells unchanged, everything else neutral text."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).lower()
    if isinstance(value, int | float):
        return value
    return neutral_text(str(value))

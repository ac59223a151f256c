"""Cells for files people open in a spreadsheet: text that could run as a formula is
neutralized, numbers stay numbers.

Why: a value such as ``=HYPERLINK(...)`` or ``@SUM(...)`` typed into a customer's name or
a unit's label would run when a supervisor opens the export (CSV injection). A leading
apostrophe makes Excel, LibreOffice and WPS show the text as typed.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from starlette.responses import Response

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


def table_as_csv(rows: list[list[object]]) -> bytes:
    """Rows (the header first) as UTF-8 CSV with a BOM, so Excel and WPS read the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in rows:
        writer.writerow([neutral_cell(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode()


def table_as_xlsx(title: str, rows: list[list[object]]) -> bytes:
    """Rows (the header first, in bold) as one XLSX sheet; text cells are always text."""
    book = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = book.create_sheet(title=title[:31])
    bold = Font(bold=True)
    for index, values in enumerate(rows):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=None if value is None else neutral_cell(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, even if openpyxl would guess one
            if index == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SPREADSHEET_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# For a route's OpenAPI ``responses``: an export answers with either file.
SPREADSHEET_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {} for media in SPREADSHEET_MEDIA.values()}}
}


def download(body: bytes, file_format: str, name: str, audit_seq: int) -> Response:
    """An export as a file to save, naming the audit row that recorded it."""
    return Response(
        body,
        media_type=SPREADSHEET_MEDIA[file_format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Audit-Seq": str(audit_seq),
        },
    )

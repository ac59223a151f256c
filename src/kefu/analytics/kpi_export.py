"""The KPI table as a file: CSV (UTF-8 with BOM so Excel reads it) or XLSX (openpyxl),
one line per period and group and the period's totals, every text cell neutralized."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kefu.analytics.kpi_schemas import KpiReportRead, KpiRowRead
from kefu.core.i18n import gettext
from kefu.core.spreadsheet import neutral_cell, table_as_csv

_FORMATS = {
    "share": "0.0%",
    "seconds": "0.0",
    "per_10k": "0.00",
    "per_million": "0.00",
    "count": "0",
}


def _table(report: KpiReportRead, language: str) -> list[list[object]]:
    labels = {group.key: group.label for group in report.groups}
    header: list[object] = [
        gettext(language, "kpi.column.period"),
        gettext(language, "kpi.column.group"),
        *[info.label for info in report.kpis],
    ]
    total_label = gettext(language, "kpi.column.total")

    def line(period: str, row: KpiRowRead, group: str) -> list[object]:
        figures = [row.figures.get(info.id.value) for info in report.kpis]
        return [period, group, *[None if f is None else round(f, 6) for f in figures]]

    lines = [header]
    lines += [line(_period(r.bucket), r, labels.get(r.key, str(r.key))) for r in report.rows]
    lines += [line(total_label, r, labels.get(r.key, str(r.key))) for r in report.totals]
    lines.append(line(total_label, report.total, gettext(language, "kpi.group.all")))
    return lines


def _period(bucket: date | None) -> str:
    return "" if bucket is None else bucket.isoformat()


def as_csv(report: KpiReportRead, language: str) -> bytes:
    return table_as_csv(_table(report, language))


def as_xlsx(report: KpiReportRead, language: str) -> bytes:
    book = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = book.create_sheet(title="KPI")
    units = ["", ""] + [_FORMATS[info.unit] for info in report.kpis]
    header, *rows = _table(report, language)
    bold = Font(bold=True)
    sheet.append([_cell(sheet, v, font=bold) for v in header])
    for values in rows:
        sheet.append([_cell(sheet, v, number_format=u) for v, u in zip(values, units, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(
    sheet: WriteOnlyWorksheet, value: object, *, font: Font | None = None, number_format: str = ""
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=None if value is None else neutral_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, even if openpyxl would guess one
    elif number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell

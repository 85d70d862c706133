"""The distributor report as files: XLSX (openpyxl) and CSV (streamed)."""

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Font

from reports.selectors import DistributorRow, net_of_vat

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
HEADER = [
    "Week from (Thu)",
    "Week to (Wed)",
    "Film",
    "Cinema",
    "Sessions",
    "Admissions",
    "Gross",
    "VAT",
    "Net of VAT",
]


def filename(date_from: date, date_to: date, extension: str) -> str:
    return f"distributor-report-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{extension}"


def _cells(row: DistributorRow) -> list:
    return [
        row.week_start,
        row.week_end,
        row.movie,
        row.cinema,
        row.sessions,
        row.admissions,
        row.gross,
        row.vat,
        row.net,
    ]


def totals(rows: list[DistributorRow]) -> dict:
    gross = sum((r.gross for r in rows), Decimal("0.00"))
    net = net_of_vat(gross)
    return {
        "sessions": sum(r.sessions for r in rows),
        "admissions": sum(r.admissions for r in rows),
        "gross": gross,
        "vat": gross - net,
        "net": net,
    }


def distributor_xlsx(rows: list[DistributorRow], date_from: date, date_to: date) -> bytes:
    """One sheet: a title line, the header, a line per film week × film ×
    cinema, and a TOTAL line. Money as numbers with two decimals."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Distributor report"
    sheet.append([f"Distributor report {date_from:%Y-%m-%d} – {date_to:%Y-%m-%d}, VAT {settings.REPORT_VAT_RATE:%}"])
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
    total = totals(rows)
    sheet.append(["TOTAL", None, None, None, *total.values()])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in line[:2]:
            cell.number_format = "yyyy-mm-dd"
        for cell in line[6:]:
            cell.number_format = "#,##0.00"
    for letter, width in zip("ABCDEFGHI", (12, 12, 40, 30, 10, 11, 14, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Echo:
    """A file that hands back what is written to it (csv.writer into a stream)."""

    def write(self, value: str) -> str:
        return value


def distributor_csv(rows: list[DistributorRow]) -> Iterator[str]:
    """The report as CSV lines, produced one at a time for a streamed answer."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM: spreadsheet programs then read the Cyrillic as UTF-8
    yield writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow([_text(cell) for cell in _cells(row)])
    yield writer.writerow(["TOTAL", "", "", "", *(_text(v) for v in totals(rows).values())])


def _text(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)

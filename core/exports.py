"""Table exports that never hold the whole table in memory.

CSV is streamed row by row from a server-side cursor. XLSX is written by openpyxl's write-only
workbook (rows go straight to a temporary file, not into a model of the sheet) and the file is
streamed back. Every cell passes through ``spreadsheet_safe``: upstream texts (product names,
error messages) are not ours to trust, and spreadsheets run cells that start with = + - @ as
formulas.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
        return "'" + value
    return value


def _csv_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return spreadsheet_safe(value)


def _xlsx_value(value):
    if isinstance(value, datetime):
        # Excel has no time zones: write the local wall time of the active zone.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimal as a number
    return spreadsheet_safe(value)


class _LineBuffer:
    """A file-like sink for csv.writer that hands back what was written since the last take."""

    def __init__(self):
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def take(self) -> str:
        text, self._parts = "".join(self._parts), []
        return text


def csv_rows(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    buffer = _LineBuffer()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.take()
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
        yield buffer.take()


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "Export") -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    # The temporary file is deleted when the response closes it.
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def export_response(export_format: str, *, basename: str, header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "Export"):
    """``csv`` or ``xlsx`` with a timestamped file name, e.g. ``orders-demo-20260101-0930.csv``."""
    filename = f"{basename}-{timezone.localtime():%Y%m%d-%H%M}.{export_format}"
    if export_format == "xlsx":
        return xlsx_response(filename=filename, header=header, rows=rows, sheet_title=sheet_title)
    return csv_response(filename=filename, header=header, rows=rows)

"""CSV downloads that open safely in Excel: every CSV the product writes goes through here."""

import csv

from django.http import HttpResponse

# A cell starting with one of these runs as a formula in Excel, LibreOffice or Sheets
# (OWASP "CSV injection"); tab and carriage return can hide the sign that follows.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for a cell, with a leading apostrophe when it would otherwise run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_response(filename: str, header, rows) -> HttpResponse:
    """A CSV download of `rows` (iterables of values), never cached, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # so Excel reads UTF-8
    writer = csv.writer(response)
    writer.writerow([safe_cell(value) for value in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response

"""Reading the uploaded file: its encoding, delimiter, column names and rows."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from collections import Counter

from .columns import (
    ALWAYS_REQUIRED,
    COLUMN_ALIASES,
    COLUMN_NAMES,
    PUPIL,
    RECORD_TYPE_ALIASES,
    RECORD_TYPE_LABELS,
    RECORD_TYPES,
    REQUIRED_FOR_TYPE,
    and_list,
    letters,
)
from .result import ImportIssue, ImportResult
from .validation import Row, RowChecker

_NOT_CSV_SIGNATURES = (
    (
        b"PK\x03\x04",
        "This is an Excel workbook (.xlsx) or another zipped file, not a CSV file. "
        "In Excel choose File, Save As, and pick \u201cCSV UTF-8 (Comma delimited)\u201d.",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "This is an old-style Excel workbook (.xls), not a CSV file. In Excel choose "
        "File, Save As, and pick \u201cCSV UTF-8 (Comma delimited)\u201d.",
    ),
    (b"%PDF", "This is a PDF, not a CSV file. Export a CSV file from your MIS instead."),
)


class FileProblem(Exception):
    pass


def read_bytes(source) -> bytes | str:
    if isinstance(source, (bytes, str)):
        return source
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def decode(data: bytes | str, result: ImportResult | None = None) -> str:
    """Text from the upload: UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode
    Text"), else Windows-1252 as older Excel writes it in the UK - with a warning that
    says so, since a wrong guess would change accented names."""
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        for signature, message in _NOT_CSV_SIGNATURES:
            if data.startswith(signature):
                raise FileProblem(message)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16", errors="replace")
        else:
            data = data.removeprefix(codecs.BOM_UTF8)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _decode_windows_1252(data, result)
    if not text.strip():
        raise FileProblem("The file is empty. Choose the CSV file with the people in it.")
    if "\x00" in text:
        raise FileProblem("This isn't a CSV file: it contains binary data.")
    if text.lstrip()[:1] in ("<", "{"):
        raise FileProblem(
            "This isn't a CSV file (it looks like a web page or data in another format)."
        )
    return text


def _decode_windows_1252(data: bytes, result: ImportResult | None) -> str:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileProblem(
            "The file isn't text we can read (it is neither UTF-8 nor Windows-1252). In "
            "Excel choose File, Save As, and pick \u201cCSV UTF-8 (Comma delimited)\u201d."
        ) from None
    if result is not None:
        result.warn(
            None,
            "",
            "The file isn't UTF-8, so it was read as Windows-1252 (as older Excel saves "
            "it). Check that names with accents look right, or save the file as "
            "\u201cCSV UTF-8\u201d and upload it again.",
        )
    return text


def sniff_delimiter(text: str) -> tuple[str, str]:
    """(delimiter, text) - a comma, or a semicolon as European Excel writes, or a tab;
    decided by the column names row. Excel's optional "sep=;" first line is honoured."""
    # Old Mac Excel ends lines with a carriage return alone.
    first, *rest = re.split(r"\r\n|\r|\n", text.lstrip("\r\n"), maxsplit=1)
    match = re.fullmatch(r"sep=(.)", first.strip(" "))
    if match:
        return match.group(1), rest[0] if rest else ""
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return (best if counts[best] else ","), text


def normalise_header(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower().removeprefix("\ufeff"))
    return COLUMN_ALIASES.get(key, key)


def read_rows(text: str, result: ImportResult, today: datetime.date) -> tuple[list[Row], set[str]]:
    """Every row with a known record type (`ok` is False for those with problems), and
    the MIS references of every pupil row; problems are recorded on the result."""
    delimiter, text = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_row = 0
    rows: list[Row] = []
    pupil_refs: set[str] = set()
    checker = None
    seen_types: set[str] = set()
    try:
        for number, cells in enumerate(reader, start=1):
            # Stray spaces, and line breaks typed inside a cell (Alt+Enter), become one space.
            cells = [" ".join(c.split()) for c in cells]
            if not any(cells):
                continue  # a blank line (or a row of empty cells)
            if header is None:
                header, header_row = [normalise_header(c) for c in cells], number
                while header and not header[-1]:
                    header.pop()  # Excel's trailing empty columns
                if not check_header(header, result):
                    return [], set()
                checker = RowChecker(result, set(header), today)
                continue
            extra = [c for c in cells[len(header) :] if c]
            if extra:
                result.error(
                    number,
                    "",
                    f"This row has more cells than there are column names ({len(cells)} "
                    f"instead of {len(header)}). A value may contain a "
                    f"'{delimiter}' without quotes around it.",
                )
                continue
            values = {name: value for name, value in zip(header, cells, strict=False) if name}
            result.rows_read += 1
            record_type = RECORD_TYPE_ALIASES.get(letters(values.get("record_type", "")))
            seen_types.add(record_type)
            if record_type == PUPIL and values.get("mis_id"):
                pupil_refs.add(values["mis_id"].casefold())
            row = checker.check(number, values)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        result.error(None, "", f"The file couldn't be read as CSV ({error}).")
        return [], set()
    if header is None:
        result.error(None, "", "The file is empty. Choose the CSV file with the people in it.")
        return [], set()
    if not result.rows_read:
        result.error(None, "", f"The file has column names (row {header_row}) but no people in it.")
        return [], set()
    check_columns_for_types(header, seen_types, result)
    return rows, pupil_refs


def check_header(header: list[str], result: ImportResult) -> bool:
    known = [h for h in header if h in COLUMN_NAMES]
    if not known:
        result.error(
            1,
            "",
            "The first row should be the column names (record_type, mis_id, first_name, "
            "last_name and so on), but none were found. Is this the right file? Start "
            "from the template.",
        )
        return False
    twice = sorted(name for name, n in Counter(known).items() if n > 1)
    if twice:
        result.error(1, "", f"These columns appear more than once: {', '.join(twice)}.")
        return False
    missing = [c for c in ALWAYS_REQUIRED if c not in header]
    if missing:
        result.error(
            1,
            "",
            f"The file has no {and_list(missing)} column{'s' if len(missing) > 1 else ''}. "
            "Add the missing column names to the first row, or start from the template.",
        )
        return False
    unknown = [h for h in header if h and h not in COLUMN_NAMES]
    if unknown:
        result.warn(
            None,
            "",
            f"These columns were ignored because the import doesn't use them: "
            f"{', '.join(unknown)}.",
        )
    if "" in header:
        result.warn(None, "", "Columns without a name in the first row were ignored.")
    return True


def check_columns_for_types(header, seen_types, result: ImportResult) -> None:
    missing = {}
    for record_type in RECORD_TYPES:
        if record_type in seen_types:
            for column in REQUIRED_FOR_TYPE[record_type]:
                if column not in header:
                    missing.setdefault(column, []).append(RECORD_TYPE_LABELS[record_type].lower())
    if missing:
        # One error for the column rather than one for every row that leaves it blank.
        result.errors[:] = [e for e in result.errors if e.column not in missing]
        details = "; ".join(f"{c} (needed for {' and '.join(t)})" for c, t in missing.items())
        # Put it first: it explains the row problems that follow.
        result.errors.insert(
            0,
            ImportIssue(
                1, "", f"The file is missing columns: {details}. Add them to the first row."
            ),
        )

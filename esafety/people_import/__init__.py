"""CSV import of pupils, staff and parents from an MIS export (SIMS or Arbor style).

The package: `columns` (the template and the words it understands), `parsing` (reading
the file), `validation` (each row's values), `matching` (rows against the school's
people), `writing` (working out and writing the changes), `result` (what the page shows).

`import_people()` reads the whole file and checks every row before anything is written.
If any row has a problem it returns every problem (row, column, message) and writes
nothing. Otherwise it creates and updates people in one transaction with a handful of
bulk queries; every created or changed record gets a history row attributed to the
person who imported the file.

Matching, so that importing the same file again updates rather than duplicates:

1. a membership of this school with the row's role and the same MIS reference
   (`Membership.external_id`, compared case-insensitively);
2. otherwise a person of this trust with the row's email address (case-insensitive), who
   then gets a new role here (a staff member who is also a parent) - or, if they already
   hold that role here with no MIS reference, that role is adopted. An account held only
   in another trust is never matched: its row is refused, and no message names it;
3. otherwise, for a pupil with a date of birth, the one pupil at this school with the
   same name and date of birth and no MIS reference (someone added by hand earlier);
4. otherwise a new person.

The CSV import never ends or deletes anything because it is missing from the file (the
MIS sync, which knows the whole roll, ends the roles of leavers: `leavers.py`), and parent links
that the school has ended are not restored. The sign-in email of an account already in
use (a password set, or a role in another school or trust) is not changed: whoever holds
the new address could reset the password. Names and dates of birth of accounts with no
role at this school yet are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from esafety.models import School, User
from esafety.signals import people_imported, people_left

from .columns import CHANGE_REASON, COLUMN_NAMES, COLUMNS, PARENT, PUPIL, STAFF, template_csv
from .leavers import Leaver, LeaverSpec, plan_leavers
from .matching import Existing, Planner
from .parsing import FileProblem, decode, read_bytes, read_rows
from .result import ImportIssue, ImportResult
from .validation import Row, RowChecker, check_duplicates_in_file, parse_date, parse_year_group
from .writing import plan_changes, write_changes

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "PARENT",
    "PUPIL",
    "STAFF",
    "ImportIssue",
    "ImportResult",
    "Leaver",
    "LeaverSpec",
    "check_records",
    "decode",
    "import_people",
    "import_rows",
    "parse_date",
    "parse_year_group",
    "template_csv",
]


def import_people(
    *, school: School, uploaded_file_or_text, imported_by: User, dry_run: bool = False
) -> ImportResult:
    """Check a CSV file of people and, if every row is right, import it all.

    `uploaded_file_or_text` is an uploaded file, bytes or str. With errors, or with
    `dry_run`, nothing is written; the result says what would have happened.
    """
    result = ImportResult(filename=getattr(uploaded_file_or_text, "name", ""), dry_run=dry_run)
    today = timezone.localdate()
    try:
        text = decode(read_bytes(uploaded_file_or_text), result)
    except FileProblem as problem:
        result.error(None, "", str(problem))
        return result
    rows, pupil_refs = read_rows(text, result, today)
    if not result.rows_read:
        return result
    return import_rows(
        school=school,
        rows=rows,
        pupil_refs=pupil_refs,
        result=result,
        imported_by=imported_by,
        today=today,
        dry_run=dry_run,
    )


def check_records(
    records: list[tuple[int, dict[str, str]]], result: ImportResult, today
) -> tuple[list[Row], set[str]]:
    """Rows from records another source (the MIS sync) gives in the template's columns:
    (number, cells) pairs, checked by the same RowChecker as a CSV file's rows."""
    checker = RowChecker(result, {name for _, cells in records for name in cells}, today)
    rows, pupil_refs = [], set()
    for number, cells in records:
        result.rows_read += 1
        if cells.get("record_type") == PUPIL and cells.get("mis_id"):
            pupil_refs.add(cells["mis_id"].casefold())
        row = checker.check(number, cells)
        if row is not None:
            rows.append(row)
    return rows, pupil_refs


def import_rows(
    *,
    school: School,
    rows: list[Row],
    pupil_refs: set[str],
    result: ImportResult,
    imported_by: User | None,
    today,
    dry_run: bool = False,
    refuse_bad_rows: bool = False,
    leavers: LeaverSpec | None = None,
    may_write: Callable[[ImportResult], bool] | None = None,
    change_reason: str = CHANGE_REASON,
) -> ImportResult:
    """Match checked rows against the school's people and write the changes: the one
    path for the CSV import and the MIS sync.

    The CSV import refuses the whole file if one row is wrong. A sync
    (`refuse_bad_rows`) sets the wrong rows aside on `result.refused` and carries on;
    a problem with the whole source still stops it. With `leavers`, the roles of people
    the source says have gone are ended (see `leavers.py`). `may_write(result)`, asked
    once everything is worked out, can still decide to write nothing (a sync over the
    school's limits stops and asks)."""
    check_duplicates_in_file(rows, result)
    rows_with_errors = {e.row for e in result.errors}
    rows = [r for r in rows if r.ok and r.number not in rows_with_errors]

    existing = Existing(school, rows, today)
    planner = Planner(school, rows, result, existing, pupil_refs)
    planner.plan()
    pairs = planner.links()
    if result.errors:
        # Problems with the whole file first, then by row; stable, so columns stay in order.
        result.errors.sort(key=lambda e: e.row or 0)
        if not refuse_bad_rows or any(e.row is None for e in result.errors):
            return result
        result.refused, result.errors = result.errors, []
    changes = plan_changes(
        school=school, planner=planner, existing=existing, pairs=pairs, result=result
    )
    if leavers is not None:
        plan_leavers(existing=existing, spec=leavers, planner=planner, result=result)
    if dry_run or (may_write is not None and not may_write(result)):
        result.dry_run = True
        return result
    write_changes(
        changes=changes,
        school=school,
        imported_by=imported_by,
        today=today,
        result=result,
        change_reason=change_reason,
    )
    if result.imported:
        # Written in bulk: no save signals. Robust: the import stands whatever a receiver
        # does (the sweep catches up).
        transaction.on_commit(
            lambda: people_imported.send_robust(sender=School, school=school), robust=True
        )
        if result.leavers:
            left = {leaver.membership.pk: leaver.destination for leaver in result.leavers}
            transaction.on_commit(
                lambda: people_left.send_robust(
                    sender=School, school=school, memberships=left, ended_on=today
                ),
                robust=True,
            )
    return result

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

Nothing is ever ended or deleted because it is missing from the file, and parent links
that the school has ended are not restored. The sign-in email of an account already in
use (a password set, or a role in another school or trust) is not changed: whoever holds
the new address could reset the password. Names and dates of birth of accounts with no
role at this school yet are left as they are.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from esafety.models import School, User
from esafety.signals import people_imported

from .columns import COLUMN_NAMES, COLUMNS, template_csv
from .matching import Existing, Planner
from .parsing import FileProblem, decode, read_bytes, read_rows
from .result import ImportIssue, ImportResult
from .validation import check_duplicates_in_file, parse_date, parse_year_group
from .writing import plan_changes, write_changes

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "ImportIssue",
    "ImportResult",
    "decode",
    "import_people",
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
        return result
    changes = plan_changes(
        school=school, planner=planner, existing=existing, pairs=pairs, result=result
    )
    if not dry_run:
        write_changes(
            changes=changes, school=school, imported_by=imported_by, today=today, result=result
        )
        # Written in bulk: no save signals. Robust: the import stands whatever a receiver
        # does (the sweep catches up).
        transaction.on_commit(
            lambda: people_imported.send_robust(sender=School, school=school), robust=True
        )
    return result

"""Training counted in the database, for the figures: per school and requirement, how many
staff and how many trustees must have it and how many of them are done, due, overdue or
missing. One GROUP BY over every school asked for; never names.

The matrix and the reminders need each person's standing and use `status.
school_standings`. The figures need only counts, and building 40,000 standings of a
trust in Python cost 25 times a trivial page. The rules stay where they are:

- who must have what is `status.Person.must_have`, written below as one SQL condition on
  the same facts (`_MUST_HAVE`);
- a cell's status is `status.standing()`. It depends on the date of the last record only
  through two days (from the first the record is done, from the second due, before it
  overdue) and, with no record, on the day the person joined only through one: `_cutoffs`
  finds those days by asking standing() itself, and the SQL compares dates with them.

tests/test_counting.py checks these counts against school_standings on varied data.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, Max, Min, Value, When

from esafety.models import STAFF_ROLES, Membership, Role, School, StaffType, TrusteeMembership

from .models import TRUSTEE, Evidence, Requirement, TrainingRecord
from .status import DONE, DUE, MISSING, OVERDUE, codes_in_trusts, signatures_asked, standing

EARLIEST = datetime.date(1, 1, 1)
ROLES = sorted(role.value for role in STAFF_ROLES)
TYPES = [t.value for t in StaffType]
STAFF, TRUSTEES = "staff", "trustees"
STAFF_ROLE = Role.STAFF.value


@dataclass
class Counts:
    """One requirement's cells in one group (staff, or trustees who are not staff)."""

    required: int = 0
    done: int = 0
    due: int = 0
    overdue: int = 0
    missing: int = 0


def counted(school_ids, today) -> tuple[list, dict]:
    """The schools' active requirements (by title, as the matrix shows them) and
    `{(requirement id, STAFF or TRUSTEES): Counts}`. Four queries, five with documents
    to sign, whatever the number of schools and people."""
    requirements = list(
        Requirement.objects.filter(school_id__in=school_ids, is_active=True)
        .select_related("document__school")
        .order_by("title", "pk")
    )
    if not requirements:
        return [], {}
    trusts = set(School.objects.filter(pk__in=school_ids).values_list("trust_id", flat=True))
    counts = {}
    sql, params, _ = _sql(requirements, school_ids, trusts, today)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for requirement_id, trustee_only, status, n in cursor.fetchall():
            found = counts.setdefault(
                (requirement_id, TRUSTEES if trustee_only else STAFF), Counts()
            )
            found.required += n
            setattr(found, status, getattr(found, status) + n)
    return requirements, counts


@dataclass(frozen=True)
class Late:
    """A cell that is due or overdue, for the reminders: who (no name) and their standing."""

    requirement: Requirement
    school_id: int
    user_id: int
    trustee_only: bool  # a trustee who is not also staff here
    standing: object


def late_cells(school_ids, today) -> list[Late]:
    """Every cell of these schools that is due or overdue, found in the database (the
    rest never reach Python), with its standing() for the dates a reminder needs."""
    requirements = list(
        Requirement.objects.filter(school_id__in=school_ids, is_active=True)
        .select_related("document__school")
        .order_by("title", "pk")
    )
    if not requirements:
        return []
    by_id = {r.pk: r for r in requirements}
    trusts = set(School.objects.filter(pk__in=school_ids).values_list("trust_id", flat=True))
    sql, params, published = _sql(requirements, school_ids, trusts, today, outer=_LATE)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for requirement_id, user_id, trustee_only, joined_on, last in rows:
        requirement = by_id[requirement_id]
        found.append(
            Late(
                requirement,
                requirement.school_id,
                user_id,
                bool(trustee_only),
                standing(
                    requirement,
                    joined_on=_as_date(joined_on),
                    done_on=_as_date(last) if requirement.evidence != Evidence.SIGNATURE else None,
                    today=today,
                    version_published_on=published.get(requirement.document_id),
                ),
            )
        )
    return found


def _as_date(value):
    """Dates come back from raw SQL as dates (PostgreSQL) or ISO strings (SQLite)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


# --- the rules as dates to compare with -----------------------------------------------


def _first_day(holds, lo: datetime.date, hi: datetime.date) -> datetime.date:
    """The first day from `lo` to `hi` on which `holds` (true from some day on) is true."""
    if not holds(hi):
        raise ValueError("a standing that never comes true: not monotonic in the date")
    first, last = lo.toordinal(), hi.toordinal()
    while first < last:
        middle = (first + last) // 2
        if holds(datetime.date.fromordinal(middle)):
            last = middle
        else:
            first = middle + 1
    return datetime.date.fromordinal(first)


def _cutoffs(requirement, today, published) -> dict:
    """Asked of standing(): from which day a last record makes the requirement done, and
    due (before: overdue); with no record, whether it is missing, else from which day of
    joining it is due (before: overdue)."""

    def with_record(wanted):
        return lambda day: (
            standing(requirement, joined_on=today, done_on=day, today=today).status in wanted
        )

    def without_record(day):
        return standing(
            requirement, joined_on=day, done_on=None, today=today, version_published_on=published
        )

    horizon = today + datetime.timedelta(days=400)
    missing = without_record(today).status == MISSING
    return {
        "done_from": _first_day(with_record({DONE}), EARLIEST, horizon),
        "due_from": _first_day(with_record({DONE, DUE}), EARLIEST, horizon),
        "missing": int(missing),
        "joined_from": EARLIEST
        if missing
        else _first_day(lambda day: without_record(day).status == DUE, EARLIEST, horizon),
    }


# --- the query ----------------------------------------------------------------------------

# Person.must_have on the flags of a person (p) and a requirement (r): an audience role the
# person holds; for staff, of a listed staff type if the requirement lists any; a trustee;
# and for a requirement for new starters, joined since it was set up.
_MUST_HAVE = (
    "("
    + " OR ".join(f"(r.a_{role} = 1 AND p.r_{role} = 1)" for role in ROLES if role != STAFF_ROLE)
    + f" OR (r.a_{STAFF_ROLE} = 1 AND p.r_{STAFF_ROLE} = 1 AND (r.any_type = 0"
    + "".join(f" OR (r.t_{t} = 1 AND p.t_{t} = 1)" for t in TYPES)
    + "))"
    + " OR (r.a_trustee = 1 AND p.is_trustee = 1)"
    + ") AND p.joined_on >= r.starts_from"
)

# standing() on the dates found by _cutoffs.
_STATUS = f"""CASE
    WHEN r.by_record = 1 AND d.last >= r.done_from THEN '{DONE}'
    WHEN r.by_record = 1 AND d.last >= r.due_from THEN '{DUE}'
    WHEN r.by_record = 1 AND d.last IS NOT NULL THEN '{OVERDUE}'
    WHEN r.by_record = 0 AND {{signed}} THEN '{DONE}'
    WHEN r.missing = 1 THEN '{MISSING}'
    WHEN p.joined_on >= r.joined_from THEN '{DUE}'
    ELSE '{OVERDUE}' END"""

_REQUIREMENT_COLUMNS = [
    "requirement_id",
    "school_id",
    "record_key",
    "document_id",
    "by_record",
    "done_from",
    "due_from",
    "missing",
    "joined_from",
    "starts_from",
    *(f"a_{role}" for role in [*ROLES, TRUSTEE]),
    "any_type",
    *(f"t_{t}" for t in TYPES),
]


def _record_key(requirement_id, code) -> str:
    return code or f"#{requirement_id}"


_COUNTS = """SELECT requirement_id, trustee_only, status, COUNT(*) FROM ({cells}) cells
GROUP BY requirement_id, trustee_only, status"""
_LATE = f"""SELECT requirement_id, user_id, trustee_only, joined_on, last FROM ({{cells}}) cells
WHERE status IN ('{DUE}', '{OVERDUE}')"""


def _sql(requirements, school_ids, trusts, today, outer=_COUNTS):
    date = connection.ops.adapt_datefield_value
    counts_q, published = signatures_asked(requirements, today)
    cutoffs = {}
    rows, params = [], []
    for requirement in requirements:
        by_record = requirement.evidence != Evidence.SIGNATURE
        asked = None if by_record else published.get(requirement.document_id)
        # standing() depends only on these (and today) for the dates found
        shape = (
            requirement.evidence,
            requirement.renew_months,
            requirement.induction_days,
            asked,
        )
        if shape not in cutoffs:
            cutoffs[shape] = _cutoffs(requirement, today, asked)
        found = cutoffs[shape]
        audience = set(requirement.audience_roles)
        types = set(requirement.audience_staff_types)
        values = [
            requirement.pk,
            requirement.school_id,
            _record_key(requirement.pk, requirement.code),
            requirement.document_id or 0,
            int(by_record),
            date(found["done_from"]),
            date(found["due_from"]),
            found["missing"],
            date(found["joined_from"]),
            date(requirement.starts_on if requirement.new_starters_only else EARLIEST),
            *(int(role in audience) for role in [*ROLES, TRUSTEE]),
            int(bool(types)),
            *(int(t in types) for t in TYPES),
        ]
        rows.append("(" + ", ".join(["%s"] * len(values)) + ")")
        params += values

    people_sql, people_params = _people_sql(school_ids, trusts, today)
    by_records = [r for r in requirements if r.evidence != Evidence.SIGNATURE]
    keys = codes_in_trusts(by_records, trusts)
    keys.update({r.pk: r.code for r in by_records if not r.code})
    key_rows = [(pk, _record_key(pk, code)) for pk, code in keys.items()] or [(0, "")]
    record = TrainingRecord._meta.db_table
    signed_cte, signed_join, signed = "", "", "1 = 0"
    if counts_q is not None:
        from agreements.models import Signature

        signatures = (
            Signature.objects.filter(counts_q, is_withdrawal=False)
            .values("subject_id", "version__document_id")
            .order_by()
            .distinct()
        )
        signed_sql, signed_params = signatures.query.sql_with_params()
        signed_cte = f", signed (person_id, document_id) AS ({signed_sql})"
        signed_join = (
            "LEFT JOIN signed s ON s.person_id = p.user_id AND s.document_id = r.document_id"
        )
        signed = "s.person_id IS NOT NULL"
    else:
        signed_params = ()
    cells = f"""
    SELECT r.requirement_id, p.user_id, p.joined_on, d.last,
        CASE WHEN p.is_trustee = 1 AND p.any_role = 0 THEN 1 ELSE 0 END AS trustee_only,
        {_STATUS.format(signed=signed)} AS status
    FROM people p
    JOIN requirements r ON r.school_id = p.school_id AND {_MUST_HAVE}
    LEFT JOIN done d ON d.person_id = p.user_id AND d.record_key = r.record_key
    {signed_join}"""
    sql = f"""
WITH requirements ({", ".join(_REQUIREMENT_COLUMNS)}) AS (VALUES {", ".join(rows)}),
keys (requirement_id, record_key) AS (VALUES {", ".join(["(%s, %s)"] * len(key_rows))}),
people AS ({people_sql}),
done AS (
    SELECT tr.person_id, k.record_key, MAX(tr.completed_on) AS last
    FROM {record} tr JOIN keys k ON k.requirement_id = tr.requirement_id
    WHERE tr.completed_on IS NOT NULL AND tr.requirement_id IS NOT NULL
        AND tr.person_id IN (SELECT user_id FROM people)
    GROUP BY tr.person_id, k.record_key
){signed_cte}
{outer.format(cells=cells)}
"""
    params += [value for row in key_rows for value in row]
    return sql, [*params, *people_params, *signed_params], published


def _flag(**condition):
    one = Case(When(then=Value(1), **condition), default=Value(0))
    return Max(one, output_field=IntegerField())


def _people_sql(school_ids, trusts, today):
    """Per school, everyone status.people_in counts (staff in post and the trust's
    trustees), one row each: the day they joined, their roles and staff types as flags."""
    staff = (
        Membership.objects.active(today)
        .filter(school_id__in=school_ids, role__in=STAFF_ROLES, user__is_active=True)
        .values("school_id", "user_id")
        .annotate(
            joined_on=Min("started_on"),
            is_trustee=Value(0, output_field=IntegerField()),
            **{f"r_{role}": _flag(role=role) for role in ROLES},
            **{f"t_{t}": _flag(staff_type=t) for t in TYPES},
        )
        .order_by()
    )
    staff_sql, staff_params = staff.query.sql_with_params()
    trustees = (
        TrusteeMembership.objects.active(today)
        .filter(trust_id__in=trusts, user__is_active=True)
        .values("trust_id", "user_id", "started_on")
    )
    trustees_sql, trustees_params = trustees.query.sql_with_params()
    flags = [f"r_{role}" for role in ROLES] + [f"t_{t}" for t in TYPES]
    school_table = School._meta.db_table
    ids = ", ".join(["%s"] * len(school_ids))
    zeros = ", ".join(["0"] * len(flags))
    columns = ["school_id", "user_id", "joined_on", "is_trustee", *flags]
    sql = f"""
    SELECT school_id, user_id, MIN(joined_on) AS joined_on, MAX(is_trustee) AS is_trustee,
        {", ".join(f"MAX({f}) AS {f}" for f in flags)},
        MAX({" + ".join(f"r_{role}" for role in ROLES)}) AS any_role
    FROM (
        SELECT {", ".join(f"s.{c}" for c in columns)} FROM ({staff_sql}) s
        UNION ALL
        SELECT sc.id, t.user_id, t.started_on, 1, {zeros}
        FROM ({trustees_sql}) t JOIN {school_table} sc ON sc.trust_id = t.trust_id
        WHERE sc.id IN ({ids})
    ) everyone
    GROUP BY school_id, user_id"""
    return sql, [*staff_params, *trustees_params, *school_ids]
